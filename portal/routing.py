"""WebSocket routes of every app, gathered for portal/asgi.py."""

websocket_urlpatterns: list = []
