"""Withdrawing an import (``services.case_import_withdraw``): its rows go, the batch stays
as the audit with who, when and why, and the data's version rises — through the API and
the page."""

from __future__ import annotations

import json

import pytest

from portal.dashboards.models import DatasetVersion, FraudCase, ImportBatch, ScannedCount
from portal.dashboards.services import cases_import

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CASES = {
    "cases": [
        {
            "detected_on": f"2024-0{m}",
            "border_type": "land",
            "issuing_country": "LAO",
            "document_type": "visa",
            "result": "impostor",
            "fraud_type": "impostor",
        }
        for m in (1, 2, 3)
    ],
    "scanned": [{"quarter": "2024Q1", "documents": 700}],
}


@pytest.fixture
def imported(users):
    return cases_import(user=users["expert.tha"], source="json", payload=CASES).batch


def test_withdrawing_deletes_the_rows_keeps_the_batch_and_raises_the_version(
    client, users, imported
):
    client.force_login(users["expert.tha"])
    before = DatasetVersion.current()
    response = client.post(
        f"/api/v1/cases/imports/{imported.pk}/withdraw",
        json.dumps({"reason": "Counted twice"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["withdrawn_by"] == "expert.tha" and body["withdraw_reason"] == "Counted twice"
    assert body["cases"] == 3 and body["withdrawn_at"]
    assert FraudCase.objects.count() == 0 and ScannedCount.objects.count() == 0
    batch = ImportBatch.objects.get(pk=imported.pk)
    assert batch.withdrawn_at is not None and batch.case_count == 3
    assert DatasetVersion.current() == before + 1
    # Once only; and the same file may then be imported again.
    again = client.post(
        f"/api/v1/cases/imports/{imported.pk}/withdraw",
        json.dumps({"reason": "again"}),
        content_type="application/json",
    )
    assert again.status_code == 400
    reimport = client.post(
        "/api/v1/cases/import", json.dumps(CASES), content_type="application/json"
    )
    assert reimport.status_code == 201 and FraudCase.objects.count() == 3


def test_the_imports_list_names_who_when_and_why(client, users, imported):
    client.force_login(users["expert.tha"])
    listed = client.get("/api/v1/cases/imports").json()
    assert listed["count"] == 1
    [row] = listed["results"]
    assert (row["id"], row["uploaded_by"], row["source"], row["cases"], row["scanned"]) == (
        imported.pk,
        "expert.tha",
        "json",
        3,
        1,
    )
    assert row["withdrawn_at"] is None


def test_the_page_confirms_asks_a_reason_and_withdraws(client, users, imported):
    client.force_login(users["expert.tha"])
    page = client.get("/dashboards/import/")
    assert f"/dashboards/import/{imported.pk}/withdraw/" in page.content.decode()
    confirm = client.get(f"/dashboards/import/{imported.pk}/withdraw/")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert FraudCase.objects.count() == 3  # a GET changes nothing
    missing = client.post(f"/dashboards/import/{imported.pk}/withdraw/", {"reason": " "})
    assert missing.status_code == 400 and FraudCase.objects.count() == 3
    done = client.post(f"/dashboards/import/{imported.pk}/withdraw/", {"reason": "Wrong month"})
    assert done.status_code == 302 and done["Location"] == "/dashboards/import/"
    assert FraudCase.objects.count() == 0
    listing = client.get("/dashboards/import/").content.decode()
    assert "Withdrawn" in listing and "Wrong month" in listing


def test_the_rows_filter_by_quarters(client, users, imported):
    client.force_login(users["expert.tha"])

    def count(**params):
        response = client.get("/api/v1/cases", params)
        assert response.status_code == 200, response.content
        return response.json()["count"]

    assert count() == 3
    assert count(**{"from": "2024Q1", "to": "2024Q1"}) == 3
    assert count(**{"from": "2024Q2"}) == 0 and count(to="2023") == 0
    assert count(**{"from": "2024", "to": "2024"}) == 3
    rows = client.get("/api/v1/cases").json()["results"]
    assert [r["detected_on"] for r in rows] == ["2024-03", "2024-02", "2024-01"]
    assert rows[0]["quarter"] == "2024Q1" and rows[0]["result"] == "impostor"
    assert client.get("/api/v1/cases", {"from": "spring"}).status_code == 400
