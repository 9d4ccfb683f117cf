"""Meetings as iCalendar (RFC 5545): the file of one meeting, invitations and personal feeds.

Pure: no models, no database, no request. The caller (the meetings services and views)
turns each meeting the user may see into a :class:`CalendarEntry` and serves
:func:`calendar_bytes` with :data:`CONTENT_TYPE`. Access is the caller's business: an
entry given here is written out whole.

The rules, decided here once (CONTRACT.md, "Meetings (v2)"; REFERENCES.md, "Meetings"):

- ``UID`` and ``SEQUENCE`` come from the caller, who stores them: a meeting keeps its UID
  for life and its SEQUENCE only rises (on a change of time or place), so a calendar
  client updates the same entry instead of adding a second one.
- ``DTSTART``/``DTEND`` are written in the meeting's own zone with a ``TZID`` and one
  ``VTIMEZONE`` per zone used, so a client shows the meeting in its user's zone and moves
  it correctly across daylight-saving changes.
- A cancelled meeting stays in feeds with ``STATUS:CANCELLED``: clients remove or strike
  it out; leaving it out would leave a stale copy in every subscribed calendar.
- ``DESCRIPTION`` ends with the link to the meeting page (Decidim #11994), also in ``URL``.
- Titles, places and descriptions are untrusted text: the library escapes newlines,
  semicolons, commas and backslashes and folds long lines, so no value can start a
  property or component of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress, vDuration

#: The ``Content-Type`` of every calendar response (RFC 5545 section 8.1).
CONTENT_TYPE = "text/calendar; charset=utf-8"

#: Identifies the portal as the writer of the calendars (RFC 5545 section 3.7.3).
PRODID = "-//Document Expert Portal//Meetings//EN"

#: ``PUBLISH`` for files and feeds, ``REQUEST`` and ``CANCEL`` for e-mail invitations (RFC 5546).
Method = Literal["PUBLISH", "REQUEST", "CANCEL"]
METHODS: frozenset[str] = frozenset({"PUBLISH", "REQUEST", "CANCEL"})

#: Between the place and the online link when a meeting has both.
LOCATION_SEPARATOR = " | "


@dataclass(frozen=True, kw_only=True)
class CalendarEntry:
    """One meeting as a calendar event, in plain values the caller took from the model.

    :param uid: the meeting's stored UID, unchanged for its whole life.
    :param sequence: the stored revision, raised by the caller on a change of time or place.
    :param title: the meeting's title (untrusted text).
    :param starts_at: the start, an aware datetime (any zone: it is written in ``timezone``).
    :param ends_at: the end, aware and after ``starts_at``.
    :param timezone: the meeting's IANA zone name (``"Asia/Manila"``).
    :param url: the absolute link to the meeting page.
    :param location: the place, if any.
    :param online_url: the online link, if any.
    :param description: plain text; the link to the meeting is appended to it.
    :param cancelled: written as ``STATUS:CANCELLED`` (otherwise ``CONFIRMED``).
    :param organizer_name: shown by clients as who invites (the chair), if known.
    :param organizer_email: the organizer's address; needed for invitations.
    :param attendees: e-mail addresses invited (only for ``REQUEST``/``CANCEL`` mails;
        feeds leave them out so no feed lists other people's addresses).
    :param last_modified: when the meeting last changed (aware), if known.
    :param created: when the meeting was created (aware), if known.
    """

    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    url: str
    location: str = ""
    online_url: str = ""
    description: str = ""
    cancelled: bool = False
    organizer_name: str | None = None
    organizer_email: str | None = None
    attendees: tuple[str, ...] = ()
    last_modified: datetime | None = None
    created: datetime | None = None

    def __post_init__(self) -> None:
        """Refuse values a calendar client would misread, with a message saying which."""
        if not self.uid.strip():
            raise ValueError("A calendar entry needs its meeting's stored UID.")
        if self.sequence < 0:
            raise ValueError(f"SEQUENCE must be 0 or more, not {self.sequence}.")
        for name in ("starts_at", "ends_at", "last_modified", "created"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime (with a time zone).")
        if self.ends_at <= self.starts_at:
            raise ValueError("A meeting must end after it starts.")
        zone_of(self.timezone)

    @property
    def location_text(self) -> str:
        """The ``LOCATION``: the place and/or the online link."""
        return LOCATION_SEPARATOR.join(
            part.strip() for part in (self.location, self.online_url) if part and part.strip()
        )

    @property
    def description_text(self) -> str:
        """The ``DESCRIPTION``: the caller's text, then the link to the meeting, last."""
        text = self.description.strip()
        return f"{text}\n\n{self.url}" if text else self.url


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; a clear error rather than a calendar without a zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # OSError: a directory
        raise ValueError(
            f"Unknown time zone {name!r}: use an IANA name such as 'Asia/Manila'."
        ) from error


def calendar_bytes(
    entries: Iterable[CalendarEntry],
    *,
    method: Method = "PUBLISH",
    name: str | None = None,
    stamp: datetime | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """The iCalendar file of ``entries``: one VEVENT each, one VTIMEZONE per zone used.

    :param entries: the meetings, already filtered to what the reader may see.
    :param method: ``PUBLISH`` (a meeting's file, a feed), ``REQUEST`` (an invitation or
        update mailed to attendees) or ``CANCEL`` (every entry is then cancelled).
    :param name: the calendar's name clients show for a subscribed feed
        (``X-WR-CALNAME`` and RFC 7986 ``NAME``); ``None`` for single files.
    :param stamp: the ``DTSTAMP`` of every event (when this file is made); now by default.
    :param refresh: for feeds, how often clients should fetch again (RFC 7986
        ``REFRESH-INTERVAL`` and Outlook's ``X-PUBLISHED-TTL``); ``None`` leaves it to them.
    :returns: UTF-8 bytes with CRLF line ends and lines folded at 75 octets.
    """
    if method not in METHODS:
        raise ValueError(f"METHOD must be one of {sorted(METHODS)}, not {method!r}.")
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    entries = list(entries)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.calendar_name = name  # writes NAME and X-WR-CALNAME
    if refresh is not None:
        # RFC 7986 requires the VALUE=DURATION parameter, which the library leaves out.
        calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    for entry in entries:
        calendar.add_component(_event(entry, method=method, stamp=stamp))
    if entries:
        # VTIMEZONEs only need to cover the years the events span: the RDATE lists of a
        # zone with daylight saving grow with every year included.
        first = min(entry.starts_at for entry in entries).astimezone(UTC).date()
        last = max(entry.ends_at for entry in entries).astimezone(UTC).date()
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    return calendar.to_ical()


def _event(entry: CalendarEntry, *, method: Method, stamp: datetime) -> Event:
    """The VEVENT of one entry, its times in the meeting's own zone."""
    zone = zone_of(entry.timezone)
    cancelled = entry.cancelled or method == "CANCEL"
    event = Event.new(
        uid=entry.uid,
        sequence=entry.sequence,
        stamp=stamp,
        start=entry.starts_at.astimezone(zone),
        end=entry.ends_at.astimezone(zone),
        summary=entry.title,
        description=entry.description_text,
        url=entry.url,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    if entry.location_text:
        event.add("location", entry.location_text)
    # RFC 5545: CREATED and LAST-MODIFIED are in UTC.
    if entry.created is not None:
        event.add("created", entry.created.astimezone(UTC))
    if entry.last_modified is not None:
        event.add("last-modified", entry.last_modified.astimezone(UTC))
    if entry.organizer_email:
        event.add("organizer", _address(entry.organizer_email, entry.organizer_name))
    if method != "PUBLISH":
        for email in entry.attendees:
            attendee = _address(email, None)
            attendee.params["ROLE"] = "REQ-PARTICIPANT"
            attendee.params["PARTSTAT"] = "NEEDS-ACTION"
            attendee.params["RSVP"] = "FALSE"
            event.add("attendee", attendee)
    return event


def _address(email: str, name: str | None) -> vCalAddress:
    """A ``mailto:`` address with an optional common name.

    A parameter value cannot hold a double quote or a control character (RFC 5545
    section 3.1, ``param-value``), so they are dropped from the name, not escaped.
    """
    address = vCalAddress(f"mailto:{email.strip()}")
    if name:
        common_name = " ".join(
            "".join(" " if unicodedata.category(char).startswith("C") else char for char in name)
            .replace('"', "")
            .split()
        )
        if common_name:
            address.params["CN"] = common_name
    return address


def feed_filename(title: str, *, fallback: str = "meeting") -> str:
    """A safe ``.ics`` file name for ``Content-Disposition``, from a title in any script.

    ``"ANDEX meeting: Manila 2027"`` → ``"andex-meeting-manila-2027.ics"``; a title with no
    Latin letters or digits (Thai, say) falls back to ``fallback``.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].rstrip("-")
    return f"{slug or fallback}.ics"


__all__ = [
    "CONTENT_TYPE",
    "METHODS",
    "PRODID",
    "CalendarEntry",
    "Method",
    "calendar_bytes",
    "feed_filename",
    "zone_of",
]
