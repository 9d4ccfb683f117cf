"""The push as a platform service, proved with a second, test-only content type: the
notices of tests/shareable_app register (tests/shareable_app/push.py) and nothing else —
no consumer, no route, no group code of their own — and get a feed that follows the rule.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country
from portal.asgi import application
from portal.push import services as push
from portal.push.testing import HANDSHAKE_SECONDS, hub_settled
from tests.shareable_app import push as notice_push
from tests.shareable_app.models import Notice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


async def _socket(user, path="/ws/test-notices/"):
    from portal.accounts.services import api_token_issue

    _, token = await sync_to_async(api_token_issue)(user=user, name="ws")
    communicator = WebsocketCommunicator(
        application,
        path,
        headers=[(b"origin", b"http://127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
    )
    connected, _ = await communicator.connect(timeout=HANDSHAKE_SECONDS)
    assert connected
    return communicator


async def _received(communicator) -> list[dict]:
    messages = []
    while not communicator.output_queue.empty():
        messages.append(await communicator.receive_json_from())
    return messages


def _notice(title, distribution, *, released=True, notify=True):
    with transaction.atomic():
        notice = Notice.objects.create(
            title=title, owner_country=Country.objects.get(pk="THA"), released=released
        )
        distribution_apply(item=notice, distribution=Distribution.from_data(distribution))
        if notify:
            push.notify(item=notice, event="published")
    return notice


async def test_a_registration_is_enough_for_a_feed_that_follows_the_rule(users):
    old = await sync_to_async(_notice)("Earlier", {"level": "networks", "networks": ["andex"]})
    # Its own push is sent before the sockets open (a loaded machine could otherwise
    # deliver it to them late, beside the backlog that already holds it).
    await hub_settled()
    vnm, fin = await _socket(users["officer.vnm"]), await _socket(users["officer.fin"])
    alerts_vnm = await _socket(users["officer.vnm"], "/ws/alerts/")
    assert await vnm.receive_json_from(timeout=5) == {
        "type": "notice.backlog",
        "notices": [{"id": old.pk, "title": "Earlier", "url": f"/test-notices/{old.pk}/"}],
    }
    assert await fin.receive_json_from(timeout=5) == {"type": "notice.backlog", "notices": []}
    assert (await alerts_vnm.receive_json_from(timeout=5))["type"] == "alert.backlog"
    notice_push.DELIVERIES.clear()

    notice = await sync_to_async(_notice)("Andex", {"level": "networks", "networks": ["andex"]})
    await hub_settled()
    assert await _received(vnm) == [
        {
            "type": "notice.published",
            "notice": {"id": notice.pk, "title": "Andex", "url": f"/test-notices/{notice.pk}/"},
        }
    ]
    assert await _received(fin) == []  # rnde-europe only: may not see it
    assert await _received(alerts_vnm) == []  # another type's feed
    # Recorded through the registration, after the sends.
    for _ in range(50):
        if notice_push.DELIVERIES:
            break
        await asyncio.sleep(0.05)
    deliveries = notice_push.DELIVERIES
    assert deliveries == [{notice.pk: {users["officer.vnm"].pk}}]

    # A draft is pushed to nobody, its country's experts included.
    expert = await _socket(users["expert.tha"])
    await expert.receive_json_from(timeout=5)
    await sync_to_async(_notice)("Draft", {"level": "members"}, released=False)
    await hub_settled()
    assert await _received(expert) == []
    for socket in (vnm, fin, alerts_vnm, expert):
        await socket.disconnect()


async def test_a_rolled_back_change_pushes_nothing(users):
    officer = await _socket(users["officer.tha"])
    await officer.receive_json_from(timeout=5)

    def rolled_back():
        with transaction.atomic():
            notice = Notice.objects.create(title="Never", owner_country_id="THA")
            distribution_apply(
                item=notice, distribution=Distribution.from_data({"level": "members"})
            )
            push.notify(item=notice, event="published")
            transaction.set_rollback(True)

    await sync_to_async(rolled_back)()
    await hub_settled()
    assert await _received(officer) == []
    await officer.disconnect()


async def test_a_widening_reaches_the_newly_permitted_once(users):
    """An event reaches a socket once, though the socket is in several of its groups."""
    from portal.access import rule

    tha, vnm = await _socket(users["officer.tha"]), await _socket(users["officer.vnm"])
    for socket in (tha, vnm):
        await socket.receive_json_from(timeout=5)
    notice = await sync_to_async(_notice)("Country only", {"level": "country"}, notify=False)
    before = await sync_to_async(rule.item_keys)(notice)

    def widen():
        distribution_apply(item=notice, distribution=Distribution.from_data({"level": "members"}))
        return push.notify_now(item=notice, event="shared", previous_keys=before)

    await sync_to_async(widen)()
    await hub_settled()
    assert [m["type"] for m in await _received(vnm)] == ["notice.shared"]
    assert await _received(tha) == []  # THA could already see it
    # Country and user groups both addressed: still one message.
    grant = await sync_to_async(_notice)("Granted", {"level": "country"}, notify=False)

    def granted():
        from guardian.shortcuts import assign_perm

        assign_perm("view_notice", users["officer.tha"], grant)
        return push.notify_now(item=grant, event="published")

    await sync_to_async(granted)()
    await hub_settled()
    assert [m["notice"]["id"] for m in await _received(tha)] == [grant.pk]
    for socket in (tha, vnm):
        await socket.disconnect()


def test_a_model_that_did_not_register_cannot_be_pushed(db):
    from portal.push.registry import push_type_for

    with pytest.raises(LookupError, match="Country"):
        push_type_for(Country)


def test_the_reads_of_a_push_leave_the_committing_thread(users):
    """After a real commit the item is read again, and its push prepared, on the process's
    push reader thread: the publishing request does not wait for those reads."""
    import threading

    ran: list[tuple[str, bool]] = []

    def read() -> None:
        exists = Notice.objects.filter(title="Committed").exists()  # another connection
        ran.append((threading.current_thread().name, exists))

    with transaction.atomic():
        Notice.objects.create(title="Committed", owner_country_id="THA")
        push.on_commit_read(read)
        assert ran == []  # nothing before the commit
    push.sends_wait()
    assert len(ran) == 1
    thread, saw_the_commit = ran[0]
    assert thread.startswith("push-reader") and saw_the_commit

    # Rolled back: nothing runs.
    with transaction.atomic():
        push.on_commit_read(read)
        transaction.set_rollback(True)
    push.sends_wait()
    assert len(ran) == 1


@pytest.mark.django_db(transaction=False)
def test_inside_an_open_transaction_the_reads_stay_in_its_thread(
    users, django_capture_on_commit_callbacks
):
    """A transaction still open on the connection (the test's own) holds rows no other
    connection sees: there the reads run in the committing thread."""
    import threading

    ran: list[tuple[str, bool]] = []

    def read() -> None:
        exists = Notice.objects.filter(title="Uncommitted").exists()
        ran.append((threading.current_thread().name, exists))

    with django_capture_on_commit_callbacks(execute=True):
        Notice.objects.create(title="Uncommitted", owner_country_id="THA")
        push.on_commit_read(read)
    assert ran == [(threading.current_thread().name, True)]


def test_a_failing_read_is_logged_not_raised(users, caplog):
    def broken() -> None:
        raise RuntimeError("database gone")

    with transaction.atomic():
        push.on_commit_read(broken)
    push.sends_wait()
    assert "could not be prepared" in caplog.text
