"""Each person's language and time zone: their choice, else their country's defaults."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import override_settings
from wagtail.users.models import UserProfile

from portal.access.models import Country
from portal.accounts.locale import locale_of, locale_override, user_locale_set
from portal.accounts.services import api_token_issue
from tests.i18n_helpers import mo_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def thai_catalogue(tmp_path):
    """The portal "speaks" Thai: a compiled catalogue with one of its strings."""
    mo_write(tmp_path, "th", {"Your account": "บัญชีของคุณ"})
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield tmp_path


def test_the_network_countries_have_a_language_and_a_zone(demo_network):
    expected = {
        "THA": ("th", "Asia/Bangkok"),
        "VNM": ("vi", "Asia/Ho_Chi_Minh"),
        "PHL": ("en", "Asia/Manila"),
        "FIN": ("fi", "Europe/Helsinki"),
        "NLD": ("nl", "Europe/Amsterdam"),
        "KHM": ("km", "Asia/Phnom_Penh"),
        "LAO": ("lo", "Asia/Vientiane"),
        "MMR": ("my", "Asia/Yangon"),
    }
    got = {
        c.code: (c.default_language, c.time_zone) for c in Country.objects.filter(code__in=expected)
    }
    assert got == expected
    # Every default is a language of the portal and a zone this machine knows.
    for country in Country.objects.exclude(time_zone=""):
        country.full_clean()


def test_times_are_in_the_country_zone_until_the_person_chooses(client, users):
    officer = users["officer.tha"]
    row, _token = api_token_issue(user=officer, name="Laptop")
    row.created = dt.datetime(2026, 11, 26, 10, 18, tzinfo=dt.UTC)
    row.save(update_fields=["created"])
    client.force_login(officer)
    html = client.get("/accounts/").content.decode()
    assert (
        '<time datetime="2026-11-26T10:18:00+00:00">26 Nov 2026, 17:18 (Asia/Bangkok)</time>'
        in html
    )
    assert 'lang="en"' in html  # the portal has no Thai catalogue here: English, not a mix

    response = client.post("/accounts/locale/", {"language": "fi", "time_zone": "Europe/Helsinki"})
    assert response.status_code == 302
    profile = UserProfile.objects.get(user=officer)
    assert (profile.preferred_language, profile.current_time_zone) == ("fi", "Europe/Helsinki")
    html = client.get("/accounts/").content.decode()
    assert "2026, 12:18 (Europe/Helsinki)</time>" in html  # the month in Finnish
    assert 'lang="fi"' in html  # chosen explicitly: honoured even before a catalogue exists

    client.post("/accounts/locale/", {"language": "", "time_zone": ""})  # back to defaults
    html = client.get("/accounts/").content.decode()
    assert "17:18 (Asia/Bangkok)" in html


def test_the_account_page_names_the_country_defaults(client, users):
    client.force_login(users["officer.vnm"])
    html = client.get("/accounts/").content.decode()
    assert "Your country&#x27;s default (Asia/Ho_Chi_Minh)" in html
    assert 'data-chooser="plain"' in html  # the zone list is searchable
    assert "Times in Asia/Ho_Chi_Minh" in html  # the footer says which zone times are in


def test_an_unknown_zone_or_language_is_refused(client, users):
    client.force_login(users["officer.tha"])
    response = client.post("/accounts/locale/", {"language": "xx", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert response.content.decode().count('class="field-error"') == 2
    assert (
        not UserProfile.objects.filter(user=users["officer.tha"])
        .exclude(current_time_zone="")
        .exists()
    )


def test_the_country_language_is_the_default_once_the_portal_speaks_it(
    client, users, thai_catalogue
):
    client.force_login(users["officer.tha"])
    response = client.get("/accounts/")
    html = response.content.decode()
    assert 'lang="th"' in html and "บัญชีของคุณ" in html
    assert response["Content-Language"] == "th"
    client.force_login(users["officer.vnm"])  # no Vietnamese catalogue: English
    assert 'lang="en"' in client.get("/accounts/").content.decode()


def test_the_choice_is_the_one_wagtail_admin_uses(client, users):
    expert = users["expert.tha"]
    user_locale_set(user=expert, language="nl", time_zone="Europe/Amsterdam")
    client.force_login(expert)
    html = client.get("/admin/").content.decode()
    assert 'lang="nl"' in html


def test_the_admin_shows_times_in_the_country_zone_until_the_person_chooses(client, users):
    """Wagtail's admin would fall back to UTC; it takes the portal's default instead."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils import timezone
    from wagtail.admin.auth import get_localized_response

    expert = users["expert.tha"]
    request = RequestFactory().get("/admin/")
    request.user = expert
    zone = get_localized_response(
        lambda request: HttpResponse(timezone.get_current_timezone_name()), request
    )
    assert zone.content == b"Asia/Bangkok"
    user_locale_set(user=expert, language="", time_zone="Europe/Helsinki")
    request.user = type(expert).objects.get(pk=expert.pk)
    zone = get_localized_response(
        lambda request: HttpResponse(timezone.get_current_timezone_name()), request
    )
    assert zone.content == b"Europe/Helsinki"


def test_anonymous_visitors_get_their_browser_language_if_spoken(client, thai_catalogue):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="km, th;q=0.8, en;q=0.5")
    assert 'lang="th"' in response.content.decode()
    assert "Accept-Language" in response["Vary"]
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="km")
    assert 'lang="en"' in response.content.decode()


def test_api_answers_keep_iso_times_and_say_their_language(client, users):
    _row, token = api_token_issue(user=users["officer.fin"], name="System")
    user_locale_set(user=users["officer.fin"], language="fi", time_zone="Europe/Helsinki")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Language"] == "fi"


def test_an_email_is_rendered_in_its_recipient_zone(users):
    template = Template("{% load portal_time %}{{ when|datetime_text }}")
    when = dt.datetime(2026, 11, 26, 10, 18, tzinfo=dt.UTC)
    with locale_override(user=users["officer.fin"]):
        assert template.render(Context({"when": when})).endswith("12:18 (Europe/Helsinki)")
    with locale_override(user=users["officer.vnm"]):
        assert template.render(Context({"when": when})) == "26 Nov 2026, 17:18 (Asia/Ho_Chi_Minh)"
    with locale_override(user=None):
        assert template.render(Context({"when": when})) == "26 Nov 2026, 10:18 (UTC)"


def test_a_user_without_country_or_profile_gets_english_and_utc(users):
    locale = locale_of(user=users["admin"])
    assert (locale.language, locale.time_zone) == ("en", "UTC")
