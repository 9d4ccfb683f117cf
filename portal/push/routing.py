"""WebSocket routes of the push: one feed per route its registered types name."""

from __future__ import annotations

from django.urls import path

from .consumers import PushConsumer
from .registry import push_types


def websocket_urlpatterns() -> list:
    """A route per distinct ``PushType.route``, serving every type that names it (built
    after the apps registered their types)."""
    routes: dict[str, list[str]] = {}
    for registration in push_types():
        if registration.route:
            routes.setdefault(registration.route, []).append(registration.name)
    return [
        path(route, PushConsumer.as_asgi(push_types=tuple(names)))
        for route, names in routes.items()
    ]
