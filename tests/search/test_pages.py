"""The search page, the API and the header box's suggestions."""

from __future__ import annotations

import pytest

from portal.alerts import services
from search.indexing import entry_update
from tests.search.test_search import specimen

pytestmark = pytest.mark.django_db


def test_search_page_shows_tabs_facets_marks_and_highlights(users, signed_in):
    specimen("Teal laminate passport", owner="VNM", issuer="VNM",
             description="The teal laminate lifts near the photo.")  # fmt: skip
    alert = services.alert_create(
        author=users["expert.tha"], distribution={"level": "networks", "networks": ["andex"]},
        title="Teal laminate forgeries", summary="Teal laminate peeled off and reglued.",
        severity="critical", tlp="amber+strict", issuing_country="VNM",
    )  # fmt: skip
    entry_update(alert)
    client = signed_in("officer.vnm")
    page = client.get("/search/", {"q": "teal laminate"}).content.decode()
    assert "2 results for “teal laminate”" in page
    assert 'Specimens <span class="count">1</span>' in page
    assert 'Alerts <span class="count">1</span>' in page
    assert "Viet Nam (VNM)" in page  # the issuing-country facet, named
    assert 'class="tlp tlp--amber-strict">TLP:AMBER+STRICT' in page
    assert "Critical" in page
    assert "<mark>" in page
    only_alerts = client.get("/search/", {"q": "teal laminate", "type": "alert"}).content.decode()
    assert "1 result for" in only_alerts and alert.get_absolute_url() in only_alerts


def test_search_page_empty_states(users, signed_in):
    client = signed_in("officer.fin")
    assert "What are you looking for?" in client.get("/search/").content.decode()
    page = client.get("/search/", {"q": "nothingmatchesthis"}).content.decode()
    assert "Nothing shared with you matches “nothingmatchesthis”" in page
    assert "Check the spelling" in page


def test_search_page_says_when_only_some_words_matched(users, signed_in):
    specimen("Violet thread passport", description="The thread is woven.")
    client = signed_in("officer.vnm")
    page = client.get("/search/", {"q": "violet thread unicorn"}).content.decode()
    assert "Nothing matched every word; these match all of them but one." in page
    assert "1 result for" in page
    # Two words: one of them alone is never offered; the page offers each without the other.
    page = client.get("/search/", {"q": "violet unicorn"}).content.decode()
    assert "Nothing shared with you matches “violet unicorn”" in page
    assert 'href="?q=violet">violet</a>' in page and 'href="?q=unicorn">unicorn</a>' in page


def test_search_page_has_one_search_box_and_names_the_querys_qualifiers(users, signed_in):
    target = specimen("Film passport", owner="VNM", issuer="VNM", series="2022 series",
                      description="The laminate lifts.")  # fmt: skip
    client = signed_in("officer.vnm")
    page = client.get("/search/", {"q": "vnm passport laminate 2022"}).content.decode()
    # The header's box holds the words; the page has no second one.
    assert page.count('type="search"') == 1 and 'id="header-search-q"' in page
    assert 'value="vnm passport laminate 2022"' in page
    assert 'placeholder="Search"' in page
    assert target.get_absolute_url() in page
    assert "Every result mentions:" in page
    assert 'href="?q=vnm+passport+laminate+2022&amp;issuing_country=VNM">Viet' in page
    assert '<span class="chip">2022</span>' in page
    # The empty page points to the header's box and focuses it.
    empty = client.get("/search/").content.decode()
    assert empty.count('type="search"') == 1 and " autofocus" in empty
    assert "search box at the top of the page" in empty


def test_search_api_shape_filters_and_sign_in(users, client, signed_in):
    specimen("Indigo seal visa", document_type="visa")
    specimen("Indigo seal passport")
    assert client.get("/api/v1/search?q=indigo").status_code == 401
    api = signed_in("officer.vnm")
    data = api.get("/api/v1/search", {"q": "indigo seal", "document_type": "visa"}).json()
    assert data["total"] == 1 and data["pages"] == 1 and data["partial"] is False
    (row,) = data["results"]
    assert {"type", "id", "title", "url", "snippet"} <= set(row)
    assert row["type"] == "specimen" and row["title"] == "Indigo seal visa"
    assert data["facets"]["document_type"] == {"passport": 1, "visa": 1}


def test_suggestions_follow_what_is_typed_and_the_rule(users, signed_in):
    specimen("Saffron hologram passport", level={"level": "country"})
    tha = signed_in("officer.tha").get("/search/suggest/", {"q": "saffron holo"}).json()
    assert [s["title"] for s in tha["suggestions"]] == ["Saffron hologram passport"]
    assert tha["suggestions"][0]["type_label"] == "Specimen"  # one item: singular
    assert tha["all"] == {
        "label": "All results for “saffron holo”",
        "url": "/search/?q=saffron+holo",
    }
    fin = signed_in("officer.fin").get("/search/suggest/", {"q": "saffron holo"}).json()
    assert fin["suggestions"] == []
    assert fin["all"]["url"] == "/search/?q=saffron+holo"  # searching stays one Enter away
    assert signed_in("officer.tha").get("/search/suggest/", {"q": "s"}).json() == {
        "suggestions": [],
        "all": None,
    }


