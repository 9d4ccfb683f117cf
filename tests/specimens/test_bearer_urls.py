"""Every URL the API returns works with the same Bearer token: a national system downloads
the specimen images and opens the pages the API lists, without a browser session."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.access.models import AccessRecord
from portal.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_national_system_downloads_the_images_the_api_lists(
    client, users, make_specimen, add_image
):
    specimen = make_specimen("Andex passport", distribution=ANDEX)
    add_image(specimen, "visible")
    add_image(specimen, "uv")
    _, token = api_token_issue(user=users["officer.vnm"], name="VNM border system")
    data = client.get(f"/api/v1/specimens/{specimen.pk}", **_bearer(token)).json()
    urls = [data["url"]]
    for image in data["images"]:
        urls += [image[key] for key in ("url", "thumbnail_url", "display_url", "zoom_url")]
    assert len(urls) == 9
    for url in urls:
        response = client.get(url, **_bearer(token))
        assert response.status_code == 200, (url, response.status_code)
        assert "Authorization" in response["Vary"]
        if url == data["url"]:
            assert "Andex passport" in response.content.decode()
        else:
            assert response["Content-Type"].startswith("image/")
            Image.open(io.BytesIO(b"".join(response.streaming_content))).verify()
    # No browser session was created for the token's requests.
    assert "sessionid" not in client.cookies
    files = AccessRecord.objects.filter(channel="file", username="officer.vnm")
    assert files.count() == 8


def test_the_token_decides_what_the_urls_show(client, users, make_specimen, add_image):
    image = add_image(make_specimen("Andex only", distribution=ANDEX))
    _, finnish = api_token_issue(user=users["officer.fin"], name="FIN system")
    for url in (image.url("original"), image.url("thumbnail"), image.specimen.get_absolute_url()):
        response = client.get(url, **_bearer(finnish))
        assert response.status_code == 404, (url, response.status_code)
        assert "Andex only" not in response.content.decode()


def test_an_ended_or_unknown_token_is_refused_not_sent_to_sign_in(client, users, make_specimen):
    specimen = make_specimen("Members", distribution={"level": "members"})
    row, token = api_token_issue(user=users["officer.tha"], name="script")
    assert client.get(specimen.get_absolute_url(), **_bearer(token)).status_code == 200
    row.revoke()
    for bearer in (token, "wagtail_nonsense"):
        response = client.get(specimen.get_absolute_url(), **_bearer(bearer))
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert "not valid" in response.json()["detail"]


def test_the_admin_takes_no_token(client, users):
    _, token = api_token_issue(user=users["admin"], name="script")
    response = client.get("/admin/", **_bearer(token))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
