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
from search.backends.base import START, STOP
from search.indexing import entry_update
from search.models import SearchEntry
from search.registry import search_types

pytestmark = pytest.mark.django_db


def _type(slug):
    return next(t for t in search_types() if t.slug == slug)


def test_one_document_per_type_with_keys_as_keywords_and_one_facet_object(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "portal"
    assert {t.slug for t in search_types()} == {
        "alert", "course", "glossary", "lesson", "meeting", "specimen",
    }  # fmt: skip
    for search_type in search_types():
        cls = elastic.document_class(search_type)
        assert cls._index._name == f"portal-{search_type.slug}"
        mapping = cls._doc_type.mapping.to_dict()["properties"]
        assert mapping["keys"] == {"type": "keyword"}
        assert mapping["title"]["type"] == "text" and mapping["title"]["analyzer"] == "portal_text"
        assert mapping["body"]["analyzer"] == "portal_text"
        assert mapping["type"] == {"type": "keyword"}
        # Every facet of every type, known or to come, in one generic object of keywords.
        assert mapping["facets"] == {"type": "flattened"}
        assert not {"issuing_country", "document_type", "light_sources"} & set(mapping)
        assert mapping["url"] == {"type": "keyword", "index": False}
        assert mapping["marks"] == {"type": "object", "enabled": False}
    index = Index("portal-specimen-test")
    index.document(elastic.document_class(_type("specimen")))
    analysis = index.to_dict()["settings"]["analysis"]["analyzer"]["portal_text"]
    assert analysis["filter"] == ["lowercase", "asciifolding", "porter_stem"]


FACETS = ("type", "issuing_country", "document_type", "light_source")


def test_the_counts_filter_by_the_users_keys_inside_the_query(users):
    keys = rule.user_keys(users["officer.vnm"])
    body = elastic.build_counts(
        keys=keys, terms=["vnm", "passport"], filters={"issuing_country": "VNM"}, facets=FACETS
    ).to_dict()
    query = body["query"]["bool"]
    assert query["filter"] == [{"terms": {"keys": sorted(keys)}}]
    # Two words: a result holds both (one alone is never a partial match); title and
    # body are one field to them, as the database's one vector.
    every = {"multi_match": {"query": "vnm passport", "fields": ["title^3", "body"],
                             "type": "cross_fields", "operator": "and"}}  # fmt: skip
    assert query["must"] == [every]
    assert body["aggs"]["complete"]["filter"]["bool"]["filter"] == [
        {"term": {"facets.issuing_country": "VNM"}},
        every,
    ]
    # Filters narrow the hits (post_filter), not the facets' own counts.
    assert body["post_filter"] == {
        "bool": {"filter": [{"term": {"facets.issuing_country": "VNM"}}]}
    }
    assert body["aggs"]["facet:issuing_country"]["filter"] == {"bool": {}}  # everything
    assert body["aggs"]["facet:document_type"]["filter"] == {
        "bool": {"filter": [{"term": {"facets.issuing_country": "VNM"}}]}
    }
    assert body["aggs"]["facet:type"]["aggs"]["values"] == {
        "terms": {"field": "type", "size": elastic.FACET_SIZE}
    }
    assert body["aggs"]["facet:light_source"]["aggs"]["values"] == {
        "terms": {"field": "facets.light_source", "size": elastic.FACET_SIZE}
    }
    assert set(body["aggs"]) == {"complete", *(f"facet:{name}" for name in FACETS)}
    assert (body["track_total_hits"], body["size"]) == (True, 0)


def test_a_new_facet_needs_no_new_mapping_or_query_code(users):
    body = elastic.build_counts(
        keys=rule.user_keys(users["officer.vnm"]), terms=["notice"],
        filters={"competency_level": "expert", "type": "course"},
        facets=("type", "competency_level"),
    ).to_dict()  # fmt: skip
    level = body["aggs"]["facet:competency_level"]
    assert level["aggs"]["values"]["terms"]["field"] == "facets.competency_level"
    assert level["filter"] == {"bool": {"filter": [{"term": {"type": "course"}}]}}
    assert {"term": {"facets.competency_level": "expert"}} in body["post_filter"]["bool"]["filter"]


def test_pages_of_complete_then_partial_matches(users):
    keys = rule.user_keys(users["officer.vnm"])
    words = {"fields": ["title^3", "body"], "type": "cross_fields"}
    every = {"multi_match": {"query": "a b c", **words, "operator": "and"}}
    # Three words: a partial match holds two of them.
    two = {"multi_match": {"query": "a b c", **words, "operator": "or",
                           "minimum_should_match": 2}}  # fmt: skip
    complete = elastic.build_page(
        keys=keys, terms=["a", "b", "c"], filters={"light_source": "uv"}, complete=True,
        start=20, size=20,
    ).to_dict()  # fmt: skip
    assert complete["query"]["bool"]["must"] == [every]
    assert complete["query"]["bool"]["filter"] == [
        {"terms": {"keys": sorted(keys)}},
        {"term": {"facets.light_source": "uv"}},
    ]
    assert (complete["from"], complete["size"]) == (20, 20)
    assert complete["sort"] == ["_score", {"updated_at": "desc"}]
    assert complete["highlight"]["pre_tags"] == [START]
    assert complete["highlight"]["post_tags"] == [STOP]
    # The whole body, marked: the engine cuts the snippet, as for every backend.
    assert complete["highlight"]["fields"]["body"] == {"number_of_fragments": 0}
    partial = elastic.build_page(
        keys=keys, terms=["a", "b", "c"], filters={}, complete=False, start=0, size=7
    ).to_dict()
    # All words but one, not every one: never a complete match twice.
    assert partial["query"]["bool"]["must"] == [{"bool": {"must": [two]}}]
    assert partial["query"]["bool"]["must_not"] == [every]
    assert (partial["from"], partial["size"]) == (0, 7)


def test_a_country_document_type_or_year_is_required_in_partial_matches(users):
    keys = rule.user_keys(users["officer.vnm"])
    words = {"fields": ["title^3", "body"], "type": "cross_fields"}
    terms = ["vnm", "passport", "laminate", "lifts", "photo", "2022"]
    required = ("vnm", "passport", "2022")
    body = elastic.build_counts(
        keys=keys, terms=terms, filters={}, facets=("type",), required=required
    ).to_dict()
    assert body["query"]["bool"]["must"] == [
        {
            "bool": {
                "must": [
                    {"multi_match": {"query": "vnm passport 2022", **words, "operator": "and"}},
                    {"multi_match": {"query": "laminate lifts photo", **words, "operator": "or",
                                     "minimum_should_match": 2}},
                ]
            }
        }
    ]  # fmt: skip
    # The complete matches hold every word, the required ones among them.
    every = {"multi_match": {"query": " ".join(terms), **words, "operator": "and"}}
    assert body["aggs"]["complete"]["filter"]["bool"]["filter"] == [every]
    # Fewer than three other words: only complete matches, on the page as in the counts.
    page = elastic.build_page(
        keys=keys, terms=["vnm", "passport", "laminate"], filters={}, complete=True, start=0,
        size=20, required=("vnm", "passport"),
    ).to_dict()  # fmt: skip
    assert page["query"]["bool"]["must"] == [
        {"multi_match": {"query": "vnm passport laminate", **words, "operator": "and"}}
    ]


def test_superusers_unfiltered_and_anonymous_public_only(users):
    body = elastic.build_counts(
        keys=rule.user_keys(users["admin"]), terms=["a", "b"], filters={}, facets=("type",)
    ).to_dict()
    assert "filter" not in body["query"]["bool"]  # superusers hold every key
    anonymous = elastic.build_page(
        keys=rule.user_keys(AnonymousUser()), terms=["a"], filters={}, complete=True, start=0,
        size=20,
    ).to_dict()  # fmt: skip
    assert anonymous["query"]["bool"]["filter"] == [{"terms": {"keys": ["public"]}}]


def test_suggestions_query(users):
    body = elastic.build_suggest(
        keys=rule.user_keys(users["officer.fin"]), terms=["saffron", "holo"]
    ).to_dict()
    must = body["query"]["bool"]["must"][0]
    # Every word, in title or body, the last as a prefix (as one types).
    assert must == {
        "multi_match": {"query": "saffron holo", "fields": ["title^3", "body"],
                        "type": "bool_prefix", "operator": "and"}
    }  # fmt: skip
    assert body["query"]["bool"]["filter"][0]["terms"]["keys"] == sorted(
        rule.user_keys(users["officer.fin"])
    )
    assert body["size"] == 8
    # Best first, as a search ranks (not by title), the typed words marked in the title.
    assert body["sort"] == ["_score", {"updated_at": "desc"}]
    assert body["highlight"]["fields"] == {"title": {"number_of_fragments": 0}}
    assert body["highlight"]["pre_tags"] == [START]


def test_documents_carry_the_items_keys_and_the_glossary_members(users):
    from portal.specimens.models import GlossaryTerm
    from tests.search.test_search import specimen

    item = specimen("Keyed specimen", level={"level": "networks", "networks": ["andex"]})
    entry = SearchEntry.objects.get(object_id=item.pk, type="specimen")
    body = elastic.document_body(_type("specimen"), item, entry)
    assert body["keys"] == sorted(rule.item_keys(item))
    assert "network:andex" in body["keys"]
    assert body["facets"] == {"document_type": ["passport"], "issuing_country": ["THA"]}
    term = GlossaryTerm.objects.first()
    entry_update(term)
    glossary_entry = SearchEntry.objects.get(object_id=term.pk, type="glossary")
    assert elastic.document_body(_type("glossary"), term, glossary_entry)["keys"] == ["members"]


@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL not set")
def test_narrowing_and_the_alias_swap_on_elasticsearch(
    users, settings, django_capture_on_commit_callbacks
):
    """Against a real server (the rest of the contract runs on it in test_contract.py):
    visible-only totals, facets and snippets; narrowing after commit; the alias swap."""
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
