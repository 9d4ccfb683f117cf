"""Agenda running times (portal.meetings.agenda): items in the meeting's zone, overruns, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.meetings.agenda import AgendaSlot, running_times

MANILA = ZoneInfo("Asia/Manila")
HELSINKI = ZoneInfo("Europe/Helsinki")


def test_items_follow_each_other_in_the_meetings_zone():
    slots = [AgendaSlot("Opening", 15), AgendaSlot("Alerts", 45), AgendaSlot("Training", 30)]
    # Given in UTC, laid out in Manila time.
    agenda = running_times(
        datetime(2027, 3, 3, 1, 0, tzinfo=UTC),
        datetime(2027, 3, 3, 4, 0, tzinfo=UTC),
        "Asia/Manila",
        slots,
    )
    assert [(item.title, item.starts_at, item.ends_at) for item in agenda.items] == [
        (
            "Opening",
            datetime(2027, 3, 3, 9, 0, tzinfo=MANILA),
            datetime(2027, 3, 3, 9, 15, tzinfo=MANILA),
        ),
        (
            "Alerts",
            datetime(2027, 3, 3, 9, 15, tzinfo=MANILA),
            datetime(2027, 3, 3, 10, 0, tzinfo=MANILA),
        ),
        (
            "Training",
            datetime(2027, 3, 3, 10, 0, tzinfo=MANILA),
            datetime(2027, 3, 3, 10, 30, tzinfo=MANILA),
        ),
    ]
    assert all(item.starts_at.tzinfo == MANILA for item in agenda.items)
    assert agenda.items[1].duration_minutes == 45
    assert agenda.total_minutes == 90
    assert agenda.slot_minutes == 180
    assert agenda.overrun_minutes == 0
    assert not agenda.overruns


def test_overrun_by_n_minutes():
    start = datetime(2027, 3, 3, 9, 0, tzinfo=MANILA)
    agenda = running_times(
        start,
        datetime(2027, 3, 3, 10, 0, tzinfo=MANILA),
        "Asia/Manila",
        [AgendaSlot("A", 40), AgendaSlot("B", 35)],
    )
    assert agenda.total_minutes == 75
    assert agenda.overrun_minutes == 15
    assert agenda.overruns
    assert agenda.items[-1].ends_at == datetime(2027, 3, 3, 10, 15, tzinfo=MANILA)


def test_exact_fit_is_not_an_overrun():
    agenda = running_times(
        datetime(2027, 3, 3, 9, 0, tzinfo=MANILA),
        datetime(2027, 3, 3, 10, 0, tzinfo=MANILA),
        "Asia/Manila",
        [AgendaSlot("A", 30), AgendaSlot("B", 30)],
    )
    assert agenda.total_minutes == agenda.slot_minutes == 60
    assert agenda.overrun_minutes == 0
    assert not agenda.overruns
    assert agenda.items[-1].ends_at == datetime(2027, 3, 3, 10, 0, tzinfo=MANILA)


def test_empty_agenda():
    agenda = running_times(
        datetime(2027, 3, 3, 9, 0, tzinfo=MANILA),
        datetime(2027, 3, 3, 10, 0, tzinfo=MANILA),
        "Asia/Manila",
        [],
    )
    assert agenda.items == ()
    assert agenda.total_minutes == 0
    assert not agenda.overruns


def test_daylight_saving_day_counts_real_minutes():
    # Helsinki, 28 March 2027: clocks go from 03:00 to 04:00. A meeting 01:00–05:00 on the
    # wall clock lasts three real hours.
    start = datetime(2027, 3, 27, 23, 0, tzinfo=UTC)  # 01:00 EET
    end = datetime(2027, 3, 28, 2, 0, tzinfo=UTC)  # 05:00 EEST
    slots = [AgendaSlot("Before", 90), AgendaSlot("Across", 60), AgendaSlot("After", 30)]
    agenda = running_times(start, end, "Europe/Helsinki", slots)

    local = [
        (item.starts_at.strftime("%H:%M %Z"), item.ends_at.strftime("%H:%M %Z"))
        for item in agenda.items
    ]
    assert local == [
        ("01:00 EET", "02:30 EET"),
        ("02:30 EET", "04:30 EEST"),  # one real hour, across the missing hour
        ("04:30 EEST", "05:00 EEST"),
    ]
    assert agenda.slot_minutes == 180
    assert agenda.total_minutes == 180
    assert not agenda.overruns

    # One more minute does overrun, though the wall clock shows 4 hours between 01:00 and 05:00.
    longer = running_times(start, end, "Europe/Helsinki", [*slots, AgendaSlot("Extra", 1)])
    assert longer.overrun_minutes == 1


def test_autumn_change_repeats_an_hour():
    # Helsinki, 31 October 2027: clocks go from 04:00 back to 03:00. Items in the repeated
    # hour keep their real order and show the right offset.
    start = datetime(2027, 10, 30, 23, 30, tzinfo=UTC)  # 02:30 EEST
    agenda = running_times(
        start,
        datetime(2027, 10, 31, 2, 30, tzinfo=UTC),
        "Europe/Helsinki",
        [AgendaSlot("A", 60), AgendaSlot("B", 60)],
    )
    first, second = agenda.items
    # Both end at 03:30 on the wall clock: the first in summer time, the second an hour later.
    local = [(item.ends_at.strftime("%H:%M %Z"), item.ends_at.utcoffset()) for item in agenda.items]
    assert local == [("03:30 EEST", timedelta(hours=3)), ("03:30 EET", timedelta(hours=2))]
    assert second.starts_at == first.ends_at
    # Compared in UTC: Python subtracts datetimes of one ZoneInfo on the wall clock (0 here).
    assert second.ends_at.astimezone(UTC) - first.ends_at.astimezone(UTC) == timedelta(hours=1)
    assert agenda.slot_minutes == 180
    assert agenda.overrun_minutes == 0


def test_bad_input_is_refused():
    start = datetime(2027, 3, 3, 9, 0, tzinfo=MANILA)
    end = datetime(2027, 3, 3, 10, 0, tzinfo=MANILA)
    with pytest.raises(ValueError, match="negative"):
        running_times(start, end, "Asia/Manila", [AgendaSlot("A", -5)])
    with pytest.raises(ValueError, match="aware"):
        running_times(start.replace(tzinfo=None), end, "Asia/Manila", [])
    with pytest.raises(ValueError, match="before"):
        running_times(end, start, "Asia/Manila", [])
    with pytest.raises(ValueError, match="Unknown time zone"):
        running_times(start, end, "Nowhere/Land", [])
