"""Reference images below a useful size are refused on every upload path, nothing stored."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.media import images
from portal.specimens.models import Specimen, SpecimenImage
from portal.specimens.services import image_store

from .conftest import picture
from .test_admin import ADD_URL, _form
from .test_uploads import _token, _upload

pytestmark = pytest.mark.django_db

MESSAGE = (
    "This photo is 120 × 80 px; reference images need at least 300 px on the short side "
    "so that the features can be seen."
)


def test_the_service_refuses_a_small_image_with_its_size(make_specimen, private_files):
    before = private_files()
    with pytest.raises(ValidationError) as refused:
        image_store(
            specimen=make_specimen(), file=io.BytesIO(picture(size=(120, 80))), light_source="uv"
        )
    assert refused.value.messages == [MESSAGE]
    assert SpecimenImage.objects.count() == 0 and private_files() == before


def test_the_short_side_decides_and_the_limit_itself_passes(make_specimen):
    specimen = make_specimen()
    with pytest.raises(ValidationError):
        image_store(
            specimen=specimen, file=io.BytesIO(picture(size=(4000, 299))), light_source="uv"
        )
    stored = image_store(
        specimen=specimen, file=io.BytesIO(picture(size=(300, 300))), light_source="uv"
    )
    assert (stored.width, stored.height) == (300, 300)


def test_the_setting_moves_the_limit(make_specimen, settings):
    settings.SPECIMEN_IMAGE_MIN_SIDE = 600
    assert images.min_side() == 600
    with pytest.raises(ValidationError, match="at least 600 px"):
        image_store(
            specimen=make_specimen(), file=io.BytesIO(picture(size=(800, 500))), light_source="uv"
        )


def test_the_api_answers_400_with_the_message(client, users, make_specimen, private_files):
    before = private_files()
    response = _upload(client, users["expert.tha"], make_specimen(), picture(size=(120, 80)))
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [MESSAGE]
    assert SpecimenImage.objects.count() == 0 and private_files() == before


def test_the_admin_form_shows_the_message_and_stores_nothing(client, users, private_files):
    client.force_login(users["expert.tha"])
    before = private_files()
    upload = SimpleUploadedFile("small.png", picture(size=(120, 80), image_format="PNG"))
    response = client.post(ADD_URL, _form(upload, distribution_level="members"))
    assert response.status_code == 200
    assert "reference images need at least 300 px on the short side" in response.content.decode()
    assert not Specimen.objects.exists() and not SpecimenImage.objects.exists()
    assert private_files() == before


def test_a_small_photo_may_still_be_searched_for_similar_images(client, users, make_specimen):
    # The search keeps nothing: a crop of the document in hand is a fair query.
    upload = SimpleUploadedFile("crop.png", picture(size=(120, 80), image_format="PNG"))
    response = client.post(
        "/api/v1/specimens/similar", {"file": upload}, **_token(client, users["officer.tha"])
    )
    assert response.status_code == 200, response.content
