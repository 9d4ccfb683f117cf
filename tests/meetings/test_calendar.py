"""Meeting calendars (portal.meetings.calendar): files parsed back as a client reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from portal.meetings.calendar import (
    CONTENT_TYPE,
    CalendarEntry,
    calendar_bytes,
    feed_filename,
)

MANILA = ZoneInfo("Asia/Manila")
HELSINKI = ZoneInfo("Europe/Helsinki")
STAMP = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)


def entry(**overrides) -> CalendarEntry:
    """An andex meeting in Manila, 09:00–12:00 local time on 3 March 2027."""
    values = {
        "uid": "meeting-7@portal.example",
        "sequence": 2,
        "title": "ANDEX spring meeting",
        "starts_at": datetime(2027, 3, 3, 1, 0, tzinfo=UTC),  # 09:00 in Manila
        "ends_at": datetime(2027, 3, 3, 4, 0, tzinfo=UTC),
        "timezone": "Asia/Manila",
        "url": "https://portal.example/meetings/7/",
        "location": "Immigration HQ, Manila",
        "description": "Agenda:\n1. Alerts",
    }
    values.update(overrides)
    return CalendarEntry(**values)


def parse(data: bytes) -> Calendar:
    """The calendar as a client reads it."""
    return Calendar.from_ical(data)


def test_single_meeting_file_round_trips():
    data = calendar_bytes([entry()], method="PUBLISH", stamp=STAMP)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert CONTENT_TYPE == "text/calendar; charset=utf-8"
    calendar = parse(data)

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    assert "X-WR-CALNAME" not in calendar  # a single file has no feed name
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "meeting-7@portal.example"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "ANDEX spring meeting"
    assert str(event["LOCATION"]) == "Immigration HQ, Manila"
    assert event.decoded("DTSTAMP") == STAMP

    # Written in the meeting's zone, wall clock as the chair typed it.
    assert event["DTSTART"].params["TZID"] == "Asia/Manila"
    assert event["DTEND"].params["TZID"] == "Asia/Manila"
    assert b"DTSTART;TZID=Asia/Manila:20270303T090000" in data
    assert event.start == datetime(2027, 3, 3, 9, 0, tzinfo=MANILA)
    assert event.end - event.start == timedelta(hours=3)

    # The link to the meeting: in URL and as the description's last line.
    assert str(event["URL"]) == "https://portal.example/meetings/7/"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Agenda:\n1. Alerts")
    assert description.splitlines()[-1] == "https://portal.example/meetings/7/"

    assert [zone.tz_name for zone in calendar.timezones] == ["Asia/Manila"]


def test_feed_has_a_name_keeps_cancelled_meetings_and_one_vtimezone_per_zone():
    manila = entry(uid="m-1@portal.example", sequence=0)
    cancelled = entry(uid="m-2@portal.example", sequence=3, cancelled=True)
    helsinki = entry(
        uid="m-3@portal.example",
        timezone="Europe/Helsinki",
        starts_at=datetime(2027, 7, 1, 10, 0, tzinfo=HELSINKI),
        ends_at=datetime(2027, 7, 1, 12, 0, tzinfo=HELSINKI),
        location="",
        online_url="https://meet.example/rnde",
    )
    data = calendar_bytes(
        [manila, cancelled, helsinki], name="My meetings", stamp=STAMP, refresh=timedelta(hours=1)
    )
    calendar = parse(data)

    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "My meetings"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"m-1@portal.example", "m-2@portal.example", "m-3@portal.example"}
    assert str(events["m-2@portal.example"]["STATUS"]) == "CANCELLED"
    assert int(events["m-2@portal.example"]["SEQUENCE"]) == 3
    assert str(events["m-1@portal.example"]["STATUS"]) == "CONFIRMED"

    # Two zones used, two VTIMEZONEs (each once, though Manila is used twice).
    assert sorted(zone.tz_name for zone in calendar.timezones) == ["Asia/Manila", "Europe/Helsinki"]
    assert calendar.get_missing_tzids() == set()
    # Summer in Helsinki is UTC+3: the VTIMEZONE must say so for clients without tzdata.
    helsinki_zone = next(z for z in calendar.timezones if z.tz_name == "Europe/Helsinki")
    offsets = {str(sub["TZNAME"]): sub["TZOFFSETTO"].td for sub in helsinki_zone.subcomponents}
    assert offsets == {"EET": timedelta(hours=2), "EEST": timedelta(hours=3)}
    manila_zone = next(z for z in calendar.timezones if z.tz_name == "Asia/Manila")
    assert {sub["TZOFFSETTO"].td for sub in manila_zone.subcomponents} == {timedelta(hours=8)}

    event = events["m-3@portal.example"]
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert b"DTSTART;TZID=Europe/Helsinki:20270701T100000" in data
    assert event.start.astimezone(UTC) == datetime(2027, 7, 1, 7, 0, tzinfo=UTC)
    assert str(event["LOCATION"]) == "https://meet.example/rnde"


def test_times_given_in_another_zone_are_written_in_the_meetings_zone():
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    data = calendar_bytes(
        [
            entry(
                starts_at=datetime(2027, 3, 3, 8, 0, tzinfo=hanoi),
                ends_at=datetime(2027, 3, 3, 11, 0, tzinfo=hanoi),
            )
        ],
        stamp=STAMP,
    )
    (event,) = parse(data).walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Asia/Manila"
    assert b"DTSTART;TZID=Asia/Manila:20270303T090000" in data
    assert b"DTEND;TZID=Asia/Manila:20270303T120000" in data


def test_event_across_a_daylight_saving_change():
    # Helsinki springs forward on 28 March 2027 at 03:00 (to 04:00): 01:00–06:00 local
    # lasts four hours, not five.
    night = entry(
        timezone="Europe/Helsinki",
        starts_at=datetime(2027, 3, 27, 23, 0, tzinfo=UTC),  # 01:00 EET
        ends_at=datetime(2027, 3, 28, 3, 0, tzinfo=UTC),  # 06:00 EEST
    )
    data = calendar_bytes([night], stamp=STAMP)
    calendar = parse(data)
    (event,) = calendar.walk("VEVENT")
    assert b"DTSTART;TZID=Europe/Helsinki:20270328T010000" in data
    assert b"DTEND;TZID=Europe/Helsinki:20270328T060000" in data
    assert event.start.utcoffset() == timedelta(hours=2)
    assert event.end.utcoffset() == timedelta(hours=3)
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(hours=4)
    # The VTIMEZONE carries the change itself.
    (zone,) = calendar.timezones
    daylight = next(sub for sub in zone.subcomponents if sub.name == "DAYLIGHT")
    changes = [daylight.decoded("DTSTART")] + [
        period.dt
        for rdate in ([daylight["RDATE"]] if "RDATE" in daylight else [])
        for period in rdate.dts
    ]
    assert datetime(2027, 3, 28, 4, 0) in [change.replace(tzinfo=None) for change in changes]


def test_hostile_text_is_escaped_and_round_trips():
    hostile = "Evil; title, with\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged\\ and more"
    data = calendar_bytes(
        [
            entry(
                title=hostile,
                location="Room 1;\nSUMMARY:x",
                description="Notes, part 1; part 2\nDTSTART:19700101T000000Z",
                organizer_name='Chair "andex"\r\nX-EVIL:1',
                organizer_email="chair@andex.example",
            )
        ],
        stamp=STAMP,
    )
    # Nothing from the text became a line of its own.
    lines = data.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1
    assert lines.count(b"END:VEVENT") == 1
    assert not any(
        line.startswith((b"UID:forged", b"SUMMARY:x", b"X-EVIL", b"DTSTART:1970")) for line in lines
    )
    assert b"SUMMARY:Evil\\; title\\, with\\nEND:VEVENT" in data
    assert all(len(line) <= 75 for line in lines)  # folded per RFC 5545

    (event,) = parse(data).walk("VEVENT")
    assert str(event["UID"]) == "meeting-7@portal.example"
    assert str(event["SUMMARY"]) == hostile.replace("\r\n", "\n")
    assert str(event["LOCATION"]) == "Room 1;\nSUMMARY:x"
    assert str(event["DESCRIPTION"]).startswith("Notes, part 1; part 2\nDTSTART:")
    assert event["ORGANIZER"].params["CN"] == "Chair andex X-EVIL:1"
    assert str(event["ORGANIZER"]) == "mailto:chair@andex.example"


def test_long_lines_fold_and_unfold_unchanged():
    title = "Réunion ANDEX — การประชุม — Cuộc họp " * 6
    data = calendar_bytes([entry(title=title)], stamp=STAMP)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    data.decode("utf-8")  # folding never splits a character
    (event,) = parse(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == title


def test_invitations_request_and_cancel():
    invited = entry(
        organizer_name="chair.andex",
        organizer_email="chair@andex.example",
        attendees=("officer@vnm.example", "expert@tha.example"),
    )
    request = parse(calendar_bytes([invited], method="REQUEST", stamp=STAMP))
    assert request["METHOD"] == "REQUEST"
    (event,) = request.walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:chair@andex.example"
    assert event["ORGANIZER"].params["CN"] == "chair.andex"
    attendees = event["ATTENDEE"]
    assert sorted(str(a) for a in attendees) == [
        "mailto:expert@tha.example",
        "mailto:officer@vnm.example",
    ]

    cancel = parse(calendar_bytes([invited], method="CANCEL", stamp=STAMP))
    assert cancel["METHOD"] == "CANCEL"
    (event,) = cancel.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "meeting-7@portal.example"

    # A feed never lists other people's addresses.
    feed = calendar_bytes([invited], name="Feed", stamp=STAMP)
    assert b"ATTENDEE" not in feed


def test_empty_feed_is_still_a_calendar():
    calendar = parse(calendar_bytes([], name="Nothing yet", stamp=STAMP))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar.walk("VEVENT") == []


def test_created_and_last_modified_are_in_utc():
    changed = datetime(2027, 2, 1, 15, 30, tzinfo=MANILA)
    (event,) = parse(
        calendar_bytes(
            [entry(created=changed - timedelta(days=3), last_modified=changed)], stamp=STAMP
        )
    ).walk("VEVENT")
    assert event.decoded("LAST-MODIFIED") == datetime(2027, 2, 1, 7, 30, tzinfo=UTC)
    assert event.decoded("CREATED") == datetime(2027, 1, 29, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts_at": datetime(2027, 3, 3, 9, 0)}, "aware"),
        ({"ends_at": datetime(2027, 3, 3, 1, 0, tzinfo=UTC)}, "end after"),
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
        ({"sequence": -1}, "SEQUENCE"),
        ({"uid": " "}, "UID"),
    ],
)
def test_bad_entries_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        entry(**overrides)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="METHOD"):
        calendar_bytes([entry()], method="PUBLISHX")  # type: ignore[arg-type]


def test_feed_filename():
    assert feed_filename("ANDEX meeting: Manila 2027") == "andex-meeting-manila-2027.ics"
    assert feed_filename("Réunion à Hanoï") == "reunion-a-hanoi.ics"
    assert feed_filename("การประชุม") == "meeting.ics"
    assert feed_filename("การประชุม", fallback="my-meetings") == "my-meetings.ics"
    assert feed_filename('../../etc/passwd"\r\n') == "etc-passwd.ics"
