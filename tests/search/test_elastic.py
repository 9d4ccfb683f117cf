"""The Elasticsearch backend: the mappings and queries it builds (no server needed), and
the search contract against a real server when ``ELASTICSEARCH_URL`` is set."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import AnonymousUser
from elasticsearch_dsl import Index

from portal.access import rule
from portal.access.distribution import Distribution, distribution_apply
from search.backends import elastic
from search.backends.database import START, STOP
from search.indexing import entry_update
from search.models import SearchEntry
from search.registry import search_types

pytestmark = pytest.mark.django_db


def _type(slug):
    return next(t for t in search_types() if t.slug == slug)


def test_one_document_per_type_with_keys_as_keywords(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "portal"
    assert {t.slug for t in search_types()} == {"alert", "glossary", "specimen"}
    for search_type in search_types():
        cls = elastic.document_class(search_type)
        assert cls._index._name == f"portal-{search_type.slug}"
        mapping = cls._doc_type.mapping.to_dict()["properties"]
        assert mapping["keys"] == {"type": "keyword"}
        assert mapping["title"]["type"] == "text" and mapping["title"]["analyzer"] == "portal_text"
        assert mapping["body"]["analyzer"] == "portal_text"
        for facet in ("type", "issuing_country", "document_type", "fraud_type", "light_sources"):
            assert mapping[facet] == {"type": "keyword"}
        assert mapping["url"] == {"type": "keyword", "index": False}
        assert mapping["marks"] == {"type": "object", "enabled": False}
    index = Index("portal-specimen-test")
    index.document(elastic.document_class(_type("specimen")))
    analysis = index.to_dict()["settings"]["analysis"]["analyzer"]["portal_text"]
    assert analysis["filter"] == ["lowercase", "asciifolding", "porter_stem"]


def test_the_query_filters_by_the_users_keys_inside_it(users):
    keys = rule.user_keys(users["officer.vnm"])
    body = elastic.build_search(
        keys=keys, terms=["vnm", "passport"], filters={"issuing_country": "VNM"}, every=True, page=2
    ).to_dict()
    query = body["query"]["bool"]
    assert query["filter"] == [{"terms": {"keys": sorted(keys)}}]
    assert query["must"][0]["multi_match"] == {
        "query": "vnm passport", "fields": ["title^3", "body"], "operator": "and",
    }  # fmt: skip
    # Facet filters narrow the hits (post_filter), not the facets' own counts.
    assert body["post_filter"] == {"bool": {"filter": [{"term": {"issuing_country": "VNM"}}]}}
    assert body["aggs"]["issuing_country"]["filter"] == {"bool": {}}  # matches everything
    assert body["aggs"]["document_type"]["filter"] == {
        "bool": {"filter": [{"term": {"issuing_country": "VNM"}}]}
    }
    assert body["aggs"]["type"]["aggs"]["values"] == {"terms": {"field": "type", "size": 50}}
    assert body["highlight"]["pre_tags"] == [START] and body["highlight"]["post_tags"] == [STOP]
    assert body["track_total_hits"] is True
    assert (body["from"], body["size"]) == (20, 20)


def test_the_light_source_facet_reads_the_list_field(users):
    body = elastic.build_search(
        keys=rule.user_keys(users["officer.vnm"]), terms=["hologram"],
        filters={"light_source": "uv", "type": "specimen"}, every=True, page=1,
    ).to_dict()  # fmt: skip
    assert {"term": {"light_sources": "uv"}} in body["post_filter"]["bool"]["filter"]
    light = body["aggs"]["light_source"]
    assert light["aggs"]["values"] == {"terms": {"field": "light_sources", "size": 50}}
    assert light["filter"] == {"bool": {"filter": [{"term": {"type": "specimen"}}]}}


def test_any_word_fallback_and_superusers_unfiltered(users):
    body = elastic.build_search(
        keys=rule.user_keys(users["admin"]), terms=["a", "b"], filters={}, every=False, page=1
    ).to_dict()
    assert "filter" not in body["query"]["bool"]  # superusers hold every key
    assert body["query"]["bool"]["must"][0]["multi_match"]["operator"] == "or"
    anonymous = elastic.build_search(
        keys=rule.user_keys(AnonymousUser()), terms=["a"], filters={}, every=True, page=1
    ).to_dict()
    assert anonymous["query"]["bool"]["filter"] == [{"terms": {"keys": ["public"]}}]


def test_suggestions_query(users):
    body = elastic.build_suggest(
        keys=rule.user_keys(users["officer.fin"]), terms=["saffron", "holo"]
    ).to_dict()
    must = body["query"]["bool"]["must"][0]
    assert must == {"match_bool_prefix": {"title": {"query": "saffron holo", "operator": "and"}}}
    assert body["query"]["bool"]["filter"][0]["terms"]["keys"] == sorted(
        rule.user_keys(users["officer.fin"])
    )
    assert body["size"] == 8


def test_documents_carry_the_items_keys_and_the_glossary_members(users):
    from portal.specimens.models import GlossaryTerm
    from tests.search.test_search import specimen

    item = specimen("Keyed specimen", level={"level": "networks", "networks": ["andex"]})
    entry = SearchEntry.objects.get(object_id=item.pk, type="specimen")
    body = elastic.document_body(_type("specimen"), item, entry)
    assert body["keys"] == sorted(rule.item_keys(item))
    assert "network:andex" in body["keys"]
    term = GlossaryTerm.objects.first()
    entry_update(term)
    glossary_entry = SearchEntry.objects.get(object_id=term.pk, type="glossary")
    assert elastic.document_body(_type("glossary"), term, glossary_entry)["keys"] == ["members"]


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL not set")
def test_contract_on_elasticsearch(users, settings, django_capture_on_commit_callbacks):
    """Against a real server: visible-only totals, facets and snippets; narrowing after
    commit; the alias swap of a rebuild."""
    from search import search
    from search.indexing_rebuild import index_rebuild
    from tests.search.test_search import specimen

    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"portal-test-{os.getpid()}"
    hidden = specimen("Orchid hologram passport", level={"level": "country"},
                      description="Secret orchid detail.")  # fmt: skip
    shared = specimen("Orchid hologram passport", owner="VNM", issuer="VNM",
                      description="Shared orchid hologram.")  # fmt: skip
    index_rebuild()
    es = elastic.client()
    try:
        fin = search(users["officer.fin"], "orchid hologram")
        assert fin.total == 1 and fin.hits[0].id == shared.pk
        assert fin.facets["issuing_country"] == {"VNM": 1}
        assert "Secret" not in str(fin.hits[0].snippet) and "<mark>" in str(fin.hits[0].snippet)
        assert search(users["officer.tha"], "orchid hologram").total == 2
        with django_capture_on_commit_callbacks(execute=True):
            distribution_apply(
                item=shared, distribution=Distribution.from_data({"level": "country"})
            )
        assert search(users["officer.fin"], "orchid hologram").total == 0
        first = set(es.indices.get_alias(name=elastic.alias_name(_type("specimen"))))
        index_rebuild()
        second = set(es.indices.get_alias(name=elastic.alias_name(_type("specimen"))))
        assert len(first) == len(second) == 1 and first != second
        assert not es.indices.exists(index=next(iter(first)))
        assert hidden.pk in [h.id for h in search(users["officer.tha"], "orchid").hits]
    finally:
        es.indices.delete(index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True)
