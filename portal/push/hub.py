"""The per-process hub: the only member of the push groups, on behalf of local sockets.

Each server process (one hub per event loop) joins the channel-layer groups its sockets
need, once whatever their number. An event is sent to every group that can hold a
permitted user, so a process holding several of them receives several copies: the hub
handles the first (its local sockets in *any* of the event's groups, checked together
against the database in one batch, ``rule.users_keys``) and drops the others. Writing to
the sockets directly instead of through each consumer's own channel saves a channel-layer
receive, a dispatch and a database hop per socket per event (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from portal.access import rule

from .registry import push_type

if TYPE_CHECKING:
    from .consumers import PushConsumer

logger = logging.getLogger(__name__)

#: Event ids remembered to drop the copies an event's other groups bring (an event's
#: copies arrive within milliseconds of each other; thousands of events apart is safe).
SEEN_EVENTS = 4096

#: Sockets written between two yields to the event loop (see ``Hub._deliver``).
WRITE_BATCH = 64

#: The channel-layer message types the hub handles (``services`` sends them).
EVENT = "push.event"
SESSION_CLOSED = "push.session_closed"
PING = "push.ping"
PONG = "push.pong"


def _admitted(
    *,
    keys: list[str],
    previous: list[str],
    user_ids: list[int],
    item: tuple[int, int],
    held_keys: rule.UsersKeysCache,
) -> set[int]:
    """The users among ``user_ids`` who may see the item now and could not before: the
    users' keys (through the hub's cache, good while the keys epoch stands still) and the
    item's (``item``: content type id, id) are as the database has them at this moment,
    and a user must meet both the event's keys and the item's current ones — an item
    narrowed or unpublished since the event was sent reaches only those who may still see
    it (two queries when the users are known, five when not, whatever their number)."""
    content_type_id, object_id = item
    now = rule.stored_keys(content_type_id=content_type_id, object_id=object_id)
    held = held_keys.get(user_ids)
    return {
        uid
        for uid in user_ids
        if rule.keys_allow(held[uid], keys)
        and rule.keys_allow(held[uid], now)
        and not (previous and rule.keys_allow(held[uid], previous))
    }


def _credentials_ended(consumers: list[PushConsumer]) -> list[PushConsumer]:
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


def deliveries_record(receipts: dict[str, dict[int, set[int]]]) -> None:
    """Record deliveries through each type's registration: ``{type: {item: users}}``."""
    for name, deliveries in receipts.items():
        push_type(name).delivered(deliveries=deliveries)


