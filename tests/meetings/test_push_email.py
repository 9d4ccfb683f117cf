"""Telling people about a meeting: the push on ``/ws/meetings/`` (scheduled, moved,
cancelled — to the meeting's audience only) and the e-mailed invitation or update with
its calendar file (REQUEST, then CANCEL), only to people of the invited countries who
may see the meeting, after commit."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.test import TestCase
from icalendar import Calendar

from portal.access.models import Country, Network
from portal.meetings import services

from .conftest import at, schedule

pytestmark = pytest.mark.django_db


def _committed(func):
    """Run ``func`` and the on-commit callbacks it registers (push reads, e-mail tasks)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return func()


async def _socket(user):
    from portal.accounts.services import api_token_issue
    from portal.asgi import application
    from portal.push.testing import HANDSHAKE_SECONDS

    _, token = await sync_to_async(api_token_issue)(user=user, name="ws")
    socket = WebsocketCommunicator(
        application,
        "/ws/meetings/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
    )
    connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
    assert connected
    return socket


async def _received(socket) -> list[dict]:
    messages = []
    while not socket.output_queue.empty():
        messages.append(await socket.receive_json_from())
    return messages


async def _push_run(world):
    from portal.push.testing import hub_settled

    vnm, fin = await _socket(world["officer.vnm"]), await _socket(world["officer.fin"])
    try:
        backlog = await vnm.receive_json_from(timeout=5)
        assert backlog["type"] == "meeting.backlog"
        assert (await fin.receive_json_from(timeout=5))["meetings"] == []
        meeting = await sync_to_async(_committed)(lambda: schedule(world, title="Pushed"))
        await hub_settled()
        got = await _received(vnm)
        assert [m["type"] for m in got] == ["meeting.scheduled"]
        assert got[0]["meeting"] == {
            "id": meeting.pk,
            "title": "Pushed",
            "starts_at": meeting.starts_at.astimezone(meeting.zone).isoformat(),
            "timezone": "Asia/Manila",
            "url": f"/meetings/{meeting.pk}/",
            "status": "planned",
        }
        chair = world["chair.andex"]
        await sync_to_async(_committed)(
            lambda: services.meeting_update(meeting=meeting, user=chair, title="Renamed")
        )
        await sync_to_async(_committed)(
            lambda: services.meeting_update(meeting=meeting, user=chair, location="Hanoi")
        )
        await sync_to_async(_committed)(
            lambda: services.meeting_cancel(meeting=meeting, user=chair)
        )
        await hub_settled()
        got = await _received(vnm)
        assert [m["type"] for m in got] == ["meeting.moved", "meeting.cancelled"]
        assert got[-1]["meeting"]["status"] == "cancelled"
        assert await _received(fin) == []  # not andex: never told
    finally:
        await vnm.disconnect()
        await fin.disconnect()


def test_push_reaches_the_audience_only(world):
    # The test's transaction is never committed; keep Channels from closing it.
    with mock.patch("channels.db.close_old_connections", lambda: None):
        async_to_sync(_push_run)(world)


def _ics(message) -> Calendar:
    parts = [a for a in message.attachments if getattr(a, "get_content_type", None)]
    assert len(parts) == 1
    assert parts[0].get_content_type() == "text/calendar"
    return parts[0].get_param("method"), Calendar.from_ical(parts[0].get_payload(decode=True))


def test_invitations_updates_and_cancellations_by_mail(world):
    mail.outbox.clear()
    meeting = _committed(lambda: schedule(world, title="Mailed plenary"))
    to = {message.to[0]: message for message in mail.outbox}
    assert set(to) == {
        f"{name}@demo.invalid"
        for name in ("expert.tha", "officer.tha", "officer.vnm", "trainer.phl", "chair.andex")
    }
    invitation = to["officer.vnm@demo.invalid"]
    assert "Mailed plenary" in invitation.subject
    assert "Asia/Manila" in invitation.body and f"/meetings/{meeting.pk}/" in invitation.body
    method, calendar = _ics(invitation)
    assert method == "REQUEST" and str(calendar["METHOD"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.ical_uid
    assert str(event["ATTENDEE"]) == "mailto:officer.vnm@demo.invalid"  # only the reader

    mail.outbox.clear()
    chair = world["chair.andex"]
    _committed(lambda: services.meeting_update(meeting=meeting, user=chair, title="Renamed"))
    assert mail.outbox == []  # a new title alone is not mailed
    _committed(lambda: services.meeting_update(meeting=meeting, user=chair, location="Hanoi"))
    method, calendar = _ics(mail.outbox[0])
    assert method == "REQUEST" and int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
    mail.outbox.clear()
    _committed(lambda: services.meeting_cancel(meeting=meeting, user=chair))
    method, calendar = _ics(mail.outbox[0])
    assert method == "CANCEL" and str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == meeting.ical_uid


def test_invited_but_not_allowed_to_see_gets_nothing(world):
    mail.outbox.clear()
    _committed(
        lambda: services.meeting_schedule(
            user=world["expert.tha"],
            title="RNDE with a guest",
            network=Network.objects.get(slug="rnde-europe"),
            starts_at=at(8),
            ends_at=at(8) + timedelta(hours=1),
            timezone_name="Europe/Helsinki",
            invited=list(Country.objects.filter(code__in=["VNM", "FIN"])),
        )
    )
    recipients = {message.to[0] for message in mail.outbox}
    assert "officer.fin@demo.invalid" in recipients
    assert "officer.vnm@demo.invalid" not in recipients  # VNM invited, but not shared with


def test_a_rolled_back_schedule_mails_and_pushes_nothing(world):
    mail.outbox.clear()
    with pytest.raises(RuntimeError), TestCase.captureOnCommitCallbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            schedule(world, title="Never")
            raise RuntimeError
    assert mail.outbox == []


def test_publishing_from_the_admin_tells_them_once(world):
    """Whatever publishes a version — here Wagtail's own ``revision.publish()``, as the
    admin's edit view and a scheduled publication do — announces what moved since the
    last announcement, once; a version that moves nothing announces nothing."""
    mail.outbox.clear()
    meeting = _committed(lambda: schedule(world, title="Admin plenary"))
    assert meeting.announced_sequence == meeting.ical_sequence == 0
    mail.outbox.clear()
    chair = world["chair.andex"]

    def publish(**changes):
        for name, value in changes.items():
            setattr(meeting, name, value)
        meeting.save_revision(user=chair).publish(user=chair)
        meeting.refresh_from_db()

    _committed(lambda: publish(title="Admin plenary, renamed"))
    assert mail.outbox == []
    _committed(lambda: publish(starts_at=meeting.starts_at + timedelta(hours=1)))
    method, calendar = _ics(next(m for m in mail.outbox if m.to == ["officer.vnm@demo.invalid"]))
    assert method == "REQUEST" and int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
    assert meeting.announced_sequence == 1
    mail.outbox.clear()
    _committed(lambda: publish(title="Admin plenary, renamed again"))  # nothing moved since
    assert mail.outbox == []
