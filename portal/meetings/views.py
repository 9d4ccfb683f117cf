"""Pages of the meetings section: upcoming and past meetings, a meeting (agenda with
running times, minutes, actions, documents), "my actions", the decision register, and
the POST that creates, rotates or revokes the personal calendar feed.

Thin: every read is a selector through the access rule, every write a service. A meeting
the user may not see is a 404 (anonymous visitors are sent to sign in, never told whether
it exists: meetings are never public).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.access import rule
from portal.access.models import Network
from portal.access.views import hidden_asks_login

from . import selectors, services
from .agenda import AgendaSlot, running_times
from .models import ActionItem, ActionStatus, Attendance, OutcomeKind

PAGE_SIZE = 24


@login_required
@require_safe
def meeting_list(request):
    """Upcoming meetings the user may see, soonest first; ``?when=past``: past ones,
    latest first."""
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    meetings = selectors.meetings_visible_to(user=request.user, when=when)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {"page": page, "when": when, "query_string": "when=past" if when == "past" else ""},
    )


def _settle_ids(user: Any, actions: list[ActionItem]) -> set[int]:
    """The actions ``user`` may mark done or open again (owner, owner country, chair)."""
    meetings: dict[int, Any] = {}
    allowed = set()
    for action in actions:
        meeting = meetings.setdefault(action.meeting_id, action.meeting)
        if rule.can_settle_action(
            user, owner_id=action.owner_id, owner_country=action.owner_country_id, item=meeting
        ):
            allowed.add(action.pk)
    return allowed


@require_safe
@hidden_asks_login
def meeting_detail(request, pk: int):
    """A meeting: when (in the viewer's zone and the meeting's), where, who is invited,
    the agenda with running times, the minutes if the viewer may read them, the actions
    and documents."""
    user = request.user
    meeting = selectors.meeting_get_visible_or_404(user=user, pk=pk)
    entries = selectors.agenda_for(user=user, meeting=meeting)
    running = running_times(
        meeting.starts_at,
        meeting.ends_at,
        meeting.timezone,
        [AgendaSlot(e.item.title, e.item.duration_minutes) for e in entries],
    )
    can_edit = rule.can_change(user, meeting)
    minutes_shown = selectors.minutes_visible(user=user, meeting=meeting)
    actions = selectors.actions_of_meeting(user=user, meeting=meeting)
    for action in actions:
        action.meeting = meeting  # one meeting object for the settle checks
    kinds = dict(OutcomeKind.choices)
    # The earlier meetings of carried-over actions, linked only when the viewer sees them.
    carried_from = {
        m.pk: m
        for m in selectors.meetings_visible_to(user=user).filter(
            pk__in={e.carried_action.meeting_id for e in entries if e.carried_action}
        )
    }
    rows = [
        {
            "entry": entry,
            "running": slot,
            "carried_from": (
                carried_from.get(entry.carried_action.meeting_id) if entry.carried_action else None
            ),
            "outcomes": [
                {
                    "kind": outcome.kind,
                    "label": kinds.get(outcome.kind, outcome.kind),
                    "text": outcome.text,
                }
                for outcome in entry.outcomes
            ],
        }
        for entry, slot in zip(entries, running.items, strict=True)
    ]
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "running": running,
            "can_edit": can_edit,
            # The reader's zone when it is not the meeting's: agenda times shown in both.
            "reader_zone": (
                ""
                if timezone.get_current_timezone_name() == meeting.timezone
                else timezone.get_current_timezone_name()
            ),
            "minutes_shown": minutes_shown,
            "actions": actions,
            "settle": _settle_ids(user, actions),
            "attendances": list(
                Attendance.objects.filter(meeting=meeting)
                .select_related("country")
                .order_by("country__name", "country_id")
            ),
            "documents": list(meeting.documents.order_by("sort_order", "pk")),
            "minutes_history": (
                list(meeting.minutes_events.select_related("user").order_by("-at", "-pk"))
                if can_edit
                else []
            ),
            "edit_url": (
                reverse("wagtailsnippets_meetings_meeting:edit", args=[meeting.pk])
                if can_edit
                else ""
            ),
        },
    )


@login_required
@require_safe
def my_actions(request):
    """The user's own actions (theirs or their country's), then the other open actions
    they may see; overdue ones first in each."""
    user = request.user
    mine = list(selectors.actions_for(user=user, mine=True))
    mine_ids = {action.pk for action in mine}
    others = [
        action
        for action in selectors.actions_for(user=user, status=ActionStatus.OPEN)
        if action.pk not in mine_ids
    ]

    def urgent_first(action: ActionItem) -> tuple:
        return (not action.overdue, action.status != ActionStatus.OPEN, action.due, action.pk)

    mine.sort(key=urgent_first)
    others.sort(key=urgent_first)
    return render(
        request,
        "meetings/my_actions.html",
        {"mine": mine, "others": others, "settle": _settle_ids(user, mine + others)},
    )


@login_required
@require_POST
def action_status(request, pk: int):
    """Mark an action done (or open again): its owner or the meeting's chair. An action
    the user may not see is a 404; one they may see but not settle, a 403."""
    action = ActionItem.objects.select_related("meeting").filter(pk=pk).first()
    if action is None or not rule.can_view(request.user, action.meeting):
        raise Http404(_("No such action."))
    status = request.POST.get("status", "")
    try:
        services.action_set_status(action=action, user=request.user, status=status)
    except ValidationError as exc:
        raise Http404(_("No such status.")) from exc
    # PermissionDenied (may see, may not settle) propagates: a 403 page.
    if status == ActionStatus.DONE:
        messages.success(request, _("Action marked done."))
    else:
        messages.success(request, _("Action open again."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(action.meeting.get_absolute_url())


def _editable_or_error(request, pk: int):
    """The meeting ``pk`` for one of its editors: a 404 if the user may not see it, a
    403 if they may see it but not edit it."""
    meeting = selectors.meeting_get_visible_or_404(user=request.user, pk=pk)
    if not rule.can_change(request.user, meeting):
        raise PermissionDenied(_("Only the meeting's chair and its editors do this."))
    return meeting


@login_required
@require_POST
def minutes_change(request, pk: int):
    """Make the minutes final (locked, a new version) or reopen final minutes with the
    reason, kept in their history: the meeting's editors."""
    meeting = _editable_or_error(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "finalize":
            version = services.minutes_finalize(meeting=meeting, user=request.user)
            messages.success(
                request,
                _("The minutes are final (version %(number)s): agenda and outcomes are locked.")
                % {"number": version.number},
            )
        elif action == "reopen":
            services.minutes_reopen(
                meeting=meeting, user=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The minutes are a draft again; the reason is kept."))
        else:
            raise Http404(_("No such change."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{meeting.get_absolute_url()}#minutes-heading")


@login_required
@require_POST
def attendance_change(request, pk: int):
    """Record which invited countries attended (``attended-<code>``: ``yes``, ``no`` or
    empty for not known) with a note each: the meeting's editors."""
    meeting = _editable_or_error(request, pk)
    answers = {"yes": True, "no": False, "": None}
    for row in Attendance.objects.filter(meeting=meeting).select_related("country"):
        value = request.POST.get(f"attended-{row.country_id}")
        if value not in answers:
            continue
        note = request.POST.get(f"note-{row.country_id}", row.note).strip()[:200]
        if (answers[value], note) != (row.attended, row.note):
            services.attendance_record(
                meeting=meeting,
                user=request.user,
                country=row.country,
                attended=answers[value],
                note=note,
            )
    messages.success(request, _("Attendance saved."))
    return redirect(f"{meeting.get_absolute_url()}#attendance-heading")


@login_required
@require_POST
def document_add(request, pk: int):
    """Attach a document (papers, a presentation) to a meeting: its editors only. A
    meeting the user may not see is a 404, one they may see but not edit a 403. The file
    is checked and cleaned by the platform's private media (``media.documents``); a
    refused one is stored nowhere and the page says why, keeping the title typed."""
    meeting = _editable_or_error(request, pk)
    title = request.POST.get("title", "").strip()[:200]
    upload = request.FILES.get("file")
    back = f"{meeting.get_absolute_url()}#documents-heading"
    if not title or upload is None:
        messages.error(request, _("Give the document a title and choose its file."))
    else:
        try:
            services.meeting_document_attach(
                meeting=meeting, user=request.user, title=title, file=upload
            )
        except ValidationError as exc:
            messages.error(
                request,
                _("%(title)s was not attached: %(reason)s")
                % {"title": title, "reason": " ".join(exc.messages)},
            )
        else:
            messages.success(request, _("%(title)s attached.") % {"title": title})
            return redirect(back)
    return redirect(f"{meeting.get_absolute_url()}?{urlencode({'title': title})}#document-form")


@login_required
@require_safe
def decision_register(request):
    """Decisions of the final minutes of every meeting the user may see, newest meeting
    first; ``?network=<slug>`` narrows it to one network."""
    slug = request.GET.get("network", "").strip()
    visible_networks = list(
        Network.objects.filter(
            pk__in=selectors.meetings_visible_to(user=request.user).values("network_id")
        ).order_by("name")
    )
    network = next((n for n in visible_networks if n.slug == slug), None)
    decisions = selectors.decisions_register_for(user=request.user, network=network)
    page = Paginator(decisions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/decisions.html",
        {
            "page": page,
            "networks": visible_networks,
            "network": network,
            "query_string": f"network={network.slug}" if network else "",
        },
    )


@login_required
@require_POST
def feed_manage(request):
    """Create (or rotate) the user's personal calendar feed, or revoke it; back to the
    account page, where the new URL is shown to its owner."""
    action = request.POST.get("action", "")
    if action == "revoke":
        feed = selectors.feed_active_for(user=request.user)
        if feed is not None:
            try:
                services.calendar_feed_revoke(feed=feed, user=request.user)
            except PermissionDenied as exc:  # not theirs: cannot happen, say nothing
                raise Http404 from exc
            messages.success(request, _("Calendar feed revoked: its address no longer answers."))
    elif action in ("create", "rotate"):
        rotated = selectors.feed_active_for(user=request.user) is not None
        services.calendar_feed_create(user=request.user)
        messages.success(
            request,
            _("New calendar feed address made: the old one no longer answers.")
            if rotated
            else _("Calendar feed made: add its address to your calendar application."),
        )
    else:
        raise Http404(_("No such request."))
    return redirect(reverse("account") + "#calendar-feed-heading")
