"""No input produces a 5xx: paging at any number, ids past 64 bits, garbage and odd bodies.

Each answer is one the OpenAPI document lists, as JSON with a ``detail`` a person reads.
"""

from __future__ import annotations

import io
import json

import pytest

from portal.access.distribution import Distribution, distribution_apply
from portal.alerts.services import alert_create
from portal.specimens.models import Specimen

pytestmark = pytest.mark.django_db

HUGE = 10**30


def _bearer(user) -> dict:
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def alerts(users):
    return [
        alert_create(
            author=users["expert.tha"],
            distribution={"level": "members"},
            title=f"Alert {number}",
            summary="Seen at the border.",
            severity="low",
            tlp="green",
        )
        for number in range(3)
    ]


def _specimen(title: str) -> Specimen:
    specimen = Specimen.objects.create(
        title=title, owner_country_id="THA", issuing_country_id="THA", document_type="passport"
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": "members"}))
    return specimen


@pytest.fixture
def specimens(users):
    return [_specimen(f"Specimen {number}") for number in range(3)]


@pytest.mark.parametrize("path", ["/api/v1/alerts", "/api/v1/specimens"])
def test_paging_at_any_number_is_a_page(client, users, alerts, specimens, path):
    token = _bearer(users["officer.vnm"])

    def titles(query: str) -> list[str]:
        response = client.get(f"{path}?{query}", **token)
        assert response.status_code == 200, (query, response.content)
        body = response.json()
        assert body["count"] == 3
        return [row["title"] for row in body["results"]]

    everything = titles("page_size=100")
    assert len(everything) == 3
    # Past the end: the last page.
    assert titles(f"page_size=2&page={HUGE}") == everything[2:]
    # Zero and negative pages are the first page; sizes are held within 1..100.
    assert titles("page_size=2&page=0") == everything[:2]
    assert titles("page_size=2&page=-7") == everything[:2]
    assert titles("page_size=0") == everything[:1]
    assert titles("page_size=-5") == everything[:1]
    assert titles(f"page_size={HUGE}") == everything


def test_search_paging_at_any_number_is_a_page(client, users, alerts):
    token = _bearer(users["officer.vnm"])
    for page in (HUGE, 2**63, 0, -(2**70)):
        response = client.get(f"/api/v1/search?q=alert&page={page}", **token)
        assert response.status_code == 200, (page, response.content)
        assert response.json()["page"] >= 1


@pytest.mark.parametrize("query", ["page=abc", "page=1.5", "page_size=ten", "unacknowledged=maybe"])
def test_garbage_parameters_are_400_naming_the_parameter(client, users, query):
    response = client.get(f"/api/v1/alerts?{query}", **_bearer(users["officer.vnm"]))
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["errors"]


@pytest.mark.parametrize("pk", [2**63 - 1, 2**63, 2**64 + 5, 10**40])
def test_ids_beyond_64_bits_are_404(client, users, pk):
    expert = _bearer(users["expert.tha"])
    officer = _bearer(users["officer.vnm"])
    answers = [
        client.get(f"/api/v1/alerts/{pk}", **officer),
        client.get(f"/api/v1/specimens/{pk}", **officer),
        client.post(f"/api/v1/alerts/{pk}/acknowledge", **officer),
        client.patch(
            f"/api/v1/alerts/{pk}", {"severity": "low"}, content_type="application/json", **expert
        ),
        client.patch(f"/api/v1/alerts/{pk}", {}, content_type="application/json", **officer),
        client.post(f"/api/v1/specimens/{pk}/images", {}, **officer),
    ]
    for response in answers:
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "Not found, or not shared with you."}
    # Anonymous callers are asked to sign in, whatever the id.
    assert client.get(f"/api/v1/specimens/{pk}").status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        "/api/v1/alerts/-1",
        "/api/v1/alerts/x",
        "/api/v1/nothing/here",
        "/api/v1/alerts/1/",
    ],
)
def test_unknown_api_urls_are_json_404(client, users, path):
    response = client.get(path, **_bearer(users["officer.vnm"]))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "text",
    ["nul \x00 inside", "lone surrogate \ud800"],
    ids=["nul", "surrogate"],
)
def test_text_the_database_cannot_store_is_400(client, users, text):
    expert = _bearer(users["expert.tha"])
    body = {
        "title": text,
        "summary": "s",
        "severity": "low",
        "tlp": "green",
        "distribution": {"level": "members"},
    }
    raw = json.dumps(body)  # escapes both as \\u sequences, as a client would
    response = client.post("/api/v1/alerts", raw, content_type="application/json", **expert)
    assert response.status_code == 400, response.content
    assert "NUL characters or invalid Unicode" in response.json()["detail"]


def test_nul_in_a_query_parameter_is_400_naming_it(client, users):
    response = client.get("/api/v1/specimens?q=a%00b", **_bearer(users["officer.vnm"]))
    assert response.status_code == 400
    assert "q" in response.json()["errors"]
    response = client.get("/api/v1/search?q=%00", **_bearer(users["officer.vnm"]))
    assert response.status_code == 400


def test_nul_in_a_form_field_is_400_and_nothing_is_stored(client, users):
    specimen = _specimen("Specimen")
    response = client.post(
        f"/api/v1/specimens/{specimen.pk}/images",
        {"light_source": "uv", "caption": "a\x00b"},
        **_bearer(users["expert.tha"]),
    )
    assert response.status_code == 400
    assert "caption" in response.json()["errors"]
    assert not specimen.images.exists()


@pytest.mark.parametrize(
    "regions",
    ["[" * 100_000, '[{"x": 1' + "0" * 400 + ', "y": 0, "w": 1, "h": 1}]', '{"x": 0}', "[1, 2]"],
    ids=["deep", "huge number", "object", "numbers"],
)
def test_odd_regions_are_400_naming_them(client, users, regions):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (400, 300)).save(photo, "PNG")
    specimen = _specimen("Specimen")
    response = client.post(
        f"/api/v1/specimens/{specimen.pk}/images",
        {"file": SimpleUploadedFile("a.png", photo.getvalue()), "light_source": "uv",
         "regions": regions},
        **_bearer(users["expert.tha"]),
    )  # fmt: skip
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"regions"}
    assert not specimen.images.exists()


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b'"text"', b"{", b"\xff\xfe garbage", b"[" * 5000, b"1" + b"0" * 5000],
    ids=["empty", "null", "list", "string", "truncated", "not utf-8", "deep", "long number"],
)
def test_odd_bodies_are_400(client, users, raw):
    response = client.post(
        "/api/v1/specimens", raw, content_type="application/json", **_bearer(users["expert.tha"])
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not Specimen.objects.exists()


def test_a_body_over_the_request_limit_is_400(client, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/alerts",
        {"title": "x" * 5000},
        content_type="application/json",
        **_bearer(users["expert.tha"]),
    )
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]


@pytest.mark.parametrize("raw", [b"null", b"[null, null]", b'"title"', b"7"])
def test_a_change_whose_body_is_not_an_object_is_400(client, users, alerts, raw):
    """Found by the fuzzer against the demo: every field of a PATCH is optional, so a body
    that is a list or a bare value was read as "nothing to change" and answered 200."""
    alert = alerts[0]
    response = client.generic(
        "PATCH",
        f"/api/v1/alerts/{alert.pk}",
        raw,
        content_type="application/json",
        **_bearer(users["expert.tha"]),
    )
    assert response.status_code == 400, response.content
    assert "JSON object" in response.json()["detail"]
