"""Meetings' registration with the push service (``portal.push``): the ``/ws/meetings/``
feed — ``meeting.backlog`` on connect (the upcoming meetings the user may see) and
``meeting.scheduled``/``moved``/``cancelled`` when a meeting the user may see is
scheduled, moved or cancelled (``services._announce``). The hub checks each user's keys
again before writing, like for alerts."""

from __future__ import annotations

from typing import Any

from portal.push.registry import PushType, push_type_register

from .ical import meeting_path
from .models import Meeting

#: How many upcoming meetings a socket receives on connect.
BACKLOG_SIZE = 50


def meeting_message(meeting: Meeting) -> dict:
    """The meeting as a socket receives it: what a toast needs, times in ISO 8601 with the
    meeting's own offset (the page shows them in the reader's zone)."""
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "starts_at": meeting.starts_at.astimezone(meeting.zone).isoformat(),
        "timezone": meeting.timezone,
        "url": meeting_path(meeting),
        "status": meeting.meeting_status,
    }


def meetings_backlog(*, user: Any) -> list[Meeting]:
    """The upcoming meetings ``user`` may see, soonest first (through the rule)."""
    from .selectors import meetings_visible_to

    return list(meetings_visible_to(user=user, when="upcoming")[:BACKLOG_SIZE])


def register() -> None:
    push_type_register(
        PushType(
            name="meeting",
            model=Meeting,
            message=meeting_message,
            backlog=meetings_backlog,
            route="ws/meetings/",
        )
    )
