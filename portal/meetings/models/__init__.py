"""The meetings domain: meetings and their agenda (``meetings``), action items and the
minutes' versions (``minutes``), personal calendar feeds (``feeds``)."""

from .feeds import CalendarFeed, token_hash, token_new
from .meetings import (
    ICAL_UID_DOMAIN,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingDocument,
    MeetingGroupObjectPermission,
    MeetingStatus,
    MeetingUserObjectPermission,
    MinutesStatus,
    Outcome,
    OutcomeKind,
    ical_uid_new,
    validate_timezone,
)
from .minutes import ActionItem, ActionStatus, MinutesEvent, MinutesVersion

__all__ = [
    "ICAL_UID_DOMAIN",
    "ActionItem",
    "ActionStatus",
    "AgendaItem",
    "Attendance",
    "CalendarFeed",
    "Meeting",
    "MeetingDocument",
    "MeetingGroupObjectPermission",
    "MeetingStatus",
    "MeetingUserObjectPermission",
    "MinutesEvent",
    "MinutesStatus",
    "MinutesVersion",
    "Outcome",
    "OutcomeKind",
    "ical_uid_new",
    "token_hash",
    "token_new",
    "validate_timezone",
]
