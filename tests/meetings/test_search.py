"""Meetings in search: found by title, network, place and agenda titles where the meeting
is shared, never elsewhere; decisions only once the minutes are final (a draft is its
editors' alone and never written into an entry); the network as a facet."""

from __future__ import annotations

import pytest
from django.test import TestCase

from portal.meetings import services
from portal.meetings.models import Meeting
from search import search
from search.models import SearchEntry

from .conftest import schedule

pytestmark = pytest.mark.django_db


def _committed(func):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return func()


def _found(user, query, **filters) -> set:
    return {(hit.type, hit.id) for hit in search(user, query, filters).hits}


def test_meetings_found_by_their_words_and_decisions_only_when_final(world):
    chair = world["chair.andex"]

    def make():
        meeting = schedule(world, title="Quarterly plenary", days=-2)
        services.meeting_update(meeting=meeting, user=chair, location="Tagaytay")
        item = services.agenda_item_add(meeting=meeting, user=chair, title="Holographic laminates")
        services.outcome_add(
            agenda_item=item, user=chair, kind="decision", text="Adopt the kinegram checklist"
        )
        return meeting

    meeting = _committed(make)
    hit = ("meeting", meeting.pk)
    vnm, fin = world["officer.vnm"], world["officer.fin"]
    assert hit in _found(vnm, "plenary")
    assert hit in _found(vnm, "Tagaytay")
    assert hit in _found(vnm, "holographic")
    assert hit in _found(vnm, "Asian Network")
    assert hit not in _found(fin, "plenary")  # not andex: never found
    # Draft minutes: not in any entry, not even for the chair.
    assert hit not in _found(chair, "kinegram")
    assert not SearchEntry.objects.filter(body__icontains="kinegram").exists()

    _committed(lambda: services.minutes_finalize(meeting=meeting, user=chair))
    assert hit in _found(vnm, "kinegram")
    assert hit not in _found(fin, "kinegram")
    assert search(vnm, "plenary").hits[0].url == f"/meetings/{meeting.pk}/"
    assert hit in _found(vnm, "plenary", network="andex")
    assert hit not in _found(vnm, "plenary", network="rnde-europe")

    _committed(lambda: services.minutes_reopen(meeting=meeting, user=chair, reason="Typo"))
    assert hit not in _found(vnm, "kinegram")
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == "draft"
