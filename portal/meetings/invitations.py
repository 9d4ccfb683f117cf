"""E-mailed invitations and updates of a meeting, each with its calendar file.

When a meeting is scheduled, moved (time or place) or cancelled, the people of the
invited countries who may see it receive a message in their own language with the times
in their own zone (and the meeting's local time when it differs), and an ``.ics``
attachment — ``METHOD:REQUEST`` (``CANCEL`` once cancelled) with the meeting's stored UID
and SEQUENCE, so a mail client updates the one entry instead of adding another.

Sending is a task enqueued on commit (``portal.core.tasks``): a rolled-back change mails
nobody, and the task decides again at sending time — the meeting as it is then, each
recipient checked against the rule then (``rule.users_who_may_view``). Agenda titles only:
never outcomes (draft minutes are their editors' alone).
"""

from __future__ import annotations

import smtplib
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from portal.access import rule
from portal.accounts.locale import locale_override
from portal.core.tasks import enqueue_on_commit, retrying_task
from portal.core.templatetags.portal_time import datetime_words

from .calendar import calendar_bytes, feed_filename
from .ical import absolute, agenda_titles, meeting_entry, meeting_path
from .models import Meeting

#: The changes that are mailed (a changed title alone is not).
MAILED = ("scheduled", "moved", "cancelled")


def invitation_recipients(meeting: Meeting) -> list:
    """Active users with an address, of the invited countries, who may see the meeting now."""
    countries = list(meeting.attendances.values_list("country_id", flat=True))
    if not countries:
        return []
    users = get_user_model().objects.filter(country_id__in=countries).exclude(email="")
    return rule.users_who_may_view(item=meeting, users=users)


def _times(meeting: Meeting) -> dict:
    """The start and end in the active (reader's) zone, and in the meeting's own zone
    when that is another one."""
    reader = {"starts": datetime_words(meeting.starts_at), "ends": datetime_words(meeting.ends_at)}
    if timezone.get_current_timezone_name() == meeting.timezone:
        return {**reader, "local_starts": "", "local_ends": ""}
    with timezone.override(meeting.zone):
        return {
            **reader,
            "local_starts": datetime_words(meeting.starts_at),
            "local_ends": datetime_words(meeting.ends_at),
        }


def invitation_content(*, meeting: Meeting, change: str) -> tuple[str, str]:
    """Subject and body of the message about ``meeting`` (in the active language and zone)."""
    context = {
        "meeting": meeting,
        "change": "cancelled" if meeting.cancelled else change,
        "agenda": agenda_titles(meeting),
        "link": absolute(meeting_path(meeting)),
        **_times(meeting),
    }
    subject = render_to_string("meetings/emails/invitation_subject.txt", context)
    body = render_to_string("meetings/emails/invitation_body.txt", context)
    return " ".join(subject.split()), body


def invitation_calendar(*, meeting: Meeting, email: str) -> tuple[str, bytes]:
    """The method and the ``.ics`` of the message to ``email``: REQUEST, or CANCEL."""
    method = "CANCEL" if meeting.cancelled else "REQUEST"
    chair = meeting.network.chair
    entry = meeting_entry(
        meeting,
        attendees=(email,),
        organizer_email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or None,
        organizer_name=(chair.get_full_name() if chair else "") or meeting.network.name,
    )
    return method, calendar_bytes([entry], method=method)


def invitation_send(*, meeting: Meeting, change: str, users: list) -> int:
    """Send the message about ``meeting`` to each of ``users``; how many were sent."""
    sent = 0
    for user in users:
        if not user.email or not user.is_active:
            continue
        with locale_override(user=user):
            subject, body = invitation_content(meeting=meeting, change=change)
        method, ics = invitation_calendar(meeting=meeting, email=user.email)
        message = EmailMessage(subject, body, to=[user.email])
        part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename=feed_filename(meeting.title))
        message.attach(part)
        message.send()
        sent += 1
    return sent


@retrying_task(retry_on=(smtplib.SMTPException, OSError))
def meeting_emails_task(meeting_id: int, change: str) -> int:
    """Mail the invited people who may see the meeting about its ``change``; the meeting
    is read again, and nothing is sent unless it is still published."""
    meeting = (
        Meeting.objects.select_related("network__chair")
        .prefetch_related("agenda_items")
        .filter(pk=meeting_id, live=True)
        .first()
    )
    if meeting is None or change not in MAILED:
        return 0
    return invitation_send(meeting=meeting, change=change, users=invitation_recipients(meeting))


def meeting_emails_enqueue(*, meeting: Meeting, change: str) -> None:
    """Schedule the messages about ``meeting`` once the current transaction commits."""
    if change in MAILED:
        enqueue_on_commit(meeting_emails_task, meeting.pk, change)
