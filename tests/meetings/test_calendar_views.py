"""The calendar files (CONTRACT.md "Meetings (v2)", iCalendar): a meeting's ``.ics`` and
the personal feed, parsed back with ``icalendar`` — the UID kept for life, SEQUENCE
rising on a move, cancelled meetings kept, a VTIMEZONE, the link back in DESCRIPTION,
agenda titles but never draft minutes, and the feed following the owner's access at
every fetch (revoked or deactivated: a plain 404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from portal.access.models import Network
from portal.meetings import services
from portal.meetings.models import CalendarFeed, Meeting

from .conftest import at, schedule

pytestmark = pytest.mark.django_db


def _events(response) -> dict:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture(scope="module")
def data(world, django_db_blocker):
    with django_db_blocker.unblock():
        chair = world["chair.andex"]
        meeting = schedule(world, days=4, title="ANDEX plenary")
        item = services.agenda_item_add(meeting=meeting, user=chair, title="Forged visas")
        services.outcome_add(agenda_item=item, user=chair, kind="decision", text="Draft secret")
        europe = services.meeting_schedule(
            user=world["expert.tha"],
            title="RNDE only",
            network=Network.objects.get(slug="rnde-europe"),
            starts_at=at(9),
            ends_at=at(9) + timedelta(hours=1),
            timezone_name="Europe/Helsinki",
        )
        yield {"meeting": meeting, "europe": europe}


def test_meeting_file(world, data, client):
    meeting = data["meeting"]
    url = f"/meetings/{meeting.pk}/ics"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    client.force_login(world["officer.vnm"])
    response = client.get(url)
    assert "attachment" in response["Content-Disposition"]
    assert "andex-plenary.ics" in response["Content-Disposition"]
    calendar, events = _events(response)
    assert str(calendar["METHOD"]) == "PUBLISH"
    event = events[meeting.ical_uid]
    assert event["DTSTART"].params["TZID"] == "Asia/Manila"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Manila"]
    description = str(event["DESCRIPTION"])
    assert "Forged visas" in description
    assert "Draft secret" not in response.content.decode()
    assert description.rstrip().endswith(f"/meetings/{meeting.pk}/")
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0

    # Not visible: 404; a Bearer token works the same as the session.
    assert client.get(f"/meetings/{data['europe'].pk}/ics").status_code == 404
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=world["officer.vnm"], name="cal")
    bearer = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert meeting.ical_uid in _events(bearer)[1]
    hidden = Client().get(
        f"/meetings/{data['europe'].pk}/ics", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert hidden.status_code == 404


def test_feed_follows_access_moves_and_cancellations(world, data):
    from portal.access.models import NetworkMembership

    client = Client()
    officer = world["officer.vnm"]
    feed = services.calendar_feed_create(user=officer)
    url = f"/meetings/feed/{feed.token}.ics"
    meeting = data["meeting"]

    response = client.get(url)
    assert response["Cache-Control"] == "private, no-store"
    calendar, events = _events(response)
    assert meeting.ical_uid in events and data["europe"].ical_uid not in events
    assert "Draft secret" not in response.content.decode()
    assert calendar.get("REFRESH-INTERVAL") is not None
    assert CalendarFeed.objects.get(pk=feed.pk).last_fetched_at is not None

    # Moved: same UID, higher SEQUENCE. Cancelled: still there, STATUS:CANCELLED.
    services.meeting_update(
        meeting=meeting, user=world["chair.andex"], starts_at=at(5), ends_at=at(5, 11)
    )
    moved = _events(client.get(url))[1][meeting.ical_uid]
    assert int(moved["SEQUENCE"]) == 1
    services.meeting_cancel(meeting=meeting, user=world["chair.andex"])
    cancelled = _events(client.get(url))[1][meeting.ical_uid]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 2

    # Access changes show at the next fetch: VNM leaves andex.
    NetworkMembership.objects.filter(network__slug="andex", country_id="VNM").delete()
    assert meeting.ical_uid not in _events(client.get(url))[1]


def test_feed_revoked_rotated_or_owner_deactivated_is_404(world, data):
    client = Client()
    officer = world["officer.tha"]
    feed = services.calendar_feed_create(user=officer)
    url = f"/meetings/feed/{feed.token}.ics"
    assert client.get(url).status_code == 200
    newer = services.calendar_feed_create(user=officer)  # rotation revokes the old one
    assert client.get(url).status_code == 404
    new_url = f"/meetings/feed/{newer.token}.ics"
    assert client.get(new_url).status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert client.get(new_url).status_code == 404
    officer.is_active = True
    officer.save(update_fields=["is_active"])
    services.calendar_feed_revoke(feed=newer, user=officer)
    assert client.get(new_url).status_code == 404
    assert client.get("/meetings/feed/not-a-token.ics").status_code == 404
    assert Meeting.objects.filter(pk=data["meeting"].pk).exists()
