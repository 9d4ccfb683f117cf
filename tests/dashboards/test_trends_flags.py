"""Trend flags (``portal.dashboards.trends``): quarter spikes by reporting country, yearly
spikes by document type and route, and new issuing-country → destination pairs — each
computed from published cells only, never showing a count from 1 to 4.

Most tests build small protected tables directly (``cube._year_tables``: no database);
one reads the demo's case statistics, and the API's ``/dashboards/flags`` is checked for
who may read it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from portal.dashboards import trends
from portal.dashboards.answers import case_aggregates
from portal.dashboards.cube import UNKNOWN, CaseCube, _year_tables
from portal.dashboards.queries import Question, question_from

FRAUD = ("fraudulent_document", "impostor")


@dataclass(frozen=True)
class Case:
    year: int
    quarter: int
    country: str
    issuer: str = "THA"
    route: str = "VNM>THA"
    document_type: str = "passport"
    result: str = "fraudulent_document"
    fraud_type: str = "counterfeit"


def _cube(cases: list[Case]) -> CaseCube:
    """Protected tables of ``cases``, built as ``cube_build`` builds them from the
    database's grouped counts."""
    years: dict[int, dict[str, Counter]] = {}
    for case in cases:
        rows = years.setdefault(
            case.year,
            {
                name: Counter()
                for name in ("outcome", "issuing_country", "route", "document_type", "corridor")
            },
        )
        rows["outcome"][(case.quarter, case.country, case.result, case.fraud_type)] += 1
        if case.result not in FRAUD:
            continue
        rows["issuing_country"][(case.country, case.issuer)] += 1
        rows["route"][(case.country, case.route)] += 1
        rows["document_type"][(case.country, case.document_type)] += 1
        destination = case.route.rsplit(">", 1)[-1] or UNKNOWN
        rows["corridor"][(case.country, case.issuer, destination)] += 1
    tables = {}
    vocabulary: dict[str, set[str]] = {}
    for year, rows in years.items():
        subjects = {
            name: [(*key, n) for key, n in rows[name].items()]
            for name in ("issuing_country", "route", "document_type")
        }
        for name, found in subjects.items():
            vocabulary.setdefault(name, set()).update(value for _c, value, _n in found)
        tables[year] = _year_tables(
            year=year,
            outcome_rows=[(*key, n) for key, n in rows["outcome"].items()],
            subject_rows=subjects,
            scanned_rows=[],
            corridor_rows=[(*key, n) for key, n in rows["corridor"].items()],
        )
    quarters = [(case.year, case.quarter) for case in cases]
    return CaseCube(
        version=1,
        years=tables,
        first=min(quarters),
        last=max(quarters),
        vocabulary={name: frozenset(values) for name, values in vocabulary.items()},
        crossing_points={},
    )


#: Outcomes cases take in turn: real tables have several (a single one, all in one
#: quarter, cannot keep its quarter cells hidden under the year's published total).
OUTCOMES = (
    ("fraudulent_document", "counterfeit"),
    ("fraudulent_document", "forgery"),
    ("impostor", "impostor"),
)


def _many(n: int, year: int, quarter: int, country: str, **fields) -> list[Case]:
    """``n`` cases alike but for their outcome (taken in turn, unless given)."""
    if "result" in fields:
        fields.setdefault("fraud_type", "" if fields["result"] == "genuine" else "counterfeit")
        return [Case(year, quarter, country, **fields)] * n
    return [
        Case(year, quarter, country, **fields, result=result, fraud_type=fraud_type)
        for result, fraud_type in (OUTCOMES[i % len(OUTCOMES)] for i in range(n))
    ]


def _quarters(country: str, per_quarter: dict[tuple[int, int], int], **fields) -> list[Case]:
    return [
        case
        for (year, quarter), n in per_quarter.items()
        for case in _many(n, year, quarter, country, **fields)
    ]


def _steady(n: int, years=(2021, 2022, 2023)) -> dict:
    return {(year, quarter): n for year in years for quarter in (1, 2, 3, 4)}


@pytest.fixture
def labels(monkeypatch):
    """Country names without the database (document types and routes need none)."""
    real = trends.dimension_labels
    names = {"AAA": "Aland", "BBB": "Bland", "NGA": "Nigeria", "AUS": "Australia"}

    def fake(dim, cube=None):
        if dim in ("reported_by", "issuing_country", "nationality"):
            return names
        return real(dim, cube)

    monkeypatch.setattr(trends, "dimension_labels", fake)