class Hub:
    """One event loop's member of the push groups, on behalf of its consumers."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.members: dict[str, set[PushConsumer]] = {}
        self.channel: str | None = None
        self.receiving: asyncio.Task | None = None
        self.rejoining: asyncio.Task | None = None
        self.rechecking: asyncio.Task | None = None
        self.handling: set[asyncio.Task] = set()
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.receipts: dict[str, dict[int, set[int]]] = {}
        self.writing: asyncio.Task | None = None
        self.pings: dict[str, asyncio.Future] = {}  # ping id -> its waiter in this loop
        self.lock = asyncio.Lock()  # joins and leaves change Redis membership in order
        self.held_keys = rule.UsersKeysCache()  # the local users' keys, per keys epoch

    async def join(self, consumer: PushConsumer, names: list[str]) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("push-hub.")
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

    async def leave(self, consumer: PushConsumer, names: list[str]) -> None:
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
            await asyncio.sleep(settings.PUSH_GROUP_REJOIN_SECONDS)
            for name in list(self.members):
                await self.layer.group_add(name, self.channel)

    def _local(self) -> set[PushConsumer]:
        return {consumer for members in self.members.values() for consumer in members}

    async def _recheck(self) -> None:
        while True:
            await asyncio.sleep(settings.CREDENTIAL_RECHECK_SECONDS)
            try:
                local = [consumer for consumer in self._local() if not consumer.ended]
                if local:
                    ended = await database_sync_to_async(_credentials_ended)(local)
                    for consumer in ended:
                        await self._each(consumer.end())
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the checks
                logger.exception("The push hub could not check its sockets' credentials")

    def _spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self.handling.add(task)
        task.add_done_callback(self._handled)

    async def _receive(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
                kind = message.get("type")
                if kind == EVENT:
                    if message["id"] in self.seen:
                        continue  # a copy through another of the event's groups
                    self.seen[message["id"]] = None
                    if len(self.seen) > SEEN_EVENTS:
                        self.seen.popitem(last=False)
                    # Handled beside the next messages: the next event is checked while
                    # this one's sockets are written.
                    self._spawn(self._deliver(message))
                elif kind == SESSION_CLOSED:
                    for consumer in list(self.members.get(message.get("group", ""), ())):
                        if consumer.opened_with(
                            session_key=message.get("session_key"),
                            token_id=message.get("token_id"),
                        ):
                            await self._each(consumer.end())
                elif kind == PING:
                    self._spawn(self._pong(message, pending=set(self.handling)))
                else:
                    logger.warning("The push hub ignored a message of type %r", kind)
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad message or a Redis hiccup must not end the feed
                logger.exception("The push hub could not handle a message")
                await asyncio.sleep(1)

    async def _pong(self, message: dict, *, pending: set[asyncio.Task]) -> None:
        """Answer a ping once every event received before it has been handled (tests wait
        on it instead of sleeping): the waiter's future in this process, or its channel."""
        if pending:
            await asyncio.wait(pending)
        waiter = self.pings.pop(message.get("id"), None)
        if waiter is not None:
            if not waiter.done():
                waiter.set_result(None)
        elif message.get("reply_to"):
            await self.layer.send(message["reply_to"], {"type": PONG, "id": message.get("id")})

    @staticmethod
    async def _each(action) -> None:
        """One socket's send or close: a socket closing meanwhile must not stop the rest."""
        try:
            await action
        except Exception:
            logger.warning("A push socket could not be written to", exc_info=True)

    def _handled(self, task: asyncio.Task) -> None:
        self.handling.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("The push hub could not push an event", exc_info=task.exception())

    async def _deliver(self, event: dict) -> None:
        name = event["push_type"]
        waiting = {
            consumer
            for group in event["groups"]
            for consumer in self.members.get(group, ())
            if name in consumer.push_types and not consumer.ended
        }
        if not waiting:
            return
        admitted = await database_sync_to_async(_admitted)(
            keys=list(event["keys"]),
            previous=list(event.get("previous_keys") or ()),
            user_ids=sorted({consumer.user.pk for consumer in waiting}),
            item=(event["content_type_id"], event["item_id"]),
            held_keys=self.held_keys,
        )
        text = event["text"]
        # The same message twice on one screen is never useful (an item published, then
        # granted to a group the user is also in, before the screen changed).
        marker = (name, event["item_id"], hash(text))
        sent = set()
        for count, consumer in enumerate(waiting, start=1):
            # ``ended`` is read again after the wait: a credential may have ended meanwhile.
            if consumer.user.pk in admitted and not consumer.ended and marker not in consumer.sent:
                consumer.sent.add(marker)
                sent.add(consumer.user.pk)
                await self._each(consumer.send(text_data=text))
            if count % WRITE_BATCH == 0:
                # Daphne's Twisted transports only buffer a write; the bytes leave when the
                # loop runs its writers. Yielding lets the first sockets' frames go out
                # while the next ones are written, instead of all after the last.
                await asyncio.sleep(0)
        if sent:
            self.receipts.setdefault(name, {}).setdefault(event["item_id"], set()).update(sent)
            if self.writing is None:
                self.writing = asyncio.ensure_future(self._write_receipts())

    async def _write_receipts(self) -> None:
        """Delivery receipts after the sends, once a burst of events is handled."""
        try:
            while self.receipts:
                await asyncio.sleep(0.05)
                batch, self.receipts = self.receipts, {}
                await database_sync_to_async(deliveries_record)(batch)
        except Exception:
            logger.exception("Delivery receipts could not be written")
        finally:
            self.writing = None


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """This event loop's hub."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]
