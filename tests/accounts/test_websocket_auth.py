"""The one ASGI application's WebSocket side: who the socket belongs to, and Origin checks."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.testing import WebsocketCommunicator
from django.urls import path

from portal.accounts.channels_auth import PortalAuthMiddlewareStack
from portal.accounts.services import api_token_issue
from portal.push.testing import HANDSHAKE_SECONDS

pytestmark = pytest.mark.django_db(transaction=True)


class WhoAmI(AsyncJsonWebsocketConsumer):
    """Refuses anonymous users, tells others their username."""

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close()
            return
        await self.accept()
        await self.send_json({"username": user.username})


def application():
    # The same stack as portal/asgi.py, around a probe consumer.
    return AllowedHostsOriginValidator(
        PortalAuthMiddlewareStack(URLRouter([path("ws/whoami/", WhoAmI.as_asgi())]))
    )


async def connect(headers):
    communicator = WebsocketCommunicator(application(), "/ws/whoami/", headers=headers)
    connected, _ = await communicator.connect(timeout=HANDSHAKE_SECONDS)
    return communicator, connected


async def test_bearer_token_authenticates_the_socket(users):
    _, token = await sync_to_async(api_token_issue)(user=users["officer.vnm"], name="ws")
    communicator, connected = await connect(
        [(b"origin", b"http://127.0.0.1"), (b"authorization", f"Bearer {token}".encode())]
    )
    assert connected
    assert await communicator.receive_json_from() == {"username": "officer.vnm"}
    await communicator.disconnect()


async def test_session_cookie_authenticates_the_socket(users, client):
    await sync_to_async(client.force_login)(users["officer.tha"])
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator, connected = await connect([(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)])
    assert connected
    assert await communicator.receive_json_from() == {"username": "officer.tha"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    "headers",
    [
        [(b"origin", b"http://127.0.0.1")],
        [(b"origin", b"http://127.0.0.1"), (b"authorization", b"Bearer wagtail_forged")],
    ],
    ids=["no-credentials", "bad-token"],
)
async def test_anonymous_handshake_is_refused(demo_network, headers):
    communicator, connected = await connect(headers)
    assert not connected
    await communicator.disconnect()


async def test_foreign_origin_is_refused(users):
    _, token = await sync_to_async(api_token_issue)(user=users["officer.vnm"], name="ws")
    communicator, connected = await connect(
        [(b"origin", b"http://evil.example"), (b"authorization", f"Bearer {token}".encode())]
    )
    assert not connected
    await communicator.disconnect()


def test_asgi_application_routes_both_protocols():
    from portal.asgi import application as portal_application

    assert set(portal_application.application_mapping) == {"http", "websocket"}
