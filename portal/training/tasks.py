"""The training domain's background work (``portal/core/tasks.py`` conventions)."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.utils import timezone

from portal.core.tasks import retrying_task, round_schedule

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
    """Queue the certificate round at ``after`` (now when ``None``) unless one is waiting
    (``portal.core.tasks.round_schedule``). Started by ``manage.py training_certificates``."""
    return round_schedule(certificates_expire_and_remind_task, after=after)
