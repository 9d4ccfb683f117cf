"""A meeting as a calendar entry: the one place a ``Meeting`` becomes a ``CalendarEntry``.

Used by the meeting's file, the personal feed and the e-mailed invitations, so the UID,
SEQUENCE, times and description are the same wherever a calendar client meets them.
The description holds the agenda's titles only: never outcomes (draft minutes are read by
editors alone, and a calendar is read by anyone holding the file).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .calendar import CalendarEntry
from .models import Meeting


def absolute(path: str) -> str:
    """``path`` on the portal's public address (links in files read outside the portal)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def meeting_path(meeting: Meeting) -> str:
    """The meeting page's path (``meetings:detail``)."""
    try:
        return reverse("meetings:detail", kwargs={"pk": meeting.pk})
    except NoReverseMatch:  # before the pages' URLs are included
        return f"/meetings/{meeting.pk}/"


def meeting_ics_path(meeting: Meeting) -> str:
    """The path of the meeting's calendar file (``meetings:ics``)."""
    try:
        return reverse("meetings:ics", kwargs={"pk": meeting.pk})
    except NoReverseMatch:
        return f"/meetings/{meeting.pk}/ics"


def agenda_titles(meeting: Meeting) -> list[str]:
    """The agenda items' titles in order (uses a prefetched ``agenda_items`` if there)."""
    items = sorted(meeting.agenda_items.all(), key=lambda i: (i.sort_order or 0, i.pk or 0))
    return [item.title for item in items]


def meeting_entry(
    meeting: Meeting,
    *,
    attendees: tuple[str, ...] = (),
    organizer_name: str | None = None,
    organizer_email: str | None = None,
) -> CalendarEntry:
    """``meeting`` as a calendar entry: its stored UID and SEQUENCE, its own zone, the
    agenda's titles and the absolute link back to its page (attendees and organizer for
    e-mailed invitations only)."""
    titles = agenda_titles(meeting)
    lines = [meeting.network.name] if meeting.network_id else []
    if titles:
        lines.append("")
        lines.extend(f"{number}. {title}" for number, title in enumerate(titles, start=1))
    return CalendarEntry(
        uid=meeting.ical_uid,
        sequence=meeting.ical_sequence,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        timezone=meeting.timezone,
        url=absolute(meeting_path(meeting)),
        location=meeting.location,
        online_url=meeting.online_url,
        description="\n".join(lines),
        cancelled=meeting.cancelled,
        attendees=attendees,
        organizer_name=organizer_name,
        organizer_email=organizer_email,
        created=meeting.created_at,
        last_modified=meeting.updated_at,
    )
