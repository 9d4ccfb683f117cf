"""A credential that ends ends everywhere at once: revoked or expired tokens, a new
password, signing out — later requests are refused and the sockets opened with it close
(over the real Redis channel layer), while other credentials of the same user go on."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone
from wagtail.models import APIToken

from portal.accounts.models import TokenLifetime
from portal.accounts.services import api_token_issue
from portal.asgi import application
from portal.push.testing import HANDSHAKE_SECONDS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

ORIGIN = (b"origin", b"http://127.0.0.1")


async def _token_socket(user, name="script"):
    row, token = await sync_to_async(api_token_issue)(user=user, name=name)
    socket = WebsocketCommunicator(
        application, "/ws/alerts/", headers=[ORIGIN, (b"authorization", f"Bearer {token}".encode())]
    )
    connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "alert.backlog"
    return row, token, socket


async def _session_socket(client):
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(
        application, "/ws/alerts/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await socket.connect(timeout=HANDSHAKE_SECONDS)
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "alert.backlog"
    return socket


async def _closed(socket, timeout=5) -> bool:
    output = await socket.receive_output(timeout=timeout)
    return output == {"type": "websocket.close", "code": 4001}


async def _still_open(socket) -> bool:
    await asyncio.sleep(0.5)
    return socket.output_queue.empty() and not socket.future.done()


def _me(token: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


async def test_revoking_a_token_closes_its_socket_only(users, client):
    """Revoked on the account page: that token's socket closes within seconds, the API
    refuses it; another token's socket and the browser session's socket stay open."""
    officer = users["officer.vnm"]
    row, token, revoked = await _token_socket(officer, "to revoke")
    _, other_token, other = await _token_socket(officer, "kept")
    await sync_to_async(client.force_login)(officer)
    browser = await _session_socket(client)

    response = await sync_to_async(client.post)(f"/accounts/tokens/{row.pk}/revoke/")
    assert response.status_code == 302
    assert await _closed(revoked)
    assert await sync_to_async(_me)(token) == 401
    assert await _still_open(other) and await _still_open(browser)
    assert await sync_to_async(_me)(other_token) == 200
    for socket in (other, browser):
        await socket.disconnect()


async def test_revoking_in_the_admin_closes_the_socket(users, client):
    _, _, socket = await _token_socket(users["officer.tha"])
    row = await sync_to_async(APIToken.objects.get)()
    await sync_to_async(client.force_login)(users["admin"])
    response = await sync_to_async(client.post)(f"/admin/api-tokens/delete/{row.pk}/")
    assert response.status_code == 302
    assert await _closed(socket)


async def test_an_expired_token_closes_its_socket(users, settings):
    settings.CREDENTIAL_RECHECK_SECONDS = 1
    _, token, socket = await _token_socket(users["officer.tha"])
    await sync_to_async(TokenLifetime.objects.update)(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert await _closed(socket, timeout=5)
    assert await sync_to_async(_me)(token) == 401


async def test_an_expired_session_closes_its_socket(users, client, settings):
    from django.contrib.sessions.models import Session

    settings.CREDENTIAL_RECHECK_SECONDS = 1
    await sync_to_async(client.force_login)(users["officer.tha"])
    socket = await _session_socket(client)
    await sync_to_async(Session.objects.update)(expire_date=timezone.now() - timedelta(seconds=1))
    assert await _closed(socket, timeout=5)


async def test_a_new_password_ends_every_credential(users, client):
    """Changing the password on the account page revokes every token (API 401, sockets
    closed) and signs out the user's other sessions."""
    officer = users["officer.fin"]
    _, token, socket = await _token_socket(officer)
    elsewhere = Client()
    await sync_to_async(elsewhere.force_login)(officer)
    assert (await sync_to_async(elsewhere.get)("/")).status_code == 200
    await sync_to_async(client.force_login)(officer)
    response = await sync_to_async(client.post)(
        "/accounts/password/",
        {
            "old_password": "demo",
            "new_password1": "a-new-long-passphrase-7",
            "new_password2": "a-new-long-passphrase-7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert await _closed(socket)
    assert await sync_to_async(_me)(token) == 401
    assert not await sync_to_async(APIToken.objects.filter(revoked_at__isnull=True).exists)()
    # The session that changed it goes on; the other one is signed out.
    assert (await sync_to_async(client.get)("/")).status_code == 200
    assert (await sync_to_async(elsewhere.get)("/")).status_code == 302


async def test_signing_out_closes_that_sessions_socket_only(users, client):
    officer = users["officer.tha"]
    _, _, token_socket = await _token_socket(officer)
    await sync_to_async(client.force_login)(officer)
    browser = await _session_socket(client)
    other_browser = Client()
    await sync_to_async(other_browser.force_login)(officer)
    second = await _session_socket(other_browser)
    await sync_to_async(client.post)("/accounts/logout/")
    assert await _closed(browser)
    assert await _still_open(token_socket) and await _still_open(second)
    for socket in (token_socket, second):
        await socket.disconnect()
