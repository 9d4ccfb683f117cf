"""Raw case data by user × channel: only a reporting country's experts import, read and
withdraw its rows and imports; every other member is refused (403, and 404 for another
country's import), anonymous callers are asked to sign in (401, or the login page).

Expected outcomes are written by hand, not computed by the rule. Users are the demo
network's (built once for the module); the rows are THA's (imported by its expert) and
VNM's (written directly: the demo has no expert of VNM).
"""

from __future__ import annotations

import json

import pytest

from portal.dashboards.models import FraudCase, ImportBatch
from portal.dashboards.services import cases_import

from .matrix import channel_headers

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

USERS = [
    "anonymous",
    "admin",
    "expert.tha",
    "officer.tha",
    "officer.vnm",
    "officer.fin",
    "trainer.phl",
    "chair.andex",
]
#: Experts of a reporting country and their country (chair.andex is also an expert of
#: PHL); superusers report for no country.
EXPERTS = {"expert.tha": "THA", "chair.andex": "PHL"}
CHANNELS = ["session", "token"]

CASE = {
    "detected_on": "2024-02",
    "border_type": "air",
    "issuing_country": "VNM",
    "document_type": "passport",
    "result": "fraudulent_document",
    "fraud_type": "forgery",
}


@pytest.fixture
def data(users):
    tha = cases_import(user=users["expert.tha"], source="json", payload={"cases": [CASE] * 2})
    vnm = ImportBatch.objects.create(reported_by_id="VNM", source="json", content_hash="v" * 64)
    FraudCase.objects.create(
        batch=vnm,
        reported_by_id="VNM",
        detected_on="2024-01-01",
        year=2024,
        quarter=1,
        border_type="land",
        issuing_country_id="LAO",
        document_type="visa",
        result="impostor",
        fraud_type="impostor",
    )
    return {"tha": tha.batch, "vnm": vnm}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("username", USERS)
def test_case_rows_and_imports_by_user_and_channel(client, users, data, username, channel):
    headers = channel_headers(client, users, username, channel)
    rows = client.get("/api/v1/cases", **headers)
    imports = client.get("/api/v1/cases/imports", **headers)
    if username == "anonymous":
        assert (rows.status_code, imports.status_code) == (401, 401)
    elif username == "expert.tha":
        assert rows.status_code == 200 and imports.status_code == 200
        assert {r["reported_by"] for r in rows.json()["results"]} == {"THA"}
        assert rows.json()["count"] == 2
        assert [b["id"] for b in imports.json()["results"]] == [data["tha"].pk]
    elif username in EXPERTS:  # an expert of a country that reported nothing
        assert rows.status_code == 200 and imports.status_code == 200
        assert rows.json() == {"count": 0, "results": []} == imports.json()
    else:
        assert (rows.status_code, imports.status_code) == (403, 403)
        assert "VNM" not in rows.content.decode() and "LAO" not in rows.content.decode()


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("username", USERS)
def test_import_and_withdraw_by_user_and_channel(client, users, data, username, channel):
    headers = channel_headers(client, users, username, channel)
    body = json.dumps({"cases": [{**CASE, "detected_on": "2024-03"}]})
    created = client.post("/api/v1/cases/import", body, content_type="application/json", **headers)
    other = client.post(
        f"/api/v1/cases/imports/{data['vnm'].pk}/withdraw",
        json.dumps({"reason": "not ours"}),
        content_type="application/json",
        **headers,
    )
    own = client.post(
        f"/api/v1/cases/imports/{data['tha'].pk}/withdraw",
        json.dumps({"reason": "test"}),
        content_type="application/json",
        **headers,
    )
    statuses = (created.status_code, other.status_code, own.status_code)
    if username == "anonymous":
        assert statuses == (401, 401, 401)
    elif username == "expert.tha":
        assert statuses == (201, 404, 200)
    elif username in EXPERTS:  # imports for PHL; THA's and VNM's imports are not theirs
        assert statuses == (201, 404, 404)
        assert ImportBatch.objects.filter(reported_by_id="PHL").count() == 1
    else:
        assert statuses == (403, 403, 403)
    # Nobody touched VNM's rows; THA's only its expert withdrew.
    assert FraudCase.objects.filter(reported_by_id="VNM").count() == 1
    assert ImportBatch.objects.get(pk=data["vnm"].pk).withdrawn_at is None
    withdrawn = ImportBatch.objects.get(pk=data["tha"].pk).withdrawn_at is not None
    assert withdrawn == (username == "expert.tha")


@pytest.mark.parametrize("username", USERS)
def test_import_pages_by_user(client, users, data, username):
    if username != "anonymous":
        client.force_login(users[username])
    page = client.get("/dashboards/import/")
    withdraw_own = client.get(f"/dashboards/import/{data['tha'].pk}/withdraw/")
    withdraw_other = client.get(f"/dashboards/import/{data['vnm'].pk}/withdraw/")
    template = client.get("/dashboards/import/template.csv")
    if username == "anonymous":
        for response in (page, withdraw_own, withdraw_other, template):
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
    elif username in EXPERTS:
        expected_own = 200 if EXPERTS[username] == "THA" else 404
        assert (page.status_code, withdraw_own.status_code, withdraw_other.status_code) == (
            200,
            expected_own,
            404,
        )
        assert f"/dashboards/import/{data['vnm'].pk}/" not in page.content.decode()
        assert template.status_code == 200
    else:
        assert (page.status_code, withdraw_own.status_code, withdraw_other.status_code) == (
            403,
            403,
            403,
        )
        assert template.status_code == 200  # the template names no data
    posted = client.post(f"/dashboards/import/{data['tha'].pk}/withdraw/", {"reason": "x"})
    withdrawn = ImportBatch.objects.get(pk=data["tha"].pk).withdrawn_at is not None
    assert withdrawn == (username == "expert.tha")
    expected = {"anonymous": 302, "expert.tha": 302, "chair.andex": 404}.get(username, 403)
    assert posted.status_code == expected
