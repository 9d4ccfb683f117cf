"""Which state of the data answers come from (``cube.cube_current``): the current dataset
version's protected tables, or — while those are being built after a change, and only when
allowed — the previous version's whole, never a mix."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from portal.dashboards import cube
from portal.dashboards.answers import case_aggregates
from portal.dashboards.models import DatasetVersion
from portal.dashboards.queries import Question
from portal.dashboards.services import cases_import

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _cases(month: str, count: int) -> dict:
    return {
        "cases": [
            {
                "detected_on": month,
                "border_type": "air",
                "issuing_country": "VNM",
                "document_type": "passport",
                "result": "fraudulent_document",
                "fraud_type": "counterfeit",
                "gender": ("f", "m", "x", "")[i % 4],
            }
            for i in range(count)
        ]
    }


@pytest.fixture
def store():
    caches["dashboards"].clear()
    cube.cube_forget()
    yield caches["dashboards"]
    caches["dashboards"].clear()
    cube.cube_forget()


def test_the_current_version_is_built_once_and_shared(users, store, django_assert_num_queries):
    cases_import(user=users["expert.tha"], source="json", payload=_cases("2023-01", 8))
    built = cube.cube_current()
    assert built.version == DatasetVersion.current()
    assert store.get(cube.CACHE_KEY.format(stamp=built.stamp)) is not None
    cube.cube_forget()  # another process: finds it in the shared cache, builds nothing
    with django_assert_num_queries(1):  # the data's state only
        again = cube.cube_current()
    assert again.version == built.version


def test_while_a_new_version_builds_the_previous_one_answers_whole(users, store, monkeypatch):
    cases_import(user=users["expert.tha"], source="json", payload=_cases("2023-01", 8))
    before = cube.cube_current(allow_stale=False)
    question = Question(group_by=("year",))
    assert case_aggregates(question=question).total == 8

    enqueued = []
    monkeypatch.setattr("portal.dashboards.tasks.cube_rebuild_enqueue", lambda: enqueued.append(1))
    cases_import(user=users["expert.tha"], source="json", payload=_cases("2023-02", 6))
    cube.cube_forget()
    stale = cube.cube_current(allow_stale=True)
    # The previous version entire: its total, not a mix of old and new tables.
    assert stale.version == before.version < DatasetVersion.current()
    assert case_aggregates(question=question, cube=stale).total == 8
    # The worker is asked once, however many visitors come meanwhile.
    cube.cube_current(allow_stale=True)
    assert enqueued == [1]
    fresh = cube.cube_current(allow_stale=False)
    assert fresh.version == DatasetVersion.current()
    assert case_aggregates(question=question, cube=fresh).total == 14


def test_without_the_stale_allowance_the_new_version_is_built_at_once(users, store):
    cases_import(user=users["expert.tha"], source="json", payload=_cases("2023-01", 8))
    cube.cube_current()
    cases_import(user=users["expert.tha"], source="json", payload=_cases("2023-04", 5))
    assert case_aggregates(question=Question()).total == 13
