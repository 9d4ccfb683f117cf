"""The action reminder e-mail (``tasks.action_reminders_task``): in each recipient's
language, naming the action, its meeting and due date, with a link to the portal (the
minutes themselves stay behind sign-in). Bodies are templates
(``meetings/emails/action_reminder_*.txt``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from portal.accounts.locale import locale_override

from .models import ActionItem


def _link() -> str:
    try:
        path = reverse("meetings:actions")
    except NoReverseMatch:  # the pages come in phase 2
        path = "/meetings/actions/"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def action_reminder_content(action: ActionItem) -> tuple[str, str]:
    """Subject and body of the reminder about ``action`` (in the active language)."""
    context = {"action": action, "meeting": action.meeting, "link": _link()}
    subject = render_to_string("meetings/emails/action_reminder_subject.txt", context)
    body = render_to_string("meetings/emails/action_reminder_body.txt", context)
    return " ".join(subject.split()), body


def action_reminder_send(*, action: ActionItem, users: list) -> int:
    """Send the reminder to each of ``users`` with an address; how many were sent."""
    sent = 0
    for user in users:
        if not user.email or not user.is_active:
            continue
        with locale_override(user=user):
            subject, body = action_reminder_content(action)
        EmailMessage(subject, body, to=[user.email]).send()
        sent += 1
    return sent
