"""Meetings in the Wagtail admin, held to the access rule by construction.

A ``LifecycleSnippetViewSet`` like courses and alerts: drafts, revisions, publication,
every object view looked up through the rule. The network's chair and the chair
country's chairs and experts edit meetings (``Meeting.editor_roles`` and
``editor_user_ids``). The agenda is inline (linked specimens, alerts and courses offered
from what the editor may see); outcomes, actions and minutes are written through the
services (pages and API of phase 2), or minuted as outcomes in the admin (Wagtail nests
them inline); ``meeting_admin_saved`` then gives an admin-written meeting what the
services would (invited countries, action items, carry-over). While the minutes are
final the form refuses agenda changes, and so does every publication.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from portal.lifecycle.viewsets import LifecycleSnippetViewSet

from . import services
from .models import ActionItem, Attendance, Meeting, Outcome, OutcomeKind


class MeetingViewSet(LifecycleSnippetViewSet):
    model = Meeting
    icon = "date"
    menu_label = _("Meetings")
    menu_order = 170
    add_to_admin_menu = True
    list_display = ["title", "network", "starts_at", "status", "minutes_status"]
    list_filter = ["network", "minutes_status"]
    ordering = ("-starts_at", "-pk")


register_snippet(MeetingViewSet)


# --- what the services do, for meetings written in the admin -----------------------------

#: Days after the meeting an action minuted in the admin is due (changed on the page/API).
ADMIN_ACTION_DUE_DAYS = 30


def meeting_admin_saved(meeting: Meeting, *, created: bool) -> None:
    """Give a meeting saved in the admin what ``services.meeting_schedule`` and
    ``services.outcome_add`` give one written through them.

    - Created: the network's member countries are invited (attendance rows).
    - Live with nothing unpublished: each ``action`` outcome minuted in the admin gets its
      ``ActionItem`` (Wagtail has no nested inline forms to ask for its owner and due date:
      owner = the agenda item's presenter country, else the meeting's owner country; due
      ``ADMIN_ACTION_DUE_DAYS`` after the meeting; the chair changes them on the meeting's
      page or through the API), carried onto the network's later meetings; and the open
      actions of earlier meetings are carried onto this one. Not for drafts: carrying
      records a published revision, which would publish the draft.
    """
    meeting = Meeting.objects.select_related("network").get(pk=meeting.pk)
    with transaction.atomic():
        if created:
            Attendance.objects.bulk_create(
                [Attendance(meeting=meeting, country=c) for c in meeting.network.countries.all()],
                ignore_conflicts=True,
            )
        if not meeting.live or meeting.has_unpublished_changes:
            return
        made = []
        for outcome in (
            Outcome.objects.filter(
                agenda_item__meeting=meeting, kind=OutcomeKind.ACTION, action__isnull=True
            )
            .select_related("agenda_item")
            .order_by("agenda_item__sort_order", "sort_order", "pk")
        ):
            item = outcome.agenda_item
            made.append(
                ActionItem.objects.create(
                    meeting=meeting,
                    agenda_item=item,
                    outcome=outcome,
                    text=outcome.text,
                    owner_country_id=item.presenter_country_id or meeting.owner_country_id,
                    due=meeting.ends_at.astimezone(meeting.zone).date()
                    + timedelta(days=ADMIN_ACTION_DUE_DAYS),
                )
            )
        if made:
            for later in Meeting.objects.filter(
                network_id=meeting.network_id, starts_at__gt=meeting.starts_at, cancelled=False
            ).filter(live=True):
                if not later.has_unpublished_changes:
                    services.actions_carry_over(meeting=later)
        services.actions_carry_over(meeting=meeting)


@hooks.register("after_create_snippet")
def _meeting_created(request, instance):
    if isinstance(instance, Meeting):
        meeting_admin_saved(instance, created=True)


@hooks.register("after_edit_snippet")
def _meeting_edited(request, instance):
    if isinstance(instance, Meeting):
        meeting_admin_saved(instance, created=False)
