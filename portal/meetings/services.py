"""Writes of the meetings domain: scheduling, changes, the agenda, minutes and actions.

Every function is keyword-only and transactional, and asks ``portal.access.rule`` who
may act; pages, the API and the admin call these. A meeting's agenda and outcomes are
parental children of the meeting: a service writes their rows and records the meeting
again as a published revision (``_record``), so its revisions always hold what its rows
hold and publishing an older revision cannot resurrect or drop them silently.

Phase-2 seams: ``_announce`` (push to invited countries, e-mail invitations and updates
with the calendar file) is called wherever a meeting is scheduled, moved, changed or
cancelled, and does nothing yet.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import rule
from portal.access.models import Country, DistributionLevel, Network
from portal.lifecycle import services as lifecycle

from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingDocument,
    MinutesEvent,
    MinutesStatus,
    MinutesVersion,
    Outcome,
    OutcomeKind,
    token_hash,
    token_new,
)

#: What a change of a meeting is, for ``_announce``.
SCHEDULED, MOVED, CANCELLED = "scheduled", "moved", "cancelled"

#: The fields ``meeting_update`` accepts (plus ``status``: ``cancelled`` or ``planned``).
UPDATABLE = ("title", "starts_at", "ends_at", "timezone", "location", "online_url")


# --- seams for phase 2 -------------------------------------------------------------------


def _announce(meeting: Meeting, change: str) -> None:
    """Tell the invited countries that ``meeting`` was ``change``d (``scheduled``,
    ``moved``, ``cancelled``), inside the publishing transaction: a push to those who may
    see it and, on commit, the e-mail invitation or update carrying the calendar file —
    both read the meeting again after commit (a rolled-back change tells nobody)."""
    from portal.push.services import notify

    from .invitations import meeting_emails_enqueue

    notify(item=meeting, event=change)
    meeting_emails_enqueue(meeting=meeting, change=change)


def meeting_published_announce(*, meeting: Meeting) -> str | None:
    """A version of ``meeting`` went live (``Meeting.lifecycle_published``: whatever
    published it — these services, the API, the admin, a scheduled publication): tell
    the invited countries what changed since they were last told, once. The first
    publication schedules it; a higher ``ical_sequence`` moved it, or cancelled it.
    Inside the publishing transaction; returns the change announced, if any."""
    announced = meeting.announced_sequence
    if announced is None:
        change = None if meeting.cancelled else SCHEDULED
    elif meeting.ical_sequence > announced:
        change = CANCELLED if meeting.cancelled else MOVED
    else:
        return None
    Meeting.objects.filter(pk=meeting.pk).update(announced_sequence=meeting.ical_sequence)
    meeting.announced_sequence = meeting.ical_sequence
    if change is not None:
        _announce(meeting, change)
    return change


def _action_announce(action: ActionItem, change: str) -> None:
    """Seam for phase 2: e-mail an action's owner when it is ``created`` (push too)."""
    return None


# --- helpers -----------------------------------------------------------------------------


def _fresh(meeting: Meeting) -> Meeting:
    return Meeting.objects.get(pk=meeting.pk)


def _must_change(user: Any, meeting: Meeting) -> None:
    if not rule.can_change(user, meeting):
        raise PermissionDenied(
            _("Only the network's chair and the chair country's experts edit it.")
        )


def _must_not_be_final(meeting: Meeting) -> None:
    if meeting.minutes_final:
        raise ValidationError(_("The minutes are final: reopen them before changing the agenda."))


def _record(meeting: Meeting, user: Any) -> Meeting:
    """Record the meeting's rows (agenda and outcomes included) as a published revision."""
    return lifecycle.item_live_change(item=_fresh(meeting), user=user)


def _aware(value: Any, field: str) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationError({field: [_("Give a date and time with its offset.")]})
    return value


def agenda_snapshot(meeting: Meeting) -> list[dict[str, Any]]:
    """The agenda and its outcomes as plain values (what final minutes lock, and what a
    ``MinutesVersion`` keeps). Works on a meeting held in memory (a revision) too."""
    items = sorted(meeting.agenda_items.all(), key=lambda i: (i.sort_order or 0, i.pk or 0))
    snapshot = []
    for item in items:
        outcomes = sorted(item.outcomes.all(), key=lambda o: (o.sort_order or 0, o.pk or 0))
        snapshot.append(
            {
                "title": item.title,
                "presenter_country": item.presenter_country_id,
                "duration_minutes": item.duration_minutes,
                "notes": item.notes,
                "outcomes": [{"kind": o.kind, "text": o.text} for o in outcomes],
            }
        )
    return snapshot


