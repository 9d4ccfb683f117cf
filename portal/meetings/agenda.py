"""Running times of a meeting's agenda, and whether it overruns the meeting's slot.

Pure: no models, no database. The caller turns the agenda items into :class:`AgendaSlot`
values in their order and shows :func:`running_times`' answer on the meeting page (and
warns the chair when :attr:`RunningAgenda.overruns`).

Time is added in UTC, then shown in the meeting's zone: on the day clocks change, an
item starting at 02:30 in Helsinki and lasting an hour ends at 04:30 local time, as the
clock on the wall says, while the meeting's real length is what is compared with the
agenda (a meeting from 01:00 to 05:00 on the spring-forward night lasts three hours).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from portal.meetings.calendar import zone_of


@dataclass(frozen=True)
class AgendaSlot:
    """One agenda item as far as time goes: its title and how long it is planned to take."""

    title: str
    duration_minutes: int


@dataclass(frozen=True)
class RunningItem:
    """An agenda item placed in time: when it starts and ends, in the meeting's zone."""

    slot: AgendaSlot
    starts_at: datetime
    ends_at: datetime

    @property
    def title(self) -> str:
        """The item's title, for templates."""
        return self.slot.title

    @property
    def duration_minutes(self) -> int:
        """The item's planned minutes, for templates."""
        return self.slot.duration_minutes


@dataclass(frozen=True)
class RunningAgenda:
    """The agenda laid out from the meeting's start.

    :param items: the items in order, each following the one before.
    :param total_minutes: the minutes the agenda takes.
    :param slot_minutes: the minutes the meeting lasts (real elapsed time).
    :param overrun_minutes: how many minutes the agenda goes past the meeting's end
        (``0`` if it fits, an exact fit included).
    """

    items: tuple[RunningItem, ...]
    total_minutes: int
    slot_minutes: int
    overrun_minutes: int

    @property
    def overruns(self) -> bool:
        """Whether the agenda runs past the meeting's end."""
        return self.overrun_minutes > 0


def running_times(
    starts_at: datetime,
    ends_at: datetime,
    tz_name: str,
    slots: Iterable[AgendaSlot],
) -> RunningAgenda:
    """Each item's start and end in the meeting's zone, and the overrun of the whole.

    :param starts_at: the meeting's start (aware, any zone).
    :param ends_at: the meeting's end (aware, not before the start).
    :param tz_name: the meeting's IANA zone; the times returned are in it.
    :param slots: the agenda items in order; durations are whole minutes, 0 or more.
    """
    if starts_at.utcoffset() is None or ends_at.utcoffset() is None:
        raise ValueError("The meeting's start and end must be aware datetimes.")
    if ends_at < starts_at:
        raise ValueError("A meeting cannot end before it starts.")
    zone = zone_of(tz_name)
    # Aware datetimes in one ZoneInfo add and subtract on the wall clock; in UTC they
    # count real minutes, which is what an agenda item lasts.
    start_utc = starts_at.astimezone(UTC)
    slot_minutes = int((ends_at.astimezone(UTC) - start_utc) // timedelta(minutes=1))

    items: list[RunningItem] = []
    cursor = start_utc
    total = 0
    for slot in slots:
        if slot.duration_minutes < 0:
            raise ValueError(f"Agenda item {slot.title!r} has a negative duration.")
        end = cursor + timedelta(minutes=slot.duration_minutes)
        items.append(
            RunningItem(slot=slot, starts_at=cursor.astimezone(zone), ends_at=end.astimezone(zone))
        )
        total += slot.duration_minutes
        cursor = end
    return RunningAgenda(
        items=tuple(items),
        total_minutes=total,
        slot_minutes=slot_minutes,
        overrun_minutes=max(0, total - slot_minutes),
    )


__all__ = ["AgendaSlot", "RunningAgenda", "RunningItem", "running_times"]
