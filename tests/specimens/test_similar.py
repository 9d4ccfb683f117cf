"""Similar images: a resized or cropped (≤ 10 %) copy finds its original in the top 5."""

from __future__ import annotations

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.demo.specimen_art import DocumentDesign, document_images
from portal.specimens import imaging

pytestmark = pytest.mark.django_db

COUNTRIES = [("THA", "Thailand"), ("VNM", "Viet Nam"), ("PHL", "Philippines"), ("FIN", "Finland")]


@pytest.fixture
def library(make_specimen, add_image):
    """16 specimens (genuine and forged, four countries) × 3 lights of synthetic art."""
    images = []
    for number in range(16):
        code, name = COUNTRIES[number % 4]
        design = DocumentDesign(code, name, ("passport", "id_card")[number % 2], "2020", number)
        forged = number >= 8
        specimen = make_specimen(
            f"Specimen {number}", distribution={"level": "members"},
            kind="forged" if forged else "genuine", fraud_type="counterfeit" if forged else "",
        )  # fmt: skip
        for light, picture in document_images(design, forged=forged, holder_seed=number).items():
            if light == "transmitted":
                continue
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=90)
            images.append((add_image(specimen, light, data=buffer.getvalue()), picture))
    return images


def _altered(picture: Image.Image, rng: random.Random) -> Image.Image:
    """Resize by 60–140 % and crop up to 10 % off the width and the height, at random sides."""
    width, height = picture.size
    cut_w, cut_h = rng.uniform(0, 0.1) * width, rng.uniform(0, 0.1) * height
    left, top = rng.uniform(0, cut_w), rng.uniform(0, cut_h)
    cropped = picture.crop((round(left), round(top), round(width - (cut_w - left)),
                            round(height - (cut_h - top))))  # fmt: skip
    scale = rng.uniform(0.6, 1.4)
    return cropped.resize((round(cropped.width * scale), round(cropped.height * scale)))


def test_altered_copies_find_their_original_in_the_top_five(library, users):
    rng = random.Random(7)
    misses = []
    for image, picture in rng.sample(library, 24):
        query = imaging.hashes(_altered(picture, rng))
        from portal.specimens.selectors import images_similar

        found = [hit.image.pk for hit in images_similar(user=users["officer.tha"], hashes=query)]
        if image.pk not in found[:5]:
            misses.append(image.pk)
    assert not misses, f"{len(misses)} of 24 altered copies missed their original"


def test_similar_api_with_a_cropped_photo(library, users, client):
    image, picture = library[5]
    altered = _altered(picture, random.Random(3))
    buffer = io.BytesIO()
    altered.save(buffer, "PNG")
    client.force_login(users["officer.vnm"])
    response = client.post(
        "/api/v1/specimens/similar",
        {"file": SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert image.pk in [hit["image_id"] for hit in results][:5]
    assert results[0]["distance"] <= results[-1]["distance"]
    assert results[0]["thumbnail_url"].startswith("/specimens/images/")


def test_similar_api_refuses_a_bad_file(client, users):
    client.force_login(users["officer.vnm"])
    response = client.post(
        "/api/v1/specimens/similar",
        {"file": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")},
    )
    assert response.status_code == 400
    assert "JPEG, PNG, WebP or TIFF" in response.json()["errors"]["file"][0]
