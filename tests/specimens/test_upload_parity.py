"""Uploads: lossless stays lossless, and the admin and the API refuse the same fields.

Lossless uploads (PNG, uncompressed or LZW TIFF, lossless WebP) are stored as PNG with
every pixel unchanged; lossy ones (JPEG, lossy WebP, JPEG-compressed TIFF) as JPEG. The
image's own fields (light source, caption ≤ 300, zone ≤ 80) are checked by one function,
``services.image_fields_check``, whose rules are the model's, as the admin form's are.
Images are made in memory with Pillow.
"""

from __future__ import annotations

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.test.utils.form_data import inline_formset

from portal.specimens.models import Specimen, SpecimenImage
from portal.specimens.services import image_fields_check, image_store

from .conftest import picture
from .test_admin import ADD_URL, _form

pytestmark = pytest.mark.django_db


def noise(size=(400, 300), mode="RGB", seed=1) -> Image.Image:
    """Random pixels: any lossy step changes some of them."""
    channels = len(Image.new(mode, (1, 1)).getbands())
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(size[0] * size[1] * channels))
    return Image.frombytes(mode, size, data)


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def _bearer(user) -> dict:
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _api_upload(client, user, specimen, data: bytes, **fields):
    upload = SimpleUploadedFile("photo", data, content_type="application/octet-stream")
    return client.post(
        f"/api/v1/specimens/{specimen.pk}/images",
        {"file": upload, "light_source": "visible", **fields},
        **_bearer(user),
    )


def _stored(image: SpecimenImage) -> Image.Image:
    with image.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        stored.load()
    return stored


LOSSLESS = {
    "png rgb": (lambda: noise(), "PNG", {}),
    "png grey": (lambda: noise(mode="L"), "PNG", {}),
    "png with alpha": (lambda: noise(mode="RGBA"), "PNG", {}),
    "png palette": (lambda: noise().quantize(64), "PNG", {}),
    "tiff raw": (lambda: noise(), "TIFF", {}),
    "tiff lzw": (lambda: noise(), "TIFF", {"compression": "tiff_lzw"}),
    "webp lossless": (lambda: noise(), "WEBP", {"lossless": True}),
}


@pytest.mark.parametrize("case", list(LOSSLESS), ids=list(LOSSLESS))
def test_lossless_uploads_are_stored_pixel_identical_via_the_api(
    case, client, users, make_specimen
):
    make, image_format, options = LOSSLESS[case]
    original = make()
    response = _api_upload(
        client, users["expert.tha"], make_specimen(), encoded(original, image_format, **options)
    )
    assert response.status_code == 201, response.content
    image = SpecimenImage.objects.get()
    assert image.file.name.endswith(".png")
    stored = _stored(image)
    assert stored.format == "PNG"
    expected = original.convert(stored.mode)
    assert stored.tobytes() == expected.tobytes()


LOSSY = {
    "jpeg": (lambda: noise(), "JPEG", {"quality": 90}),
    "webp lossy": (lambda: noise(), "WEBP", {"quality": 80}),
    "tiff with jpeg compression": (lambda: noise(), "TIFF", {"compression": "jpeg"}),
}


@pytest.mark.parametrize("case", list(LOSSY), ids=list(LOSSY))
def test_lossy_uploads_are_stored_as_jpeg(case, client, users, make_specimen):
    make, image_format, options = LOSSY[case]
    data = encoded(make(), image_format, **options)
    response = _api_upload(client, users["expert.tha"], make_specimen(), data)
    assert response.status_code == 201, response.content
    image = SpecimenImage.objects.get()
    assert image.file.name.endswith(".jpg")
    assert _stored(image).format == "JPEG"