def _published_fraud(cube: CaseCube, country: str, period: str) -> int | None:
    return case_aggregates(
        question=Question(
            filters={"reported_by": (country,), "result": FRAUD, "quarter": (period,)},
        ),
        cube=cube,
    ).total


def _assert_published(cube: CaseCube, flags: list[trends.Flag]) -> None:
    """Every flag's count is at least 5 and a count some answer publishes."""
    for flag in flags:
        assert flag.count >= 5
        if flag.dim == "reported_by":
            assert _published_fraud(cube, flag.value, flag.period) == flag.count
        elif flag.dim in ("document_type", "route"):
            year = int(flag.period)
            answer = case_aggregates(
                question=Question(
                    filters={flag.dim: (flag.value,)}, first=(year, 1), last=(year, 4)
                ),
                cube=cube,
            )
            assert answer.total == flag.count
        else:
            issuer = flag.value.split(">")[0]
            table = cube.years[int(flag.period)].subjects["issuing_country"]
            units = cube.years[int(flag.period)].members
            assert flag.count in {table.published((unit, issuer)) for unit in units}


# -- the rule -----------------------------------------------------------------------------
def test_a_spike_is_twice_the_mean_and_three_deviations_above_it():
    flat = [10, 10, 10, 10]
    assert trends.is_spike(20, flat, needed=4)
    assert not trends.is_spike(19, flat, needed=4)
    noisy = [2, 18, 2, 18]  # mean 10, deviation 8: three deviations above is 34
    assert not trends.is_spike(33, noisy, needed=4)
    assert trends.is_spike(34, noisy, needed=4)


def test_no_spike_below_five_nor_with_too_few_published_counts_before():
    assert not trends.is_spike(4, [0, 0, 0, 0], needed=4)
    assert trends.is_spike(5, [0, 0, 0, 0], needed=4)
    assert not trends.is_spike(None, [0, 0, 0, 0], needed=4)
    assert not trends.is_spike(50, [10, 10, 10], needed=4)


# -- spikes by reporting country and quarter ------------------------------------------------
def test_a_quarter_far_above_the_countrys_trend_is_flagged(labels):
    aland = _steady(15) | {(2023, 4): 60}
    cube = _cube(_quarters("AAA", aland) + _quarters("BBB", _steady(15)))
    flags = trends.trend_flags(cube=cube)
    spikes = [f for f in flags if f.dim == "reported_by"]
    assert [(f.value, f.period, f.count) for f in spikes] == [("AAA", "2023-Q4", 60)]
    assert spikes[0].kind == "spike"
    assert spikes[0].expected == 15
    assert spikes[0].label == "Aland"
    assert "60" in spikes[0].message and "2023-Q4" in spikes[0].message
    _assert_published(cube, flags)


def test_an_ordinary_rise_and_an_old_spike_are_not_flagged(labels):
    # BBB rises by half (not twice its trend); AAA's spike is older than the latest four
    # quarters, which are all an alerting view looks at.
    aland = _steady(15) | {(2022, 3): 60}
    bland = _steady(15) | {(2023, 4): 22}
    cube = _cube(_quarters("AAA", aland) + _quarters("BBB", bland))
    assert [f for f in trends.trend_flags(cube=cube) if f.dim == "reported_by"] == []
    assert _published_fraud(cube, "AAA", "2022-Q3") == 60


def test_a_suppressed_quarter_is_never_flagged(labels):
    # CCC sent only genuine cases for two years, then 2 fraud cases in 2023-Q3 and 6 in
    # 2023-Q4: its year's total (8) is published, so hiding Q3 hides Q4 too. Raw, Q4
    # would be a spike over published zeros; published, it is nothing.
    ccc = _quarters("CCC", _steady(2, years=(2021, 2022)), result="genuine")
    ccc += _quarters("CCC", {(2023, 3): 2, (2023, 4): 6})
    cube = _cube(_quarters("AAA", _steady(15)) + ccc)
    assert _published_fraud(cube, "CCC", "2022-Q4") == 0
    assert _published_fraud(cube, "CCC", "2023-Q4") is None
    assert trends.is_spike(6, [0] * 8, needed=4)
    flags = trends.trend_flags(cube=cube)
    assert [f.value for f in flags if f.dim == "reported_by"] == []
    _assert_published(cube, flags)


def test_quarters_before_a_country_sent_data_are_not_its_trend(labels):
    # BBB sends data from 2023 only: four quarters before its latest are too few.
    bland = {(2023, 1): 15, (2023, 2): 15, (2023, 3): 15, (2023, 4): 60}
    cube = _cube(_quarters("AAA", _steady(15)) + _quarters("BBB", bland))
    assert [f for f in trends.trend_flags(cube=cube) if f.dim == "reported_by"] == []