def test_suggestions_are_ranked_like_results_and_mark_the_typed_words(users, signed_in):
    # Alphabetically first, but "saffron" only in its text: ranked below the title matches.
    body_only = specimen("Aardvark seal passport", description="A saffron tint on the seal.")
    older = specimen("Saffron hologram visa", document_type="visa")
    newer = specimen("Saffron hologram passport <b>x</b>")
    data = signed_in("officer.vnm").get("/search/suggest/", {"q": "saffron holo"}).json()
    assert [s["title"] for s in data["suggestions"]] == [newer.title, older.title]
    data = signed_in("officer.vnm").get("/search/suggest/", {"q": "saffr"}).json()
    titles = [s["title"] for s in data["suggestions"]]
    assert titles[-1] == body_only.title and set(titles[:2]) == {newer.title, older.title}
    first = next(s for s in data["suggestions"] if s["title"] == newer.title)
    # The typed words marked, the title's own markup escaped, never live.
    assert first["title_html"] == ("<mark>Saffron</mark> hologram passport &lt;b&gt;x&lt;/b&gt;")
    assert first["title_parts"] == [
        {"text": "Saffron", "mark": True},
        {"text": " hologram passport <b>x</b>", "mark": False},
    ]
    assert {s["type_label"] for s in data["suggestions"]} == {"Specimen"}


def test_light_source_facet_on_the_page_and_the_api(users, signed_in):
    from portal.specimens.models import GlossaryTerm

    for slug, lights in (("uv-planchette", ["uv"]), ("ir-planchette", ["ir", "visible"])):
        term = GlossaryTerm.objects.create(
            slug=slug, term=f"{slug.split('-')[0].upper()} planchette", category="substrate",
            definition="Coloured discs in the paper.", light_sources=lights,
        )  # fmt: skip
        entry_update(term)
    client = signed_in("officer.fin")
    page = client.get("/search/", {"q": "planchette"}).content.decode()
    assert "<h3>Light source</h3>" in page
    assert 'Ultraviolet (UV)</a> <span class="count">1</span>' in page
    filtered = client.get("/search/", {"q": "planchette", "light_source": "uv"}).content.decode()
    assert "1 result for" in filtered and 'aria-current="true"' in filtered
    data = client.get("/api/v1/search", {"q": "planchette", "light_source": "ir"}).json()
    assert [row["title"] for row in data["results"]] == ["IR planchette"]
    assert data["facets"]["light_source"] == {"ir": 1, "uv": 1, "visible": 1}


def test_the_page_and_the_api_say_where_partial_matches_begin(users, signed_in):
    whole = specimen("Heliotrope laminate hinge")
    part = specimen("Heliotrope hinge visa", document_type="visa")
    specimen("Heliotrope visa", document_type="visa")  # one word of three: not listed
    client = signed_in("officer.vnm")
    page = client.get("/search/", {"q": "heliotrope laminate hinge"}).content.decode()
    assert "2 results for" in page
    divider = page.index("Matches of some of your words")
    assert page.index(whole.get_absolute_url()) < divider < page.index(part.get_absolute_url())
    assert "Nothing matched every word" not in page
    assert '<p class="search-hit__type">Specimen\n' in page  # one item: singular
    data = client.get("/api/v1/search", {"q": "heliotrope laminate hinge"}).json()
    assert (data["total"], data["complete"], data["partial"]) == (2, 1, True)
    assert [(row["id"], row["complete"]) for row in data["results"]] == [
        (whole.pk, True),
        (part.pk, False),
    ]
    # Every word matched by all: no divider.
    assert "Matches of some of" not in client.get("/search/", {"q": "heliotrope"}).content.decode()


def test_a_registered_types_facet_is_a_panel_a_filter_and_an_api_facet(
    users, signed_in, notice_type
):
    from tests.search.notices import notice

    notice("Expert obsidian handling notice")
    notice("Second line obsidian notice")
    client = signed_in("officer.vnm")
    page = client.get("/search/", {"q": "obsidian"}).content.decode()
    assert "<h3>Competency level</h3>" in page
    assert 'Second line</a> <span class="count">1</span>' in page
    assert 'Notices <span class="count">2</span>' in page  # its tab
    only = client.get("/search/", {"q": "obsidian", "competency_level": "expert"})
    assert "1 result for" in only.content.decode()
    data = client.get("/api/v1/search", {"q": "obsidian", "competency_level": "expert"}).json()
    assert [row["title"] for row in data["results"]] == ["Expert obsidian handling notice"]
    assert data["facets"]["competency_level"] == {"expert": 1, "second_line": 1}


def test_the_contracts_filter_names_keep_working(users, signed_in):
    specimen("Lapis seal passport", owner="VNM", issuer="VNM")
    specimen("Lapis seal passport", issuer="THA")
    client = signed_in("officer.vnm")
    query = {"q": "lapis", "type": "specimen", "issuing_country": "vnm"}
    assert "1 result for" in client.get("/search/", query).content.decode()
    data = client.get("/api/v1/search", query).json()
    assert data["total"] == 1 and data["facets"]["issuing_country"] == {"THA": 1, "VNM": 1}
    names = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/search"]["get"]
    documented = {p["name"] for p in names["parameters"]}
    assert {"q", "page", "type", "issuing_country", "document_type", "fraud_type",
            "light_source"} <= documented  # fmt: skip
