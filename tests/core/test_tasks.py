"""Background work: enqueue on commit, retry with backoff, and the database worker.

The tasks below are module level, as every task must be: the database worker imports
them by their dotted path. The mail server is stood in for by ``FlakyEmailBackend``, which
fails as a real SMTP server does; the retry code under test is the portal's own.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from portal.core.tasks import ATTEMPT_KWARG, backoff_seconds, enqueue_on_commit, retrying_task
from tests.core.mail_backends import FlakyEmailBackend
from tests.core.worker import DATABASE_TASKS, db_worker_batch

FLAKY = "tests.core.mail_backends.FlakyEmailBackend"

RAN: list[str] = []


@task()
def note_record(note: str) -> str:
    """Records that it ran, in this process (the worker runs in-process in these tests)."""
    RAN.append(note)
    return note.upper()


@retrying_task(retry_on=(smtplib.SMTPException,), max_attempts=3)
def notice_send(recipient: str) -> int:
    return send_mail("Notice", "A notice for you.", None, [recipient])


@retrying_task(retry_on=(smtplib.SMTPException,), max_attempts=3)
def broken_notice_send(recipient: str) -> int:
    RAN.append(recipient)
    raise ValueError("a bug, not a transient failure")


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()
    FlakyEmailBackend.fail_next(0)
    yield
    FlakyEmailBackend.fail_next(0)


def test_backoff_doubles_and_stops_at_the_cap(settings):
    settings.TASK_RETRY_MAX_BACKOFF_SECONDS = 100
    assert 30 <= backoff_seconds(attempt=1, base=30) <= 33
    assert 60 <= backoff_seconds(attempt=2, base=30) <= 66
    assert 120 >= backoff_seconds(attempt=3, base=30) / 1.1 >= 100 / 1.1 - 1e-9
    assert 100 <= backoff_seconds(attempt=12, base=30) <= 110


def test_a_transient_failure_is_retried_in_place_by_the_immediate_backend(settings, caplog):
    settings.EMAIL_BACKEND = FLAKY
    FlakyEmailBackend.fail_next(2)
    with caplog.at_level(logging.WARNING, logger="portal.tasks"):
        result = notice_send.enqueue("officer@demo.invalid")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert FlakyEmailBackend.calls == 3
    assert [m.to for m in mail.outbox] == [["officer@demo.invalid"]]
    warnings = [r.getMessage() for r in caplog.records if r.name == "portal.tasks"]
    assert len(warnings) == 2
    assert "attempt 1 of 3 failed (SMTPServerDisconnected" in warnings[0]
    assert "attempt 2 of 3 failed" in warnings[1]


def test_it_gives_up_after_the_last_attempt_with_a_log_line(settings, caplog):
    settings.EMAIL_BACKEND = FLAKY
    FlakyEmailBackend.fail_next(10)
    with caplog.at_level(logging.WARNING, logger="portal.tasks"):
        result = notice_send.enqueue("officer@demo.invalid")
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "smtplib.SMTPServerDisconnected"
    assert FlakyEmailBackend.calls == 3
    assert mail.outbox == []
    [gave_up] = [
        r for r in caplog.records if r.levelno == logging.ERROR and r.name == "portal.tasks"
    ]
    assert "tests.core.test_tasks.notice_send gave up after 3 attempts" in gave_up.getMessage()


def test_an_error_that_is_not_transient_fails_at_once():
    result = broken_notice_send.enqueue("officer@demo.invalid")
    assert result.status == TaskResultStatus.FAILED
    assert RAN == ["officer@demo.invalid"]  # one attempt, no retry


@pytest.mark.django_db
def test_enqueue_on_commit_waits_for_the_commit_and_forgets_a_rollback(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(note_record, "kept")
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(note_record, "rolled back")
            raise RuntimeError("the change fails")
        assert RAN == []  # not before the commit
    assert RAN == ["kept"]


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_stores_a_task_with_its_transaction_and_a_worker_runs_it(settings):
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        enqueue_on_commit(note_record, "kept")
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(note_record, "rolled back")
            raise RuntimeError("the change fails")
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(note_record, "whole change rolled back")
        raise RuntimeError("the change fails")
    [row] = DBTaskResult.objects.all()
    assert row.status == TaskResultStatus.READY and row.args_kwargs["args"] == ["kept"]
    assert RAN == []  # nothing ran in the "request"

    db_worker_batch()
    row.refresh_from_db()
    assert RAN == ["kept"]
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "KEPT"


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_retries_later_with_a_growing_backoff(settings, caplog):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = FLAKY
    settings.TASK_RETRY_BACKOFF_SECONDS = 10
    FlakyEmailBackend.fail_next(2)
    notice_send.enqueue("officer@demo.invalid")

    def due_later() -> DBTaskResult:
        [row] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        return row

    with caplog.at_level(logging.WARNING, logger="portal.tasks"):
        db_worker_batch()  # attempt 1 fails: attempt 2 waits about 10 s
        retry = due_later()
        delay = (retry.run_after - timezone.now()).total_seconds()
        assert 8 < delay <= 11.5
        assert retry.args_kwargs["kwargs"] == {ATTEMPT_KWARG: 2}
        db_worker_batch()  # not due yet: nothing runs
        assert FlakyEmailBackend.calls == 1

        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        db_worker_batch()  # attempt 2 fails: attempt 3 waits about 20 s
        retry = due_later()
        delay = (retry.run_after - timezone.now()).total_seconds()
        assert 18 < delay <= 22.5
        assert retry.args_kwargs["kwargs"] == {ATTEMPT_KWARG: 3}

        DBTaskResult.objects.filter(pk=retry.pk).update(
            run_after=timezone.now() - timedelta(seconds=1)
        )
        db_worker_batch()  # attempt 3 reaches the server
    assert FlakyEmailBackend.calls == 3
    assert [m.to for m in mail.outbox] == [["officer@demo.invalid"]]
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.SUCCESSFUL
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.tasks"]
    assert len(messages) == 2 and all("retrying at" in m for m in messages)