# -- spikes by year: document types and routes ----------------------------------------------
def test_a_document_type_and_a_route_far_above_their_years_are_flagged(labels):
    years = (2019, 2020, 2021, 2022, 2023)
    cases = _quarters("AAA", _steady(10, years=years))
    cases += _quarters("BBB", _steady(10, years=years))
    for year in years:
        cases += _many(6, year, 2, "AAA", document_type="health_document")
    cases += _many(30, 2023, 4, "BBB", document_type="health_document")
    cases += _many(12, 2023, 4, "BBB", route="LKA>SGP>AUS")
    cube = _cube(cases)
    flags = [f for f in trends.trend_flags(cube=cube) if f.dim in ("document_type", "route")]
    found = {(f.dim, f.value): f for f in flags}
    assert set(found) == {("document_type", "health_document"), ("route", "LKA>SGP>AUS")}
    health = found[("document_type", "health_document")]
    assert (health.period, health.count, health.expected) == ("2023", 36, 6)
    assert health.label == "Health document"
    assert "in 2023" in health.message
    route = found[("route", "LKA>SGP>AUS")]
    assert (route.count, route.expected, route.label) == (12, 0, "LKA → SGP → AUS")
    assert "none in the years before" in route.message
    _assert_published(cube, flags)


def test_a_year_needs_three_published_years_before_it(labels):
    years = (2022, 2023)
    cases = _quarters("AAA", _steady(10, years=years))
    cases += _many(30, 2023, 4, "AAA", document_type="health_document")
    flags = trends.trend_flags(cube=_cube(cases))
    assert [f for f in flags if f.dim == "document_type"] == []


# -- new issuing-country → destination pairs ------------------------------------------------
def _pair_years(*, earlier_extra=(), latest_extra=()) -> list[Case]:
    """2022 and 2023 for AAA and BBB, and 6 Nigerian documents on the way to Australia
    met by AAA in 2023."""
    cases = []
    for year in (2022, 2023):
        cases += _many(10, year, 1, "AAA") + _many(10, year, 1, "BBB", issuer="VNM")
    cases += _many(6, 2023, 3, "AAA", issuer="NGA", route="NGA>ARE>AUS")
    return cases + list(earlier_extra) + list(latest_extra)


def test_a_new_pair_is_flagged_with_a_published_count(labels):
    cube = _cube(_pair_years())
    flags = [f for f in trends.trend_flags(cube=cube) if f.kind == "new_pair"]
    assert [(f.dim, f.value, f.period, f.count) for f in flags] == [
        ("corridor", "NGA>AUS", "2023", 6)
    ]
    assert flags[0].label == "Nigeria → Australia"
    assert flags[0].message == (
        "New: documents issued by Nigeria met on the way to Australia (2023), none before."
    )
    assert flags[0].expected is None
    _assert_published(cube, flags)


def test_a_pair_met_before_is_not_new(labels):
    earlier = _many(5, 2022, 2, "BBB", issuer="NGA", route="NGA>AUS")
    cube = _cube(_pair_years(earlier_extra=earlier))
    assert [f for f in trends.trend_flags(cube=cube) if f.kind == "new_pair"] == []


def test_a_pair_is_not_new_when_an_earlier_year_hides_whether_it_was_met(labels):
    # In 2022 AAA met 2 Nigerian documents (to Thailand) and 2 cases bound for Australia
    # (Sri Lankan): both cells are suppressed, so the published tables cannot show the
    # pair was absent — though it was.
    earlier = _many(2, 2022, 2, "AAA", issuer="NGA")
    earlier += _many(2, 2022, 2, "AAA", issuer="LKA", route="LKA>AUS")
    cube = _cube(_pair_years(earlier_extra=earlier))
    issuing = cube.years[2022].subjects["issuing_country"]
    routes = cube.years[2022].subjects["route"]
    assert issuing.published(("AAA", "NGA")) is None
    assert routes.published(("AAA", "LKA>AUS")) is None
    assert [f for f in trends.trend_flags(cube=cube) if f.kind == "new_pair"] == []


def test_a_pair_is_not_flagged_when_a_route_to_its_destination_is_suppressed(labels):
    latest = _many(2, 2023, 2, "AAA", route="LKA>AUS")
    cube = _cube(_pair_years(latest_extra=latest))
    assert cube.years[2023].subjects["route"].published(("AAA", "LKA>AUS")) is None
    assert [f for f in trends.trend_flags(cube=cube) if f.kind == "new_pair"] == []


