"""Sign-in throttling on every way in (django-axes, portal/accounts/lockout.py).

Each way in — the sign-in page, the Wagtail admin login, Wagtail's page-privacy login and
``POST /api/v1/auth/token`` — answers 20 wrong passwords as such and refuses the 21st
attempt, the right password included, with a 429 a person understands. The lock holds
one username at one address only: the same person elsewhere and colleagues behind the
same address still sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.models import F
from django.http import HttpRequest
from django.test import AsyncClient, Client
from wagtail.models import APIToken

from portal.accounts.lockout import client_ip_address

pytestmark = pytest.mark.django_db

PASSWORD = "demo"
WRONG = "not-the-password"
HOME_IP = "10.20.30.40"  # one country's NAT address
OTHER_IP = "10.99.0.1"
LIMIT = 20
PAUSED = "signing in is paused for 15 minutes"


@dataclass(frozen=True)
class WayIn:
    """One way to sign in with a password, and how it answers."""

    name: str
    path: str
    json: bool = False

    def attempt(self, username: str, password: str, ip: str = HOME_IP, **headers):
        """One sign-in attempt from a fresh browser (or API client) at ``ip``."""
        client = Client()
        data = {"username": username, "password": password}
        if self.json:
            response = self.post(client, data, ip, headers, content_type="application/json")
        else:
            response = self.post(client, data, ip, headers)
        response.signed_in_as = client.session.get("_auth_user_id")
        return response

    def post(self, client, data, ip, headers, **kwargs):
        return client.post(self.path, data, REMOTE_ADDR=ip, **headers, **kwargs)

    def assert_wrong_password(self, response) -> None:
        """Answered like any wrong password: not signed in, not refused by the throttle."""
        if self.json:
            assert response.status_code == 401, response.content
            assert "do not match" in response.json()["detail"]
        else:
            assert response.status_code == 200, response.status_code
            assert b'name="password"' in response.content  # the form again, with its error
            assert response.signed_in_as is None

    def assert_signed_in(self, response) -> None:
        if self.json:
            assert response.status_code == 200, response.content
            assert response.json()["token"]
        else:
            assert response.status_code == 302, response.status_code
            assert response.signed_in_as is not None

    def assert_refused(self, response) -> None:
        """The throttle's 429: how long to wait and whom to ask, and nobody signed in."""
        assert response.status_code == 429, response.content
        assert response["Retry-After"] == str(15 * 60)
        if self.json:
            assert response["Content-Type"].startswith("application/json")
            detail = response.json()["detail"]
            assert PAUSED in detail
            assert "country's administrator" in detail
        else:
            page = response.content.decode()
            assert "Signing in is paused for 15 minutes" in page
            assert "country&#x27;s administrator" in page
            assert 'class="site-header"' in page  # the site's own frame, not a bare text
            assert response.signed_in_as is None


WAYS_IN = [
    WayIn("sign-in page", "/accounts/login/"),
    WayIn("admin login", "/admin/login/"),
    WayIn("page-privacy login", "/pages/_util/login/"),
    WayIn("token endpoint", "/api/v1/auth/token", json=True),
]


@pytest.fixture(params=WAYS_IN, ids=lambda way: way.name)
def way(request, users) -> WayIn:
    return request.param


def fail(way: WayIn, username: str, times: int, ip: str = HOME_IP) -> None:
    for _ in range(times):
        way.assert_wrong_password(way.attempt(username, WRONG, ip))


def test_the_limit_is_twenty_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_twenty_wrong_passwords_are_answered_then_even_the_right_one_is_refused(way):
    fail(way, "officer.tha", LIMIT)

    way.assert_refused(way.attempt("officer.tha", PASSWORD))
    way.assert_refused(way.attempt("officer.tha", WRONG))
    if way.json:
        assert not APIToken.objects.exists()


def test_the_same_username_still_signs_in_from_another_address(way):
    fail(way, "officer.tha", LIMIT)
    way.assert_refused(way.attempt("officer.tha", PASSWORD))

    way.assert_signed_in(way.attempt("officer.tha", PASSWORD, ip=OTHER_IP))


def test_colleagues_behind_the_same_address_still_sign_in(way):
    fail(way, "officer.tha", LIMIT)
    way.assert_refused(way.attempt("officer.tha", PASSWORD))

    way.assert_signed_in(way.attempt("expert.tha", PASSWORD))
    # ... and their own wrong passwords are counted for them alone.
    way.assert_wrong_password(way.attempt("expert.tha", WRONG))


