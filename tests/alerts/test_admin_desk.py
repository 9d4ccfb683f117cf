"""The Wagtail admin as the experts' workplace: the desk panel (through the rule), the
portal's name and a way back, thumbnails and newest-first listings."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image

from portal.access.distribution import Distribution, distribution_apply
from portal.alerts import services
from portal.alerts.models import AlertBulletin

pytestmark = pytest.mark.django_db


def _draft(title: str, owner: str) -> AlertBulletin:
    draft = AlertBulletin.objects.create(
        title=title, summary="s", severity="high", tlp="amber", owner_country_id=owner
    )
    distribution_apply(item=draft, distribution=Distribution.from_data({"level": "members"}))
    return draft


def _desk(html: str) -> str:
    start = html.index('id="portal-desk-section"')
    return html[start : html.index("</section>", start)]


def _second_expert():
    from portal.access.models import Role, User
    from portal.access.services import user_roles_set
    from portal.alerts.models import CountryAlertPolicy

    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    user = User.objects.create_user("expert2.tha", password="pw", country_id="THA")
    user_roles_set(user=user, roles=[Role.EXPERT])
    return user


def test_the_desk_lists_the_countrys_drafts_and_never_another_countrys(client, users):
    _draft("THA draft about visa foils", "THA")
    _draft("VNM draft nobody else sees", "VNM")
    services.alert_create(
        author=users["expert.tha"], distribution={"level": "members"},
        title="Published for members", summary="s", severity="critical", tlp="green",
    )  # fmt: skip
    client.force_login(users["expert.tha"])
    html = client.get("/admin/").content.decode()
    desk = _desk(html)
    assert "The desk of Thailand" in desk
    assert "THA draft about visa foils" in desk
    assert "VNM draft nobody else sees" not in html
    assert "Published for members" in desk  # the latest alerts
    assert "Drafts and unpublished changes (1)" in desk


def test_reviews_wait_for_the_second_expert_not_for_the_author(client, users):
    reviewer = _second_expert()
    alert = services.alert_create(
        author=users["expert.tha"], distribution={"level": "members"},
        title="Awaiting a second expert", summary="s", severity="high", tlp="amber",
    )  # fmt: skip
    assert alert.status == "in_review"
    client.force_login(reviewer)
    desk = _desk(client.get("/admin/").content.decode())
    assert "Waiting for your review (1)" in desk and "Awaiting a second expert" in desk
    client.force_login(users["expert.tha"])
    desk = _desk(client.get("/admin/").content.decode())
    assert "Waiting for your review (0)" in desk


def test_an_officer_sees_only_what_they_may_read(client, users):
    _draft("THA draft about visa foils", "THA")
    client.force_login(users["officer.tha"])
    response = client.get("/admin/")
    if response.status_code == 200:  # officers may not reach the admin at all
        assert "THA draft about visa foils" not in response.content.decode()


def test_the_admin_bears_the_portals_name_and_a_way_back(client, users):
    client.force_login(users["expert.tha"])
    html = client.get("/admin/").content.decode()
    assert "<title>" in html and "Document Expert Network</title>" in html
    assert "Search all pages" not in html
    assert re.search(r'<form[^>]+action="/search/"[^>]+role="search"', html)
    found = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    props = json.loads(found[1])
    assert "Back to the portal" in json.dumps(props) and '"/"' in json.dumps(props)


def test_the_alert_listing_puts_a_new_draft_on_top(client, users):
    services.alert_create(
        author=users["expert.tha"], distribution={"level": "members"},
        title="Older published", summary="s", severity="low", tlp="green",
    )  # fmt: skip
    _draft("Brand new draft", "THA")
    client.force_login(users["expert.tha"])
    html = client.get("/admin/snippets/alerts/alertbulletin/").content.decode()
    assert html.index("Brand new draft") < html.index("Older published")


def _jpeg(size=(640, 400), colour=(30, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def test_the_specimen_listing_shows_thumbnails_the_expert_may_open(
    client, users, django_assert_max_num_queries
):
    from portal.specimens.models import Specimen
    from portal.specimens.services import image_store

    specimens = []
    for number in range(6):
        specimen = Specimen.objects.create(
            title=f"THA passport {number}", owner_country_id="THA", issuing_country_id="THA",
            document_type="passport", kind="genuine",
        )  # fmt: skip
        distribution_apply(item=specimen, distribution=Distribution.from_data({"level": "country"}))
        image_store(specimen=specimen, file=io.BytesIO(_jpeg()), light_source="visible")
        specimens.append(specimen)
    client.force_login(users["expert.tha"])
    client.get("/admin/snippets/specimens/specimen/")  # warm Wagtail's caches
    with django_assert_max_num_queries(40):
        html = client.get("/admin/snippets/specimens/specimen/").content.decode()
    newest = specimens[-1]
    thumbnail = newest.images.get().thumbnail_url
    assert f'src="{thumbnail}"' in html
    assert html.index("THA passport 5") < html.index("THA passport 0")  # newest first
    assert client.get(thumbnail).status_code == 200
    # Another country's expert meets neither the specimen nor its thumbnail.
    client.force_login(users["officer.vnm"])
    assert client.get(thumbnail).status_code == 404
