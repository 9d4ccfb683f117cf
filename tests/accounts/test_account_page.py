"""The account page: a person lists, creates and revokes their own API tokens."""

from __future__ import annotations

import pytest
from wagtail.models import APIToken

from portal.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db


def test_the_page_lists_only_ones_own_tokens(client, users):
    api_token_issue(user=users["officer.tha"], name="Thai laptop script")
    api_token_issue(user=users["officer.vnm"], name="Viet Nam border system")
    client.force_login(users["officer.tha"])
    html = client.get("/accounts/").content.decode()
    assert "Thai laptop script" in html
    assert "Viet Nam border system" not in html


def test_a_new_token_is_shown_once_and_works(client, users):
    client.force_login(users["officer.tha"])
    response = client.post("/accounts/", {"name": "Report script"})
    assert response.status_code == 200
    html = response.content.decode()
    token = html.split('data-testid="new-token">')[1].split("<")[0]
    assert token.startswith("wagtail_")
    row = APIToken.objects.get(name="Report script")
    assert (row.lifetime.expires_at - row.created).days == 7
    client.logout()
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.json()["username"] == "officer.tha"
    client.force_login(users["officer.tha"])
    assert token not in client.get("/accounts/").content.decode()  # shown only once


def test_a_token_needs_a_name(client, users):
    client.force_login(users["officer.tha"])
    response = client.post("/accounts/", {"name": ""})
    assert "This field is required" in response.content.decode()
    assert not APIToken.objects.exists()


def test_nobody_revokes_someone_elses_token(client, users):
    row, _ = api_token_issue(user=users["officer.vnm"], name="VNM system")
    client.force_login(users["officer.tha"])
    assert client.post(f"/accounts/tokens/{row.pk}/revoke/").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, demo_network):
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("username", "shown"),
    [("expert.tha", True), ("officer.tha", False), ("trainer.phl", False), ("admin", False)],
)
def test_experts_find_their_country_case_import_on_the_page(client, users, username, shown):
    """Only those who may import case data (a reporting country's experts) are shown the
    way to it."""
    client.force_login(users[username])
    html = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ('href="/dashboards/import/"' in html) is shown
