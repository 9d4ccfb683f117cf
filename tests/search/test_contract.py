"""The search contract, on every backend: the database always (PostgreSQL here, SQLite FTS5
in ``test_search.test_contract_on_sqlite``), Elasticsearch where ``ELASTICSEARCH_URL``
points at a server. Every assertion is the same for each: the access rule inside every
query, paging past the last page, complete matches before partial ones, facet counts, and
a content type registered from outside search with a facet of its own."""

from __future__ import annotations

import os

import pytest

from portal.specimens.models import GlossaryTerm
from search import search
from search.engine import PER_PAGE
from search.indexing import entry_update
from tests.search.notices import notice
from tests.search.test_search import specimen

pytestmark = pytest.mark.django_db


@pytest.fixture(
    params=[
        "database",
        pytest.param(
            "elasticsearch",
            marks=pytest.mark.skipif(
                not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL not set"
            ),
        ),
    ]
)
def backend(request, settings, notice_type):
    """Each backend in turn, with empty indices (Elasticsearch: fresh ones, deleted after)."""
    settings.SEARCH_BACKEND = request.param
    if request.param != "elasticsearch":
        yield request.param
        return
    from search.backends import elastic
    from search.indexing_rebuild import index_rebuild

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"portal-contract-{os.getpid()}"
    index_rebuild()  # every type's index and alias, so that writes go through the aliases
    try:
        yield request.param
    finally:
        elastic.client().indices.delete(
            index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
        )


def glossary(slug, term, lights) -> GlossaryTerm:
    item = GlossaryTerm.objects.create(
        slug=slug, term=term, category="printing", definition="Fine lines.", light_sources=lights
    )
    entry_update(item)
    return item


def test_items_not_shared_with_a_user_are_never_found_nor_counted(users, backend):
    shared = specimen("Tourmaline guilloche passport", owner="VNM", issuer="VNM")
    specimen("Tourmaline guilloche passport", issuer="THA", level={"level": "country"},
             description="Thai-only tourmaline detail.", fraud_type="counterfeit",
             kind="forged")  # fmt: skip
    specimen("Tourmaline guilloche visa", owner="PHL", issuer="PHL", document_type="visa",
             level={"level": "countries", "countries": ["THA"]})  # fmt: skip
    fin = search(users["officer.fin"], "tourmaline guilloche")
    assert [h.id for h in fin.hits] == [shared.pk]
    assert (fin.total, fin.complete) == (1, 1)
    assert fin.facets["type"] == {"specimen": 1}
    assert fin.facets["issuing_country"] == {"VNM": 1}
    assert fin.facets["document_type"] == {"passport": 1}
    assert fin.facets["fraud_type"] == {}
    assert "Thai-only" not in str(fin.hits[0].snippet)
    # A filter naming an invisible item's value finds nothing, and counts nothing.
    narrowed = search(users["officer.fin"], "tourmaline", {"issuing_country": "tha"})
    assert (narrowed.total, narrowed.hits, narrowed.facets["type"]) == (0, [], {})
    tha = search(users["officer.tha"], "tourmaline guilloche")
    assert tha.total == 3
    assert tha.facets["issuing_country"] == {"PHL": 1, "THA": 1, "VNM": 1}
    assert tha.facets["fraud_type"] == {"counterfeit": 1}
    assert search(users["officer.vnm"], "tourmaline guilloche").total == 1


def test_drafts_are_found_only_by_their_countrys_experts(users, backend):
    draft = notice("Expert draft obsidian notice", released=False)
    released = notice("Expert released obsidian notice")
    assert {h.id for h in search(users["expert.tha"], "obsidian").hits} == {
        draft.pk,
        released.pk,
    }
    for name in ("officer.tha", "officer.vnm", "officer.fin"):
        results = search(users[name], "obsidian")
        assert [h.id for h in results.hits] == [released.pk], name
        assert results.facets["competency_level"] == {"expert": 1}, name
    assert search(users["admin"], "obsidian").total == 2


