"""``/ws/alerts/``: a signed-in officer's live alert feed (CONTRACT.md)."""

from __future__ import annotations

import asyncio
import contextlib
import weakref

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from portal.access import rule

from . import groups, selectors, services


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


def _receipts_write(deliveries: dict[int, set[int]]) -> None:
    for alert_id, user_ids in deliveries.items():
        services.receipts_delivered_to(alert_id=alert_id, user_ids=sorted(user_ids))


class _Admissions:
    """One event loop's consumers woken by the same event share one database round trip.

    A group message reaches every consumer of a process at once; checking each user
    alone would cost a thread hop and a handful of queries per socket, one after the
    other. Consumers queue their user here; one flush checks the whole queue with
    ``rule.users_keys`` (three queries) while later arrivals gather for the next flush,
    and the delivery receipts are written once the admitted consumers have sent.
    """

    def __init__(self) -> None:
        self.pending: dict[tuple, list[tuple[int, asyncio.Future]]] = {}
        self.flushing: asyncio.Task | None = None  # held: the loop keeps weak references

    async def admit(self, event: dict, user_id: int) -> bool:
        alert = event["alert"]
        batch = (
            alert["id"],
            tuple(event["keys"]),
            tuple(event.get("previous_keys") or ()),
        )
        future = asyncio.get_running_loop().create_future()
        self.pending.setdefault(batch, []).append((user_id, future))
        if self.flushing is None:
            self.flushing = asyncio.ensure_future(self._flush())
        return await future

    def _waiting(self) -> int:
        return sum(len(waiting) for waiting in self.pending.values())

    async def _gathered(self, limit: float = 0.05) -> None:
        """Yield to the loop until a whole turn adds nobody: every consumer woken by the
        message has queued (at most ``limit`` seconds). Flushing earlier would run the
        database thread against a busy event loop, both slowed by the GIL."""
        deadline = asyncio.get_running_loop().time() + limit
        count = -1
        while count != self._waiting() and asyncio.get_running_loop().time() < deadline:
            count = self._waiting()
            await asyncio.sleep(0)

    async def _flush(self) -> None:
        delivered: dict[int, set[int]] = {}
        try:
            await self._gathered()
            while self.pending:
                while self.pending:
                    (alert_id, keys, previous), waiting = self.pending.popitem()
                    try:
                        admitted = await database_sync_to_async(_admitted)(
                            keys=list(keys),
                            previous=list(previous),
                            user_ids=sorted({uid for uid, _ in waiting}),
                        )
                    except Exception as error:  # each waiting consumer re-raises it
                        for _, future in waiting:
                            if not future.done():
                                future.set_exception(error)
                        continue
                    for uid, future in waiting:
                        if not future.done():
                            future.set_result(uid in admitted)
                    delivered.setdefault(alert_id, set()).update(admitted)
                # Receipts once the admitted consumers have sent, off the screens' path.
                await asyncio.sleep(0)
                if delivered:
                    await database_sync_to_async(_receipts_write)(delivered)
                    delivered = {}
        finally:
            self.flushing = None


_admissions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Admissions] = (
    weakref.WeakKeyDictionary()
)


def admissions() -> _Admissions:
    loop = asyncio.get_running_loop()
    if loop not in _admissions:
        _admissions[loop] = _Admissions()
    return _admissions[loop]


class AlertConsumer(AsyncJsonWebsocketConsumer):
    """Sends the backlog on connect, then every alert that becomes visible to the user.

    The channel layer only wakes the consumer; the keys carried by each event are checked
    against this user's keys, read from the database at that moment, before anything is
    sent — over-delivery to a group never reaches a person who may not see the alert.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close()
            return
        self.user = user
        self.groups_joined = await database_sync_to_async(groups.groups_of_user)(user)
        await self._join_groups()
        self.sent: set[tuple[int, str]] = set()
        # The Redis layer forgets a group member after ``group_expiry`` (a day by
        # default) so that dead processes' channels go; a screen left open at a border
        # post for longer must stay in its groups, so the consumer joins them again.
        self.rejoin = asyncio.ensure_future(self._rejoin_groups())
        await self.accept()
        backlog = await database_sync_to_async(self._backlog)()
        await self.send_json({"type": "alert.backlog", "alerts": backlog})

    async def _join_groups(self) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)

    async def _rejoin_groups(self) -> None:
        while True:
            await asyncio.sleep(settings.ALERT_GROUP_REJOIN_SECONDS)
            await self._join_groups()

    def _backlog(self) -> list[dict]:
        alerts = selectors.alert_backlog(user=self.user)
        services.receipts_delivered(alert_ids=[a.pk for a in alerts], user=self.user)
        return [services.alert_message(alert) for alert in alerts]

    async def disconnect(self, code):
        rejoin = getattr(self, "rejoin", None)
        if rejoin is not None:
            rejoin.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await rejoin
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message):
        """Channels closes stale database connections before every handler, through a hop
        to the database thread; for the layer's events that is one hop per socket per
        alert, queued behind each other. These handlers reach the database only through
        ``database_sync_to_async``, which closes stale connections itself."""
        if message["type"] in {"alert.published", "session.closed"}:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def receive_json(self, content, **kwargs):
        # The feed is one-way; acknowledgements go through the API or the alert page.
        return

    async def alert_published(self, event):
        alert = event["alert"]
        marker = (alert["id"], alert.get("published_at") or "")
        if marker in self.sent:
            return  # reached through two groups (country and members)
        if not await admissions().admit(event, self.user.pk):
            return  # not visible to this user now, or already visible before this change
        self.sent.add(marker)
        await self.send_json({"type": "alert.published", "alert": alert})

    async def session_closed(self, event):
        await self.close(code=4001)
