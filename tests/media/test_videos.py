"""Videos on the private-media platform: recognised by content (MP4, WebM), held to a
size limit, served after their item's rule with byte ranges (as browsers seek), the
access log written like images'."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from portal.access.models import AccessRecord
from portal.media import registry, videos
from tests.training.conftest import course_make, picture

from .video_bytes import LOCATION, mp4_bytes, mp4_with_metadata, video_make, webm_bytes

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def test_mp4_and_webm_are_recognised_by_their_content():
    mp4 = videos.prepare(io.BytesIO(mp4_bytes()))
    assert (mp4.extension, mp4.mime_type, mp4.size) == ("mp4", "video/mp4", 4096)
    # An MP4 brand among the compatible ones is enough (e.g. a DASH or Apple M4V file).
    assert videos.prepare(io.BytesIO(mp4_bytes(brand=b"XXXX", compatible=b"mp42"))).extension
    webm = videos.prepare(io.BytesIO(webm_bytes()))
    assert (webm.extension, webm.mime_type) == ("webm", "video/webm")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (picture(), "format"),  # a PNG named lesson.mp4
        (b"%PDF-1.7\n" + bytes(100), "format"),
        (mp4_bytes(brand=b"qt  ", compatible=b"qt  "), "format"),  # QuickTime
        (mp4_bytes(brand=b"heic", compatible=b"mif1heic"), "format"),  # a HEIF photo
        (webm_bytes(doctype=b"matroska"), "format"),
        (mp4_bytes()[:-10], "damaged"),  # truncated: the last box runs past the end
        (mp4_bytes() + b"trailing", "damaged"),
        (webm_bytes()[:30], "damaged"),
        (b"", "empty"),
    ],
)
def test_anything_else_is_refused_with_a_sentence(data, code):
    with pytest.raises(ValidationError) as refused:
        videos.prepare(io.BytesIO(data))
    assert refused.value.code == code


def test_a_renamed_png_is_refused_in_the_admin_and_nothing_is_stored(client, users, private_files):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.training.models import TrainingVideo

    course = course_make(owner="PHL")
    client.force_login(users["trainer.phl"])
    upload = SimpleUploadedFile("lesson.mp4", picture(), content_type="video/mp4")
    response = client.post(
        "/admin/snippets/training/trainingvideo/add/",
        {"course": course.pk, "file": upload, "caption": "Lifted corner"},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "not a video the portal accepts" in errors and "MP4" in errors
    assert not TrainingVideo.objects.exists()
    assert not private_files()


def test_an_mp4_loses_its_location_and_camera_but_keeps_every_offset():
    sent = mp4_with_metadata()
    video = video_make(course_make(), data=sent)
    with video.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert len(stored) == len(sent) == video.file_size
    for secret in (LOCATION, b"Pixel 7", b"xmpmeta", b"Jane"):
        assert secret in sent and secret not in stored, secret
    # The same boxes at the same places: what was metadata is now free space, and the
    # frames (where the sample tables point) have not moved.
    assert stored.index(b"FRAMES") == sent.index(b"FRAMES")
    assert stored.count(b"free") == 3 and b"udta" not in stored and b"uuid" not in stored
    assert stored == _blanked(sent)
    assert videos.prepare(io.BytesIO(stored)).extension == "mp4"
    # The form's check alone (clean=False) stores nothing and changes nothing.
    assert videos.prepare(io.BytesIO(sent), clean=False).file.read() == sent


def _blanked(data: bytes) -> bytes:
    """``data`` with each metadata box turned into a ``free`` box of zeros, by hand."""
    out = bytearray(data)
    for kind in (b"udta", b"meta", b"uuid"):
        at = data.index(kind) - 4
        length = int.from_bytes(data[at : at + 4], "big")
        out[at + 4 : at + 8] = b"free"
        out[at + 8 : at + length] = bytes(length - 8)
    return bytes(out)


def test_an_oversize_video_is_refused_before_it_is_read(settings):
    settings.MEDIA_VIDEO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        videos.prepare(io.BytesIO(mp4_bytes(size=4096)))
    assert refused.value.code == "too_large"
    assert "the limit is" in refused.value.messages[0]


def test_a_video_is_stored_under_a_random_name_in_the_private_storage():
    video = video_make(course_make(), data=webm_bytes())
    assert video.file.name.startswith("training/videos/")
    assert video.file.name.endswith(f"{video.uuid.hex}.webm")
    assert (video.mime_type, video.file_size) == ("video/webm", len(webm_bytes()))
    assert video.url == f"/files/training-videos/{video.pk}/"
    assert registry.kind_of(type(video)).is_video


def test_the_whole_video_and_its_byte_ranges(client, users):
    data = mp4_bytes(size=4096)
    video = video_make(course_make(distribution=ANDEX), data=data)
    client.force_login(users["officer.vnm"])

    response = client.get(video.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert {"Cookie", "Authorization"} <= {v.strip() for v in response["Vary"].split(",")}
    assert b"".join(response.streaming_content) == data

    for header, first, last in [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, 4095),
        ("bytes=-10", 4086, 4095),
        ("bytes=4000-9999", 4000, 4095),  # a last byte past the end is the end
    ]:
        response = client.get(video.url, HTTP_RANGE=header)
        assert response.status_code == 206, header
        assert response["Content-Range"] == f"bytes {first}-{last}/4096", header
        assert response["Content-Length"] == str(last - first + 1)
        assert response["Accept-Ranges"] == "bytes"
        assert b"".join(response.streaming_content) == data[first : last + 1], header

    response = client.get(video.url, HTTP_RANGE="bytes=4096-")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */4096"
    # Several ranges, or a malformed header, are answered with the whole file.
    for header in ("bytes=0-1,5-6", "lines=1-2", "bytes=9-3"):
        response = client.get(video.url, HTTP_RANGE=header)
        assert response.status_code == 200, header
        assert b"".join(response.streaming_content) == data
    assert client.get(video.url + "?download=1")["Content-Disposition"].startswith("attachment")
    assert client.head(video.url).status_code == 200
    assert client.post(video.url).status_code == 405


def test_those_who_may_not_see_the_course_get_nothing(client, users):
    video = video_make(course_make(distribution=ANDEX))
    client.force_login(users["officer.fin"])
    assert client.get(video.url).status_code == 404
    assert client.get(video.url, HTTP_RANGE="bytes=0-99").status_code == 404
    client.logout()
    response = client.get(video.url, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # A draft course's video stays with its editors.
    draft = video_make(course_make(distribution=ANDEX, live=False, title="Draft"))
    client.force_login(users["officer.vnm"])
    assert client.get(draft.url).status_code == 404
    client.force_login(users["trainer.phl"])
    assert client.get(draft.url).status_code == 200


def test_reads_and_refusals_of_videos_are_in_the_access_log(client, users):
    video = video_make(course_make(distribution=ANDEX))
    client.force_login(users["officer.vnm"])
    assert client.get(video.url, HTTP_RANGE="bytes=0-").status_code == 206
    # The player's later ranges of the same viewing are not each recorded.
    assert client.get(video.url, HTTP_RANGE="bytes=2048-").status_code == 206
    client.force_login(users["officer.fin"])
    assert client.get(video.url).status_code == 404
    rows = list(
        AccessRecord.objects.order_by("pk").values_list(
            "username", "outcome", "channel", "item_type", "object_id", "detail"
        )
    )
    assert rows == [
        ("officer.vnm", "read", "file", "training.course", str(video.course_id),
         f"video {video.pk}"),
        ("officer.fin", "denied", "file", "training.trainingvideo", str(video.pk),
         "not shared with the user; video"),
    ]  # fmt: skip


def test_a_public_course_video_plays_for_anyone_without_a_log_entry(client):
    video = video_make(course_make(distribution={"level": "public"}))
    response = client.get(video.url, HTTP_RANGE="bytes=0-15")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == mp4_bytes()[:16]
    assert not AccessRecord.objects.exists()


def test_behind_nginx_the_range_is_nginx_s(client, users, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    video = video_make(course_make(owner="PHL"))
    client.force_login(users["trainer.phl"])
    response = client.get(video.url, HTTP_RANGE="bytes=100-199")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private/" + video.file.name
    assert response["Accept-Ranges"] == "bytes"
    assert response.content == b""
    assert client.get(video.url, HTTP_RANGE="bytes=99999-").status_code == 416


def test_a_bearer_token_plays_what_its_holder_may_see(client, users):
    from portal.accounts.services import api_token_issue

    video = video_make(course_make(distribution=ANDEX))
    _, token = api_token_issue(user=users["officer.vnm"], name="VNM system")
    response = client.get(video.url, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    _, finnish = api_token_issue(user=users["officer.fin"], name="FIN system")
    assert client.get(video.url, HTTP_AUTHORIZATION=f"Bearer {finnish}").status_code == 404