def test_a_page_past_the_last_is_the_last_page(users, backend):
    items = [specimen(f"Feldspar hologram {n}") for n in range(PER_PAGE + 3)]
    user = users["officer.vnm"]
    first, second = search(user, "feldspar"), search(user, "feldspar", page=2)
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (23, 2, 20, 3)
    assert {h.id for h in first.hits} | {h.id for h in second.hits} == {i.pk for i in items}
    # Newest first among equals: the last made leads.
    assert first.hits[0].id == items[-1].pk
    for page in (3, 99, 10**9):
        beyond = search(user, "feldspar", page=page)
        assert (beyond.page, beyond.pages) == (2, 2)
        assert [h.id for h in beyond.hits] == [h.id for h in second.hits]
    for page in (0, -4):
        assert [h.id for h in search(user, "feldspar", page=page).hits] == [
            h.id for h in first.hits
        ]
    nothing = search(user, "feldspar unobtainium", {"document_type": "visa"}, page=7)
    assert (nothing.total, nothing.page, nothing.pages, nothing.hits) == (0, 1, 1, [])


def test_items_with_every_word_come_before_those_with_some(users, backend):
    complete = [specimen(f"Zircon quartz basalt {n}", description="Every word.") for n in range(21)]
    partial = [
        specimen("Zircon quartz passport", description="Two of the words."),
        specimen("Quartz basalt visa", document_type="visa"),
    ]
    specimen("Basalt passport", description="One of the three words: not a partial match.")
    specimen("Unrelated passport")
    user = users["officer.vnm"]
    first = search(user, "zircon quartz basalt")
    assert (first.total, first.complete, first.partial, first.pages) == (23, 21, True, 2)
    assert first.partial_offered
    assert {h.id for h in first.hits} <= {i.pk for i in complete}
    assert first.partial_from is None and all(h.complete for h in first.hits)
    second = search(user, "zircon quartz basalt", page=2)
    assert second.hits[0].id in {i.pk for i in complete} and second.hits[0].complete
    assert {h.id for h in second.hits[1:]} == {i.pk for i in partial}
    assert second.partial_from == 1 and not any(h.complete for h in second.hits[1:])
    # The partial ones still show which of the words they hold.
    assert all("<mark>" in str(h.title_html) for h in second.hits)
    # Facets and the total count the whole list, partial matches included.
    assert first.facets["document_type"] == {"passport": 22, "visa": 1}
    assert sum(first.facets["type"].values()) == first.total
    # A filter narrows both groups alike.
    visas = search(user, "zircon quartz basalt", {"document_type": "visa"})
    assert (visas.total, visas.complete, [h.id for h in visas.hits]) == (1, 0, [partial[1].pk])
    assert visas.partial_from == 0
    # One word: every result is complete.
    single = search(user, "basalt")
    assert (single.total, single.complete, single.partial) == (23, 23, False)


def test_two_words_never_fall_back_to_one_of_them(users, backend):
    """A partial match holds all the words but one, and at least two: with two words
    typed, one of them alone (often a very common one) is never offered."""
    both = specimen("Amber thread passport", description="Security thread embedded.")
    specimen("Amber hologram passport")
    user = users["officer.vnm"]
    results = search(user, "amber thread")
    assert [h.id for h in results.hits] == [both.pk]
    assert (results.total, results.complete, results.partial_offered) == (1, 1, False)
    nothing = search(user, "amber unicorn")
    assert (nothing.total, nothing.hits, nothing.partial_offered) == (0, [], False)


