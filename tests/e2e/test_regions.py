"""expert.tha draws a marked region on a specimen image in the admin, labels it, saves,
and the specimen page shows it as region 1 with that label."""

from __future__ import annotations

import pytest

from portal.specimens.models import SpecimenImage
from tests.e2e.test_specimens import _sign_in, _specimen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_expert_draws_and_labels_a_region(page, live_server, demo_network, artifacts):
    specimen, images = _specimen(
        "Counterfeit THA passport (regions)", kind="forged", fraud_type="counterfeit"
    )
    image = images["visible"]
    SpecimenImage.objects.filter(pk=image.pk).update(regions=[])
    polygon = {"points": [[0.2, 0.3], [0.6, 0.35], [0.4, 0.7]], "label": "Blurred guilloche"}
    SpecimenImage.objects.filter(pk=images["uv"].pk).update(regions=[polygon])
    _sign_in(page, live_server, "expert.tha")

    page.goto(f"{live_server.url}/admin/snippets/specimens/specimen/edit/{specimen.pk}/")
    editor = page.locator('[data-regions-editor]:has(textarea[name="images-0-regions"])')
    editor.scroll_into_view_if_needed()
    page.wait_for_function(
        "document.querySelector('textarea[name=\"images-0-regions\"]')"
        ".closest('[data-regions-editor]').dataset.loaded === '1'"
    )
    # The UV image's polygon is loaded into its own editor, listed as region 1.
    uv_editor = page.locator('[data-regions-editor]:has(textarea[name="images-1-regions"])')
    page.wait_for_function(
        "document.querySelector('textarea[name=\"images-1-regions\"]')"
        ".closest('[data-regions-editor]').dataset.loaded === '1'"
    )
    assert uv_editor.get_by_label("Region 1: Label").input_value() == "Blurred guilloche"
    osd = editor.locator("[data-regions-osd]")
    osd.scroll_into_view_if_needed()
    box = osd.bounding_box()
    assert box is not None
    # A rectangle dragged across the middle of the image, with the mouse.
    start_x, start_y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(start_x + step * 12, start_y + step * 8)
    page.mouse.up()

    label = editor.get_by_label("Region 1: Label")
    label.wait_for()
    label.fill("Laminate lifted at the photo")
    editor.screenshot(path=str(artifacts / "regions-admin-editor.png"))
    page.screenshot(path=str(artifacts / "regions-admin-page.png"), full_page=True)
    regions = editor.locator("textarea").input_value()
    assert "Laminate lifted at the photo" in regions

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/snippets/specimens/specimen/**")
    image.refresh_from_db()
    assert len(image.regions) == 1
    region = image.regions[0]
    assert region["label"] == "Laminate lifted at the photo"
    assert 0 < region["w"] < 0.6 and 0 < region["h"] < 0.6

    page.goto(f"{live_server.url}/specimens/{specimen.pk}/?light=visible")
    page.wait_for_function("document.querySelector('[data-stage]')?.dataset.loaded === 'visible'")
    entry = page.locator(f'[data-region-entry][data-region-image="{image.pk}"]')
    assert entry.count() == 1
    assert "Laminate lifted at the photo" in entry.inner_text()
    assert page.locator(".region__number").first.inner_text() == "1"
    entry.focus()
    assert page.locator(".region.is-highlighted").count() == 1
    page.screenshot(path=str(artifacts / "regions-specimen-page.png"), full_page=True)

    # A polygon marked under UV: choosing its entry shows the UV image and the polygon.
    page.locator(f'[data-region-entry][data-region-image="{images["uv"].pk}"]').click()
    page.wait_for_function("document.querySelector('[data-stage]')?.dataset.loaded === 'uv'")
    assert page.locator(".region--polygon polygon").count() == 1
    assert page.locator(".region--polygon .region__number").inner_text() == "1"
    page.screenshot(path=str(artifacts / "regions-specimen-uv-polygon.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "regions-specimen-phone.png"), full_page=True)
