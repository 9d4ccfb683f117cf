"""The WebSocket feed of one or more push types (``/ws/alerts/``: CONTRACT.md).

On connect the socket receives each type's backlog (``{"type": "alert.backlog",
"alerts": [...]}``), then every event about an item that becomes visible to its user
(``{"type": "alert.published", "alert": {...}}``). The consumer has no channel of its own:
the process's hub (``hub.py``) is the member of the groups and writes to it, after
checking the item's keys against this user's keys read from the database at that moment —
over-delivery to a group never reaches a person who may not see the item.
"""

from __future__ import annotations

from collections.abc import Sequence

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import groups
from .hub import hub
from .registry import push_type

#: The close code of a socket whose credential ended (signed out, token revoked or
#: expired, new password, deactivated, moved to another country).
CREDENTIAL_ENDED = 4001


class PushConsumer(AsyncJsonWebsocketConsumer):
    """A signed-in user's live feed of the push types named in ``push_types``."""

    # No channel of its own (no channel-layer receive waiting per socket): the hub is the
    # process's member of the groups. ``get_channel_layer(None)`` is None.
    channel_layer_alias = None

    def __init__(self, *args, push_types: Sequence[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.push_types = frozenset(push_types)
        self.backlog_order = tuple(push_types)

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
        self.sent: set[tuple] = set()
        self.ended = False
        self.groups_joined = await database_sync_to_async(groups.groups_of_user)(user)
        await hub().join(self, self.groups_joined)
        await self.accept()
        for message in await database_sync_to_async(self._backlogs)():
            await self.send_json(message)

    def _backlogs(self) -> list[dict]:
        """Each type's backlog message, its deliveries recorded."""
        messages = []
        for name in self.backlog_order:
            registration = push_type(name)
            items = registration.backlog(user=self.user)
            if items:
                registration.delivered(deliveries={item.pk: {self.user.pk} for item in items})
            messages.append(
                {
                    "type": registration.event_type("backlog"),
                    registration.backlog_key: [registration.message(item) for item in items],
                }
            )
        return messages

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
        # The feed is one-way; acknowledgements go through the API or the item's page.
        return
