"""Template helpers of the meetings pages: a meeting's time in the reader's zone with
the meeting's own local time beside it, and the account page's calendar-feed block."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .. import selectors

register = template.Library()


def _range_words(start: dt.datetime, end: dt.datetime, zone_name: str) -> str:
    """ "26 Nov 2026, 09:00–11:00 (Asia/Manila)" (the end's day named when it differs)."""
    words = f"{date_format(start, 'DATE_FORMAT')}, {time_format(start, 'TIME_FORMAT')}"
    if end.date() == start.date():
        words += f"–{time_format(end, 'TIME_FORMAT')}"
    else:
        words += f" – {date_format(end, 'DATE_FORMAT')}, {time_format(end, 'TIME_FORMAT')}"
    return f"{words} ({zone_name})"


@register.simple_tag
def meeting_times(meeting: Any) -> SafeString:
    """When the meeting is, in the reader's zone (zone named), and — when the meeting is
    planned in another zone — its own local time too, so nobody converts in their head."""
    reader_zone = timezone.get_current_timezone()
    reader_name = timezone.get_current_timezone_name()
    start, end = meeting.starts_at.astimezone(reader_zone), meeting.ends_at.astimezone(reader_zone)
    reader = format_html(
        '<time datetime="{}">{}</time>',
        meeting.starts_at.astimezone(dt.UTC).isoformat(),
        _range_words(start, end, reader_name),
    )
    local_start, local_end = meeting.local_times()
    if local_start.utcoffset() == start.utcoffset() and meeting.timezone == reader_name:
        return reader
    local = _range_words(local_start, local_end, meeting.timezone)
    return format_html(
        '{} <span class="meeting-time__local">{}</span>',
        reader,
        _("(local time of the meeting: %(when)s)") % {"when": local},
    )


@register.filter
def meeting_local_time(value: dt.datetime, meeting: Any) -> str:
    """A time of the meeting's day (agenda running times) in the meeting's zone: "09:15"."""
    if not isinstance(value, dt.datetime):
        return ""
    return time_format(value.astimezone(meeting.zone), "TIME_FORMAT")


@register.filter
def reader_time(value: dt.datetime) -> str:
    """A time in the reader's zone, without the zone's name: "08:15"."""
    if not isinstance(value, dt.datetime):
        return ""
    return time_format(timezone.localtime(value), "TIME_FORMAT")


@register.simple_tag(takes_context=True)
def calendar_feed_of(context: template.Context) -> dict[str, str] | None:
    """The signed-in user's active calendar feed as its URLs (https and webcal), for the
    account page: shown to its owner only (the page is the owner's own)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    feed = selectors.feed_active_for(user=user)
    if feed is None or request is None:
        return None
    url = request.build_absolute_uri(reverse("meetings:feed", kwargs={"token": feed.token}))
    return {
        "url": url,
        "webcal": "webcal://" + url.split("://", 1)[1],
        "created_at": feed.created_at,
        "last_fetched_at": feed.last_fetched_at,
    }
