"""officer.vnm prints the quick check card of a critical alert: one A4 page, forgery beside
genuine under UV with the region marked; the bulletin stacks them on a phone."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from portal.access.models import Country
from portal.alerts import services
from portal.alerts.models import AlertImage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_BODY = "\n".join(
    f"- Check {n}: look at the background under UV at 365 nm; genuine foils show fibres in "
    "red, blue and yellow, scattered at random across the whole foil."
    for n in range(1, 9)
)


def _alert_with_pair():
    from tests.specimens.conftest import picture

    Country.objects.update(default_language="")
    from portal.access.models import User

    alert = services.alert_create(
        author=User.objects.get(username="expert.tha"),
        distribution={"level": "networks", "networks": ["andex"]},
        title="Counterfeit THA visa foils without UV fibres",
        summary="Counterfeit visa foils of the 2021 series were detected at three airports. " * 6,
        body=LONG_BODY,
        severity="critical",
        tlp="amber",
        issuing_country="THA",
        document_type="visa",
        fraud_type="counterfeit",
    )
    # Portrait images, the tallest case for the page.
    for order, (role, colour) in enumerate((("forgery", (40, 20, 120)), ("genuine", (20, 30, 90)))):
        image = AlertImage(
            alert=alert,
            role=role,
            light_source="uv",
            caption=f"{role.title()} foil under UV",
            regions=[{"x": 0.3, "y": 0.2, "w": 0.5, "h": 0.4, "label": "Fibres"}],
            sort_order=order,
        )
        data = picture(size=(900, 1300), colour=colour, seed=order)
        image.prepared_store(image.prepare_upload(io.BytesIO(data)))
        image.save()
    return alert


def test_the_quick_check_card_prints_on_one_a4_page(
    sign_in, asgi_live_server, demo_network, artifacts
):
    alert = _alert_with_pair()
    page = sign_in(asgi_live_server, "officer.vnm")
    page.goto(f"{asgi_live_server}/alerts/{alert.pk}/card/")
    figures = page.locator(".quick-card .alert-figure")
    assert figures.count() == 2
    page.wait_for_function(
        "[...document.querySelectorAll('.quick-card img')].every(i => i.complete && i.naturalWidth)"
    )
    assert page.locator(".alert-figure__number").first.inner_text() == "1"
    page.screenshot(path=str(artifacts / "alert-card.png"), full_page=True)
    page.emulate_media(media="print")
    # Forgery and genuine side by side on paper too.
    boxes = [figures.nth(i).bounding_box() for i in range(2)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[0]["x"] < boxes[1]["x"]
    assert page.locator(".site-header").is_hidden()
    assert page.get_by_role("button", name="Print this card").is_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "alert-card.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "TLP:AMBER" in text and "Thailand" in text and "Key checks" in text


def test_the_bulletin_stacks_the_pair_on_a_phone(
    browser, sign_in, asgi_live_server, demo_network, artifacts
):
    alert = _alert_with_pair()
    page = sign_in(asgi_live_server, "officer.vnm")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{asgi_live_server}/alerts/{alert.pk}/")
    figures = page.locator(".alert-compare .alert-figure")
    assert figures.count() == 2
    page.wait_for_function(
        "[...document.querySelectorAll('.alert-compare img')]"
        ".every(i => i.complete && i.naturalWidth)"
    )
    first, second = figures.nth(0).bounding_box(), figures.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1  # stacked, not squeezed
    assert first["width"] <= 360
    legend = page.locator(".alert-figure__legend li").first
    assert legend.inner_text().endswith("Fibres") and legend.is_visible()
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_overflow)
    page.screenshot(path=str(artifacts / "alert-bulletin-phone.png"), full_page=True)
