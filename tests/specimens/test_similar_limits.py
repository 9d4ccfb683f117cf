"""The similar-images search: its own pixel limit, checked before decoding, and a rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import picture
from .test_uploads import _png_declaring

pytestmark = pytest.mark.django_db

URL = "/api/v1/specimens/similar"


def _search(client, data: bytes):
    return client.post(URL, {"file": SimpleUploadedFile("photo", data)})


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_a_20_megapixel_photo_is_refused_before_it_is_decoded(client, users):
    """The file only declares 5000 × 4000 pixels: decoding it would fail as "damaged",
    so the pixel message proves the limit was checked from the header first."""
    client.force_login(users["officer.vnm"])
    response = _search(client, _png_declaring(5000, 4000))
    assert response.status_code == 400
    message = response.json()["errors"]["file"][0]
    assert message == (
        "The image is 5000 × 4000 pixels (20 megapixels); the limit is 16 megapixels. "
        "Reduce its resolution."
    )


def test_the_limit_is_a_setting_lower_than_the_librarys(client, users, settings):
    settings.SIMILAR_IMAGE_MAX_PIXELS = 50_000
    client.force_login(users["officer.vnm"])
    response = _search(client, picture(size=(300, 200)))
    assert response.status_code == 400
    assert "300 × 200 pixels" in response.json()["errors"]["file"][0]
    assert "the limit is 0.05 megapixels" in response.json()["errors"]["file"][0]
    assert _search(client, picture(size=(200, 200))).status_code == 200


def test_each_member_has_a_budget_of_searches(client, users, settings):
    settings.SIMILAR_IMAGE_RATE = "3/minute"
    client.force_login(users["officer.vnm"])
    answers = [_search(client, picture(size=(64, 48))).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    refused = _search(client, picture(size=(64, 48)))
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Too many requests: try again in ")
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Bad files count too: the budget bounds the work of decoding, whatever it finds.
    assert _search(client, b"not an image").status_code == 429
    # Another member has their own budget.
    client.force_login(users["officer.tha"])
    assert _search(client, picture(size=(64, 48))).status_code == 200


def test_the_rate_limit_answers_before_the_upload_is_read(client, users, settings):
    settings.SIMILAR_IMAGE_RATE = "1/hour"
    client.force_login(users["officer.vnm"])
    assert _search(client, picture()).status_code == 200
    response = client.post(URL, {})  # no file at all: still the 429, not a 400
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 3600
