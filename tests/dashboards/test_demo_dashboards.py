"""The demo case statistics (``portal.demo.dashboards``): the slide's series reproduced
exactly from the rows, the scanned total, the flags' patterns, and a second load that
adds nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from portal.dashboards.models import (
    CaseResult,
    CrossingPoint,
    DatasetVersion,
    FraudCase,
    ImportBatch,
    ScannedCount,
)
from portal.demo import dashboards as demo

pytestmark = pytest.mark.django_db

FRAUD = (CaseResult.FRAUDULENT_DOCUMENT, CaseResult.IMPOSTOR)
#: DESIGN.md's slide, typed in again here rather than read from the module under test.
SLIDE_YEARS = {2014: 384, 2015: 557, 2016: 201, 2017: 541, 2018: 977, 2019: 621, 2020: 119,
               2021: 107}  # fmt: skip
SLIDE_SPLIT = {2014: 78, 2015: 80, 2016: 92, 2017: 58, 2018: 55, 2019: 60, 2020: 65, 2021: 84}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo network and case statistics, loaded twice (rolled back at the end)."""
    from portal.demo.network import demo_network_load

    with django_db_blocker.unblock(), transaction.atomic():
        demo_network_load()
        first = demo.demo_dashboards_load()
        counts = {
            m: m.objects.count() for m in (FraudCase, ScannedCount, ImportBatch, CrossingPoint)
        }
        version = DatasetVersion.current()
        second = demo.demo_dashboards_load()
        yield {"first": first, "second": second, "counts": counts, "version": version}
        transaction.set_rollback(True)


def test_yearly_fraud_cases_and_split_reproduce_the_slide(loaded):
    rows = (
        FraudCase.objects.filter(result__in=FRAUD)
        .values("year")
        .annotate(
            total=Count("id"),
            documents=Count("id", filter=Q(result=CaseResult.FRAUDULENT_DOCUMENT)),
        )
    )
    by_year = {row["year"]: row for row in rows}
    assert set(by_year) == set(range(2014, 2024))
    for year, total in SLIDE_YEARS.items():
        assert by_year[year]["total"] == total, year
        expected_documents = round(total * SLIDE_SPLIT[year] / 100)
        assert by_year[year]["documents"] == expected_documents, year
    assert sum(row["total"] for row in by_year.values()) == 4006


def test_scanned_documents_give_about_85_percent_genuine(loaded):
    scanned = ScannedCount.objects.aggregate(n=Sum("documents"))["n"]
    assert scanned == 24_687
    fraud = FraudCase.objects.filter(result__in=FRAUD).count()
    # The slide: 4,006 of 24,687 were fraud, "85 % genuine" (83.8 % exactly).
    assert round(100 * (scanned - fraud) / scanned) in (84, 85)
    # Every country and quarter scanned at least the cases it met there.
    met = FraudCase.objects.values_list("reported_by", "year", "quarter").annotate(n=Count("id"))
    scanned_at = {
        (r, y, q): n
        for r, y, q, n in ScannedCount.objects.values_list(
            "reported_by", "year", "quarter", "documents"
        )
    }
    assert met and all(scanned_at[(r, y, q)] >= n for r, y, q, n in met)


def test_cases_spread_over_countries_crossing_points_routes_and_types(loaded):
    by_country = dict(FraudCase.objects.values_list("reported_by").annotate(n=Count("id")))
    top = sorted(by_country, key=by_country.get, reverse=True)[:5]
    assert set(top) <= {"THA", "VNM", "KHM", "MYS", "PHL"}
    assert {"FIN", "NLD"} <= set(by_country)
    assert FraudCase.objects.filter(document_type="health_document").count() >= 50
    assert FraudCase.objects.exclude(crossing_point=None).count() > 3000
    # Crossing points belong to the case's reporting country.
    assert (
        not FraudCase.objects.exclude(crossing_point=None)
        .exclude(crossing_point__country=F("reported_by"))
        .exists()
    )
    points = CrossingPoint.objects.values_list("country").annotate(n=Count("id"))
    assert all(2 <= n <= 4 for _code, n in points)
    routed = FraudCase.objects.exclude(route="")
    assert routed.count() > 3000
    case = routed.exclude(transit=[]).first()
    assert case.route == ">".join([case.embarkation_id, *case.transit, case.destination_id])
    assert FraudCase.objects.exclude(gender="").exclude(age_band="").count() > 3000


def test_the_latest_quarter_holds_a_spike_and_a_new_pair(loaded):
    health_khm = FraudCase.objects.filter(reported_by="KHM", document_type="health_document")
    latest = health_khm.filter(year=2023, quarter=4).count()
    earlier = (
        health_khm.exclude(year=2023, quarter=4).values("year", "quarter").annotate(n=Count("id"))
    )
    assert latest >= 45
    assert latest > 4 * max(row["n"] for row in earlier)
    pair = FraudCase.objects.filter(issuing_country="NGA", destination="AUS")
    assert pair.count() >= 5
    assert set(pair.values_list("year", "quarter")) == {(2023, 4)}


def test_a_second_load_adds_nothing(loaded):
    assert loaded["first"] == "4006 cases added"
    assert loaded["second"] == "0 cases added"
    for model, count in loaded["counts"].items():
        assert model.objects.count() == count, model.__name__
    assert DatasetVersion.current() == loaded["version"]
    batches = ImportBatch.objects.filter(filename="demo")
    assert batches.count() == 13
    assert sum(batches.values_list("case_count", flat=True)) == 4006
