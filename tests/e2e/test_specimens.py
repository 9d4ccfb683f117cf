"""officer.tha opens a specimen, switches to UV, and compares a forgery with its reference."""

from __future__ import annotations

import io

import pytest

from portal.access.distribution import Distribution, distribution_apply
from portal.specimens.models import Specimen
from portal.specimens.services import image_store
from tests.specimens.conftest import picture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _specimen(title, **fields):
    specimen = Specimen.objects.create(
        title=title, owner_country_id="THA", issuing_country_id="THA",
        document_type="passport", **fields,
    )  # fmt: skip
    distribution_apply(
        item=specimen,
        distribution=Distribution.from_data({"level": "networks", "networks": ["andex"]}),
    )
    images = {}
    for number, (light, colour) in enumerate(
        (("visible", (200, 180, 150)), ("uv", (40, 20, 120)), ("ir", (128, 128, 128)))
    ):
        data = picture(size=(1200, 840), colour=colour, seed=specimen.pk * 10 + number)
        images[light] = image_store(
            specimen=specimen,
            file=io.BytesIO(data),
            light_source=light,
            regions=[{"x": 0.1, "y": 0.1, "w": 0.3, "h": 0.2, "label": "Check here"}],
        )
    return specimen, images


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_officer_switches_light_and_compares(page, live_server, demo_network, artifacts):
    genuine, _ = _specimen("THA passport 2019 (genuine)")
    forgery, forged_images = _specimen(
        "Counterfeit THA passport", kind="forged", fraud_type="counterfeit",
        genuine_reference=genuine, detection_points="No UV fibres",
    )  # fmt: skip
    _sign_in(page, live_server, "officer.tha")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Specimens").click()
    page.get_by_role("link", name="Counterfeit THA passport").click()
    # The click does not wait for the next page: the list has no stage.
    page.wait_for_url(f"**/specimens/{forgery.pk}/**")
    stage = page.locator("[data-stage]")
    page.wait_for_function("document.querySelector('[data-stage]')?.dataset.loaded === 'visible'")

    page.get_by_role("button", name="Ultraviolet (UV)").click()
    page.wait_for_function("document.querySelector('[data-stage]')?.dataset.loaded === 'uv'")
    assert stage.get_attribute("data-current-image") == str(forged_images["uv"].pk)
    assert (
        page.get_by_role("button", name="Ultraviolet (UV)").get_attribute("aria-pressed") == "true"
    )
    assert page.locator(".region").count() == 1
    page.get_by_label("Show marked regions").uncheck()
    assert page.locator(".region").count() == 0
    page.screenshot(path=str(artifacts / "specimen-uv-officer-tha.png"), full_page=True)

    page.get_by_role("link", name="Compare with the genuine reference").click()
    page.wait_for_url(f"**/specimens/{forgery.pk}/compare/**")
    page.wait_for_function(
        "[...document.querySelectorAll('[data-stage]')].every(s => s.dataset.loaded === 'visible')"
    )
    page.get_by_role("button", name="Ultraviolet (UV)").click()
    page.wait_for_function(
        "[...document.querySelectorAll('[data-stage]')].every(s => s.dataset.loaded === 'uv')"
    )
    # Zoom the left image: the right one follows (same zoom and centre).
    left = page.locator("[data-stage]").nth(0)
    left.hover()
    page.mouse.wheel(0, -600)
    page.wait_for_timeout(800)
    views = page.evaluate(
        "[...document.querySelectorAll('[data-stage]')].map(s => {"
        " const v = s.viewer.viewport, c = v.getCenter(true);"
        " return [v.getZoom(true), c.x, c.y]; })"
    )
    (zoom_left, x_left, y_left), (zoom_right, x_right, y_right) = views
    assert zoom_left > 1.1, views
    assert abs(zoom_left - zoom_right) / zoom_left < 0.02, views
    assert abs(x_left - x_right) < 0.02 and abs(y_left - y_right) < 0.02, views
    page.screenshot(path=str(artifacts / "specimen-compare-officer-tha.png"), full_page=True)
