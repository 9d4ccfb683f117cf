"""Dashboard answers (``portal.dashboards.answers``) on the demo's case statistics: the
slide's series come back through the protected tables, country groups and their
complements add up, refused questions say what to ask instead, subject breakdowns snap to
whole years, no answer over a broad sweep of questions gives a count from 1 to 4, and
the API speaks the contract's shape.

The protected tables are built once for the module (``cube_current`` keeps them for the
dataset version the ``demo_cases`` fixture loaded).
"""

from __future__ import annotations

import pytest

from portal.dashboards.answers import case_aggregates, scanned_aggregates
from portal.dashboards.cube import THRESHOLD, cube_current
from portal.dashboards.queries import DIMENSIONS, Question, QuestionError, question_from

pytestmark = pytest.mark.django_db

FRAUD = ("fraudulent_document", "impostor")
#: DESIGN.md's slide, typed in again here rather than read from the demo module.
SLIDE_YEARS = {2014: 384, 2015: 557, 2016: 201, 2017: 541, 2018: 977, 2019: 621, 2020: 119,
               2021: 107}  # fmt: skip
#: Share of fraudulent documents (against impostors), in per cent.
SLIDE_SPLIT = {2014: 78, 2015: 80, 2016: 92, 2017: 58, 2018: 55, 2019: 60, 2020: 65, 2021: 84}


@pytest.fixture(scope="module")
def cube(demo_cases):
    """The demo's protected tables, built once here and answered from by every test."""
    return cube_current()


def ask(**params: str):
    return case_aggregates(question=question_from(params))


def by(answer, dim: str) -> dict[str, int | None]:
    return {cell.members[dim]: cell.count for cell in answer.cells}


def never_small(answer) -> None:
    for count in [cell.count for cell in answer.cells] + [answer.total]:
        assert count is None or count == 0 or count >= THRESHOLD, (answer.group_by, count)


def test_yearly_fraud_cases_are_the_slides(cube):
    answer = ask(group_by="year", result=",".join(FRAUD))
    years = by(answer, "year")
    assert {int(y): n for y, n in years.items() if int(y) in SLIDE_YEARS} == SLIDE_YEARS
    assert answer.total == 4006  # 2014-2023, the slide's total
    assert not answer.whole_years and not answer.fraud_only


def _split(year: int, total: int) -> tuple[int, int]:
    """The slide's (fraudulent documents, impostors) of a year, in cases."""
    documents = round(total * SLIDE_SPLIT[year] / 100)
    return documents, total - documents


def test_fraudulent_documents_and_impostors_split_as_on_the_slide(cube):
    answer = ask(group_by="year,result", result=",".join(FRAUD))
    split = {(c.members["year"], c.members["result"]): c.count for c in answer.cells}
    for year, total in SLIDE_YEARS.items():
        documents, impostors = _split(year, total)
        assert split[(str(year), "fraudulent_document")] == documents, year
        assert split[(str(year), "impostor")] == impostors, year


def test_documents_scanned_add_up_to_the_slides_total(cube):
    answer = scanned_aggregates(question=Question())
    assert answer.total == 24_687
    yearly = by(scanned_aggregates(question=question_from({"group_by": "year"})), "year")
    assert None not in yearly.values() and sum(yearly.values()) == 24_687


def test_a_group_and_its_complement_add_up_to_every_country(cube):
    every = by(ask(group_by="year"), "year")
    inside = by(ask(group_by="year", network="mekong"), "year")
    outside = by(ask(group_by="year", network="not-mekong"), "year")
    compared = [
        year
        for year, total in every.items()
        if None not in (total, inside.get(year), outside.get(year))
    ]
    # The reporting units keep the Mekong area whole, so most years can be compared.
    assert len(compared) >= len(every) // 2, (every, inside, outside)
    for year in compared:
        assert inside[year] + outside[year] == every[year], year
    # The fraud cases alone (the first chart) too.
    fraud = {"result": ",".join(FRAUD), "group_by": "year"}
    every = by(ask(**fraud), "year")
    inside = by(ask(**fraud, network="mekong"), "year")
    outside = by(ask(**fraud, network="not-mekong"), "year")
    assert all(inside[y] is not None and outside[y] is not None for y in every)
    assert all(inside[y] + outside[y] == every[y] for y in every)


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        (
            {"group_by": "issuing_country,document_type"},
            "group_by",
            "separate tables: ask for one of them at a time",
        ),
        ({"group_by": "route", "document_type": "passport"}, "group_by", "separate tables"),
        ({"group_by": "quarter,issuing_country"}, "quarter", "per whole year"),
        ({"group_by": "nationality", "quarter": "2021-Q3"}, "quarter", "instead of quarter"),
        ({"group_by": "issuing_country", "result": "genuine"}, "result", "fraud cases only"),
        ({"group_by": "gender,result"}, "result", "cannot be split by result"),
        ({"group_by": "age_band", "fraud_type": "forgery"}, "group_by", "separate tables"),
        (
            {"group_by": "fraud_type", "result": "genuine"},
            "result",
            "Fraud types are counted for fraud cases only",
        ),
        ({"result": "forged"}, "result", "forged is not a value. Use one of:"),
        ({"reported_by": "Thailand"}, "reported_by", "not a country code"),
        ({"group_by": "colour"}, "group_by", "colour is not a dimension"),
        ({"route": "VNM-THA"}, "route", "Write it as VNM>KHM>THA"),
        ({"crossing_point": "bangkok"}, "crossing_point", "Write it as country:code"),
        ({"quarter": "2021"}, "quarter", "not a quarter"),
        ({"from": "2021-13"}, "from", "no month 13"),
        ({"from": "last year"}, "from", "Use a year (2021), a quarter (2021-Q3)"),
        ({"from": "2022", "to": "2021"}, "to", "ends before it starts"),
        ({"network": "atlantis"}, "network", "atlantis is not a country group"),
    ],
)
def test_questions_the_tables_cannot_answer_say_what_to_ask(cube, params, field, words):
    with pytest.raises(QuestionError) as refused:
        question_from(params)
    assert refused.value.field == field
    assert words in str(refused.value)