# --- meetings ----------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    user: Any,
    title: str,
    network: Network,
    starts_at: datetime,
    ends_at: datetime,
    timezone_name: str = "UTC",
    location: str = "",
    online_url: str = "",
    invited: list[Country] | None = None,
) -> Meeting:
    """Schedule and publish a meeting of ``network``, owned by the country of the
    network's chair (the scheduler's own country when the network has none) and shared
    with the network. Invites ``invited`` countries (default: the network's members
    today) and carries the open actions of the network's earlier meetings onto its agenda.

    ``PermissionDenied`` unless ``user`` will be able to edit it (the network's chair, a
    chair or expert of the chair's country): asked of the rule on the stored meeting,
    inside the transaction that rolls back if not.
    """
    if not rule.can_create(user, Meeting):
        raise PermissionDenied(
            _("Only the network's chair and the chair country's experts schedule its meetings.")
        )
    chair = network.chair
    owner = chair.country_id if chair is not None and chair.country_id else user.country_id
    if owner is None:
        raise PermissionDenied(_("Your account has no country: it cannot own meetings."))
    meeting = Meeting(
        title=title,
        network=network,
        starts_at=_aware(starts_at, "starts_at"),
        ends_at=_aware(ends_at, "ends_at"),
        timezone=timezone_name,
        location=location,
        online_url=online_url,
        owner_country_id=owner,
        distribution_level=DistributionLevel.NETWORKS,
        created_by=user,
    )
    meeting.full_clean(exclude=["owner_country", "created_by", "network"])
    with rule.keys_sync_deferred():
        meeting.save()
        meeting.shared_networks.set([network])
        lifecycle.revision_save(
            item=meeting,
            user=user,
            m2m_on_row={"shared_countries": [], "shared_networks": [network.pk]},
        )
        meeting = lifecycle.item_publish(item=meeting, user=user)
    _must_change(user, meeting)
    countries = invited if invited is not None else list(network.countries.all())
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, country=country) for country in countries],
        ignore_conflicts=True,
    )
    actions_carry_over(meeting=meeting)
    return _fresh(meeting)


@transaction.atomic
def meeting_update(*, meeting: Meeting, user: Any, **changes: Any) -> tuple[Meeting, bool]:
    """Change a meeting (``UPDATABLE`` fields, ``timezone_name``, and ``status``:
    ``cancelled`` or ``planned``) and publish it at once.

    :returns: the meeting and whether it *moved* — its time, place or cancellation
        changed, so its calendar ``SEQUENCE`` rose (by one, whatever else changed).
    """
    meeting = _fresh(meeting)
    _must_change(user, meeting)
    if "timezone_name" in changes:
        changes["timezone"] = changes.pop("timezone_name")
    status = changes.pop("status", None)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError(
            {name: [_("This cannot be changed here.")] for name in sorted(unknown)}
        )
    for name in ("starts_at", "ends_at"):
        if name in changes:
            _aware(changes[name], name)
    before = meeting.ical_sequence
    for name, value in changes.items():
        setattr(meeting, name, value)
    if status is not None:
        if status not in ("cancelled", "planned"):
            raise ValidationError({"status": [_("A meeting is planned or cancelled.")]})
        meeting.cancelled = status == "cancelled"
    meeting.full_clean(exclude=["owner_country", "created_by", "network"])
    # The row first (the model's guard raises the sequence), then a published revision
    # of it: cancellation and the sequence are never taken from a revision.
    meeting.save()
    meeting = _record(meeting, user)
    moved = meeting.ical_sequence > before
    if meeting.ical_sequence < before:  # the model's guard makes this impossible
        raise AssertionError("ical_sequence fell")
    return meeting, moved


def meeting_cancel(*, meeting: Meeting, user: Any) -> Meeting:
    """Cancel a meeting: it stays (in lists and calendars, ``STATUS:CANCELLED``)."""
    return meeting_update(meeting=meeting, user=user, status="cancelled")[0]


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, user: Any, country: Country, attended: bool | None, note: str = ""
) -> Attendance:
    """Record whether an invited (or newly invited) country attended."""
    _must_change(user, meeting)
    row, _created = Attendance.objects.update_or_create(
        meeting=meeting, country=country, defaults={"attended": attended, "note": note}
    )
    return row


