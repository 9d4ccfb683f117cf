"""Upload validation and cleaning: every bad kind of file is a 400 and nothing is stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.specimens import imaging
from portal.specimens.models import SpecimenImage

from .conftest import picture

pytestmark = pytest.mark.django_db


def _token(client, user):
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _upload(client, user, specimen, data: bytes, name="photo.jpg", light="visible", **extra):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(
        f"/api/v1/specimens/{specimen.pk}/images",
        {"file": upload, "light_source": light, **extra},
        **_token(client, user),
    )


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


BAD_FILES = {
    "empty": (b"", "empty"),
    "text renamed .jpg": (b"this is not a photo at all\n" * 20, "not a photograph"),
    "pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "not a photograph"),
    "gif": (picture(image_format="GIF"), "GIF images are not accepted"),
    "bmp": (picture(image_format="BMP"), "BMP images are not accepted"),
    "truncated jpeg": (picture(size=(800, 600), seed=3)[:1500], "damaged or incomplete"),
    "decompression bomb": (_png_declaring(40_000, 40_000), "megapixels"),
    "too small to see the features": (
        picture(size=(120, 80)),
        "This photo is 120 × 80 px; reference images need at least 300 px on the short side",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_file_is_refused_with_a_message_and_nothing_is_stored(
    case, client, users, make_specimen, private_files
):
    specimen = make_specimen()
    before = private_files()
    data, message = BAD_FILES[case]
    response = _upload(client, users["expert.tha"], specimen, data)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert message in " ".join(errors["file"]), errors
    assert SpecimenImage.objects.count() == 0
    assert private_files() == before


def test_too_many_bytes_is_refused(client, users, make_specimen, settings, private_files):
    before = private_files()
    settings.SPECIMEN_IMAGE_MAX_BYTES = 10_000
    specimen = make_specimen()
    response = _upload(client, users["expert.tha"], specimen, picture(size=(900, 700), seed=1))
    assert response.status_code == 400
    assert "the limit is" in response.json()["errors"]["file"][0]
    assert private_files() == before


def test_too_many_pixels_is_refused(client, users, make_specimen, settings):
    settings.SPECIMEN_IMAGE_MAX_PIXELS = 100_000
    specimen = make_specimen()
    response = _upload(client, users["expert.tha"], specimen, picture(size=(500, 400)))
    assert response.status_code == 400
    assert "megapixels" in response.json()["errors"]["file"][0]


def test_unknown_light_source_and_bad_regions_are_named(client, users, make_specimen):
    specimen = make_specimen()
    response = _upload(client, users["expert.tha"], specimen, picture(), light="sunlight")
    assert response.status_code == 400
    assert "light_source" in response.json()["errors"]
    response = _upload(client, users["expert.tha"], specimen, picture(), regions='[{"x": 2}]')
    assert response.status_code == 400
    assert "regions" in response.json()["errors"]
    assert SpecimenImage.objects.count() == 0


def test_missing_file_is_a_400(client, users, make_specimen):
    specimen = make_specimen()
    response = client.post(
        f"/api/v1/specimens/{specimen.pk}/images",
        {"light_source": "uv"},
        **_token(client, users["expert.tha"]),
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_officer_cannot_add_images_and_other_countries_meet_a_404(client, users, make_specimen):
    specimen = make_specimen(distribution={"level": "networks", "networks": ["andex"]})
    assert _upload(client, users["officer.tha"], specimen, picture()).status_code == 403
    assert _upload(client, users["officer.fin"], specimen, picture()).status_code == 404
    assert SpecimenImage.objects.count() == 0


def _jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (640, 400), (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "SecretCam 9000"  # Model
    exif[0x0131] = "EditorApp"  # Software
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0xA431] = "SERIAL-0042-XYZ"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (13.0, 45.0, 10.0)  # a latitude near Bangkok
    gps[3] = "E"
    gps[4] = (100.0, 30.0, 5.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"officer notes: holder name")
    return out.getvalue()


def test_metadata_does_not_survive(client, users, make_specimen):
    data = _jpeg_with_metadata()
    assert b"SERIAL-0042-XYZ" in data and b"SecretCam" in data  # the upload carries them
    specimen = make_specimen()
    response = _upload(client, users["expert.tha"], specimen, data)
    assert response.status_code == 201, response.content
    image = SpecimenImage.objects.get()
    with image.file.open("rb") as handle:
        stored = handle.read()
    for secret in (b"SERIAL-0042-XYZ", b"SecretCam", b"CameraMaker", b"Exif", b"holder name"):
        assert secret not in stored
    reopened = Image.open(io.BytesIO(stored))
    assert not reopened.getexif()
    assert "icc_profile" not in reopened.info
    # What the officer downloads is the cleaned file too.
    client.force_login(users["officer.tha"])
    served = b"".join(client.get(image.url("original")).streaming_content)
    assert served == stored


def test_png_text_chunks_do_not_survive(client, users, make_specimen):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Private Person")
    info.add_text("Location", "13.75N 100.5E")
    data = picture(image_format="PNG", pnginfo=info)
    assert b"Private Person" in data
    specimen = make_specimen()
    assert _upload(client, users["expert.tha"], specimen, data, name="x.png").status_code == 201
    with SpecimenImage.objects.get().file.open("rb") as handle:
        stored = handle.read()
    assert b"Private Person" not in stored and b"13.75N" not in stored


def test_orientation_is_applied_before_stripping(client, users, make_specimen):
    image = Image.new("RGB", (600, 300), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when displayed
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    specimen = make_specimen()
    response = _upload(client, users["expert.tha"], specimen, out.getvalue())
    assert response.status_code == 201
    assert (response.json()["width"], response.json()["height"]) == (300, 600)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_each_accepted_format_is_stored(image_format, client, users, make_specimen):
    specimen = make_specimen()
    response = _upload(
        client, users["expert.tha"], specimen, picture(image_format=image_format, seed=5)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["light_source"] == "visible" and body["width"] == 480
    image = SpecimenImage.objects.get()
    assert image.file.name.startswith("specimens/originals/")
    assert len(imaging.hashes_split(image.hashes)) == imaging.HASH_COUNT
