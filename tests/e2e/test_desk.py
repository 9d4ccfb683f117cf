"""The desk in a browser: the home page's unacknowledged alerts on a phone, acknowledged
with the keyboard, and the admin dashboard as the experts' workplace."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.access.distribution import Distribution, distribution_apply
from portal.alerts import services
from portal.specimens.models import Specimen
from portal.specimens.services import image_store

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_home_desk_on_a_phone_and_the_admin_dashboard(
    asgi_live_server, sign_in, demo_network, users, artifacts
):
    alert = services.alert_create(
        author=users["expert.tha"], distribution={"level": "networks", "networks": ["andex"]},
        title="Forged VNM residence permits: blurred guilloche", summary="Check under loupe.",
        severity="critical", tlp="amber", issuing_country="VNM", fraud_type="forgery",
    )  # fmt: skip
    officer = sign_in(asgi_live_server, "officer.vnm")
    officer.set_viewport_size({"width": 360, "height": 780})
    desk = officer.locator(".desk")
    assert alert.title in desk.inner_text()
    first = desk.locator(".desk-item").first
    assert first.locator(".desk-item__kind").inner_text() == "New fraud alert"
    assert first.locator(".severity").text_content() == "Critical"
    # Nothing wider than the phone's screen.
    assert officer.evaluate("document.documentElement.scrollWidth") <= 360
    officer.screenshot(path=str(artifacts / "home-desk-360.png"), full_page=True)
    count = int(desk.get_by_test_id("desk-count").inner_text().split()[0])

    button = first.get_by_role("button", name=f"Acknowledge: {alert.title}")
    button.focus()
    officer.keyboard.press("Enter")
    officer.get_by_text("has left your unread list").wait_for()
    assert officer.url == f"{asgi_live_server}/"
    assert alert.title not in officer.locator(".desk").inner_text()
    assert int(officer.get_by_test_id("desk-count").inner_text().split()[0]) == count - 1

    expert = sign_in(asgi_live_server, "expert.tha")
    expert.goto(f"{asgi_live_server}/admin/")
    panel = expert.locator("#portal-desk-section")
    assert "The desk of Thailand" in panel.inner_text()
    assert alert.title in panel.inner_text()
    expert.screenshot(path=str(artifacts / "admin-dashboard-desk.png"), full_page=True)
    expert.get_by_role("link", name="Back to the portal").click()
    expert.wait_for_url(f"{asgi_live_server}/")
    specimen = Specimen.objects.create(
        title="THA passport 2024 (genuine)", owner_country_id="THA", issuing_country_id="THA",
        document_type="passport", kind="genuine",
    )  # fmt: skip
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": "country"}))
    photo = io.BytesIO()
    Image.new("RGB", (640, 400), (30, 90, 160)).save(photo, "JPEG")
    photo.seek(0)
    image_store(specimen=specimen, file=photo, light_source="visible")
    expert.goto(f"{asgi_live_server}/admin/snippets/specimens/specimen/")
    thumbnail = expert.locator(".portal-thumbnail-cell img").first
    thumbnail.wait_for()
    expert.wait_for_function(
        "document.querySelector('.portal-thumbnail-cell img').naturalWidth > 0"
    )
    expert.screenshot(path=str(artifacts / "admin-specimen-thumbnails.png"))