def test_a_pair_met_fewer_than_five_times_is_not_flagged(labels):
    # AAA's 6 Nigerian documents: 3 bound for Australia, 3 for Thailand. The issuing
    # and route cells are published, but the pair's own count is 3.
    cases = []
    for year in (2022, 2023):
        cases += _many(10, year, 1, "AAA") + _many(10, year, 1, "BBB", issuer="VNM")
    cases += _many(3, 2023, 3, "AAA", issuer="NGA", route="NGA>AUS")
    cases += _many(3, 2023, 3, "AAA", issuer="NGA")
    cases += _many(5, 2023, 3, "AAA", issuer="VNM", route="NGA>AUS")
    cube = _cube(cases)
    assert cube.years[2023].subjects["issuing_country"].published(("AAA", "NGA")) == 6
    assert cube.years[2023].subjects["route"].published(("AAA", "NGA>AUS")) == 8
    pairs = [f.value for f in trends.trend_flags(cube=cube) if f.kind == "new_pair"]
    assert pairs == ["VNM>AUS"]  # the 5 Vietnamese documents bound for Australia


def test_no_pair_is_new_in_the_first_year_of_data(labels):
    cases = [c for c in _pair_years() if c.year == 2023]
    assert [f for f in trends.trend_flags(cube=_cube(cases)) if f.kind == "new_pair"] == []


# -- the demo's case statistics -------------------------------------------------------------
@pytest.mark.django_db
def test_the_demo_flags_only_published_counts(demo_cases):
    """The demo plants a spike (45 health documents reported by KHM in 2023-Q4) and a new
    pair (NGA → AUS, 8 cases reported by SGP in 2023). What the protected tables let the
    flags see of them: KHM's 2023-Q4 fraud cases are published and far above its trend, so
    KHM is flagged; health documents in 2023 are not far above 2018–2022 (the pandemic
    years had many); SGP is merged into a unit whose other routes to AUS are suppressed
    small counts, so the pair cannot be shown new — but its route, never met before, is
    flagged as a spike of the year, with its published count."""
    from portal.dashboards.cube import cube_current

    cube = cube_current()
    flags = trends.trend_flags()
    _assert_published(cube, flags)
    assert [(f.kind, f.dim, f.value, f.period, f.count) for f in flags] == [
        ("spike", "reported_by", "KHM", "2023-Q4", 53),
        ("spike", "route", "NGA>ARE>SGP>AUS", "2023", 8),
    ]

    khm = case_aggregates(
        question=question_from(
            {"group_by": "quarter", "reported_by": "KHM", "result": ",".join(FRAUD),
             "from": "2023-Q4", "to": "2023-Q4"}
        )
    )  # fmt: skip
    assert khm.total == 53

    health = case_aggregates(
        question=question_from({"group_by": "year", "document_type": "health_document"})
    )
    by_year = {cell.members["year"]: cell.count for cell in health.cells}
    before = [by_year[str(y)] for y in range(2018, 2023) if by_year[str(y)] is not None]
    assert not trends.is_spike(by_year["2023"], before, needed=3)

    year = cube.years[2023]
    unit = year.unit_of["SGP"]
    assert year.corridors[(unit, "NGA", "AUS")] >= 5
    routes = year.subjects["route"]
    to_australia = [routes.published((unit, route)) for route in trends._routes_to(routes, "AUS")]
    assert None in to_australia


# -- the API --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_members_read_the_flags_over_the_api(client, users, monkeypatch):
    aland = _steady(15) | {(2023, 4): 60}
    cube = _cube(_quarters("THA", aland) + _quarters("VNM", _steady(15)))
    monkeypatch.setattr(trends, "cube_current", lambda: cube)
    client.force_login(users["officer.vnm"])
    response = client.get("/api/v1/dashboards/flags")
    assert response.status_code == 200
    assert response.json() == [
        {
            "kind": "spike",
            "dimension": "reported_by",
            "value": "THA",
            "label": "Thailand",
            "period": "2023-Q4",
            "count": 60,
            "expected": 15.0,
            "message": "Thailand reported 60 fraud cases in 2023-Q4, far above its trend "
            "(about 15.0 a quarter before).",
        }
    ]


@pytest.mark.django_db
def test_anonymous_visitors_get_no_flags(client):
    response = client.get("/api/v1/dashboards/flags")
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