@transaction.atomic
def meeting_document_attach(
    *, meeting: Meeting, user: Any, title: str, file: Any
) -> MeetingDocument:
    """Attach a document (checked and cleaned by ``portal.media``) to a meeting."""
    from portal.media.services import document_attach

    _must_change(user, meeting)
    return document_attach(
        document=MeetingDocument(meeting=meeting, title=title), file=file, uploaded_by=user
    )


# --- the agenda and its outcomes ---------------------------------------------------------


def _links_visible(user: Any, model: type, pks: list[int] | None, field: str) -> list[int]:
    """The ids of ``pks`` the editor may see; others are refused (never linked blind)."""
    if not pks:
        return []
    visible = set(
        rule.visible_to(user=user, queryset=model._default_manager.filter(pk__in=pks)).values_list(
            "pk", flat=True
        )
    )
    if set(pks) - visible:
        raise ValidationError({field: [_("Link only items shared with you.")]})
    return sorted(visible)


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    user: Any,
    title: str,
    duration_minutes: int = 15,
    presenter_country: Country | None = None,
    notes: str = "",
    specimens: list[int] | None = None,
    alerts: list[int] | None = None,
    courses: list[int] | None = None,
    carried_action: ActionItem | None = None,
) -> AgendaItem:
    """Add an item at the end of the agenda (refused while the minutes are final).

    ``user`` ``None`` is the system (carry-over): no permission asked, links not checked.
    """
    from portal.alerts.models import AlertBulletin
    from portal.specimens.models import Specimen
    from portal.training.models import Course

    meeting = _fresh(meeting)
    if user is not None:
        _must_change(user, meeting)
        specimens = _links_visible(user, Specimen, specimens, "specimens")
        alerts = _links_visible(user, AlertBulletin, alerts, "alerts")
        courses = _links_visible(user, Course, courses, "courses")
    _must_not_be_final(meeting)
    last = meeting.agenda_items.aggregate(m=Max("sort_order"))["m"]
    item = AgendaItem(
        meeting=meeting,
        title=title,
        duration_minutes=duration_minutes,
        presenter_country=presenter_country,
        notes=notes,
        carried_action=carried_action,
        sort_order=(last + 1) if last is not None else 0,
    )
    item.full_clean(exclude=["meeting", "specimens", "alerts", "courses"])
    item.save()
    if specimens or alerts or courses:
        item.specimens.set(specimens or [])
        item.alerts.set(alerts or [])
        item.courses.set(courses or [])
        item.save()  # parental many-to-many values are written on save
    _record(meeting, user)
    return AgendaItem.objects.get(pk=item.pk)


@transaction.atomic
def outcome_add(
    *,
    agenda_item: AgendaItem,
    user: Any,
    kind: str,
    text: str,
    owner_country: Country | None = None,
    owner: Any = None,
    due: date | None = None,
) -> Outcome:
    """Minute an outcome of an agenda item (the minutes become a draft if there were
    none). An ``action`` outcome creates its ``ActionItem`` (``owner_country`` and
    ``due`` required), which may be carried onto a later meeting already scheduled."""
    meeting = _fresh(agenda_item.meeting)
    _must_change(user, meeting)
    _must_not_be_final(meeting)
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": [_("An outcome is information, a decision or an action.")]})
    if kind == OutcomeKind.ACTION and (owner_country is None or due is None):
        raise ValidationError(
            {"owner_country": [_("An action needs an owner country and a due date.")]}
        )
    last = agenda_item.outcomes.aggregate(m=Max("sort_order"))["m"]
    outcome = Outcome(
        agenda_item=agenda_item,
        kind=kind,
        text=text,
        sort_order=(last + 1) if last is not None else 0,
    )
    outcome.full_clean(exclude=["agenda_item"])
    outcome.save()
    if meeting.minutes_status == MinutesStatus.NONE:
        Meeting.objects.filter(pk=meeting.pk).update(minutes_status=MinutesStatus.DRAFT)
    _record(meeting, user)
    if kind == OutcomeKind.ACTION:
        action = ActionItem.objects.create(
            meeting=meeting,
            agenda_item=agenda_item,
            outcome=outcome,
            text=text,
            owner_country=owner_country,
            owner=owner,
            due=due,
        )
        _action_announce(action, "created")
        for later in Meeting.objects.filter(
            network_id=meeting.network_id, starts_at__gt=meeting.starts_at, cancelled=False
        ):
            actions_carry_over(meeting=later)
    return Outcome.objects.get(pk=outcome.pk)


