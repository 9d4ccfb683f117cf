"""The WebSocket push as a channel of the matrix, for every content type that registers
with the push service (``portal.push.registry``): added to those types' probes when this
module is imported, after ``content_types`` registered them all.

The probe opens the user's socket on the type's feed (through the real ASGI stack, with
a Bearer token), reads the backlog, pushes the item (``notify_now``) and waits for the
hub to have handled it (a ping behind the event, no sleeping). The item is shown when the
push reached the socket; the backlog must agree. Anonymous handshakes are refused.
"""

from __future__ import annotations

from unittest import mock

from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps

from .matrix import REGISTRY, Probe, signed_in


async def _push_seen(registration, item, user, token) -> bool:
    from portal.asgi import application
    from portal.push.services import notify_now
    from portal.push.testing import HANDSHAKE_SECONDS, hub_settled

    headers = [(b"origin", b"http://127.0.0.1")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    socket = WebsocketCommunicator(application, f"/{registration.route}", headers=headers)
    connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
    if user.is_anonymous:
        assert not connected, "an anonymous socket was accepted"
        return False
    assert connected
    try:
        backlog = await socket.receive_json_from(timeout=5)
        assert backlog["type"] == registration.event_type("backlog"), backlog
        listed = item.pk in [entry["id"] for entry in backlog[registration.backlog_key]]
        await sync_to_async(notify_now)(item=item, event="published")
        await hub_settled()
        pushed = []
        while not socket.output_queue.empty():
            message = await socket.receive_json_from()
            assert message["type"] == registration.event_type("published"), message
            pushed.append(message[registration.name]["id"])
        assert len(pushed) == len(set(pushed)), f"pushed twice: {pushed}"
        assert listed is (item.pk in pushed), ("backlog", listed, "push", pushed)
        return item.pk in pushed
    finally:
        await socket.disconnect()


def push_probe(registration) -> Probe:
    def see(client, item, user):
        from portal.accounts.services import api_token_issue

        token = None if user.is_anonymous else api_token_issue(user=user, name="matrix-ws")[1]
        # The matrix's items live in a transaction of this thread that is never committed;
        # the hub's database calls come back to this thread (``async_to_sync`` from it),
        # but Channels closes "old" connections around each of them, which would end it.
        with mock.patch("channels.db.close_old_connections", lambda: None):
            return async_to_sync(_push_seen)(registration, item, user, token)

    return Probe("push", see, reaches=signed_in, applies=lambda item: item.is_released())


def _add() -> None:
    from portal.push.registry import push_type_for

    for content_type in REGISTRY:
        try:
            registration = push_type_for(apps.get_model(content_type.model))
        except LookupError:
            continue
        if registration.route and not any(p.name == "push" for p in content_type.probes):
            content_type.probes.append(push_probe(registration))


_add()
