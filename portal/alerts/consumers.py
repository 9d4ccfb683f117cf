"""``/ws/alerts/``: a signed-in officer's live alert feed (CONTRACT.md).

Each server process has one *hub* (per event loop) that is the only member of the channel
layer's alert groups for that process. A group message — one per process however many
officers it serves — wakes the hub once; the hub checks every local socket of that group
against the database in one batch (``rule.users_keys``) and writes to the admitted sockets
directly. Going through each consumer's own channel instead costs a channel-layer receive,
a dispatch and a database hop per socket per alert, which made a push to 1,000 sockets
take half a second (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from portal.access import rule

from . import groups, selectors, services

logger = logging.getLogger(__name__)

#: The close code of a socket whose credential ended (signed out, token revoked or
#: expired, new password, deactivated, moved to another country).
CREDENTIAL_ENDED = 4001


def _admitted(*, keys: list[str], previous: list[str], user_ids: list[int]) -> set[int]:
    """The users among ``user_ids`` who may see the alert now and could not before, read
    from the database at this moment."""
    held = rule.users_keys(user_ids)
    return {
        uid
        for uid in user_ids
        if rule.keys_allow(held[uid], keys)
        and not (previous and rule.keys_allow(held[uid], previous))
    }


def _credentials_ended(consumers: list[AlertConsumer]) -> list[AlertConsumer]:
    """The consumers whose credential no longer works: a token revoked or expired, a
    session signed out or expired, a user deactivated. Three queries for all of them."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from portal.accounts.services import api_tokens_usable

    tokens = api_tokens_usable({c.token_id for c in consumers if c.token_id})
    keys = {c.session_key for c in consumers if c.session_key}
    sessions = set(
        Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )
    active = set(
        get_user_model()
        .objects.filter(pk__in={c.user.pk for c in consumers}, is_active=True)
        .values_list("pk", flat=True)
    )
    return [
        consumer
        for consumer in consumers
        if consumer.user.pk not in active
        or (consumer.token_id and consumer.token_id not in tokens)
        or (consumer.session_key and consumer.session_key not in sessions)
    ]


def _receipts_write(deliveries: dict[int, set[int]]) -> None:
    for alert_id, user_ids in deliveries.items():
        services.receipts_delivered_to(alert_id=alert_id, user_ids=sorted(user_ids))