# --- minutes -----------------------------------------------------------------------------


@transaction.atomic
def minutes_finalize(*, meeting: Meeting, user: Any) -> MinutesVersion:
    """Make the minutes final: a new numbered version with a snapshot of the agenda and
    outcomes, and the agenda locked (services, the admin form and every publication)
    until ``minutes_reopen``."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _must_change(user, meeting)
    if meeting.minutes_final:
        raise ValidationError(_("The minutes are final already."))
    number = (meeting.minutes_versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = MinutesVersion.objects.create(
        meeting=meeting, number=number, finalized_by=user, snapshot=agenda_snapshot(meeting)
    )
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=MinutesStatus.FINAL)
    MinutesEvent.objects.create(
        meeting=meeting, action=MinutesEvent.Action.FINALIZED, user=user, version=version
    )
    return version


@transaction.atomic
def minutes_reopen(*, meeting: Meeting, user: Any, reason: str) -> MinutesEvent:
    """Reopen final minutes (a draft again) with the reason, kept in their history."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _must_change(user, meeting)
    if not meeting.minutes_final:
        raise ValidationError(_("Only final minutes can be reopened."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the minutes are reopened.")]})
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=MinutesStatus.DRAFT)
    return MinutesEvent.objects.create(
        meeting=meeting, action=MinutesEvent.Action.REOPENED, user=user, reason=reason.strip()
    )


# --- actions -----------------------------------------------------------------------------


@transaction.atomic
def action_set_status(*, action: ActionItem, user: Any, status: str) -> ActionItem:
    """Mark an action done (or open again): by its owner (the person, or the experts of
    the owner country when it names none), or by whoever edits the meeting."""
    action = ActionItem.objects.select_related("meeting").get(pk=action.pk)
    if not rule.can_view(user, action.meeting):
        raise PermissionDenied(_("No such action, or you may not see it."))
    if not rule.can_settle_action(
        user, owner_id=action.owner_id, owner_country=action.owner_country_id, item=action.meeting
    ):
        raise PermissionDenied(_("Only the action's owner or the meeting's chair can change it."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": [_("An action is open or done.")]})
    if status == action.status:
        return action
    action.status = status
    if status == ActionStatus.DONE:
        action.done_at, action.done_by = timezone.now(), user
    else:
        action.done_at, action.done_by = None, None
    action.save(update_fields=["status", "done_at", "done_by"])
    return action


@transaction.atomic
def actions_carry_over(*, meeting: Meeting) -> list[AgendaItem]:
    """Carry the open actions (overdue ones included) of *earlier* meetings of the same
    network onto ``meeting``'s agenda, one item each. Idempotent: an action already
    carried onto this meeting is not carried again; a cancelled meeting or one whose
    minutes are final receives none. An action done later keeps its item (which shows
    it done)."""
    meeting = _fresh(meeting)
    if meeting.cancelled or meeting.minutes_final:
        return []
    carried = AgendaItem.objects.filter(meeting=meeting, carried_action__isnull=False).values(
        "carried_action_id"
    )
    due = (
        ActionItem.objects.filter(
            meeting__network_id=meeting.network_id,
            meeting__starts_at__lt=meeting.starts_at,
            status=ActionStatus.OPEN,
        )
        .exclude(pk__in=carried)
        .select_related("owner_country")
        .order_by("due", "pk")
    )
    added = []
    for action in due:
        added.append(
            agenda_item_add(
                meeting=meeting,
                user=None,
                title=_("Action: %(text)s") % {"text": action.text[:250]},
                duration_minutes=5,
                presenter_country=action.owner_country,
                carried_action=action,
            )
        )
    return added


# --- calendar feeds ----------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, user: Any) -> CalendarFeed:
    """A new personal feed for ``user``; the previous one (if any) is revoked (rotation)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Sign in to get a calendar feed."))
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = token_new()
    return CalendarFeed.objects.create(user=user, token=token, token_sha256=token_hash(token))


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, user: Any) -> CalendarFeed:
    """Revoke a feed (its owner only): its URL answers nothing from now on."""
    if feed.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only its owner can revoke a calendar feed."))
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    feed.refresh_from_db()
    return feed


def timezone_check(name: str) -> zoneinfo.ZoneInfo:
    """The zone named ``name`` (``ValidationError`` if unknown)."""
    from .models import validate_timezone

    validate_timezone(name)
    return zoneinfo.ZoneInfo(name)
