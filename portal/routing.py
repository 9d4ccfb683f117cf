"""WebSocket routes of every app, gathered for portal/asgi.py.

Content types reach sockets through the push service: each registration names its route
(``portal.push.registry``), so a new type adds no consumer and no line here.
"""

from portal.push.routing import websocket_urlpatterns as push_patterns

websocket_urlpatterns: list = [*push_patterns()]