def test_a_country_a_document_type_or_a_year_narrows_never_widens(users, backend):
    """Adding a country, a document type or a year narrows ("vnm passport laminate 2022"
    lists some of what "passport laminate" lists), never widens: the country, the
    document type and the year are required in every result."""
    target = specimen("Lifting film", owner="VNM", issuer="VNM", series="2022 series",
                      description="The laminate lifts near the photo.")  # fmt: skip
    older = specimen("Bubbled film", owner="VNM", issuer="VNM", series="2019 series",
                     description="Laminate bubbles near the photo.")  # fmt: skip
    thai = specimen("Edge film", issuer="THA", series="2022 series",
                    description="The laminate lifts at the edge, near the photo.")  # fmt: skip
    visa = specimen("Film visa", owner="VNM", issuer="VNM", document_type="visa",
                    series="2022 series", description="Laminate lifts.")  # fmt: skip
    for n in range(3):  # passports without a laminate: never "matches of some words"
        specimen(f"Plain book {n}", owner="VNM", issuer="VNM", series="2022 series")
    user = users["officer.vnm"]
    broad = search(user, "passport laminate")
    assert {h.id for h in broad.hits} == {target.pk, older.pk, thai.pk}
    assert (broad.total, broad.complete, broad.partial_offered) == (3, 3, False)
    for query in ("vnm passport laminate 2022", "Vietnam passport 2022 laminate"):
        narrow = search(user, query)
        assert [h.id for h in narrow.hits] == [target.pk], query
        assert narrow.total == 1
        assert {(q.facet, q.value) for q in narrow.qualifiers} == {
            ("issuing_country", "VNM"), ("document_type", "passport"), ("", "2022"),
        }  # fmt: skip
    # With three other words, a partial match may miss one of them, never the country.
    anywhere = search(user, "laminate lifts photo")
    assert {h.id for h in anywhere.hits if h.complete} == {target.pk, thai.pk}
    assert older.pk in {h.id for h in anywhere.hits if not h.complete}
    vietnam = search(user, "vnm laminate lifts photo")
    assert [h.id for h in vietnam.hits if h.complete] == [target.pk] == [vietnam.hits[0].id]
    assert {h.id for h in vietnam.hits if not h.complete} == {older.pk, visa.pk}
    assert thai.pk not in {h.id for h in vietnam.hits}
    assert {h.id for h in vietnam.hits} <= {h.id for h in anywhere.hits}


def test_facet_counts_apply_every_filter_but_their_own(users, backend):
    specimen("Garnet seal passport", owner="VNM", issuer="VNM", kind="forged",
             fraud_type="counterfeit")  # fmt: skip
    specimen("Garnet seal visa", issuer="THA", document_type="visa")
    specimen("Garnet seal passport", issuer="THA", level={"level": "country"})
    glossary("garnet-seal", "Garnet seal", ["uv", "ir"])
    glossary("garnet-ink", "Garnet seal ink", ["uv"])
    user = users["officer.vnm"]
    everything = search(user, "garnet seal")
    assert everything.total == 4
    assert everything.facets == {
        "type": {"glossary": 2, "specimen": 2},
        "issuing_country": {"THA": 1, "VNM": 1},
        "document_type": {"passport": 1, "visa": 1},
        "fraud_type": {"counterfeit": 1},
        "light_source": {"uv": 2, "ir": 1},
        "competency_level": {},
        "network": {},  # meetings' facet: none of them here
    }
    vnm = search(user, "garnet seal", {"issuing_country": "VNM"})
    assert vnm.total == 1
    assert vnm.facets["issuing_country"] == everything.facets["issuing_country"]
    assert vnm.facets["type"] == {"specimen": 1}
    assert vnm.facets["light_source"] == {}
    ir = search(user, "garnet seal", {"light_source": "ir"})
    assert [h.title for h in ir.hits] == ["Garnet seal"]
    assert ir.facets["light_source"] == everything.facets["light_source"]
    assert ir.facets["type"] == {"glossary": 1}
    # A chosen type counts its own facets only (and the type, for the tabs).
    terms = search(user, "garnet seal", {"type": "glossary"})
    assert terms.total == 2 and set(terms.facets) == {"type", "light_source"}
    assert terms.facets["type"] == everything.facets["type"]
    # Unknown filters are ignored; a known one with a value nobody holds finds nothing.
    assert search(user, "garnet seal", {"colour": "red"}).total == 4
    assert search(user, "garnet seal", {"document_type": "x' OR '1'='1"}).total == 0


def test_a_type_registered_from_outside_brings_its_own_facet(users, backend):
    notice("Expert obsidian handling notice")
    notice("Second line obsidian notice")
    notice("First line obsidian notice", level={"level": "country"}, owner="PHL")
    user = users["officer.vnm"]
    results = search(user, "obsidian notice")
    assert results.facets["type"] == {"notice": 2}
    assert results.facets["competency_level"] == {"expert": 1, "second_line": 1}
    narrowed = search(user, "obsidian notice", {"competency_level": "expert"})
    assert [h.title for h in narrowed.hits] == ["Expert obsidian handling notice"]
    assert narrowed.facets["competency_level"] == results.facets["competency_level"]
    chosen = search(user, "obsidian", {"type": "notice"})
    assert set(chosen.facets) == {"type", "competency_level"}
