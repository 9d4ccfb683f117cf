"""The OpenAPI document declares, for every operation, every status the API answers.

A hand-written table for today's operations, and the rules for any operation (so a new
endpoint is held to them too): 401 where authenticated, 404 where the path names an item,
400 where there are parameters or a body; every error with the ``{"detail", "errors"?}``
shape. The success answers of the writes match their documented schemas.
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from PIL import Image
from werkzeug.test import Client as WerkzeugClient

from portal.access.distribution import Distribution, distribution_apply
from portal.specimens.models import Specimen

OPENAPI_URL = "/api/v1/openapi.json"

#: What each operation may answer (written by hand from CONTRACT.md, not computed).
EXPECTED = {
    ("post", "/api/v1/auth/token"): {200, 400, 401, 429},
    ("get", "/api/v1/me"): {200, 401},
    ("get", "/api/v1/specimens"): {200, 400, 401},
    ("post", "/api/v1/specimens"): {201, 400, 401, 403},
    ("get", "/api/v1/specimens/{pk}"): {200, 400, 401, 404},
    ("post", "/api/v1/specimens/{pk}/images"): {201, 400, 401, 403, 404},
    ("post", "/api/v1/specimens/similar"): {200, 400, 401, 403, 429},
    ("get", "/api/v1/alerts"): {200, 400, 401},
    ("post", "/api/v1/alerts"): {201, 400, 401, 403},
    ("get", "/api/v1/alerts/{pk}"): {200, 400, 401, 404},
    ("patch", "/api/v1/alerts/{pk}"): {200, 400, 401, 403, 404},
    ("post", "/api/v1/alerts/{pk}/acknowledge"): {200, 400, 401, 403, 404},
    ("get", "/api/v1/search"): {200, 400, 401},
    ("get", "/api/v1/search/suggest"): {200, 400, 401},
    ("get", "/api/v1/courses"): {200, 400, 401},
    ("get", "/api/v1/courses/{pk}"): {200, 400, 401, 404},
    ("post", "/api/v1/courses/{pk}/enrol"): {200, 400, 401, 403, 404},
    ("get", "/api/v1/quizzes/{pk}"): {200, 400, 401, 404},
    ("post", "/api/v1/quizzes/{pk}/attempts"): {201, 400, 401, 403, 404},
    ("get", "/api/v1/me/training"): {200, 401},
    # === meetings: api-search ===
    ("get", "/api/v1/meetings"): {200, 400, 401},
    ("post", "/api/v1/meetings"): {201, 400, 401, 403},
    ("get", "/api/v1/meetings/{pk}"): {200, 400, 401, 404},
    ("patch", "/api/v1/meetings/{pk}"): {200, 400, 401, 403, 404},
    ("get", "/api/v1/actions"): {200, 400, 401},
    ("get", "/api/v1/actions/{pk}"): {200, 400, 401, 404},
    ("patch", "/api/v1/actions/{pk}"): {200, 400, 401, 403, 404},
    # === end meetings: api-search ===
}


@pytest.fixture
def document(client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def _resolve(document, schema: dict) -> dict:
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_each_operation_declares_the_statuses_it_answers(document):
    declared = {
        (method, path): {int(status) for status in operation["responses"]}
        for method, path, operation in _operations(document)
    }
    for key, statuses in EXPECTED.items():
        assert declared.get(key) == statuses, key


def test_every_operation_follows_the_rules(document):
    for method, path, operation in _operations(document):
        statuses = {int(status) for status in operation["responses"]}
        label = f"{method.upper()} {path}"
        if operation.get("security"):
            assert 401 in statuses, label
        if "{" in path:
            assert 404 in statuses, label
        if operation.get("parameters") or operation.get("requestBody"):
            assert 400 in statuses, label
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = _resolve(document, response["content"]["application/json"]["schema"])
            assert "detail" in schema["required"], (label, status)
            assert schema["properties"]["detail"]["type"] == "string"


def test_the_error_shape_is_documented_once(document):
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    assert error["properties"]["errors"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    similar = document["paths"]["/api/v1/specimens/similar"]["post"]["responses"]
    assert "Retry-After" in similar["429"]["description"]


def test_public_reads_say_that_no_authentication_works_too(document):
    security = document["paths"]["/api/v1/specimens/{pk}"]["get"]["security"]
    assert {} in security and {"BearerToken": []} in security
    assert set(document["components"]["securitySchemes"]) == {"BearerToken", "MemberSession"}


@pytest.fixture
def wsgi_client():
    """A real WSGI client (werkzeug) on Django's handler, inside the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WerkzeugClient(WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_success_answers_of_the_writes_match_their_schemas(wsgi_client, users):
    from portal.accounts.services import api_token_issue

    schema = schemathesis.openapi.from_wsgi(OPENAPI_URL, wsgi_client.application)
    _, token = api_token_issue(user=users["expert.tha"], name="test")
    bearer = {"Authorization": f"Bearer {token}"}
    specimen = Specimen.objects.create(
        title="THA passport", owner_country_id="THA", issuing_country_id="THA",
        document_type="passport",
    )  # fmt: skip
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": "members"}))
    photo = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 200)).save(photo, "PNG")
    photo.seek(0)

    answers = {
        ("POST", "/api/v1/specimens/{pk}/images"): wsgi_client.post(
            f"/api/v1/specimens/{specimen.pk}/images",
            data={"file": (photo, "photo.png"), "light_source": "uv", "caption": "Under UV"},
            headers=bearer,
        ),
        ("GET", "/api/v1/specimens/{pk}"): wsgi_client.get(
            f"/api/v1/specimens/{specimen.pk}", headers=bearer
        ),
        ("POST", "/api/v1/alerts"): wsgi_client.post(
            "/api/v1/alerts",
            json={
                "title": "Forged THA visa",
                "summary": "Ink fluoresces.",
                "severity": "medium",
                "tlp": "green",
                "valid_until": "2031-01-01T00:00:00Z",
                "distribution": {"level": "members"},
            },
            headers=bearer,
        ),
    }
    # === meetings: api-search ===
    _, chair_token = api_token_issue(user=users["chair.andex"], name="test")
    chair = {"Authorization": f"Bearer {chair_token}"}
    meeting = {
        "title": "ANDEX plenary",
        "network": "andex",
        "starts_at": "2031-03-02T09:00:00+08:00",
        "ends_at": "2031-03-02T11:00:00+08:00",
        "timezone": "Asia/Manila",
    }
    made = wsgi_client.post("/api/v1/meetings", json=meeting, headers=chair)
    answers[("POST", "/api/v1/meetings")] = made
    answers[("PATCH", "/api/v1/meetings/{pk}")] = wsgi_client.patch(
        f"/api/v1/meetings/{made.get_json()['id']}", json={"location": "Cebu"}, headers=chair
    )
    # === end meetings: api-search ===
    for (method, path), response in answers.items():
        assert response.status_code in {200, 201}, (path, response.get_data())
        schema[path][method].validate_response(response)
