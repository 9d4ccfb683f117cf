"""The ``/dashboards/`` page and its CSV export, on the demo's case statistics: every
member reads it, the tiles and tables show the published numbers and never one from 1 to
4, the filters live in the URL, a question the tables cannot answer is explained (400),
the CSV holds the page's numbers, and the trend flags offer experts an alert draft."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from portal.alerts.models import AlertBulletin
from portal.dashboards import trends
from portal.dashboards.answers import quarter_tiles
from portal.dashboards.queries import Question
from portal.dashboards.screen import _sankey, route_stages

pytestmark = pytest.mark.django_db

#: Pages over the filters most likely to meet small counts: a small reporting country,
#: a preset group, a subject filter, a short period, a complement.
FILTERED = (
    "/dashboards/",
    "/dashboards/?network=mekong",
    "/dashboards/?reported_by=LAO",
    "/dashboards/?document_type=health_document",
    "/dashboards/?from=2020-Q1&to=2020-Q2",
    "/dashboards/?network=not-asean&result=impostor",
)


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def _counts(soup: BeautifulSoup) -> list[str]:
    """Every count the page shows: the tiles' and the tables' cells."""
    return [cell["data-count"] for cell in soup.select("[data-tile] [data-count], td[data-count]")]


def _tables(soup: BeautifulSoup) -> dict[tuple, str]:
    """The tables as {(table, row member, column member): count ("" when hidden)}."""
    found = {}
    for table in soup.select("table[data-table]"):
        columns = [th.get("data-value", "") for th in table.select("thead th")[1:]]
        for row in table.select("tbody tr"):
            head = row.find("th")
            if head is None:
                continue
            for column, cell in zip(columns, row.select("td"), strict=True):
                found[(table["data-table"], head["data-value"], column)] = cell["data-count"]
    return found


@pytest.fixture
def officer(client, users, demo_cases):
    client.force_login(users["officer.fin"])
    return client


def test_an_officer_of_another_country_reads_the_page(officer):
    response = officer.get("/dashboards/")
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.title.get_text(strip=True).startswith("Fraud-case dashboards")
    assert soup.select_one('nav[aria-label="Main"] a[href="/dashboards/"][aria-current="page"]')
    assert [li["data-tile"] for li in soup.select("[data-tile]")] == [
        "scanned", "fraud_cases", "fraudulent_document", "impostor", "genuine",
    ]  # fmt: skip
    panels = {section["data-panel"] for section in soup.select("[data-panel]")}
    assert {"over_time", "results", "issuing_country", "route", "gender", "age_band"} <= panels
    # Every chart has its table, with a caption, and its data for charts.js (no CDN).
    for figure in soup.select("[data-chart]"):
        panel = figure.find_parent(attrs={"data-panel": True})
        assert panel.select_one("table[data-table] caption").get_text(strip=True)
        data = json.loads(soup.find(id=figure["data-source"]).string)
        assert data["type"] in {"line", "bar", "sankey"}
    scripts = [tag["src"] for tag in soup.select("script[src]")]
    assert "/static/vendor/echarts/echarts.min.js" in scripts
    assert "/static/dashboards/charts.js" in scripts


def test_the_page_reads_one_state_of_the_tables_in_a_bounded_number_of_queries(
    officer, django_assert_max_num_queries
):
    """Every panel answers from the same protected tables, fetched once: the page's
    queries do not grow with its panels (it made 85 before; 36 now, with the flags)."""
    officer.get("/dashboards/?network=mekong")  # the tables built once, off the count
    with django_assert_max_num_queries(40):
        response = officer.get("/dashboards/?network=mekong")
    assert response.status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, demo_cases):
    for url in ("/dashboards/", "/dashboards/export.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_home_page_leads_to_the_dashboards(officer):
    soup = _soup(officer.get("/"))
    assert soup.select_one('nav[aria-label="Main"] a[href="/dashboards/"]')
    assert soup.select_one('aside a[href="/dashboards/"]')


def test_tiles_show_the_published_numbers_of_the_latest_quarter(officer):
    soup = _soup(officer.get("/dashboards/?network=andex"))
    tiles = quarter_tiles(question=Question(network="andex"))
    assert tiles and any(tile.count for tile in tiles)
    for tile in tiles:
        shown = soup.select_one(f'[data-tile="{tile.key}"]')
        value = shown.select_one("[data-count]")
        if tile.count is None:
            assert value["data-count"] == "" and "hidden" in value.get_text()
        else:
            assert value["data-count"] == str(tile.count) == value.get_text(strip=True)
        change = shown.select_one(".dash-tile__change").get_text(" ", strip=True)
        if tile.change_percent:
            # The direction in words as well as an arrow, never by colour alone.
            word, arrow = ("Up", "↑") if tile.change_percent > 0 else ("Down", "↓")
            assert change.startswith(f"{arrow} {word}") and str(tile.previous) in change
    heading = soup.select_one("#dash-tiles-heading").get_text()
    assert f"{tiles[0].quarter[0]}-Q{tiles[0].quarter[1]}" in heading


@pytest.mark.parametrize("url", FILTERED)
def test_no_count_from_1_to_4_is_ever_shown(officer, url):
    response = officer.get(url)
    assert response.status_code == 200
    soup = _soup(response)
    counts = _counts(soup)
    assert counts, "the page shows no count at all"
    shown = [int(value) for value in counts if value]
    assert not [n for n in shown if 1 <= n <= 4]
    # The cells' visible text is the same number, or the hidden mark.
    for cell in soup.select("td[data-count]"):
        text = cell.get_text(strip=True)
        assert text == cell["data-count"] or (not cell["data-count"] and text == "—hidden")
    # Nor in the data the charts are drawn from.
    for script in soup.select('script[type="application/json"][id^="panel-"]'):
        data = json.loads(script.string)
        values = [v for s in data.get("series", []) for v in s["data"] if v is not None]
        values += [link["value"] for link in data.get("links", [])]
        assert not [n for n in values if 1 <= n <= 4], script["id"]


def test_the_mekong_filter_lists_only_mekong_countries(officer):
    soup = _soup(officer.get("/dashboards/?network=mekong"))
    table = soup.select_one('table[data-table="over_time"]')
    countries = {th["data-value"] for th in table.select("thead th[data-value]")}
    assert countries and countries <= {"KHM", "LAO", "MMR", "THA", "VNM"}


def test_filters_round_trip_in_the_url(officer):
    url = "/dashboards/?network=mekong&from=2019-Q1&to=2020&reported_by=THA&fraud_type=forgery"
    soup = _soup(officer.get(url))

    def selected(name):
        option = soup.select_one(f'select[name="{name}"] option[selected]')
        return option["value"] if option else ""

    assert selected("network") == "mekong"
    assert selected("from") == "2019-Q1"
    assert selected("to") == "2020-Q4"  # a year ends with its last quarter
    assert selected("reported_by") == "THA"
    assert selected("fraud_type") == "forgery"  # under "More filters", unfolded
    assert soup.select_one("details.dash-filters__more").has_attr("open")
    form = soup.select_one("form#dash-filters")
    assert form["method"] == "get" and form["action"] == "/dashboards/"
    export = soup.select_one('a[href^="/dashboards/export.csv"]')["href"]
    assert parse_qs(urlsplit(export).query) == {
        "network": ["mekong"], "from": ["2019-Q1"], "to": ["2020-Q4"], "reported_by": ["THA"],
        "fraud_type": ["forgery"],
    }  # fmt: skip
    # Nothing is filtered when nothing is chosen, and the more filters stay folded.
    plain = _soup(officer.get("/dashboards/"))
    assert not plain.select("select option[selected]")
    assert not plain.select_one("details.dash-filters__more").has_attr("open")


def test_a_bad_parameter_is_explained_with_400(officer):
    response = officer.get("/dashboards/?network=mekong&to=someday")
    assert response.status_code == 400
    soup = _soup(response)
    alert = soup.select_one('[role="alert"]')
    assert "to: someday is not a period" in alert.get_text()
    assert soup.select_one('select[name="to"]')["aria-invalid"] == "true"
    # The form keeps what was asked, to be corrected; nothing else is answered.
    assert soup.select_one('select[name="network"] option[selected]')["value"] == "mekong"
    assert not soup.select("[data-tile], [data-panel]")
    crossed = officer.get("/dashboards/?document_type=passport&issuing_country=VNM")
    assert crossed.status_code == 400
    assert "separate tables" in _soup(crossed).select_one('[role="alert"]').get_text()
    assert officer.get("/dashboards/export.csv?network=nowhere").status_code == 400


def test_a_panel_the_filters_cannot_answer_says_why(officer):
    soup = _soup(officer.get("/dashboards/?document_type=health_document"))
    results = soup.select_one('[data-panel="results"]')
    assert "Not shown for these filters" in results.get_text()
    assert not results.select("table")
    # The series over time falls back to years: subject filters are published per year.
    over_time = soup.select_one('table[data-table="over_time"]')
    assert [th["data-value"] for th in over_time.select("tbody th")][:2] == ["2014", "2015"]


def test_the_csv_holds_the_numbers_on_the_page(officer):
    query = "network=andex&from=2018-Q1&to=2023-Q4"
    soup = _soup(officer.get(f"/dashboards/?{query}"))
    response = officer.get(f"/dashboards/export.csv?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="fraud-case-dashboards-{today}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["table"] for row in rows} >= {"tiles", "over_time", "results", "route"}
    for row in rows:
        assert row["suppressed"] == ("true" if row["count"] == "" else "false")
        assert not (row["count"] and 1 <= int(row["count"]) <= 4)

    # Each table cell of the page is one CSV row with the same count, and back.
    def key(row):
        table = row["table"]
        dims = {
            "over_time": ("quarter", "reported_by"), "results": ("year", "result"),
            "scanned": ("year", None),
        }.get(table, (table, None))  # fmt: skip
        return (table, row[dims[0]], row[dims[1]] if dims[1] else "")

    from_csv = {key(row): row["count"] for row in rows if row["table"] != "tiles"}
    assert from_csv == _tables(soup)
    tiles = {(r["quarter"], r["figure"]): r["count"] for r in rows if r["table"] == "tiles"}
    quarter = re.search(r"\d{4}-Q\d", soup.select_one("#dash-tiles-heading").get_text())[0]
    for tile in soup.select("[data-tile]"):
        shown = tile.select_one("[data-count]")["data-count"]
        assert tiles[(quarter, tile["data-tile"])] == shown


def test_flags_are_listed_and_experts_may_start_an_alert_draft(client, users, demo_cases):
    flags = trends.trend_flags()
    assert flags, "the demo data hold a spike and a new pair"
    client.force_login(users["officer.tha"])
    soup = _soup(client.get("/dashboards/"))
    listed = soup.select("[data-flag]")
    assert [item["data-flag"] for item in listed] == [f"{f.kind}:{f.value}" for f in flags]
    assert flags[0].message in listed[0].get_text()
    assert "Start an alert draft" not in soup.get_text()

    client.force_login(users["expert.tha"])
    soup = _soup(client.get("/dashboards/"))
    links = [a["href"] for a in soup.select("[data-flag] a")]
    assert len(links) == len(flags)
    target = urlsplit(links[0])
    assert target.path == "/admin/snippets/alerts/alertbulletin/add/"
    prefill = parse_qs(target.query)
    assert prefill["summary"] == [flags[0].message]
    assert flags[0].label in prefill["title"][0]
    # The admin's form opens with them filled in; nothing is saved by opening it.
    before = AlertBulletin.objects.count()
    form = _soup(client.get(links[0]))
    assert form.select_one('input[name="title"]')["value"] == prefill["title"][0]
    assert form.select_one('textarea[name="summary"]').get_text().strip() == flags[0].message
    assert AlertBulletin.objects.count() == before


def test_routes_become_stages_of_a_flow_without_cycles():
    assert route_stages("VNM>KHM>THA") == [
        ("embarkation", "VNM"), ("transit1", "KHM"), ("destination", "THA"),
    ]  # fmt: skip
    assert route_stages(">KHM>") == [("embarkation", ""), ("transit1", "KHM"), ("destination", "")]
    assert route_stages("unknown") == []
    from portal.dashboards.screen import Panel, Row

    panel = Panel(
        key="route", title="", description="", dims=("route",), row_head="",
        columns=(("", "Fraud cases"),),
        rows=(
            Row("A>B>C>D", "", (10,)), Row("A>C>B>D", "", (6,)), Row("A>D", "", (None,)),
            Row("unknown", "", (40,)),
        ),
    )  # fmt: skip
    chart = _sankey(panel)
    links = {(link["source"], link["target"]): link["value"] for link in chart["links"]}
    # B then C, and C then B, are different positions: the flow stays acyclic; a hidden
    # route and the routes not given add nothing.
    assert links == {
        ("From A", "Via B"): 10, ("Via B", "Via C (2)"): 10, ("Via C (2)", "To D"): 10,
        ("From A", "Via C"): 6, ("Via C", "Via B (2)"): 6, ("Via B (2)", "To D"): 6,
    }  # fmt: skip
