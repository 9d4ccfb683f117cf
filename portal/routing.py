"""WebSocket routes of every app, gathered for portal/asgi.py."""

from portal.alerts.routing import websocket_urlpatterns as alerts_patterns

websocket_urlpatterns: list = [*alerts_patterns]
