"""Calendar files of meetings: one meeting's file and the personal subscription feed.

``meeting_ics`` is an item page like any other: the signed-in user (session, or the
API's Bearer token through ``BearerTokenMiddleware``) through the rule, 404 when not
visible. ``feed_ics`` signs nobody in: the secret token names the feed, and the meetings
are those its owner may see at the moment of the fetch (a revoked token, or a
deactivated owner, is a plain 404). Cancelled meetings stay with ``STATUS:CANCELLED`` so
subscribed clients strike them out instead of keeping a stale copy.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.access.views import hidden_asks_login

from . import selectors
from .calendar import CONTENT_TYPE, calendar_bytes, feed_filename
from .ical import meeting_entry
from .models import AgendaItem, CalendarFeed

#: How often subscribed clients are asked to fetch the feed again.
FEED_REFRESH = timedelta(hours=1)
#: ``last_fetched_at`` is written at most this often (clients poll; one UPDATE per poll
#: of every subscriber would be a write for nothing).
FETCH_RECORD_EVERY = timedelta(minutes=10)

_AGENDA = Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("sort_order", "pk"))


def _calendar_response(body: bytes, *, filename: str, inline: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@hidden_asks_login
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's ``.ics`` file (``METHOD:PUBLISH``) for the user who may see it."""
    if not request.user.is_authenticated:
        raise Http404
    meeting = selectors.meeting_get_visible_or_404(user=request.user, pk=pk)
    meeting = (
        type(meeting).objects.select_related("network").prefetch_related(_AGENDA).get(pk=meeting.pk)
    )
    body = calendar_bytes([meeting_entry(meeting)], method="PUBLISH")
    return _calendar_response(body, filename=feed_filename(meeting.title), inline=False)


@require_safe
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed of ``token``: every meeting its owner may see now."""
    feed = selectors.feed_get(token=token)
    if feed is None:
        raise Http404
    meetings = selectors.feed_meetings(feed=feed).prefetch_related(_AGENDA)
    body = calendar_bytes(
        [meeting_entry(meeting) for meeting in meetings],
        method="PUBLISH",
        name=_("Meetings — Document Expert Portal"),
        refresh=FEED_REFRESH,
    )
    now = timezone.now()
    if feed.last_fetched_at is None or now - feed.last_fetched_at >= FETCH_RECORD_EVERY:
        # One UPDATE, no save(): nothing else of the feed is touched.
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
    return _calendar_response(body, filename="meetings.ics", inline=True)