def test_sign_in_works_again_once_the_cool_off_has_passed(way):
    fail(way, "officer.tha", LIMIT)
    way.assert_refused(way.attempt("officer.tha", PASSWORD))

    # The clock moves on: the last attempt (the refused one restarted the wait) 14 minutes ago.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    way.assert_refused(way.attempt("officer.tha", PASSWORD))
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))

    way.assert_signed_in(way.attempt("officer.tha", PASSWORD))


def test_an_administrator_lifts_the_lock_at_once(way):
    fail(way, "officer.tha", LIMIT)
    way.assert_refused(way.attempt("officer.tha", PASSWORD))

    call_command("axes_reset_username", "officer.tha")

    way.assert_signed_in(way.attempt("officer.tha", PASSWORD))


def test_signing_in_clears_the_count(way):
    fail(way, "officer.tha", LIMIT - 1)
    way.assert_signed_in(way.attempt("officer.tha", PASSWORD))

    # Counting from zero again: without the reset the second of these would be refused.
    fail(way, "officer.tha", LIMIT)
    way.assert_refused(way.attempt("officer.tha", PASSWORD))


def test_the_api_refusal_is_json_with_retry_after(users):
    way = WAYS_IN[-1]
    fail(way, "officer.tha", LIMIT)
    response = way.attempt("officer.tha", PASSWORD)
    assert response.status_code == 429
    assert set(response.json()) == {"detail"}
    assert int(response["Retry-After"]) == 900


def test_the_token_endpoint_declares_429_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert set(responses) >= {"200", "401", "429"}
    ref = responses["429"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/MessageOut")
    # The temporal response used for Retry-After is not a request parameter.
    assert not schema["paths"]["/api/v1/auth/token"]["post"].get("parameters")


# The address that is counted -------------------------------------------------------------


def request_from(remote_addr: str, forwarded_for: str | None = None) -> HttpRequest:
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = remote_addr
    if forwarded_for is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return request


def test_without_trusted_proxies_the_address_is_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip_address(request_from("10.0.0.5", "203.0.113.9")) == "10.0.0.5"


def test_behind_nginx_the_address_is_the_one_nginx_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # daphne --proxy-headers puts the left-most entry in REMOTE_ADDR: the client's choice.
    spoofed = request_from("198.51.100.7", "198.51.100.7, 203.0.113.9")
    assert client_ip_address(spoofed) == "203.0.113.9"
    assert client_ip_address(request_from("10.0.0.5", "203.0.113.9")) == "203.0.113.9"
    assert client_ip_address(request_from("10.0.0.5", " 2001:db8::1 ")) == "2001:db8::1"
    # Not through nginx (e.g. a health check inside the network), or garbage: REMOTE_ADDR.
    assert client_ip_address(request_from("10.0.0.5")) == "10.0.0.5"
    assert client_ip_address(request_from("10.0.0.5", "a, not-an-address")) == "10.0.0.5"


def test_behind_nginx_a_forged_forwarded_for_does_not_escape_the_lock(settings, users):
    settings.TRUSTED_PROXY_COUNT = 1
    way = WAYS_IN[0]
    for guess in range(LIMIT):
        forged = f"192.0.2.{guess}"
        # What nginx passes on: the forged entry, then the real address it saw.
        response = way.attempt(
            "officer.tha", WRONG, ip=forged, HTTP_X_FORWARDED_FOR=f"{forged}, {HOME_IP}"
        )
        way.assert_wrong_password(response)
    response = way.attempt(
        "officer.tha", PASSWORD, ip="192.0.2.99", HTTP_X_FORWARDED_FOR=f"192.0.2.99, {HOME_IP}"
    )
    way.assert_refused(response)


# Test clients and the ASGI server ----------------------------------------------------------


def test_test_clients_sign_in_as_axes_documents(client, users):
    """axes needs a request in authenticate(): ``client.login`` gets a blank one."""
    assert client.login(request=HttpRequest(), username="officer.tha", password=PASSWORD)
    assert client.get("/").status_code == 200
    other = Client()
    other.force_login(users["expert.tha"])
    assert other.get("/").status_code == 200
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_the_asgi_server_refuses_with_the_same_page(users):
    """daphne runs the middleware asynchronously, where axes calls the lockout callable
    with other arguments."""
    path = WAYS_IN[0].path
    wrong = {"username": "officer.tha", "password": WRONG}
    right = {"username": "officer.tha", "password": PASSWORD}
    try:
        for _ in range(LIMIT):
            assert (await AsyncClient().post(path, wrong)).status_code == 200
        response = await AsyncClient().post(path, right)
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        assert "Signing in is paused for 15 minutes" in response.content.decode()
    finally:
        # The views ran in asgiref's worker thread: its connection must not outlive the test.
        await sync_to_async(connections.close_all)()
