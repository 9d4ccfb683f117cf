"""Dashboard aggregates by user × channel: every member reads the same numbers — over the
API with a session or a bearer token, on the ``/dashboards/`` page and in its CSV export —
whatever their country or role, so no country sees more than another; anonymous callers
are asked to sign in (401, or the login page); a revoked, expired or malformed token and a
deactivated account are refused.

Expected numbers are written by hand, not computed by the code under test. The data are a
handful of cases (THA's imported by its expert, VNM's written directly), so the protected
tables build in a moment.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from portal.accounts.models import TokenLifetime
from portal.accounts.services import api_token_issue, api_token_revoke
from portal.dashboards.cube import cube_forget
from portal.dashboards.models import DatasetVersion, FraudCase, ImportBatch, ScannedCount
from portal.dashboards.services import cases_import

from .matrix import USERS, channel_headers

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CHANNELS = ["session", "token"]

CASE = {
    "detected_on": "2024-02",
    "border_type": "air",
    "issuing_country": "VNM",
    "document_type": "passport",
}
#: What every member reads for ``group_by=reported_by,result`` (empty values left out).
CELLS = [
    {"reported_by": "THA", "result": "fraudulent_document", "count": 12, "suppressed": False},
    {"reported_by": "THA", "result": "impostor", "count": 6, "suppressed": False},
    {"reported_by": "VNM", "result": "impostor", "count": 8, "suppressed": False},
]
#: Documents scanned in 2024-Q1, by country.
SCANNED = {"THA": 400, "VNM": 250}


@pytest.fixture
def data(users):
    """THA: 12 fraudulent documents and 6 impostors (imported by its expert); VNM: 8
    impostors and its scanned count (written directly: the demo has no expert of VNM)."""
    cube_forget()  # another module's tables may be kept under the same version number
    cases_import(
        user=users["expert.tha"],
        source="json",
        payload={
            "cases": [{**CASE, "result": "fraudulent_document", "fraud_type": "forgery"}] * 12
            + [{**CASE, "result": "impostor", "fraud_type": "impostor"}] * 6
        },
    )
    vnm = ImportBatch.objects.create(reported_by_id="VNM", source="json", content_hash="v" * 64)
    FraudCase.objects.bulk_create(
        FraudCase(
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
        for _ in range(8)
    )
    for country, documents in SCANNED.items():
        batch = vnm if country == "VNM" else ImportBatch.objects.filter(reported_by="THA").get()
        ScannedCount.objects.create(
            batch=batch, reported_by_id=country, year=2024, quarter=1, documents=documents
        )
    DatasetVersion.bump()  # rows written directly, as an import would
    yield
    cube_forget()


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("username", USERS)
def test_aggregates_by_user_and_channel(client, users, data, username, channel):
    headers = channel_headers(client, users, username, channel)
    cases = client.get("/api/v1/dashboards/cases?group_by=reported_by,result", **headers)
    scanned = client.get("/api/v1/dashboards/scanned?group_by=reported_by", **headers)
    flags = client.get("/api/v1/dashboards/flags", **headers)
    groups = client.get("/api/v1/dashboards/groups", **headers)
    statuses = [r.status_code for r in (cases, scanned, flags, groups)]
    if username == "anonymous":
        assert statuses == [401, 401, 401, 401]
        for response in (cases, scanned):
            assert "THA" not in response.content.decode()
        return
    assert statuses == [200, 200, 200, 200]
    # The same numbers for every member, the reporting countries' own officers included.
    body = cases.json()
    assert (body["total"], scanned.json()["total"]) == (26, 650)
    assert [cell["count"] for cell in body["cells"]] == [cell["count"] for cell in CELLS]
    assert isinstance(flags.json(), list)
    assert "mekong" in {group["slug"] for group in groups.json()}
    # Each count with what it counts (the contract's cell: its dimensions, then the count).
    assert body["cells"] == CELLS
    assert {c["reported_by"]: c["count"] for c in scanned.json()["cells"]} == SCANNED


def _page_counts(response) -> list[tuple[str, str]]:
    """Every number the page shows: the tiles' and the tables' cells, in page order."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    found = []
    for tile in soup.select("[data-tile]"):
        value = tile.select_one("[data-count]")
        found.append((tile["data-tile"], value["data-count"]))
    for cell in soup.select("table[data-table] td[data-count]"):
        table = cell.find_parent("table")["data-table"]
        found.append((table, cell["data-count"]))
    return found


@pytest.fixture
def reference(users, data):
    """The page and its CSV as officer.fin reads them (FIN reported nothing)."""
    client = Client()
    client.force_login(users["officer.fin"])
    page = client.get("/dashboards/?from=2024-Q1&to=2024-Q1")
    export = client.get("/dashboards/export.csv?from=2024-Q1&to=2024-Q1")
    assert page.status_code == 200 and export.status_code == 200
    return {"page": _page_counts(page), "csv": export.content.decode()}


@pytest.mark.parametrize("username", USERS)
def test_dashboard_page_and_export_by_user(client, users, data, reference, username):
    if username != "anonymous":
        client.force_login(users[username])
    page = client.get("/dashboards/?from=2024-Q1&to=2024-Q1")
    export = client.get("/dashboards/export.csv?from=2024-Q1&to=2024-Q1")
    if username == "anonymous":
        for response in (page, export):
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        return
    assert page.status_code == 200 and export.status_code == 200
    counts = _page_counts(page)
    tiles = {name: value for name, value in counts if name in {"fraud_cases", "impostor"}}
    assert tiles == {"fraud_cases": "26", "impostor": "14"}
    assert counts == reference["page"]
    assert export.content.decode() == reference["csv"]
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert any("26" in row for row in rows)


def _cases_with(client, token: str):
    return client.get(
        "/api/v1/dashboards/cases?group_by=year", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_revoked_token_is_refused(client, users, data):
    row, token = api_token_issue(user=users["officer.tha"], name="aggregates")
    assert _cases_with(client, token).status_code == 200
    api_token_revoke(user=users["officer.tha"], token_id=row.pk)
    refused = _cases_with(client, token)
    assert refused.status_code == 401 and "THA" not in refused.content.decode()


def test_an_expired_token_is_refused(client, users, data):
    row, token = api_token_issue(user=users["officer.vnm"], name="aggregates")
    assert _cases_with(client, token).status_code == 200
    TokenLifetime.objects.filter(token=row).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _cases_with(client, token).status_code == 401


def test_a_malformed_token_is_refused(client, data):
    for token in ("", "not-a-token", "x" * 200):
        assert _cases_with(client, token).status_code == 401


def test_a_deactivated_member_is_refused_on_every_channel(client, users, data):
    user = users["officer.fin"]
    _row, token = api_token_issue(user=user, name="aggregates")
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _cases_with(Client(), token).status_code == 401
    assert client.get("/api/v1/dashboards/cases?group_by=year").status_code == 401
    page = client.get("/dashboards/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
