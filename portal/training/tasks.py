"""The training domain's background work (``portal/core/tasks.py`` conventions)."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.utils import timezone

from portal.core.tasks import retrying_task

#: How often the certificate round runs.
ROUND_EVERY = timedelta(days=1)


@retrying_task(retry_on=(smtplib.SMTPException, OSError))
def certificates_expire_and_remind_task() -> dict[str, int]:
    """The daily round of certificates: reminders 30 days ahead (once each), and the
    completions of expired certificates reset (``services.certificates_expire_and_remind``).
    Idempotent: run it as often as you like. Each round queues the next one a day later
    (``certificate_round_schedule``): the worker keeps it going with no cron."""
    from .services import certificates_expire_and_remind

    # The next round first: a round that fails (and is retried) must not end the chain.
    certificate_round_schedule(after=timezone.now() + ROUND_EVERY)
    return certificates_expire_and_remind()


def certificate_round_schedule(*, after=None) -> bool:
    """Queue the certificate round to run at ``after`` (now when ``None``) unless one is
    already waiting; ``False`` when one was. Backends that cannot defer work (the
    immediate backend of the tests) only run a round asked for now.

    Started by ``manage.py training_certificates`` (``make demo`` and the release step
    run it), then kept going by each round."""
    backend = certificates_expire_and_remind_task.get_backend()
    if after is not None and not backend.supports_defer:
        return False
    if _round_waiting():
        return False
    task = certificates_expire_and_remind_task
    if after is not None:
        task = task.using(run_after=after)
    task.enqueue()
    return True


def _round_waiting() -> bool:
    """Whether a round is queued and not yet run (the database backend's rows)."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=certificates_expire_and_remind_task.module_path, status="READY"
    ).exists()
