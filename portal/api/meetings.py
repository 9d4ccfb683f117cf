"""``/api/v1/meetings`` and ``/api/v1/actions``: network meetings for national systems
and calendar apps (CONTRACT.md "Meetings (v2)").

Thin, like every router: reads through ``portal.meetings.selectors``, writes through
``portal.meetings.services``. Times are ISO 8601 with the offset of the meeting's own
zone (``timezone``). Outcomes and actions appear only where the caller may read the
minutes (final: everyone who sees the meeting; draft: its editors). ``url`` (the page)
and ``ics_url`` (the calendar file) work with the same Bearer token.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import P, Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import ConfigDict, Field

from portal.access import rule
from portal.access.models import Network
from portal.access.models.geography import time_zone_names
from portal.meetings import selectors, services
from portal.meetings.ical import meeting_ics_path, meeting_path
from portal.meetings.models import (
    ActionItem,
    ActionStatus,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    OutcomeKind,
)

from . import paging
from .access import get_visible_or_error
from .auth import BearerToken, MemberSession, RoleRequired, member_auth
from .openapi import ErrorOut
from .schemas import DateTimeText

router = Router(tags=["meetings"])

StatusCode = Literal[tuple(MeetingStatus.values)]  # type: ignore[valid-type]
MinutesCode = Literal[tuple(MinutesStatus.values)]  # type: ignore[valid-type]
KindCode = Literal[tuple(OutcomeKind.values)]  # type: ignore[valid-type]
ActionCode = Literal[tuple(ActionStatus.values)]  # type: ignore[valid-type]


def _may_edit_meetings(user) -> bool:
    return rule.can_create(user, Meeting)


def _editor_auth(*, item: bool) -> list:
    """Chairs and experts only (``Meeting.editor_roles``); 403 before the body is read,
    404 for a meeting the caller may not see."""
    requires = RoleRequired(
        allows=_may_edit_meetings,
        message=format_lazy(
            _("Only the network's chair and the chair country's experts {action}."),
            action=_("change meetings") if item else _("schedule meetings"),
        ),
        item_model=Meeting if item else None,
    )
    return [BearerToken(requires=requires), MemberSession(requires=requires)]


class MeetingSummary(Schema):
    id: int
    url: str = Field(description="The meeting's page (works with the same token).")
    ics_url: str = Field(description="The meeting's calendar file (RFC 5545).")
    title: str
    network: str = Field(description="The network's slug, e.g. `andex`.")
    starts_at: dt.datetime = Field(description="ISO 8601, in the meeting's own zone.")
    ends_at: dt.datetime
    timezone: str = Field(description="The IANA zone the meeting is planned in.")
    status: StatusCode = Field(description="`planned`, `held` or `cancelled`.")


class MeetingList(Schema):
    count: int
    results: list[MeetingSummary]


class OutcomeOut(Schema):
    kind: KindCode
    text: str


class AgendaItemOut(Schema):
    id: int
    title: str
    presenter_country: str | None
    duration_minutes: int
    outcomes: list[OutcomeOut] = Field(
        description="Empty unless the caller may read the minutes (draft: editors only)."
    )


class ActionOut(Schema):
    id: int
    meeting: int
    text: str
    owner_country: str
    owner: str | None = Field(description="The owner's username, when the action names one.")
    due: dt.date
    status: ActionCode
    overdue: bool = Field(description="Open and due before today (UTC).")


class ActionList(Schema):
    count: int
    results: list[ActionOut]


class MeetingOut(MeetingSummary):
    location: str
    online_url: str
    owner_country: str
    invited_countries: list[str]
    minutes_status: MinutesCode = Field(description="`none`, `draft` or `final`.")
    agenda: list[AgendaItemOut]
    actions: list[ActionOut] = Field(
        description="Empty unless the caller may read the minutes (draft: editors only)."
    )


class MeetingIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "ANDEX plenary",
                    "network": "andex",
                    "starts_at": "2027-03-02T09:00:00+08:00",
                    "ends_at": "2027-03-02T12:00:00+08:00",
                    "timezone": "Asia/Manila",
                    "location": "Manila",
                }
            ]
        }
    )

    title: str = Field(min_length=1, max_length=200)
    network: str = Field(min_length=1, max_length=50, description="The network's slug.")
    starts_at: DateTimeText = Field(description="ISO 8601 with its offset.")
    ends_at: DateTimeText = Field(description="ISO 8601 with its offset, after `starts_at`.")
    timezone: str = Field(default="UTC", max_length=64, description="An IANA zone name.")
    location: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=200)
    status: Literal["planned", "cancelled"] | None = None


class MeetingPatch(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"starts_at": "2027-03-02T10:00:00+08:00"}]}
    )

    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: DateTimeText | None = None
    ends_at: DateTimeText | None = None
    timezone: str | None = Field(default=None, max_length=64)
    location: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=200)
    status: Literal["planned", "cancelled"] | None = Field(
        default=None, description="`cancelled` cancels the meeting; `planned` restores it."
    )


class ActionPatch(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "done"}]})

    status: ActionCode


#: Years a meeting may be planned in (beyond them a time cannot be moved between zones).
YEARS = (1970, 2200)


def _checked(fields: dict) -> dict:
    """The request's times and zone, refused per field (400) where a calendar could not
    hold them: an unknown zone (only IANA names this system knows: never a directory
    name or a file path), a time without its offset or out of range."""
    errors: dict[str, list[str]] = {}
    if "timezone" in fields and fields["timezone"] not in time_zone_names():
        errors["timezone"] = [gettext("Use an IANA time zone name such as Asia/Manila.")]
    for name in ("starts_at", "ends_at"):
        value = fields.get(name)
        if not isinstance(value, dt.datetime):
            continue
        if value.utcoffset() is None:
            errors[name] = [gettext("Give a date and time with its offset.")]
            continue
        try:
            year = value.astimezone(dt.UTC).year
        except OverflowError:
            year = 0
        if not YEARS[0] <= year <= YEARS[1]:
            errors[name] = [gettext("Give a date between 1970 and 2200.")]
    if errors:
        raise ValidationError(errors)
    return fields


def _summary(meeting: Meeting) -> dict:
    zone = meeting.zone
    return {
        "id": meeting.pk,
        "url": meeting_path(meeting),
        "ics_url": meeting_ics_path(meeting),
        "title": meeting.title,
        "network": meeting.network.slug,
        "starts_at": meeting.starts_at.astimezone(zone),
        "ends_at": meeting.ends_at.astimezone(zone),
        "timezone": meeting.timezone,
        "status": meeting.meeting_status,
    }


def _action(action: ActionItem) -> dict:
    return {
        "id": action.pk,
        "meeting": action.meeting_id,
        "text": action.text,
        "owner_country": action.owner_country_id,
        "owner": action.owner.username if action.owner_id else None,
        "due": action.due,
        "status": action.status,
        "overdue": action.overdue,
    }


def _detail(user, meeting: Meeting) -> dict:
    meeting = Meeting.objects.select_related("network").get(pk=meeting.pk)
    return {
        **_summary(meeting),
        "location": meeting.location,
        "online_url": meeting.online_url,
        "owner_country": meeting.owner_country_id,
        "invited_countries": sorted(meeting.attendances.values_list("country_id", flat=True)),
        "minutes_status": meeting.minutes_status,
        "agenda": [
            {
                "id": entry.item.pk,
                "title": entry.item.title,
                "presenter_country": entry.item.presenter_country_id,
                "duration_minutes": entry.item.duration_minutes,
                "outcomes": [{"kind": o.kind, "text": o.text} for o in entry.outcomes],
            }
            for entry in selectors.agenda_for(user=user, meeting=meeting)
        ],
        "actions": [_action(a) for a in selectors.actions_of_meeting(user=user, meeting=meeting)],
    }


@router.get("/meetings", response=MeetingList, auth=member_auth, summary="List meetings")
def meetings_list(
    request,
    when: Query[
        Literal["", "upcoming", "past"],
        P(
            description="`upcoming` (not yet ended, soonest first), `past` (latest first); "
            "empty: all, latest first."
        ),
    ] = "",
    network: Query[str, P(description="A network's slug, e.g. andex.")] = "",
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
    page_size: Query[int, P(description=paging.PAGE_SIZE_DESCRIPTION)] = 25,
):
    """The meetings shared with the caller (cancelled ones too, with their status)."""
    queryset = selectors.meetings_visible_to(user=request.auth, when=when or None)
    if network:
        queryset = queryset.filter(network__slug=network)
    count, items = paging.page_of(queryset, page, page_size)
    return {"count": count, "results": [_summary(m) for m in items]}


@router.get("/meetings/{int:pk}", response=MeetingOut, auth=member_auth, summary="One meeting")
def meetings_detail(request, pk: int):
    """A meeting with its agenda, minutes status and actions; ``404`` if it is not
    shared with you. Outcomes and actions only when you may read the minutes."""
    meeting = get_visible_or_error(request, Meeting.objects.select_related("network"), pk=pk)
    return _detail(request.auth, meeting)


@router.post(
    "/meetings",
    response={201: MeetingOut},
    auth=_editor_auth(item=False),
    summary="Schedule a meeting",
)
def meetings_create(request, payload: MeetingIn):
    """Schedule (and publish) a meeting of a network: by its chair, or the chair
    country's chairs and experts (``403`` for others). The network's member countries
    are invited; bad values are a ``400`` per field."""
    _checked(payload.dict())
    network = Network.objects.filter(slug=payload.network).select_related("chair").first()
    if network is None:
        raise ValidationError({"network": [gettext("No network has this slug.")]})
    with transaction.atomic():
        meeting = services.meeting_schedule(
            user=request.auth,
            title=payload.title,
            network=network,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            timezone_name=payload.timezone,
            location=payload.location,
            online_url=payload.online_url,
        )
        if payload.status == "cancelled":
            meeting = services.meeting_cancel(meeting=meeting, user=request.auth)
    return HttpStatus(201, _detail(request.auth, meeting))


@router.patch(
    "/meetings/{int:pk}",
    response={200: MeetingOut, 403: ErrorOut},
    auth=_editor_auth(item=True),
    summary="Change a meeting",
)
def meetings_update(request, pk: int, payload: MeetingPatch):
    """Change a meeting's title, time, zone, place or link, or cancel it
    (``"status": "cancelled"``). A change of time or place raises its calendar
    ``SEQUENCE``. ``404`` if not shared with you, ``403`` if you may not edit it."""
    meeting = get_visible_or_error(request, Meeting.objects.all(), pk=pk)
    changes = _checked(payload.dict(exclude_unset=True))
    if changes:
        meeting, _moved = services.meeting_update(meeting=meeting, user=request.auth, **changes)
    elif not rule.can_change(request.auth, meeting):
        raise PermissionDenied(
            gettext("Only the network's chair and the chair country's experts edit it.")
        )
    return _detail(request.auth, meeting)


def _action_or_404(user, pk: int) -> ActionItem:
    action = selectors.actions_for(user=user).filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


@router.get("/actions", response=ActionList, auth=member_auth, summary="List action items")
def actions_list(
    request,
    status: Query[
        Literal["", "open", "done"], P(description="`open` or `done`; empty: both.")
    ] = "",
    mine: Query[bool, P(description="Only those you (or your country) own.")] = False,
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
    page_size: Query[int, P(description=paging.PAGE_SIZE_DESCRIPTION)] = 25,
):
    """Action items of the meetings whose minutes you may read, soonest due first;
    ``overdue`` when open past their due date (UTC)."""
    queryset = selectors.actions_for(user=request.auth, status=status or None, mine=mine)
    count, items = paging.page_of(queryset, page, page_size)
    return {"count": count, "results": [_action(a) for a in items]}


@router.get("/actions/{int:pk}", response=ActionOut, auth=member_auth, summary="One action item")
def actions_detail(request, pk: int):
    """An action item; ``404`` unless you may read its meeting's minutes."""
    return _action(_action_or_404(request.auth, pk))


@router.patch(
    "/actions/{int:pk}",
    response={200: ActionOut, 403: ErrorOut},
    auth=member_auth,
    summary="Mark an action done or open",
)
def actions_update(request, pk: int, payload: ActionPatch):
    """``{"status": "done"}`` (or ``"open"``) by the action's owner — the person, or the
    experts of the owner country when it names none — or by the meeting's editors;
    ``403`` for others who see it."""
    action = _action_or_404(request.auth, pk)
    action = services.action_set_status(action=action, user=request.auth, status=payload.status)
    return _action(_action_or_404(request.auth, pk))
