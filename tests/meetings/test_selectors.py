"""Reads through the rule: draft minutes, linked items, the decision register, actions,
calendar feeds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country, User
from portal.meetings import selectors, services
from portal.meetings.models import CalendarFeed
from portal.specimens.models import Specimen

from .conftest import schedule

pytestmark = pytest.mark.django_db


def _specimen(title: str, owner: str, level: str) -> Specimen:
    specimen = Specimen.objects.create(
        title=title,
        owner_country_id=owner,
        issuing_country_id=owner,
        document_type="passport",
        kind="genuine",
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": level}))
    return specimen


def test_agenda_links_outcomes_and_actions_follow_the_viewer(world):
    chair, vnm = world["chair.andex"], world["officer.vnm"]
    meeting = schedule(world, days=-2)
    phl_only = _specimen("PHL only", "PHL", "country")
    shared = _specimen("For all members", "PHL", "members")
    tha_only = _specimen("THA only", "THA", "country")
    with pytest.raises(ValidationError):  # the chair may not link what they cannot see
        services.agenda_item_add(meeting=meeting, user=chair, title="x", specimens=[tha_only.pk])
    item = services.agenda_item_add(
        meeting=meeting, user=chair, title="Laminates", specimens=[phl_only.pk, shared.pk]
    )
    services.outcome_add(agenda_item=item, user=chair, kind="decision", text="Adopt the guide")
    services.outcome_add(
        agenda_item=item,
        user=chair,
        kind="action",
        text="VNM reports",
        owner_country=Country.objects.get(pk="VNM"),
        due=date.today() - timedelta(days=1),
    )

    meeting = selectors.meeting_get_visible_or_404(user=chair, pk=meeting.pk)
    [as_chair] = selectors.agenda_for(user=chair, meeting=meeting)
    [as_vnm] = selectors.agenda_for(user=vnm, meeting=meeting)
    assert {s.title for s in as_chair.specimens} == {"PHL only", "For all members"}
    assert [s.title for s in as_vnm.specimens] == ["For all members"]
    # Draft minutes: the editors only.
    assert [o.text for o in as_chair.outcomes] == ["Adopt the guide", "VNM reports"]
    assert as_vnm.outcomes == []
    assert selectors.actions_of_meeting(user=vnm, meeting=meeting) == []
    assert not selectors.actions_for(user=vnm).exists()
    assert selectors.actions_for(user=chair, status="open").count() == 1
    assert not selectors.decisions_register_for(user=chair).exists()

    services.minutes_finalize(meeting=meeting, user=chair)
    meeting.refresh_from_db()
    [as_vnm] = selectors.agenda_for(user=vnm, meeting=meeting)
    assert [o.text for o in as_vnm.outcomes] == ["Adopt the guide", "VNM reports"]
    [action] = selectors.actions_for(user=vnm, status="open")
    assert action.overdue and selectors.actions_overdue(user=vnm).count() == 1
    assert list(selectors.actions_for(user=vnm, mine=True)) == [action]
    assert [d.text for d in selectors.decisions_register_for(user=vnm)] == ["Adopt the guide"]
    # officer.fin sees none of it, anywhere.
    fin = world["officer.fin"]
    with pytest.raises(Http404):
        selectors.meeting_get_visible_or_404(user=fin, pk=meeting.pk)
    assert not selectors.decisions_register_for(user=fin).exists()
    assert not selectors.actions_for(user=fin).exists()


def test_feed_lists_what_its_owner_may_see_until_revoked(world):
    vnm = world["officer.vnm"]
    meeting = schedule(world)
    feed = services.calendar_feed_create(user=vnm)
    assert len(feed.token) >= 40 and feed.token_sha256 != feed.token
    found = selectors.feed_get(token=feed.token)
    assert found == feed and list(selectors.feed_meetings(feed=found)) == [meeting]
    assert selectors.feed_get(token=feed.token[:-1]) is None
    assert selectors.feed_active_for(user=vnm) == feed

    fin_feed = services.calendar_feed_create(user=world["officer.fin"])
    assert list(selectors.feed_meetings(feed=fin_feed)) == []

    # Rotation: the old URL stops, one active feed per user.
    rotated = services.calendar_feed_create(user=vnm)
    assert selectors.feed_get(token=feed.token) is None
    assert CalendarFeed.objects.filter(user=vnm, revoked_at__isnull=True).count() == 1
    with pytest.raises(PermissionDenied):
        services.calendar_feed_revoke(feed=rotated, user=world["officer.tha"])
    services.calendar_feed_revoke(feed=rotated, user=vnm)
    assert selectors.feed_get(token=rotated.token) is None
    rotated.refresh_from_db()
    assert list(selectors.feed_meetings(feed=rotated)) == []

    # A deactivated owner's feed answers nothing, even one still unrevoked.
    again = services.calendar_feed_create(user=vnm)
    User.objects.filter(pk=vnm.pk).update(is_active=False)
    assert selectors.feed_get(token=again.token) is None
    assert list(selectors.feed_meetings(feed=again)) == []
