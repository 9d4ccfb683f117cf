"""Two browsers side by side: expert.tha publishes, andex officers see it arrive live,
officer.fin (not andex) never does, and an officer signing in later finds it waiting."""

from __future__ import annotations

import time

import pytest

from portal.access.distribution import Distribution, distribution_apply
from portal.alerts.models import AlertBulletin

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _live(page) -> None:
    """Wait until the page's socket delivered its backlog (the badge has a count)."""
    page.wait_for_function("document.getElementById('unread-count')?.dataset.live === 'true'")


def _count(page) -> int:
    return int(page.locator("#unread-count").get_attribute("data-count"))


def test_published_alert_reaches_andex_screens_live_and_never_fin(
    asgi_live_server, sign_in, demo_network, artifacts
):
    draft = AlertBulletin.objects.create(
        title="Counterfeit THA visa foils: no UV fibres",
        summary="Foils seized at Suvarnabhumi show no fibres under UV 365 nm.",
        severity="critical",
        tlp="amber",
        owner_country_id="THA",
        issuing_country_id="THA",
        document_type="visa",
    )
    distribution_apply(
        item=draft,
        distribution=Distribution.from_data({"level": "networks", "networks": ["andex"]}),
    )
    officers = {
        name: sign_in(asgi_live_server, name)
        for name in ("officer.tha", "officer.vnm", "officer.fin")
    }
    for page in officers.values():
        _live(page)
    before = {name: _count(page) for name, page in officers.items()}
    officers["officer.fin"].goto(f"{asgi_live_server}/specimens/")  # another page, still live
    _live(officers["officer.fin"])

    expert = sign_in(asgi_live_server, "expert.tha")
    expert.goto(f"{asgi_live_server}{draft.get_absolute_url()}")
    expert.get_by_role("button", name="Publish now").click()
    clicked = time.monotonic()
    expert.get_by_text("on its way to its readers").wait_for()

    arrival = {}
    for name in ("officer.tha", "officer.vnm"):
        toast = officers[name].locator(f'.toast[data-alert-id="{draft.pk}"]')
        toast.wait_for(timeout=5_000)
        arrival[name] = time.monotonic() - clicked
        assert "Counterfeit THA visa foils" in toast.inner_text()
        assert "TLP:AMBER" in toast.inner_text()
        assert _count(officers[name]) == before[name] + 1
    officers["officer.tha"].screenshot(path=str(artifacts / "alert-toast-officer-tha.png"))

    # The toast says what kind of alert it is and sums it up in one line; a critical one
    # stays (no fading) and offers a close button and an acknowledgement.
    toast = officers["officer.tha"].locator(f'.toast[data-alert-id="{draft.pk}"]')
    assert toast.locator(".toast__kind").inner_text() == "New fraud alert"
    assert toast.locator(".severity").text_content() == "Critical"
    assert toast.locator(".toast__line").inner_text() == "THA · Visa"
    assert "toast--sticky" in toast.get_attribute("class")
    close = toast.get_by_role("button", name="Close the notification: Counterfeit THA visa foils")
    assert close.is_visible()
    toast.get_by_role("button", name="Acknowledge").click()
    toast.get_by_text("Acknowledged").first.wait_for()
    officers["officer.tha"].wait_for_function(
        f"document.getElementById('unread-count').dataset.count === '{before['officer.tha']}'"
    )
    assert _count(officers["officer.tha"]) == before["officer.tha"]
    toast.wait_for(state="detached", timeout=5_000)

    # officer.vnm closes it from the keyboard: gone, still unread (only acknowledging reads).
    vnm = officers["officer.vnm"]
    vnm.set_viewport_size({"width": 360, "height": 740})
    vnm.screenshot(path=str(artifacts / "alert-toast-phone.png"))
    vnm_toast = vnm.locator(f'.toast[data-alert-id="{draft.pk}"]')
    vnm_toast.get_by_role("button", name="Close the notification").focus()
    vnm.keyboard.press("Enter")
    vnm_toast.wait_for(state="detached", timeout=5_000)
    assert _count(vnm) == before["officer.vnm"] + 1
    badge = vnm.locator("#unread-count")
    assert badge.inner_text() == str(before["officer.vnm"] + 1)
    assert badge.bounding_box()["height"] >= 16  # a readable number, not a thin bar
    vnm.reload()
    vnm.locator(".desk").screenshot(path=str(artifacts / "home-desk-phone.png"))
    assert draft.title in vnm.locator(".desk").inner_text()
    vnm.set_viewport_size({"width": 1280, "height": 900})
    # officer.fin's page stays quiet, well after the others were told.
    officers["officer.fin"].wait_for_timeout(1500)
    assert officers["officer.fin"].locator(".toast").count() == 0
    assert _count(officers["officer.fin"]) == before["officer.fin"]
    (artifacts / "alert-arrival.txt").write_text(
        "".join(f"{name}: {seconds:.3f} s after the click\n" for name, seconds in arrival.items())
    )

    # An officer of VNM signing in later (another browser) finds it in the backlog ...
    later = sign_in(asgi_live_server, "officer.vnm")
    _live(later)
    assert _count(later) == before["officer.vnm"] + 1
    later.goto(f"{asgi_live_server}/alerts/?unacknowledged=1")
    later.get_by_role("link", name=draft.title).click()
    later.get_by_role("button", name="Acknowledge").click()
    later.get_by_text("has left your unread list").wait_for()
    _live(later)
    # ... until they acknowledge it.
    assert _count(later) == before["officer.vnm"]


def test_an_expert_writes_and_publishes_an_alert_in_the_admin(
    asgi_live_server, sign_in, demo_network, artifacts
):
    """The lifecycle runs from the Wagtail admin: expert.tha adds an alert (a draft), then
    publishes it from its edit page; officer.vnm's open page is told at once."""
    officer = sign_in(asgi_live_server, "officer.vnm")
    _live(officer)
    before = _count(officer)

    expert = sign_in(asgi_live_server, "expert.tha")
    expert.goto(f"{asgi_live_server}/admin/snippets/alerts/alertbulletin/add/")
    expert.fill("#id_title", "Altered THA passports: laminate lifted")
    expert.fill("#id_summary", "The laminate lifts at the corner under a fingernail.")
    expert.select_option("#id_severity", "high")
    expert.select_option("#id_tlp", "green")
    expert.select_option("#id_distribution_level", "members")
    expert.get_by_role("button", name="Save draft").click()
    expert.get_by_text("created").first.wait_for()
    alert = AlertBulletin.objects.get(title="Altered THA passports: laminate lifted")
    assert not alert.live
    officer.wait_for_timeout(500)
    assert _count(officer) == before  # a draft is pushed to nobody
    expert.screenshot(path=str(artifacts / "admin-alert-draft.png"), full_page=True)

    # Wagtail's action menu: "Publish" sits under the main button's dropdown.
    toggle = "footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']"
    expert.locator(toggle).first.click()
    expert.get_by_role("button", name="Publish").click()
    toast = officer.locator(f'.toast[data-alert-id="{alert.pk}"]')
    toast.wait_for(timeout=10_000)
    assert "laminate lifted" in toast.inner_text()
    alert.refresh_from_db()
    assert alert.live and alert.status == "published"
    expert.get_by_text("published").first.wait_for()  # Wagtail's message, on the listing
    expert.screenshot(path=str(artifacts / "admin-alert-published.png"), full_page=True)
