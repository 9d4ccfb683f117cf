"""The translations: every string of the portal in Thai, Vietnamese and Indonesian, chosen
per person and by an anonymous browser; countries named as ICAO Doc 9303 writes them.

The catalogues are compiled here from ``locale/<lang>/LC_MESSAGES/django.po`` into a
temporary directory (Babel, as ``make install`` does), so these tests need neither gettext
nor a ``.mo`` made beforehand. The rest of the suite reads English (settings.test).
"""

from __future__ import annotations

import importlib
import io
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps as django_apps
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.template import templatize

from portal.access.models import Country
from portal.accounts.locale import user_locale_set

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ("th", "vi", "id")
# What makemessages reads (docs/ARCHITECTURE.md, Internationalisation): the project's
# .py, .html and .txt files, but not these directories (nor the generated, ignored ones).
SKIPPED_DIRECTORIES = {".venv", "node_modules", "tests", "var"}
SKIPPED_DIRECTORIES |= {"media", "static_collected", "test-artifacts"}
# Django's gettext keywords (makemessages passes the same ones to xgettext).
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}|</?[a-z]+[^>]*>")

Key = tuple[str | None, str | tuple[str, ...]]


def source_messages() -> dict[Key, str]:
    """Every translatable string of the current code, as ``makemessages`` finds it
    (templates go through Django's own ``templatize``), with where it is."""
    found: dict[Key, str] = {}
    for directory, subdirectories, names in os.walk(ROOT):
        subdirectories[:] = [
            d for d in subdirectories if d not in SKIPPED_DIRECTORIES and not d.startswith(".")
        ]
        for name in names:
            path = Path(directory) / name
            if name.endswith(".py"):
                source = path.read_bytes()
            elif name.endswith((".html", ".txt")):
                source = templatize(path.read_text(encoding="utf-8"), origin=str(path)).encode()
            else:
                continue
            for lineno, message, _comments, context in extract(
                "python", io.BytesIO(source), keywords=KEYWORDS, options={"encoding": "utf-8"}
            ):
                key = message if isinstance(message, str) else tuple(message)
                where = f"{path.relative_to(ROOT)}:{lineno}"
                found.setdefault((context, key), where)
    return found


def catalogue(language: str):
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """The three catalogues compiled into a temporary ``LOCALE_PATHS`` directory."""
    directory = tmp_path_factory.mktemp("locale")
    for language in LANGUAGES:
        target = directory / language / "LC_MESSAGES" / "django.mo"
        target.parent.mkdir(parents=True)
        with target.open("wb") as handle:
            write_mo(handle, catalogue(language))
    return directory


@pytest.fixture
def portal_speaks(compiled):
    with override_settings(LOCALE_PATHS=[compiled]):
        yield


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_portal_is_translated(language):
    translated = {
        (m.context, m.id if isinstance(m.id, str) else tuple(m.id))
        for m in catalogue(language)
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = {key: where for key, where in source_messages().items() if key not in translated}
    listing = "\n".join(f"  {where}: {key[1]!r}" for key, where in sorted(missing.items(), key=str))
    assert not missing, (
        f"{len(missing)} strings have no {language} translation in "
        f"locale/{language}/LC_MESSAGES/django.po (run makemessages as docs/ARCHITECTURE.md "
        f"says, then translate):\n{listing}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_markup_and_plural_forms(language):
    translations = catalogue(language)
    assert translations.num_plurals == 1  # Thai, Vietnamese, Indonesian: one form
    wrong = []
    for message in translations:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            expected, strings = sorted(PLACEHOLDER.findall(message.id)), [message.string]
        else:  # the one form is the plural's: "%(count)s specimens"
            expected, strings = sorted(PLACEHOLDER.findall(message.id[1])), message.string
        wrong += [
            (message.id, s) for s in strings if s and sorted(PLACEHOLDER.findall(s)) != expected
        ]
    assert wrong == []


@pytest.mark.django_db
def test_a_thai_officer_reads_the_portal_in_thai(client, users, portal_speaks):
    client.force_login(users["officer.tha"])
    response = client.get("/accounts/")
    html = response.content.decode()
    assert response["Content-Language"] == "th"
    assert 'lang="th"' in html
    assert "บัญชีของคุณ" in html  # "Your account"
    assert "ออกจากระบบ" in html  # "Sign out", in the page frame
    assert "Sign out" not in html


@pytest.mark.django_db
def test_the_person_choice_wins_over_country_and_browser(client, users, portal_speaks):
    officer = users["officer.tha"]
    client.force_login(officer)
    # Signed in, the browser's language does not count: the country's default does.
    html = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'lang="th"' in html
    user_locale_set(user=officer, language="id", time_zone="")
    html = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'lang="id"' in html and "Akun Anda" in html  # "Your account"


@pytest.mark.django_db
def test_an_anonymous_browser_gets_its_language(client, portal_speaks):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="vi-VN, vi;q=0.9, en;q=0.5")
    html = response.content.decode()
    assert response["Content-Language"] == "vi"
    assert 'lang="vi"' in html
    assert "Đăng nhập vào mạng lưới" in html  # "Sign in to the network"
    assert "Accept-Language" in response["Vary"]
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Masuk ke jaringan" in html
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert 'lang="en"' in html and "Sign in to the network" in html  # not spoken: English


@pytest.mark.django_db
def test_countries_are_named_as_icao_writes_them(client, users):
    names = dict(Country.objects.values_list("code", "name"))
    assert names["VNM"] == "Viet Nam"
    assert names["LAO"] == "Lao People's Democratic Republic"
    assert names["KOR"] == "Republic of Korea"
    assert names["PRK"] == "Democratic People's Republic of Korea"
    assert names["BOL"] == "Bolivia (Plurinational State of)"
    assert names["IRN"] == "Iran (Islamic Republic of)"
    assert names["RUS"] == "Russian Federation"
    client.force_login(users["officer.vnm"])
    html = client.get("/").content.decode()
    assert "Viet Nam" in html and "Vietnam" not in html


@pytest.mark.django_db
def test_the_migration_renames_the_countries_of_an_existing_database():
    Country.objects.filter(code__in=["VNM", "LAO"]).update(name="Vietnam")
    migration = importlib.import_module("portal.access.migrations.0005_icao_country_names")
    migration.load(django_apps, None)
    names = dict(Country.objects.filter(code__in=["VNM", "LAO"]).values_list("code", "name"))
    assert names == {"VNM": "Viet Nam", "LAO": "Lao People's Democratic Republic"}
    thailand = Country.objects.get(code="THA")
    assert (thailand.default_language, thailand.time_zone) == ("th", "Asia/Bangkok")


@pytest.mark.django_db
def test_the_main_pages_render_in_each_language(client, users, portal_speaks):
    """Every page frame and list renders in each language (a translation that broke a
    placeholder would raise: a server error)."""
    officer = users["expert.tha"]
    client.force_login(officer)
    for language in LANGUAGES:
        user_locale_set(user=officer, language=language, time_zone="")
        for url in ("/", "/alerts/", "/specimens/", "/search/?q=passport", "/accounts/"):
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200, (language, url)
            assert f'lang="{language}"' in html, (language, url)
            with translation.override(language):
                sign_out = gettext("Sign out")
            assert sign_out != "Sign out" and sign_out in html, (language, url)
