"""What a content type tells the push service: the message of one of its items, the
backlog a socket receives on connect, and how a delivery is recorded.

A content type registers once, in its ``AppConfig.ready()``; the hub, the consumer, the
fan-out and the access check are the same for every type, so a new type (meetings:
"scheduled", "moved", "cancelled" to the invited countries) is a registration here and a
``notify`` call on commit, not a new consumer::

    push_type_register(PushType(
        name="meeting", model=Meeting, message=meeting_message,
        backlog=meetings_upcoming, delivered=meeting_deliveries_record,
        route="ws/meetings/",
    ))

The socket then receives ``{"type": "meeting.backlog", "meetings": [...]}`` on connect and
``{"type": "meeting.<event>", "meeting": {...}}`` for each event it may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models


def _no_backlog(*, user: Any) -> list:
    return []


def _not_recorded(*, deliveries: dict[int, set[int]]) -> None:
    return None


@dataclass(frozen=True)
class PushType:
    """One content type's registration with the push service."""

    #: The message types' prefix and the payload's key: ``{"type": "alert.published",
    #: "alert": {...}}``. ASCII letters and underscores.
    name: str
    #: The shared model (a ``portal.access.models.Shareable``).
    model: type[models.Model]
    #: ``message(item) -> dict``: the item as a socket receives it (JSON values only).
    message: Callable[[Any], dict]
    #: ``backlog(*, user) -> list[item]``: what a socket receives on connect, newest first;
    #: it must return only items the user may see (a selector going through the rule).
    backlog: Callable[..., list] = _no_backlog
    #: ``delivered(*, deliveries)``: record that items reached users' screens,
    #: ``{item id: {user ids}}``; called in batches after the sends, and for the backlog.
    delivered: Callable[..., None] = _not_recorded
    #: The WebSocket path of this type's feed (``"ws/alerts/"``), or None when the type
    #: rides on another type's feed.
    route: str | None = None
    #: The backlog's key; ``name + "s"`` when empty.
    plural: str = ""

    @property
    def backlog_key(self) -> str:
        return self.plural or f"{self.name}s"

    def event_type(self, event: str) -> str:
        return f"{self.name}.{event}"


_types: dict[str, PushType] = {}


def push_type_register(push_type: PushType) -> PushType:
    """Register a content type with the push service (in ``AppConfig.ready()``)."""
    known = _types.get(push_type.name)
    if known is not None and known.model is not push_type.model:
        raise ValueError(f"The push type {push_type.name!r} is already registered.")
    _types[push_type.name] = push_type
    return push_type


def push_type(name: str) -> PushType:
    """The registration named ``name``; ``LookupError`` when no type registered it."""
    try:
        return _types[name]
    except KeyError:
        raise LookupError(f"No content type registered the push type {name!r}.") from None


def push_type_for(model: type[models.Model]) -> PushType:
    """The registration of ``model`` (or of its concrete parent)."""
    for registered in _types.values():
        if issubclass(model, registered.model):
            return registered
    raise LookupError(f"{model.__name__} is not registered with the push service.")


def push_types() -> Iterable[PushType]:
    return tuple(_types.values())