def test_subject_breakdowns_snap_to_whole_years_with_a_note(cube):
    snapped = ask(group_by="issuing_country", **{"from": "2021-Q2", "to": "2022-Q1"})
    assert snapped.whole_years and snapped.fraud_only
    assert (snapped.first, snapped.last) == ((2021, 1), (2022, 4))
    assert len(snapped.notes) == 1 and "2021–2022" in snapped.notes[0]
    assert "whole year" in snapped.notes[0]
    whole = ask(group_by="issuing_country", **{"from": "2021", "to": "2022"})
    assert whole.notes == []
    assert (whole.cells, whole.total) == (snapped.cells, snapped.total)
    # Fraud cases only: the total is the years' fraud cases.
    fraud = ask(result=",".join(FRAUD), **{"from": "2021", "to": "2022"})
    assert snapped.total == fraud.total
    # The outcome table answers by quarter: no snapping there.
    quarters = ask(group_by="quarter", **{"from": "2021-Q2", "to": "2022-Q1"})
    assert (quarters.first, quarters.last) == ((2021, 2), (2022, 1)) and not quarters.notes
    assert [c.members["quarter"] for c in quarters.cells] == [
        "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1",
    ]  # fmt: skip


SWEEP = [
    {"group_by": dim, **network} for dim in DIMENSIONS for network in ({}, {"network": "mekong"})
] + [
    {"group_by": f"year,{dim}", **network}
    for dim in DIMENSIONS
    if dim not in ("year", "quarter")
    for network in ({}, {"network": "mekong"})
]


@pytest.mark.parametrize("params", SWEEP, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_no_answer_gives_a_count_from_1_to_4(cube, params):
    answer = ask(**params)
    assert answer.cells, "the answer has no cells at all"
    never_small(answer)
    if params["group_by"].startswith("year,"):
        # A sum over all ten years needs every year's cell published; one year's do not.
        assert any(cell.count for cell in answer.cells), "every cell is hidden or empty"


def test_year_and_quarter_together(cube):
    """Grouping by quarter and year at once gives each quarter with its year."""
    answer = ask(group_by="year,quarter", **{"from": "2021", "to": "2021"})
    assert [(c.members["year"], c.members["quarter"]) for c in answer.cells] == [
        ("2021", f"2021-Q{q}") for q in range(1, 5)
    ]
    never_small(answer)


SLIDE_QUERY = {"group_by": "year,result", "result": ",".join(FRAUD), "from": "2014", "to": "2021"}


def test_the_api_gives_the_slides_numbers(cube, client, users):
    client.force_login(users["officer.fin"])
    response = client.get("/api/v1/dashboards/cases", SLIDE_QUERY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["whole_years"] is False and body["fraud_cases_only"] is False
    assert body["total"] == sum(SLIDE_YEARS.values())
    assert [cell["count"] for cell in body["cells"]] == [
        n for year, total in SLIDE_YEARS.items() for n in _split(year, total)
    ]
    assert all(cell["suppressed"] is (cell["count"] is None) for cell in body["cells"])
    subject = client.get("/api/v1/dashboards/cases", {"group_by": "document_type"}).json()
    assert subject["whole_years"] is True and subject["fraud_cases_only"] is True


def test_the_api_cells_name_their_dimensions(cube, client, users):
    """The contract's cell: each grouped dimension by name, then ``count`` and
    ``suppressed``."""
    client.force_login(users["officer.fin"])
    body = client.get("/api/v1/dashboards/cases", SLIDE_QUERY).json()
    assert {tuple(sorted(cell)) for cell in body["cells"]} == {
        ("count", "result", "suppressed", "year")
    }
    yearly: dict[int, int] = {}
    for cell in body["cells"]:
        yearly[int(cell["year"])] = yearly.get(int(cell["year"]), 0) + cell["count"]
    assert yearly == SLIDE_YEARS
    subject = client.get("/api/v1/dashboards/cases", {"group_by": "document_type"}).json()
    assert {tuple(sorted(cell)) for cell in subject["cells"]} == {
        ("count", "document_type", "suppressed")
    }


def test_the_api_says_which_period_it_answered(cube, client, users):
    client.force_login(users["officer.fin"])
    body = client.get("/api/v1/dashboards/cases", SLIDE_QUERY).json()
    assert body["period"] == {"from": "2014-Q1", "to": "2021-Q4"}
    snapped = client.get(
        "/api/v1/dashboards/cases", {"group_by": "route", "from": "2021-Q3", "to": "2021-Q3"}
    ).json()
    assert snapped["period"] == {"from": "2021-Q1", "to": "2021-Q4"}
    assert snapped["whole_years"] is True and len(snapped["notes"]) == 1


def test_the_api_refuses_a_question_with_its_message(cube, client, users):
    client.force_login(users["officer.fin"])
    response = client.get("/api/v1/dashboards/cases", {"group_by": "issuing_country,document_type"})
    assert response.status_code == 400
    assert "ask for one of them at a time" in response.content.decode()
    bad = client.get("/api/v1/dashboards/cases", {"result": "forged"})
    assert bad.status_code == 400 and "forged is not a value" in bad.content.decode()
