"""POST /api/v1/auth/token and GET /api/v1/me, as CONTRACT.md describes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import APIToken

pytestmark = pytest.mark.django_db


def get_token(client, username, password="demo"):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("username", "country", "networks", "roles"),
    [
        ("officer.tha", "THA", ["andex"], ["officer"]),
        ("expert.tha", "THA", ["andex"], ["expert"]),
        ("officer.vnm", "VNM", ["andex"], ["officer"]),
        ("officer.fin", "FIN", ["rnde-europe"], ["officer"]),
        ("trainer.phl", "PHL", ["andex"], ["trainer"]),
        ("chair.andex", "PHL", ["andex"], ["chair", "expert"]),
        ("admin", None, [], []),
    ],
)
def test_every_demo_account_gets_a_token_and_sees_itself(
    client, demo_network, username, country, networks, roles
):
    response = get_token(client, username)
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    body = me.json()
    assert (body["username"], body["country"], body["networks"], body["roles"]) == (
        username,
        country,
        networks,
        roles,
    )


def test_only_a_hash_of_the_token_is_stored(client, demo_network):
    token = get_token(client, "officer.tha").json()["token"]
    row = APIToken.objects.get()
    assert token not in {row.key_hash, row.prefix}
    assert row.key_hash == APIToken.hash_token(token)


def test_bad_credentials_are_401_with_a_message(client, demo_network):
    response = get_token(client, "officer.tha", "wrong")
    assert response.status_code == 401
    assert "do not match" in response.json()["detail"]
    assert not APIToken.objects.exists()


def test_missing_fields_are_400_naming_each_field(client, demo_network):
    response = client.post("/api/v1/auth/token", {}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_anonymous_me_is_401_json(client, demo_network):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Sign in" in response.json()["detail"]


def test_session_cookie_works_too(client, users):
    client.force_login(users["officer.vnm"])
    assert client.get("/api/v1/me").json()["country"] == "VNM"


def test_revoked_token_stops_working(client, demo_network):
    token = get_token(client, "officer.tha").json()["token"]
    APIToken.objects.get().revoke()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_expired_token_stops_working(client, demo_network):
    from portal.accounts.models import TokenLifetime

    token = get_token(client, "officer.tha").json()["token"]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    TokenLifetime.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_token_from_the_api_lives_seven_days_at_most(client, demo_network):
    from datetime import datetime

    before = timezone.now()
    data = get_token(client, "officer.tha").json()
    after = timezone.now()
    expires = datetime.fromisoformat(data["expires_at"])
    assert before + timedelta(days=7) <= expires <= after + timedelta(days=7)


def test_an_administrators_token_for_a_national_system_lives_longer(client, users):
    client.force_login(users["admin"])
    response = client.post(
        "/admin/api-tokens/new/", {"name": "VNM border system", "user": users["officer.vnm"].pk}
    )
    assert response.status_code == 200, response.status_code
    row = APIToken.objects.get(name="VNM border system")
    assert row.lifetime.expires_at - row.created == timedelta(days=365)


def test_token_of_a_deactivated_user_stops_working(client, users):
    token = get_token(client, "officer.tha").json()["token"]
    users["officer.tha"].is_active = False
    users["officer.tha"].save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_garbage_bearer_is_401(client, demo_network):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer wagtail_nonsense")
    assert response.status_code == 401


def test_openapi_and_docs_are_served(client, demo_network):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/token" in paths and "/api/v1/me" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower(), "the API docs must load no asset from a CDN"


def test_revocation_in_the_wagtail_admin(client, users):
    token = get_token(client, "officer.tha").json()["token"]
    row = APIToken.objects.get()
    client.force_login(users["admin"])
    listing = client.get("/admin/api-tokens/")
    assert listing.status_code == 200 and row.prefix in listing.content.decode()
    response = client.post(f"/admin/api-tokens/delete/{row.pk}/")
    assert response.status_code == 302
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
