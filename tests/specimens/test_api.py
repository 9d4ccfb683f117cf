"""``/api/v1/specimens``: create, read, list with filters."""

from __future__ import annotations

import pytest

from portal.specimens.models import Specimen

pytestmark = pytest.mark.django_db


def _token(user):
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _create(client, user, **body):
    payload = {
        "title": "THA passport 2024",
        "issuing_country": "THA",
        "document_type": "passport",
        "kind": "genuine",
        "distribution": {"level": "networks", "networks": ["andex"]},
        **body,
    }
    return client.post(
        "/api/v1/specimens", payload, content_type="application/json", **_token(user)
    )


def test_expert_creates_a_specimen_owned_by_their_country(client, users):
    response = _create(client, users["expert.tha"], series="2024", first_issued="2024-03-01")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_country"] == "THA"
    assert body["distribution"] == {"level": "networks", "networks": ["andex"]}
    assert body["url"] == f"/specimens/{body['id']}/"
    assert body["images"] == [] and body["first_issued"] == "2024-03-01"
    specimen = Specimen.objects.get(pk=body["id"])
    assert specimen.created_by == users["expert.tha"]
    vnm = client.get(f"/api/v1/specimens/{body['id']}", **_token(users["officer.vnm"]))
    assert vnm.status_code == 200
    fin = client.get(f"/api/v1/specimens/{body['id']}", **_token(users["officer.fin"]))
    assert fin.status_code == 404


def test_officer_may_not_create(client, users):
    response = _create(client, users["officer.tha"])
    assert response.status_code == 403
    assert "experts" in response.json()["detail"]
    assert not Specimen.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"document_type": "banknote"}, "document_type"),
        ({"kind": "maybe"}, "kind"),
        ({"issuing_country": "XXX"}, "issuing_country"),
        ({"title": ""}, "title"),
        ({"distribution": {"level": "galaxy"}}, "distribution"),
        ({"distribution": {"level": "networks", "networks": ["nowhere"]}}, "distribution"),
        ({"kind": "forged"}, "fraud_type"),
        ({"kind": "genuine", "fraud_type": "counterfeit"}, "fraud_type"),
        ({"first_issued": "last tuesday"}, "first_issued"),
    ],
)
def test_bad_input_names_the_field(client, users, body, field):
    response = _create(client, users["expert.tha"], **body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Specimen.objects.exists()


def test_forgery_links_to_a_visible_reference_only(client, users, make_specimen):
    visible = make_specimen("Genuine THA", distribution={"level": "members"})
    hidden = make_specimen("Genuine FIN", owner="FIN")
    bad = _create(
        client, users["expert.tha"], kind="forged", fraud_type="counterfeit",
        genuine_reference=hidden.pk,
    )  # fmt: skip
    assert bad.status_code == 400
    assert "genuine_reference" in bad.json()["errors"]
    good = _create(
        client, users["expert.tha"], kind="forged", fraud_type="counterfeit",
        genuine_reference=visible.pk, detection_points=["No UV fibres", "Blurred guilloche"],
    )  # fmt: skip
    assert good.status_code == 201, good.content
    assert good.json()["genuine_reference"] == visible.pk
    assert good.json()["detection_points"] == ["No UV fibres", "Blurred guilloche"]


def test_reference_not_shared_is_not_named(client, users, make_specimen):
    reference = make_specimen("Genuine THA", distribution={"level": "country"})
    forgery = make_specimen(
        "Forgery", distribution={"level": "members"}, kind="forged", fraud_type="counterfeit",
        genuine_reference=reference,
    )  # fmt: skip
    body = client.get(f"/api/v1/specimens/{forgery.pk}", **_token(users["officer.vnm"])).json()
    assert body["genuine_reference"] is None
    body = client.get(f"/api/v1/specimens/{forgery.pk}", **_token(users["officer.tha"])).json()
    assert body["genuine_reference"] == reference.pk


def test_list_filters_and_counts(client, users, make_specimen, add_image):
    make_specimen("THA passport", distribution={"level": "members"})
    make_specimen("VNM visa", owner="VNM", document_type="visa", distribution={"level": "members"})
    forged = make_specimen(
        "Fake VNM visa", owner="VNM", document_type="visa", kind="forged",
        fraud_type="counterfeit", distribution={"level": "members"},
    )  # fmt: skip
    add_image(forged, "uv")
    make_specimen("Secret FIN", owner="FIN")
    token = _token(users["officer.tha"])

    def titles(query=""):
        data = client.get(f"/api/v1/specimens{query}", **token).json()
        assert data["count"] == len(data["results"])
        return sorted(row["title"] for row in data["results"])

    assert titles() == ["Fake VNM visa", "THA passport", "VNM visa"]
    assert titles("?issuing_country=VNM") == ["Fake VNM visa", "VNM visa"]
    assert titles("?document_type=passport") == ["THA passport"]
    assert titles("?kind=forged") == ["Fake VNM visa"]
    assert titles("?light_source=uv") == ["Fake VNM visa"]
    assert titles("?q=visa fake") == ["Fake VNM visa"]
    page = client.get("/api/v1/specimens?page_size=2&page=2", **token).json()
    assert page["count"] == 3 and len(page["results"]) == 1
    rows = {row["title"]: row for row in client.get("/api/v1/specimens", **token).json()["results"]}
    assert rows["Fake VNM visa"]["thumbnail_url"].endswith("/thumbnail/")
    assert rows["THA passport"]["thumbnail_url"] is None


def test_anonymous_reads_only_public_specimens(client, make_specimen):
    public = make_specimen("Public", distribution={"level": "public"})
    members = make_specimen("Members", distribution={"level": "members"})
    assert client.get(f"/api/v1/specimens/{public.pk}").status_code == 200
    assert client.get(f"/api/v1/specimens/{members.pk}").status_code == 401
    assert client.get("/api/v1/specimens").status_code == 401


def test_openapi_documents_the_specimen_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/specimens",
        "/api/v1/specimens/{pk}",
        "/api/v1/specimens/{pk}/images",
        "/api/v1/specimens/similar",
    ):
        assert path in paths, sorted(paths)