class _Hub:
    """One event loop's member of the alert groups, on behalf of its consumers."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.members: dict[str, set[AlertConsumer]] = {}
        self.channel: str | None = None
        self.receiving: asyncio.Task | None = None
        self.rejoining: asyncio.Task | None = None
        self.rechecking: asyncio.Task | None = None
        self.handling: set[asyncio.Task] = set()
        self.receipts: dict[int, set[int]] = {}
        self.writing: asyncio.Task | None = None
        self.lock = asyncio.Lock()  # joins and leaves change Redis membership in order

    async def join(self, consumer: AlertConsumer, names: list[str]) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("alerts-hub.")
                self.receiving = asyncio.ensure_future(self._receive())
                # The Redis layer forgets a group member after ``group_expiry`` (a day)
                # so that channels of dead processes go; a screen left open at a border
                # post for longer must stay reachable, so the hub joins again.
                self.rejoining = asyncio.ensure_future(self._rejoin())
                # A credential can end without a signal reaching this process (it
                # expired; a session was cleared): every socket's is checked again.
                self.rechecking = asyncio.ensure_future(self._recheck())
            for name in names:
                if name not in self.members:
                    await self.layer.group_add(name, self.channel)
                self.members.setdefault(name, set()).add(consumer)

    async def leave(self, consumer: AlertConsumer, names: list[str]) -> None:
        async with self.lock:
            for name in names:
                local = self.members.get(name)
                if local is None:
                    continue
                local.discard(consumer)
                if not local:
                    del self.members[name]
                    await self.layer.group_discard(name, self.channel)
            if not self.members and self.channel is not None:
                for task in (self.receiving, self.rejoining, self.rechecking, *self.handling):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                self.channel = self.receiving = self.rejoining = self.rechecking = None

    async def _rejoin(self) -> None:
        while True:
            await asyncio.sleep(settings.ALERT_GROUP_REJOIN_SECONDS)
            for name in list(self.members):
                await self.layer.group_add(name, self.channel)

    async def _recheck(self) -> None:
        while True:
            await asyncio.sleep(settings.CREDENTIAL_RECHECK_SECONDS)
            try:
                local = [
                    consumer
                    for consumer in {c for members in self.members.values() for c in members}
                    if not consumer.ended
                ]
                if local:
                    ended = await database_sync_to_async(_credentials_ended)(local)
                    for consumer in ended:
                        await self._each(consumer.end())
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the checks
                logger.exception("The alert hub could not check its sockets' credentials")

    async def _receive(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
                if message["type"] == "alert.published":
                    # Handled beside the next messages: the alert's other groups (the
                    # next country) are checked while this group's sockets are written.
                    task = asyncio.ensure_future(self._published(message))
                    self.handling.add(task)
                    task.add_done_callback(self._handled)
                elif message["type"] == "session.closed":
                    for consumer in list(self.members.get(message.get("group", ""), ())):
                        if consumer.opened_with(
                            session_key=message.get("session_key"),
                            token_id=message.get("token_id"),
                        ):
                            await self._each(consumer.end())
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad message or a Redis hiccup must not end the feed
                logger.exception("The alert hub could not handle a message")
                await asyncio.sleep(1)

    @staticmethod
    async def _each(action) -> None:
        """One socket's send or close: a socket closing meanwhile must not stop the rest."""
        try:
            await action
        except Exception:
            logger.warning("An alert socket could not be written to", exc_info=True)

    def _handled(self, task: asyncio.Task) -> None:
        self.handling.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("The alert hub could not push an alert", exc_info=task.exception())

    async def _published(self, event: dict) -> None:
        alert = event["alert"]
        marker = (alert["id"], alert.get("published_at") or "")
        waiting = [
            consumer
            for consumer in self.members.get(event.get("group", ""), ())
            if marker not in consumer.sent and not consumer.ended
        ]
        if not waiting:
            return
        admitted = await database_sync_to_async(_admitted)(
            keys=list(event["keys"]),
            previous=list(event.get("previous_keys") or ()),
            user_ids=sorted({consumer.user.pk for consumer in waiting}),
        )
        text = await AlertConsumer.encode_json({"type": "alert.published", "alert": alert})
        for consumer in waiting:
            # Checked again after the wait: the alert's other group may have sent it.
            if consumer.user.pk in admitted and marker not in consumer.sent and not consumer.ended:
                consumer.sent.add(marker)
                await self._each(consumer.send(text_data=text))
        self.receipts.setdefault(alert["id"], set()).update(admitted)
        if self.writing is None:
            self.writing = asyncio.ensure_future(self._write_receipts())

    async def _write_receipts(self) -> None:
        """Delivery receipts after the sends, once a burst of group messages is handled."""
        try:
            while self.receipts:
                await asyncio.sleep(0.05)
                batch, self.receipts = self.receipts, {}
                await database_sync_to_async(_receipts_write)(batch)
        except Exception:
            logger.exception("Delivery receipts could not be written")
        finally:
            self.writing = None


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub] = weakref.WeakKeyDictionary()


def hub() -> _Hub:
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = _Hub()
    return _hubs[loop]


class AlertConsumer(AsyncJsonWebsocketConsumer):
    """Sends the backlog on connect, then every alert that becomes visible to the user.

    The channel layer only wakes the process's hub; the keys carried by each event are
    checked against this user's keys, read from the database at that moment, before
    anything is sent — over-delivery to a group never reaches a person who may not see
    the alert.
    """

    # No channel of its own (no channel-layer receive waiting per socket): the hub is the
    # process's member of the groups. ``get_channel_layer(None)`` is None.
    channel_layer_alias = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close()
            return
        self.user = user
        # The credential the socket was opened with: it closes when that one ends.
        self.token_id = self.scope.get("api_token_id")
        session = self.scope.get("session")
        self.session_key = None if self.token_id else getattr(session, "session_key", None)
        self.sent: set[tuple[int, str]] = set()
        self.ended = False
        self.groups_joined = await database_sync_to_async(groups.groups_of_user)(user)
        await hub().join(self, self.groups_joined)
        await self.accept()
        backlog = await database_sync_to_async(self._backlog)()
        await self.send_json({"type": "alert.backlog", "alerts": backlog})

    def _backlog(self) -> list[dict]:
        alerts = selectors.alert_backlog(user=self.user)
        services.receipts_delivered(alert_ids=[a.pk for a in alerts], user=self.user)
        return [services.alert_message(alert) for alert in alerts]

    async def end(self) -> None:
        """Close the socket because its credential ended: from this moment nothing more is
        sent to it, even before the client's goodbye removes it from the hub."""
        self.ended = True
        await self.close(code=CREDENTIAL_ENDED)

    def opened_with(self, *, session_key: str | None, token_id: int | None) -> bool:
        """Whether this socket depends on the credential named (none named: any)."""
        if token_id is not None:
            return self.token_id == token_id
        if session_key is not None:
            return self.session_key == session_key
        return True

    async def disconnect(self, code):
        if getattr(self, "groups_joined", None):
            await hub().leave(self, self.groups_joined)

    async def receive_json(self, content, **kwargs):
        # The feed is one-way; acknowledgements go through the API or the alert page.
        return
