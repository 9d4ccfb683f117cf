"""The dashboards in a browser, as officer.vnm looking at the Mekong area: the charts are
drawn (ECharts, served by the portal), each chart's table lists only Mekong countries and
no count from 1 to 4, the page passes axe and fits a phone; screenshots for a reviewer
under ``test-artifacts/dashboards/``."""

from __future__ import annotations

import pytest

from tests.e2e.test_pages_audit import _audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEKONG = {"KHM", "LAO", "MMR", "THA", "VNM"}


@pytest.fixture
def case_statistics(demo_network):
    """The demo's case statistics, with their protected tables built before the browser
    asks (building them takes longer than a page load may)."""
    from portal.dashboards.cube import cube_current, cube_forget
    from portal.demo.dashboards import demo_dashboards_load

    demo_dashboards_load()
    cube_forget()
    cube_current()
    yield
    cube_forget()


def test_the_mekong_dashboard_draws_its_charts_and_hides_small_counts(
    live_server, sign_in, case_statistics, artifacts
):
    shots = artifacts / "dashboards"
    shots.mkdir(parents=True, exist_ok=True)
    page = sign_in(live_server.url, "officer.vnm")
    page.get_by_role("link", name="Dashboards").first.click()
    page.wait_for_url(f"{live_server.url}/dashboards/")
    # Filtered with the form, as a user would: the choice lands in the URL.
    page.get_by_label("Country group").select_option("mekong")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/dashboards/?*network=mekong*")

    charts = page.locator("[data-chart]")
    assert charts.count() >= 3
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart]')]"
        ".every(f => f.classList.contains('is-drawn'))"
    )
    for index in range(charts.count()):
        assert charts.nth(index).locator("svg, canvas").count() >= 1
    # Drawn charts fold their tables away; the tables are still there, and open on demand.
    over_time = page.locator('[data-panel="over_time"]')
    over_time.get_by_text("Table view").click()
    countries = over_time.locator("thead th[data-value]").evaluate_all(
        "cells => cells.map(c => c.dataset.value)"
    )
    assert countries and set(countries) <= MEKONG
    counts = page.locator("td[data-count], [data-tile] [data-count]").evaluate_all(
        "cells => cells.map(c => c.dataset.count)"
    )
    shown = [int(value) for value in counts if value]
    assert shown and not [n for n in shown if 1 <= n <= 4]
    # On a desktop two panels share a row (the series over time takes a whole one).
    panels = page.locator("[data-panel]")
    left, right = panels.nth(1).bounding_box(), panels.nth(2).bounding_box()
    assert left["y"] == right["y"] and right["x"] > left["x"] + left["width"] - 1
    serious = [v for v in _audit(page) if v["impact"] in {"serious", "critical"}]
    assert not serious, serious
    page.screenshot(path=str(shots / "mekong-desktop.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("window.innerWidth === 390")
    page.wait_for_timeout(400)  # the charts redraw after a resize
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"
    left, right = panels.nth(1).bounding_box(), panels.nth(2).bounding_box()
    assert right["y"] >= left["y"] + left["height"]  # stacked, one under the other
    page.screenshot(path=str(shots / "mekong-phone.png"), full_page=True)
