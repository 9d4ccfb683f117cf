"""Nothing is fetched from outside the portal by any page, the Wagtail admin included:
every request to another host is refused by the browser context and fails the test
(``outside_requests`` in conftest.py). Border posts may have no internet, and an avatar
or font service would learn who works where."""

from __future__ import annotations

import io

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _specimen():
    from PIL import Image

    from portal.access.distribution import Distribution, distribution_apply
    from portal.specimens.models import Specimen
    from portal.specimens.services import image_store

    specimen = Specimen.objects.create(
        title="Offline passport",
        owner_country_id="THA",
        issuing_country_id="THA",
        document_type="passport",
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": "members"}))
    data = io.BytesIO()
    Image.new("RGB", (480, 320), (20, 90, 160)).save(data, "PNG")
    data.seek(0)
    image_store(specimen=specimen, file=data, light_source="visible")
    return specimen


def _page_tree():
    """Wagtail's root page, made by its migration, is gone once a transactional test has
    flushed the database; the admin's dashboard links to it."""
    from wagtail.models import Locale, Page

    if not Page.objects.exists():
        Locale.objects.get_or_create(language_code="en")
        Page.add_root(title="Root", slug="root")


@pytest.mark.parametrize("username", ["expert.tha", "admin"])
def test_no_page_fetches_anything_from_outside(
    live_server, demo_network, sign_in, outside_requests, username
):
    _page_tree()
    specimen = _specimen()
    page = sign_in(live_server.url, username)
    paths = [
        "/",
        "/specimens/",
        specimen.get_absolute_url(),
        "/alerts/",
        "/search/?q=passport",
        "/accounts/",
        "/api/v1/docs",
        "/admin/",
        "/admin/account/",
        "/admin/snippets/specimens/specimen/",
        f"/admin/snippets/specimens/specimen/edit/{specimen.pk}/",
        "/admin/snippets/alerts/alertbulletin/add/",
    ]
    if username == "admin":
        paths += ["/admin/users/", "/admin/api-tokens/", "/admin/access_log/"]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}", wait_until="networkidle")
        assert response is not None and response.status == 200, (path, response and response.status)
    assert outside_requests == []
