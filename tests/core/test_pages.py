"""The login page, the home page and the site frame."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_home_goes_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_labelled(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username"' in html and '<label for="id_password"' in html
    assert 'autocomplete="current-password"' in html


def test_sign_in_lands_on_home_with_country_and_role(client, demo_network):
    response = client.post(
        "/accounts/login/", {"username": "officer.tha", "password": "demo"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Thailand (THA)" in html
    assert "Frontline officer" in html
    assert "Asian Network for Document Examination" in html


def test_wrong_password_says_so(client, demo_network):
    response = client.post("/accounts/login/", {"username": "officer.tha", "password": "x"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_sign_out(client, users):
    client.force_login(users["officer.tha"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("section", ["alerts", "specimens", "training", "meetings", "search"])
def test_navigation_targets_exist(client, users, section):
    client.force_login(users["officer.vnm"])
    response = client.get(f"/{section}/")
    assert response.status_code == 200


def test_home_costs_few_queries(client, users, django_assert_max_num_queries):
    client.force_login(users["officer.tha"])
    # 14 for the frame and what's new (one per type's panel: specimens, alerts, courses,
    # meetings), 1 for the desk's unacknowledged alerts.
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200


def test_no_asset_comes_from_a_cdn(client, users):
    client.force_login(users["officer.tha"])
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html.replace("https://www.w3.org", "")


def test_bad_sign_in_is_announced_to_screen_readers(client, demo_network):
    html = client.post("/accounts/login/", {"username": "officer.tha", "password": "x"}).content
    html = html.decode()
    alert = html[html.index('role="alert"') :]
    assert "do not match" in alert[: alert.index("</div>")]


def test_navigation_marks_the_current_section(client, users):
    client.force_login(users["officer.tha"])
    html = client.get("/specimens/").content.decode()
    assert '<a href="/specimens/" aria-current="page">Specimens</a>' in html
    assert '<a href="/alerts/" aria-current="page">' not in html


def test_unknown_page_is_a_friendly_404(client, users, settings):
    settings.DEBUG = False
    client.force_login(users["officer.tha"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "This page is not here" in response.content.decode()
