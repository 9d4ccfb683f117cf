"""A newcomer signs in as officer.tha and lands on the home page showing their country."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_and_sees_their_country(page, live_server, demo_network, artifacts):
    page.goto(f"{live_server.url}/")
    # Anonymous: sent to the sign-in page.
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("officer.tha")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    country = page.get_by_test_id("user-country")
    assert country.inner_text().strip() == "Thailand (THA)"
    assert (
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").is_visible()
    )
    page.screenshot(path=str(artifacts / "home-officer-tha.png"), full_page=True)


def test_wrong_password_is_explained(page, live_server, demo_network):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("officer.tha")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert "do not match" in page.get_by_role("alert").inner_text()
