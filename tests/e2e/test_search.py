"""officer.tha and officer.vnm type the same words: different, correct results with honest
counts; narrowing an item's distribution removes it from the other's results at once."""

from __future__ import annotations

import pytest

from portal.access.distribution import Distribution, distribution_apply
from portal.specimens.models import Specimen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _specimen(title, owner, level, description):
    item = Specimen.objects.create(
        title=title, owner_country_id=owner, issuing_country_id=owner,
        document_type="passport", kind="forged", fraud_type="counterfeit",
        description=description,
    )  # fmt: skip
    distribution_apply(item=item, distribution=Distribution.from_data(level))
    return item


def _search(page, words):
    page.locator("#header-search-q").fill(words)
    page.locator("#header-search-q").press("Enter")
    page.get_by_role("heading", name=f"for “{words}”").wait_for()


def test_same_words_different_results_and_narrowing(live_server, sign_in, users, artifacts):
    _specimen("Cinnabar laminate passport", "THA", {"level": "country"},
              "Thai-only: the laminate lifts at the hinge.")  # fmt: skip
    shared = _specimen("Cinnabar laminate passport, VNM series", "VNM", {"level": "members"},
                       "Shared: laminate with a cinnabar tint under UV.")  # fmt: skip
    tha = sign_in(live_server.url, "officer.tha")
    vnm = sign_in(live_server.url, "officer.vnm")

    # Suggestions as one types in the header's box: only items each may see, the typed
    # words marked, each labelled with its type, and a last row opening every result.
    options = "#header-search-suggestions [role=option]"
    for page, expected in ((tha, 2), (vnm, 1)):
        page.locator("#header-search-q").type("cinnabar lam", delay=40)
        page.locator(options).nth(expected).wait_for()
        assert page.locator(options).count() == expected + 1
        assert page.locator("#header-search-q").get_attribute("aria-expanded") == "true"
        first = page.locator(options).first
        assert first.locator("mark").first.inner_text() == "Cinnabar"
        assert first.locator(".suggestion-type").inner_text() == "Specimen"
        assert page.locator(options).last.inner_text() == "All results for “cinnabar lam”"
    vnm.screenshot(path=str(artifacts / "search-suggestions.png"))
    # Keyboard: Down chooses the first row (focus stays in the box), Escape closes,
    # Down reopens, Enter opens the chosen item.
    box = vnm.locator("#header-search-q")
    box.press("ArrowDown")
    assert vnm.locator(options).first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == "header-search-option-0"
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("Enter")
    vnm.wait_for_url(f"{live_server.url}{shared.get_absolute_url()}")
    vnm.go_back()
    # On a phone: the short placeholder is whole, the list fits the screen.
    vnm.set_viewport_size({"width": 360, "height": 740})
    box = vnm.locator("#header-search-q")
    box.fill("")
    box.type("cinnab", delay=40)
    vnm.locator(options).nth(1).wait_for()
    assert box.get_attribute("placeholder") == "Search"
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
    listed = vnm.locator("#header-search-suggestions").bounding_box()
    assert listed["x"] >= 0 and listed["x"] + listed["width"] <= 360
    vnm.screenshot(path=str(artifacts / "search-suggestions-phone.png"))
    vnm.set_viewport_size({"width": 1280, "height": 900})

    _search(tha, "cinnabar laminate")
    _search(vnm, "cinnabar laminate")
    assert tha.get_by_role("heading", name="2 results for “cinnabar laminate”").is_visible()
    assert vnm.get_by_role("heading", name="1 result for “cinnabar laminate”").is_visible()
    assert "Thai-only" not in vnm.content()
    assert tha.locator("nav.tabs a", has_text="Specimens").inner_text().endswith("2")
    assert vnm.locator("nav.tabs a", has_text="Specimens").inner_text().endswith("1")
    tha.screenshot(path=str(artifacts / "search-officer-tha.png"))
    vnm.screenshot(path=str(artifacts / "search-officer-vnm.png"))

    # VNM narrows its specimen to its own country: THA's next search no longer has it.
    distribution_apply(item=shared, distribution=Distribution.from_data({"level": "country"}))
    tha.reload()
    tha.get_by_role("heading", name="1 result for “cinnabar laminate”").wait_for()
    assert "VNM series" not in tha.locator(".search-results").inner_text()
    vnm.reload()
    vnm.get_by_role("heading", name="1 result for “cinnabar laminate”").wait_for()
