"""The protected tables are rebuilt in the background after every change of the case data
(``portal.dashboards.tasks``), and answers never come from an older version's tables.

The test settings run tasks with the immediate backend: a task enqueued on commit runs in
the committing process as soon as the commit's callbacks run
(``django_capture_on_commit_callbacks(execute=True)`` plays the commit here).
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished

from portal.dashboards import cube as cube_module
from portal.dashboards.answers import case_aggregates
from portal.dashboards.cube import CACHE_KEY, cube_forget
from portal.dashboards.models import DatasetVersion
from portal.dashboards.queries import question_from
from portal.dashboards.services import case_import_withdraw, cases_import

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def payload(months: tuple[int, ...], *, per_month: int) -> dict:
    """Impostor cases of THA in 2024, ``per_month`` in each of ``months`` (fraud cases:
    every table counts them)."""
    return {
        "cases": [
            {
                "detected_on": f"2024-{month:02d}",
                "border_type": "land",
                "issuing_country": "LAO",
                "document_type": "visa",
                "result": "impostor",
                "fraud_type": "impostor",
                "gender": "f" if n % 2 else "m",
            }
            for month in months
            for n in range(per_month)
        ],
    }


@pytest.fixture(autouse=True)
def empty_cube_cache():
    """No tables from another test: version numbers start again in every rolled-back
    test, so a cached version N may hold other data."""
    caches["dashboards"].clear()
    cube_forget()
    yield
    caches["dashboards"].clear()
    cube_forget()


@pytest.fixture
def finished_tasks():
    """The path, status and result of each task that ran during the test."""
    seen: list[tuple[str, str, object]] = []

    def record(sender, task_result, **kwargs):
        done = task_result.status == TaskResultStatus.SUCCESSFUL
        seen.append(
            (
                task_result.task.module_path,
                task_result.status,
                task_result.return_value if done else task_result.errors[-1].traceback,
            )
        )

    task_finished.connect(record)
    yield seen
    task_finished.disconnect(record)


def cached_cube():
    """The tables stored for the data's current state (None: not built)."""
    return caches["dashboards"].get(CACHE_KEY.format(stamp=DatasetVersion.state()[1]))


def fraud_cases_2024() -> int | None:
    return case_aggregates(question=question_from({"group_by": "year", "year": "2024"})).total


def test_an_import_rebuilds_the_tables_once_it_commits(
    users, finished_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cases_import(user=users["expert.tha"], source="json", payload=payload((1, 7), per_month=6))
    version = DatasetVersion.current()
    # Nothing is built before the commit: the worker would read the data without the import.
    assert cached_cube() is None and finished_tasks == []

    for callback in callbacks:
        callback()

    assert finished_tasks == [("portal.dashboards.tasks.cube_rebuild", "SUCCESSFUL", version)]
    stored = cached_cube()
    assert stored is not None and stored.version == version
    # A server process that never built anything answers from the stored tables.
    cube_forget()
    monkeypatch.setattr(cube_module, "cube_build", lambda: pytest.fail("built again"))
    assert fraud_cases_2024() == 12


def test_an_import_that_rolls_back_asks_for_nothing(users, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        cases_import(user=users["expert.tha"], source="json", payload=payload((1,), per_month=6))
        raise RuntimeError("the surrounding work failed")
    assert callbacks == []


@pytest.fixture
def two_imports(users, django_capture_on_commit_callbacks):
    """Two imports of THA's 2024 cases (12, then 8), each rebuilt after its commit; the
    second one's batch."""
    expert = users["expert.tha"]
    with django_capture_on_commit_callbacks(execute=True):
        cases_import(user=expert, source="json", payload=payload((1, 7), per_month=6))
    with django_capture_on_commit_callbacks(execute=True):
        second = cases_import(
            user=expert, source="json", payload=payload((4, 10), per_month=4)
        ).batch
    assert fraud_cases_2024() == 20
    return second


def test_a_withdrawal_shows_at_once_where_answers_follow_the_data(
    users, two_imports, finished_tasks, django_capture_on_commit_callbacks, settings
):
    settings.DASHBOARDS_SERVE_STALE = False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_import_withdraw(
            user=users["expert.tha"], batch=two_imports, reason="Sent for the wrong year"
        )
    version = DatasetVersion.current()
    # Before the background rebuild has run, the answer already leaves the rows out: the
    # version rose with the withdrawal, so the old version's tables are not used.
    assert cached_cube() is None
    assert fraud_cases_2024() == 12

    caches["dashboards"].clear()
    cube_forget()
    for callback in callbacks:
        callback()
    assert finished_tasks[-1] == ("portal.dashboards.tasks.cube_rebuild", "SUCCESSFUL", version)
    assert cached_cube().version == version


def test_with_stale_answers_allowed_the_rebuild_brings_the_withdrawal(
    users, two_imports, finished_tasks, django_capture_on_commit_callbacks, settings
):
    settings.DASHBOARDS_SERVE_STALE = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_import_withdraw(
            user=users["expert.tha"], batch=two_imports, reason="Sent for the wrong year"
        )
    version = DatasetVersion.current()
    cube_forget()  # a server process: the previous version's tables answer, whole
    assert fraud_cases_2024() == 20
    assert cached_cube() is None

    for callback in callbacks:  # the withdrawal's commit: its task rebuilds the tables
        callback()
    assert finished_tasks[-1] == ("portal.dashboards.tasks.cube_rebuild", "SUCCESSFUL", version)
    cube_forget()
    assert fraud_cases_2024() == 12
