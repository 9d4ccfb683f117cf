"""Scheduling, the calendar bookkeeping (UID, SEQUENCE), status and the rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.access import rule
from portal.access.distribution import Distribution
from portal.access.models import Network, Role, User
from portal.access.services import user_roles_set
from portal.meetings import selectors, services
from portal.meetings.models import Meeting, MeetingStatus

from .conftest import at, schedule

pytestmark = pytest.mark.django_db


def test_chair_schedules_a_meeting_the_network_sees_and_officer_fin_never(world):
    meeting = schedule(world)
    assert meeting.live and meeting.owner_country_id == "PHL"
    assert meeting.timezone == "Asia/Manila"
    assert set(meeting.attendances.values_list("country_id", flat=True)) == set(
        Network.objects.get(slug="andex").countries.values_list("pk", flat=True)
    )
    assert rule.can_view(world["officer.vnm"], meeting)
    assert rule.can_change(world["chair.andex"], meeting)
    assert not rule.can_change(world["expert.tha"], meeting)
    assert not rule.can_change(world["officer.vnm"], meeting)
    assert not rule.can_view(world["officer.fin"], meeting)
    assert meeting not in selectors.meetings_visible_to(user=world["officer.fin"])
    assert meeting in selectors.meetings_visible_to(user=world["officer.vnm"], when="upcoming")
    assert meeting not in selectors.meetings_visible_to(user=world["officer.vnm"], when="past")


def test_only_the_chair_and_chair_country_experts_schedule(world):
    for name in ("expert.tha", "officer.vnm", "trainer.phl"):
        with pytest.raises(PermissionDenied):
            schedule(world, user=name)
    assert not Meeting.objects.exists()
    # An expert of the chair's country may; so may the chair when moved to another country.
    phl_expert = User.objects.create_user("expert.phl", password="pw", country_id="PHL")
    user_roles_set(user=phl_expert, roles=[Role.EXPERT])
    world["expert.phl"] = phl_expert
    meeting = schedule(world, user="expert.phl")
    assert rule.can_change(phl_expert, meeting)


def test_network_chair_edits_wherever_they_work(world):
    meeting = schedule(world)
    tha = world["expert.tha"]
    network = meeting.network
    network.chair = tha
    network.save()
    rule.forget_user_keys(tha)
    assert rule.can_change(tha, meeting)
    network.chair = world["chair.andex"]
    network.save()
    assert not rule.can_change(tha, meeting)


def test_times_are_validated(world):
    with pytest.raises(ValidationError):
        services.meeting_schedule(
            user=world["chair.andex"],
            title="Backwards",
            network=Network.objects.get(slug="andex"),
            starts_at=at(3),
            ends_at=at(3) - timedelta(hours=1),
            timezone_name="Asia/Manila",
        )
    with pytest.raises(ValidationError):
        services.meeting_schedule(
            user=world["chair.andex"],
            title="Nowhere",
            network=Network.objects.get(slug="andex"),
            starts_at=at(3),
            ends_at=at(3) + timedelta(hours=1),
            timezone_name="Mars/Olympus",
        )
    # A directory of the zone database is no zone (``ZoneInfo("Asia")`` raises OSError).
    for name in ("Asia", "", "../etc/passwd"):
        with pytest.raises(ValidationError):
            services.meeting_schedule(
                user=world["chair.andex"],
                title="Nowhere",
                network=Network.objects.get(slug="andex"),
                starts_at=at(3),
                ends_at=at(3) + timedelta(hours=1),
                timezone_name=name,
            )
    with pytest.raises(ValidationError):
        services.meeting_schedule(
            user=world["chair.andex"],
            title="Naive",
            network=Network.objects.get(slug="andex"),
            starts_at=at(3).replace(tzinfo=None),
            ends_at=at(3) + timedelta(hours=1),
        )


def test_uid_stable_and_sequence_rises_only_on_time_place_or_cancellation(world):
    chair = world["chair.andex"]
    meeting = schedule(world)
    uid, seq = meeting.ical_uid, meeting.ical_sequence
    assert uid.endswith("@meetings.document-experts.portal") and seq == 0

    meeting, moved = services.meeting_update(meeting=meeting, user=chair, title="Renamed")
    assert not moved and meeting.ical_sequence == 0 and meeting.title == "Renamed"

    meeting, moved = services.meeting_update(
        meeting=meeting, user=chair, starts_at=at(11), ends_at=at(11) + timedelta(hours=3)
    )
    assert moved and meeting.ical_sequence == 1
    # Several calendar fields at once: one step.
    meeting, moved = services.meeting_update(
        meeting=meeting, user=chair, location="Cebu", online_url="https://meet.example.org/x"
    )
    assert moved and meeting.ical_sequence == 2
    meeting, moved = services.meeting_update(
        meeting=meeting, user=chair, timezone_name="Asia/Manila"
    )
    assert not moved and meeting.ical_sequence == 2

    meeting = services.meeting_cancel(meeting=meeting, user=chair)
    assert meeting.ical_sequence == 3 and meeting.meeting_status == MeetingStatus.CANCELLED
    assert meeting.ical_uid == uid
    # Still listed (calendars keep STATUS:CANCELLED).
    assert meeting in selectors.meetings_visible_to(user=world["officer.vnm"])

    with pytest.raises(PermissionDenied):
        services.meeting_update(meeting=meeting, user=world["expert.tha"], title="x")


def test_no_path_lowers_the_sequence_or_changes_the_uid(world):
    meeting = schedule(world)
    services.meeting_update(meeting=meeting, user=world["chair.andex"], location="Cebu")
    row = Meeting.objects.get(pk=meeting.pk)
    row.ical_sequence = 0
    row.ical_uid = "forged@example.org"
    row.save()
    row.refresh_from_db()
    assert row.ical_sequence == 1 and row.ical_uid == meeting.ical_uid
    # A raise without a move is refused too.
    row.ical_sequence = 9
    row.save()
    row.refresh_from_db()
    assert row.ical_sequence == 1
    # Publishing an older revision (the admin's revert) moves the place back: one more.
    first = row.revisions.order_by("pk").first()
    first.publish(user=world["chair.andex"])
    row.refresh_from_db()
    assert row.location == "Manila" and row.ical_sequence == 2
    assert row.ical_uid == meeting.ical_uid


def test_status_property(world):
    meeting = schedule(world, days=5)
    assert meeting.meeting_status == MeetingStatus.PLANNED
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-1),
    )
    meeting.refresh_from_db()
    assert meeting.meeting_status == MeetingStatus.HELD
    Meeting.objects.filter(pk=meeting.pk).update(cancelled=True)
    meeting.refresh_from_db()
    assert meeting.meeting_status == MeetingStatus.CANCELLED


def test_meetings_are_never_public(world):
    assert Meeting.allows_public is False
    with pytest.raises(ValidationError):
        Distribution.from_data({"level": "public"}, allows_public=Meeting.allows_public)
    meeting = schedule(world)
    keys = rule.distribution_view_keys(model=Meeting, owner="PHL", level="public")
    assert "public" not in keys
    assert not rule.can_view(None, meeting)
