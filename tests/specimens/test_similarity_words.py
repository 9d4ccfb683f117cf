"""Similarity in words: an officer reads "very close", a machine still gets the distance."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.specimens import imaging

from .conftest import picture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("distance", "word"),
    [(0, "identical"), (6, "identical"), (7, "very close"), (24, "very close"),
     (25, "close"), (48, "close"), (49, "related"), (256, "related")],
)  # fmt: skip
def test_each_distance_has_one_word(distance, word):
    assert imaging.similarity_of(distance)[0] == word


def test_the_scale_rises_and_ends_in_related():
    bounds = [bound for bound, _, _ in imaging.SIMILARITY_SCALE]
    assert bounds == sorted(bounds)
    assert imaging.SIMILARITY_BEYOND[0] == "related"


def test_the_api_gives_the_word_beside_the_distance(client, users, make_specimen, add_image):
    data = picture(seed=41)
    add_image(make_specimen("Twin", distribution={"level": "members"}), data=data)
    client.force_login(users["officer.vnm"])
    response = client.post(
        "/api/v1/specimens/similar",
        {"file": SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")},
    )
    assert response.status_code == 200, response.content
    hit = response.json()["results"][0]
    assert hit["distance"] <= 6 and hit["similarity"] == "identical"


def test_the_similar_page_shows_words_not_distances(client, users, make_specimen, add_image):
    data = picture(seed=42)
    first = make_specimen("First", distribution={"level": "members"})
    add_image(first, data=data)
    add_image(make_specimen("Twin", distribution={"level": "members"}), data=data)
    client.force_login(users["officer.tha"])
    html = client.get(f"/specimens/{first.pk}/similar/").content.decode()
    assert 'class="similarity similarity--identical">Identical<' in html
    assert "distance" not in html.lower().split("<main", 1)[1]