def test_png_is_pixel_identical_through_the_admin_too(client, users):
    original = noise(seed=7)
    client.force_login(users["expert.tha"])
    upload = SimpleUploadedFile("scan.png", encoded(original, "PNG"), content_type="image/png")
    response = client.post(ADD_URL, _form(upload, distribution_level="members"))
    assert response.status_code == 302, response.context["form"].errors
    stored = _stored(Specimen.objects.get().images.get())
    assert stored.format == "PNG"
    assert stored.tobytes() == original.tobytes()


def test_png_is_pixel_identical_through_the_service(make_specimen):
    original = noise(seed=8)
    image = image_store(
        specimen=make_specimen(), file=io.BytesIO(encoded(original, "PNG")), light_source="uv"
    )
    assert _stored(image).tobytes() == original.tobytes()


#: Field values the model refuses, and the field each is named by.
BAD_FIELDS = {
    "caption of 301": ({"caption": "c" * 301}, "caption"),
    "zone of 81": ({"zone": "z" * 81}, "zone"),
    "unknown light source": ({"light_source": "sunlight"}, "light_source"),
}


@pytest.mark.parametrize("case", list(BAD_FIELDS), ids=list(BAD_FIELDS))
def test_the_api_refuses_bad_fields_naming_them_and_stores_nothing(
    case, client, users, make_specimen, private_files
):
    fields, name = BAD_FIELDS[case]
    specimen = make_specimen()
    before = private_files()
    response = _api_upload(client, users["expert.tha"], specimen, picture(), **fields)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {name}
    assert not SpecimenImage.objects.exists()
    assert private_files() == before


@pytest.mark.parametrize("case", list(BAD_FIELDS), ids=list(BAD_FIELDS))
def test_the_admin_refuses_the_same_fields_and_stores_nothing(case, client, users, private_files):
    fields, name = BAD_FIELDS[case]
    client.force_login(users["expert.tha"])
    before = private_files()
    upload = SimpleUploadedFile("a.png", picture(image_format="PNG"), content_type="image/png")
    row = {
        "file": upload,
        "light_source": "uv",
        "zone": "data page",
        "caption": "",
        "regions": "[]",
    }
    row.update(fields)
    response = client.post(
        ADD_URL, _form(upload, distribution_level="members", images=inline_formset([row]))
    )
    assert response.status_code == 200
    formset_errors = response.context["form"].formsets["images"].errors
    assert set(formset_errors[0]) == {name}
    assert not Specimen.objects.exists() and not SpecimenImage.objects.exists()
    assert private_files() == before


@pytest.mark.parametrize("case", list(BAD_FIELDS), ids=list(BAD_FIELDS))
def test_the_shared_check_gives_the_admins_messages(case):
    """One rule: the API's messages are the admin form's (but for the light source's,
    which lists the vocabulary)."""
    fields, name = BAD_FIELDS[case]
    values = {"light_source": "uv", "caption": "", "zone": "data page", **fields}
    with pytest.raises(ValidationError) as refused:
        image_fields_check(**values)
    errors = refused.value.message_dict
    assert set(errors) == {name}
    admin_field = SpecimenImage._meta.get_field(name).formfield()
    with pytest.raises(ValidationError) as admin_refused:
        admin_field.clean(values[name])
    if name == "light_source":
        assert "visible, uv, ir" in errors[name][0]
    else:
        assert errors[name] == admin_refused.value.messages


def test_the_longest_allowed_caption_and_zone_are_stored(client, users, make_specimen):
    response = _api_upload(
        client, users["expert.tha"], make_specimen(), picture(), caption="c" * 300, zone="z" * 80
    )
    assert response.status_code == 201, response.content
    image = SpecimenImage.objects.get()
    assert (len(image.caption), len(image.zone)) == (300, 80)


def test_every_bad_field_is_named_at_once(client, users, make_specimen):
    response = _api_upload(
        client, users["expert.tha"], make_specimen(), b"not an image",
        light_source="sunlight", caption="c" * 301, zone="z" * 81,
    )  # fmt: skip
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"file", "light_source", "caption", "zone"}
    assert not SpecimenImage.objects.exists()
