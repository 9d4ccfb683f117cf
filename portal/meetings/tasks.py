"""The meetings domain's background work (``portal/core/tasks.py`` conventions)."""

from __future__ import annotations

import smtplib
from datetime import date, timedelta

from django.utils import timezone

from portal.core.tasks import retrying_task, round_schedule

#: How often the reminder round runs.
ROUND_EVERY = timedelta(days=1)
#: Actions due within this many days (and overdue ones) are reminded.
REMIND_WITHIN_DAYS = 7


def action_reminders(*, today: date | None = None) -> dict[str, int]:
    """E-mail the owners of open actions due within ``REMIND_WITHIN_DAYS`` or overdue,
    at most once a day per action (``reminded_on``, claimed before sending, so a retry
    never mails twice). Owners: the person the action names, else those of its owner
    country who may settle it (``rule.can_settle_action``: its experts).

    :returns: ``{"actions": n, "emails": n}``.
    """
    from portal.access import rule
    from portal.access.models import User

    from .emails import action_reminder_send
    from .models import ActionItem, ActionStatus

    today = today or ActionItem.today()
    due = (
        ActionItem.objects.filter(
            status=ActionStatus.OPEN,
            due__lte=today + timedelta(days=REMIND_WITHIN_DAYS),
            meeting__cancelled=False,
        )
        .exclude(reminded_on__gte=today)
        .select_related("meeting", "owner", "owner_country")
    )
    actions = emails = 0
    for action in due:
        claimed = (
            ActionItem.objects.filter(pk=action.pk)
            .exclude(reminded_on__gte=today)
            .update(reminded_on=today)
        )
        if not claimed:
            continue
        if action.owner is not None:
            users = [action.owner]
        else:
            users = [
                user
                for user in User.objects.filter(is_active=True, country=action.owner_country)
                if rule.can_settle_action(
                    user,
                    owner_id=None,
                    owner_country=action.owner_country_id,
                    item=action.meeting,
                )
            ]
        users = [u for u in users if rule.can_view(u, action.meeting)]
        try:
            emails += action_reminder_send(action=action, users=users)
        except Exception:
            ActionItem.objects.filter(pk=action.pk).update(reminded_on=action.reminded_on)
            raise
        actions += 1
    return {"actions": actions, "emails": emails}


@retrying_task(retry_on=(smtplib.SMTPException, OSError))
def action_reminders_task() -> dict[str, int]:
    """The daily reminder round; each round queues the next one a day later
    (``action_reminders_schedule``), so the worker keeps it going with no cron."""
    action_reminders_schedule(after=timezone.now() + ROUND_EVERY)
    return action_reminders()


def action_reminders_schedule(*, after=None) -> bool:
    """Queue the reminder round at ``after`` (now when ``None``) unless one is waiting
    (``portal.core.tasks.round_schedule``). Started by ``manage.py meeting_reminders``."""
    return round_schedule(action_reminders_task, after=after)
