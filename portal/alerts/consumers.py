"""``/ws/alerts/``: a signed-in officer's live alert feed (CONTRACT.md)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from portal.access import rule

from . import groups, selectors, services


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
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.sent: set[tuple[int, str]] = set()
        await self.accept()
        backlog = await database_sync_to_async(self._backlog)()
        await self.send_json({"type": "alert.backlog", "alerts": backlog})

    def _backlog(self) -> list[dict]:
        alerts = selectors.alert_backlog(user=self.user)
        services.receipts_delivered(alert_ids=[a.pk for a in alerts], user=self.user)
        return [services.alert_message(alert) for alert in alerts]

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # The feed is one-way; acknowledgements go through the API or the alert page.
        return

    def _keys_now(self) -> frozenset[str]:
        rule.forget_user_keys(self.user)
        self.user.refresh_from_db(fields=["is_active", "country"])
        return rule.user_keys(self.user)

    async def alert_published(self, event):
        alert = event["alert"]
        marker = (alert["id"], alert.get("published_at") or "")
        held = await database_sync_to_async(self._keys_now)()
        if not rule.keys_allow(held, event["keys"]):
            return
        if event.get("previous_keys") and rule.keys_allow(held, event["previous_keys"]):
            return  # this user could already see it: nothing new to announce
        if marker in self.sent:
            return  # reached through two groups (country and members)
        self.sent.add(marker)
        await database_sync_to_async(services.receipts_delivered)(
            alert_ids=[alert["id"]], user=self.user
        )
        await self.send_json({"type": "alert.published", "alert": alert})

    async def session_closed(self, event):
        await self.close(code=4001)
