"""Reads of the meetings domain, every one through ``portal.access.rule``.

A meeting's agenda, outcomes, actions and documents are seen exactly when the meeting
is; the specimens, alerts and courses an agenda item links to are each filtered again
for the viewer; draft minutes (outcomes) are seen only by the meeting's editors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from portal.access import rule

from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    CalendarFeed,
    Meeting,
    MinutesStatus,
    Outcome,
    OutcomeKind,
    token_hash,
)


def meetings_visible_to(*, user: Any, when: str | None = None) -> QuerySet[Meeting]:
    """Meetings ``user`` may see; ``when``: ``upcoming`` (not yet ended, soonest first),
    ``past`` (ended, latest first) or ``None`` (all, latest first)."""
    meetings = rule.visible_to(user=user, queryset=Meeting.objects.select_related("network"))
    now = timezone.now()
    if when == "upcoming":
        return meetings.filter(ends_at__gt=now).order_by("starts_at", "pk")
    if when == "past":
        return meetings.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return meetings.order_by("-starts_at", "-pk")


def meeting_get_visible_or_404(*, user: Any, pk: Any) -> Meeting:
    """The meeting if ``user`` may see it; ``Http404`` otherwise (and in the access log)."""
    return rule.get_visible_or_404(
        user=user, queryset=Meeting.objects.select_related("network"), pk=pk
    )


def minutes_visible(*, user: Any, meeting: Meeting) -> bool:
    """Whether ``user`` sees the meeting's outcomes: final minutes are read by all who
    see the meeting, draft ones by its editors only."""
    if meeting.minutes_status == MinutesStatus.FINAL:
        return True
    if meeting.minutes_status == MinutesStatus.NONE:
        return False
    return rule.can_change(user, meeting)


@dataclass
class AgendaEntry:
    """An agenda item as one viewer sees it: the links filtered for them, outcomes only
    when they may read the minutes."""

    item: AgendaItem
    specimens: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    courses: list = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    carried_action: ActionItem | None = None


def _visible_linked(user: Any, model: type, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    found = rule.visible_to(user=user, queryset=model._default_manager.filter(pk__in=ids))
    return {obj.pk: obj for obj in found}


def agenda_for(*, user: Any, meeting: Meeting) -> list[AgendaEntry]:
    """The meeting's agenda (a meeting ``user`` may see: the caller looked it up through
    the rule) with its links filtered through the rule for ``user`` and its outcomes
    where ``minutes_visible``. A fixed number of queries, whatever the agenda's size."""
    from portal.alerts.models import AlertBulletin
    from portal.specimens.models import Specimen
    from portal.training.models import Course

    show_outcomes = minutes_visible(user=user, meeting=meeting)
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter_country", "carried_action")
        .prefetch_related(
            "specimens",
            "alerts",
            "courses",
            Prefetch("outcomes", queryset=Outcome.objects.order_by("sort_order", "pk")),
        )
        .order_by("sort_order", "pk")
    )
    wanted = {
        "specimens": {pk for i in items for pk in (o.pk for o in i.specimens.all())},
        "alerts": {pk for i in items for pk in (o.pk for o in i.alerts.all())},
        "courses": {pk for i in items for pk in (o.pk for o in i.courses.all())},
    }
    visible = {
        "specimens": _visible_linked(user, Specimen, wanted["specimens"]),
        "alerts": _visible_linked(user, AlertBulletin, wanted["alerts"]),
        "courses": _visible_linked(user, Course, wanted["courses"]),
    }
    entries = []
    for item in items:
        entry = AgendaEntry(item=item, carried_action=item.carried_action)
        for name in ("specimens", "alerts", "courses"):
            setattr(
                entry,
                name,
                [visible[name][o.pk] for o in getattr(item, name).all() if o.pk in visible[name]],
            )
        if show_outcomes:
            entry.outcomes = list(item.outcomes.all())
        entries.append(entry)
    return entries


def actions_of_meeting(*, user: Any, meeting: Meeting) -> list[ActionItem]:
    """The actions of a meeting ``user`` may see (looked up through the rule by the
    caller): shown with the minutes — to its editors while they are a draft."""
    if not minutes_visible(user=user, meeting=meeting):
        return []
    return list(ActionItem.objects.filter(meeting=meeting).select_related("owner_country", "owner"))


def decisions_register_for(*, user: Any, network: Any = None) -> QuerySet[Outcome]:
    """Decisions of the *final* minutes of meetings ``user`` may see, newest meeting
    first (the network-wide decision register)."""
    meetings = rule.visible_to(user=user, queryset=Meeting.objects.all()).filter(
        minutes_status=MinutesStatus.FINAL
    )
    if network is not None:
        meetings = meetings.filter(network=network)
    return (
        Outcome.objects.filter(kind=OutcomeKind.DECISION, agenda_item__meeting__in=meetings)
        .select_related("agenda_item__meeting__network")
        .order_by("-agenda_item__meeting__starts_at", "agenda_item__sort_order", "sort_order")
    )


def actions_for(
    *, user: Any, status: str | None = None, mine: bool = False
) -> QuerySet[ActionItem]:
    """Action items of meetings ``user`` may see whose minutes ``user`` may read (final,
    or draft for the meeting's editors); ``status`` ``open``/``done``; ``mine``: only
    those owned by the user or (naming no person) by their country."""
    visible = rule.visible_to(user=user, queryset=Meeting.objects.all())
    editable = rule.visible_to(user=user, queryset=Meeting.objects.all(), action=rule.CHANGE)
    actions = ActionItem.objects.filter(meeting__in=visible).filter(
        meeting__minutes_status=MinutesStatus.FINAL
    ) | ActionItem.objects.filter(meeting__in=editable)
    if status is not None:
        actions = actions.filter(status=status)
    if mine:
        actions = actions.filter(owner=user) | actions.filter(
            owner__isnull=True, owner_country_id=getattr(user, "country_id", None)
        )
    return actions.select_related("meeting", "owner_country", "owner").order_by("due", "pk")


def actions_overdue(*, user: Any) -> QuerySet[ActionItem]:
    """Open actions past their due date (UTC: ``ActionItem.today``)."""
    return actions_for(user=user, status=ActionStatus.OPEN).filter(due__lt=ActionItem.today())


def feed_get(*, token: str) -> CalendarFeed | None:
    """The active feed of ``token`` (``None`` when unknown, revoked or its owner is
    deactivated: the URL then answers 404, saying nothing)."""
    if not token:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_sha256=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feed_meetings(*, feed: CalendarFeed) -> QuerySet[Meeting]:
    """The meetings the feed's owner may see *now* (asked of the rule at every fetch),
    cancelled ones included; none for a revoked feed or a deactivated owner."""
    user = type(feed.user)._default_manager.get(pk=feed.user_id)
    if feed.revoked_at is not None or not user.is_active:
        return Meeting.objects.none()
    return rule.visible_to(user=user, queryset=Meeting.objects.select_related("network")).order_by(
        "starts_at", "pk"
    )


def feed_active_for(*, user: Any) -> CalendarFeed | None:
    """The user's active feed (its URL is shown on their account page), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()
