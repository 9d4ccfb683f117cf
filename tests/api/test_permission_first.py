"""Permission before validation: a member without the expert role gets 403 whatever they send.

The role is checked with authentication, before ninja reads the body, so an officer never
learns from a 400 what a valid body would be. Experts sending the same bodies get 400s
naming each field. Where the path names an item the caller may not see, the answer stays
the 404 that never confirms the item exists.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from portal.access.distribution import Distribution, distribution_apply
from portal.alerts.models import AlertBulletin
from portal.alerts.services import alert_create
from portal.specimens.models import Specimen, SpecimenImage

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


ANDEX = {"level": "networks", "networks": ["andex"]}


def _specimen(title: str, distribution: dict) -> Specimen:
    specimen = Specimen.objects.create(
        title=title, owner_country_id="THA", issuing_country_id="THA", document_type="passport"
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data(distribution))
    return specimen


@pytest.fixture
def items(users):
    """An alert and a specimen andex sees (not officer.fin), and a specimen only THA sees."""
    alert = alert_create(
        author=users["expert.tha"],
        distribution=ANDEX,
        title="Shared alert",
        summary="Seen at the border.",
        severity="high",
        tlp="green",
    )
    return {
        "alert": alert,
        "specimen": _specimen("Shared specimen", ANDEX),
        "hidden": _specimen("THA only", {"level": "country"}),
    }


#: The expert-only writes: method, path, how the body is sent.
WRITES = {
    "publish alert": ("post", "/api/v1/alerts", "json"),
    "change alert": ("patch", "/api/v1/alerts/{alert}", "json"),
    "add specimen": ("post", "/api/v1/specimens", "json"),
    "add image": ("post", "/api/v1/specimens/{specimen}/images", "multipart"),
}

BODIES = {
    "no body": None,
    "empty object": {},
    "partial": {"title": "x"},
    "wrong types": {"title": 12, "severity": ["high"], "distribution": "everyone"},
    "not json": b"{{{ not json",
}


def _send(client, write, items, body, **headers):
    method, path, kind = WRITES[write]
    url = path.format(alert=items["alert"].pk, specimen=items["specimen"].pk)
    send = getattr(client, method)
    if body is None:
        return send(url, **headers)
    if kind == "multipart" and method == "post":
        data = body if isinstance(body, dict) else {"caption": body.decode()}
        return send(url, data, **headers)
    data = body if isinstance(body, bytes) else json.dumps(body)
    return send(url, data, content_type="application/json", **headers)


@pytest.mark.parametrize("body", list(BODIES), ids=list(BODIES))
@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
@pytest.mark.parametrize("officer", ["officer.vnm", "officer.tha"])
def test_an_officer_gets_403_whatever_the_body(client, users, items, write, body, officer):
    response = _send(client, write, items, BODIES[body], **_bearer(users[officer]))
    assert response.status_code == 403, response.content
    assert "Only document experts" in response.json()["detail"]
    assert AlertBulletin.objects.count() == 1
    assert Specimen.objects.count() == 2
    assert not SpecimenImage.objects.exists()


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_an_officer_signed_in_by_session_gets_403_too(client, users, items, write):
    client.force_login(users["officer.vnm"])
    assert _send(client, write, items, {}).status_code == 403


@pytest.mark.parametrize(
    ("method", "path"),
    [("patch", "/api/v1/alerts/{pk}"), ("post", "/api/v1/specimens/{pk}/images")],
)
def test_an_item_the_officer_may_not_see_stays_404(client, users, items, method, path):
    """officer.fin sees neither; officer.vnm does not see the THA-only specimen."""
    fin = _bearer(users["officer.fin"])
    url = path.format(pk=items["alert"].pk if "alerts" in path else items["specimen"].pk)
    assert getattr(client, method)(url, {}, **fin).status_code == 404
    hidden = f"/api/v1/specimens/{items['hidden'].pk}/images"
    assert client.post(hidden, {}, **_bearer(users["officer.vnm"])).status_code == 404
    # Missing and hidden look the same.
    missing = path.format(pk=999_999_999)
    assert getattr(client, method)(missing, {}, **fin).status_code == 404


@pytest.mark.parametrize(
    ("write", "fields"),
    [
        ("publish alert", {"title", "summary", "severity", "tlp", "distribution"}),
        ("add specimen", {"title", "issuing_country", "document_type", "kind", "distribution"}),
        ("add image", {"file", "light_source"}),
    ],
)
def test_an_expert_sending_an_empty_body_gets_400_per_field(client, users, items, write, fields):
    response = _send(client, write, items, {}, **_bearer(users["expert.tha"]))
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == fields


@pytest.mark.parametrize(
    ("write", "body", "field"),
    [
        ("publish alert", {"title": "x"}, "summary"),
        ("change alert", {"severity": "apocalyptic"}, "severity"),
        ("change alert", {"title": ""}, "title"),
        ("add specimen", {"title": "x", "kind": "maybe"}, "kind"),
    ],
)
def test_an_expert_sending_a_partial_body_gets_400_naming_the_field(
    client, users, items, write, body, field
):
    response = _send(client, write, items, body, **_bearer(users["expert.tha"]))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_an_expert_sending_no_json_gets_400_with_a_message(client, users, items):
    response = _send(
        client, "publish alert", items, b"{{{ not json", **_bearer(users["expert.tha"])
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


def test_anonymous_writes_are_401_not_a_csrf_403():
    """Without a session, no CSRF token is due: the answer is "sign in" (a real browser
    client, which enforces CSRF checks)."""
    browser = Client(enforce_csrf_checks=True)
    for method, path, _ in WRITES.values():
        url = path.format(alert=1, specimen=1)
        response = getattr(browser, method)(url, {}, content_type="application/json")
        assert response.status_code == 401, (url, response.content)
        bad_token = getattr(browser, method)(
            url, {}, content_type="application/json", HTTP_AUTHORIZATION="Bearer nonsense"
        )
        assert bad_token.status_code == 401


def test_a_signed_in_session_still_needs_its_csrf_token(users, items):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["expert.tha"])
    response = browser.post(
        f"/api/v1/alerts/{items['alert'].pk}/acknowledge", content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
