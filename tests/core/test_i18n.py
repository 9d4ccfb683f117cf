"""Internationalisation ground: one time format with the zone named, the country chooser,
and every user-visible string of the portal's templates translatable."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.checks import run_checks
from django.db import models
from django.template import Context, Template
from django.template.base import Lexer, TokenType
from django.test import override_settings
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.utils.translation.template import templatize

from portal.core.formats import common
from portal.core.widgets import CountrySelect
from tests.i18n_helpers import mo_write

ROOT = Path(settings.BASE_DIR)
WHEN = dt.datetime(2026, 11, 26, 10, 18, tzinfo=dt.UTC)


def render(source: str, **context) -> str:
    return Template("{% load portal_time %}" + source).render(Context(context))


# --- one format, the zone named -----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("en", "Asia/Bangkok", "26 Nov 2026, 17:18 (Asia/Bangkok)"),
        ("en", "Europe/Helsinki", "26 Nov 2026, 12:18 (Europe/Helsinki)"),
        ("th", "Asia/Bangkok", "26 พ.ย. 2026, 17:18 (Asia/Bangkok)"),
        ("en", "UTC", "26 Nov 2026, 10:18 (UTC)"),
    ],
)
def test_a_time_is_shown_in_the_reader_zone_with_the_zone_named(language, zone, expected):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        html = render("{{ when|local_datetime }}", when=WHEN)
        assert html == f'<time datetime="2026-11-26T10:18:00+00:00">{expected}</time>'
        assert render("{{ when|datetime_text }}", when=WHEN) == expected


def test_a_day_is_the_day_in_the_reader_zone():
    late = dt.datetime(2026, 11, 26, 20, 0, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Bangkok")):
        assert (
            render("{{ d|local_date }}", d=late) == '<time datetime="2026-11-27">27 Nov 2026</time>'
        )
        assert render("{{ d|local_date }}", d=dt.date(2027, 1, 5)) == (
            '<time datetime="2027-01-05">5 Jan 2027</time>'
        )
        assert render("{{ d|local_datetime }}{{ d|local_date }}", d=None) == ""


def test_every_language_has_the_portal_formats_and_the_admin_uses_them():
    for code, _name in settings.LANGUAGES:
        for name in ("DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.get_format(name, lang=code) == getattr(common, name), (code, name)
    with translation.override("fi"), timezone.override(zoneinfo.ZoneInfo("Asia/Bangkok")):
        # What Wagtail's admin shows (human_readable_date, render_timestamp).
        admin = formats.date_format(timezone.localtime(WHEN), "DATETIME_FORMAT")
    assert admin.endswith("2026, 17:18 (UTC+0700)")


def test_wagtail_accepts_the_date_settings():
    errors = [e for e in run_checks() if e.id == "wagtailadmin.E003"]
    assert errors == []


def test_no_template_formats_times_by_itself():
    """Times go through portal_time's filters: no ``|date``, ``|time``, ``timesince``."""
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in portal_templates()
        for match in re.finditer(
            r"\|\s*(date|time|timesince|timeuntil|naturaltime)\b", path.read_text()
        )
    ]
    assert offenders == []


# --- the country chooser --------------------------------------------------------------


@pytest.mark.django_db
def test_the_country_chooser_lists_the_user_networks_first(users):
    widget = CountrySelect()
    widget.user = users["officer.tha"]
    from portal.access.models import Country

    widget.choices = [("", "---"), *((c.code, str(c)) for c in Country.objects.all())]
    html = widget.render("country", "VNM")
    ours, others = html.split('label="All other countries"')
    assert 'optgroup label="Your networks"' in ours
    for code in ("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM"):
        assert f'value="{code}"' in ours
    assert 'value="FIN"' in others and 'value="FIN"' not in ours
    assert '<option value="VNM" selected>Viet Nam (VNM)</option>' in ours
    assert 'data-chooser="country"' in html
    assert html.count('value="THA"') == 1  # once: a second copy would post twice
    # Without a user (a form rendered outside a request) the list is not grouped.
    assert "optgroup" not in CountrySelect(choices=widget.choices).render("country", "")


@pytest.mark.parametrize("multiple", [False, True])
def test_the_chooser_writes_the_markup_django_templates_write(multiple):
    """The choosers write their ``<select>`` in Python (speed); the markup is the one
    Django's own templates give, values and labels escaped."""
    from django import forms

    from portal.core.widgets import CountrySelectMultiple

    choices = [
        ("", "---"),
        ("Group <b>", [("A&B", 'Say "hi" <script>'), ("C'D", "plain")]),
        ("E", "last"),
    ]
    ours_class = CountrySelectMultiple if multiple else CountrySelect
    django_class = forms.SelectMultiple if multiple else forms.Select
    value = ["A&B", "E"] if multiple else "A&B"
    attrs = {"id": "id_x", "required": True, "disabled": False, "data-x": 'q"uote'}
    ours = ours_class(choices=choices).render("x", value, attrs=attrs)

    class Plain(django_class):
        def build_attrs(self, base_attrs, extra_attrs=None):
            # The chooser's data attributes, in the same order, without the chooser.
            return ours_class(choices=choices).build_attrs(base_attrs, extra_attrs)

    theirs = Plain(choices=choices).render("x", value, attrs=attrs)
    assert ours == "".join(line.strip() for line in theirs.splitlines())
    assert "<script>" not in ours and "&lt;script&gt;" in ours


@pytest.mark.django_db
def test_every_admin_form_field_naming_countries_is_the_chooser(client, users):
    client.force_login(users["expert.tha"])
    for url in (
        "/admin/snippets/alerts/alertbulletin/add/",
        "/admin/snippets/specimens/specimen/add/",
    ):
        html = client.get(url).content.decode()
        for name in ("issuing_country", "shared_countries"):
            tag = re.search(rf'<select[^>]*name="{name}"[^>]*>', html).group(0)
            assert 'data-chooser="country"' in tag, (url, name)
        tag = re.search(r'<select[^>]*name="shared_networks"[^>]*>', html).group(0)
        assert "data-chooser" in tag
        assert "Your networks" in html
        assert "vendor/tom-select/js/tom-select.complete.min.js" in html
        assert "portal/chooser.js" in html
    client.force_login(users["admin"])
    html = client.get(f"/admin/users/edit/{users['officer.vnm'].pk}/").content.decode()
    assert re.search(r'<select[^>]*name="country"[^>]*data-chooser="country"', html)
    assert "portal/chooser.js" in html


@pytest.mark.django_db
def test_the_subscription_page_uses_the_chooser(client, users):
    client.force_login(users["officer.vnm"])
    html = client.get("/alerts/subscriptions/").content.decode()
    assert re.search(r'<select[^>]*name="issuing_countries"[^>]*data-chooser="country"', html) or (
        re.search(r'<select[^>]*data-chooser="country"[^>]*name="issuing_countries"', html)
    )
    assert "Your networks" in html and "portal/chooser.js" in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/alerts/", "/specimens/"])
def test_the_list_filters_choose_the_issuing_country_with_the_chooser(client, users, url):
    """The alert list and the specimen library filter by ``issuing_country`` as before,
    through the chooser: the user's networks first, the chosen code kept selected."""
    from portal.access.distribution import Distribution, distribution_apply
    from portal.specimens.models import Specimen

    # The library offers the countries of the specimens one may see: one of Thailand's.
    specimen = Specimen.objects.create(
        title="THA passport", owner_country_id="THA", issuing_country_id="THA", kind="genuine"
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": "members"}))
    client.force_login(users["officer.vnm"])
    html = client.get(url, {"issuing_country": "tha"}).content.decode()
    tag = re.search(r'<select[^>]*name="issuing_country"[^>]*>', html).group(0)
    assert 'data-chooser="country"' in tag and 'id="f-country"' in tag
    assert "Your networks" in html and "portal/chooser.js" in html
    assert re.search(r'<option value="THA" selected>[^<]*\(THA\)</option>', html)


def test_the_chooser_assets_come_from_npm_not_a_cdn():
    from django.contrib.staticfiles import finders

    for path in (
        "vendor/tom-select/js/tom-select.complete.min.js",
        "vendor/tom-select/css/tom-select.default.min.css",
        "portal/chooser.js",
        "portal/chooser.css",
    ):
        assert finders.find(path), path


# --- every visible string translatable -------------------------------------------------


def portal_templates() -> list[Path]:
    """The portal's own templates (not Wagtail's overrides of its admin)."""
    found = sorted((ROOT / "portal").glob("*/templates/**/*.html"))
    found += sorted((ROOT / "search").glob("templates/**/*.html"))
    return [p for p in found if "wagtailusers" not in p.parts and "wagtailadmin" not in p.parts]


#: Text that is the same in every language, and why.
ALLOWED = {
    "TLP",  # TLP marks (TLP:RED ...) are FIRST's international handling marks, never translated
    "RED", "AMBER", "STRICT", "GREEN", "CLEAR",
    "ICAO", "MRZ", "UV", "IR",  # standard abbreviations of the document world
    "v",  # "v3": a version number
}  # fmt: skip
VISIBLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description"}
LETTERS = re.compile(r"[^\W\d_]+")


class _VisibleText(HTMLParser):
    """The text a person sees: element text and the visible attributes, not scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "svg"}:
            self._hidden += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "svg"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def untranslated_text(source: str) -> list[str]:
    """Words of ``source`` a person would see that no translation tag holds."""
    kept: list[str] = []
    skip_until = None
    for token in Lexer(source).tokenize():
        if token.token_type is TokenType.BLOCK:
            name = token.contents.split()[0]
            if skip_until and name == skip_until:
                skip_until = None
            elif name in {"blocktranslate", "blocktrans", "comment", "verbatim"}:
                skip_until = "end" + name
            elif token.contents.split()[1:] == ["body_class"]:  # a CSS class, not text
                skip_until = "endblock"
            # a placeholder keeps words apart: "Alerts{% x %}Search"
            kept.append(" ")
        elif token.token_type is TokenType.VAR:
            kept.append(' "x" ' if not skip_until else "")
        elif token.token_type is TokenType.TEXT and not skip_until:
            kept.append(token.contents)
    parser = _VisibleText()
    parser.feed("".join(kept))
    words = LETTERS.findall(" ".join(parser.parts))
    return [w for w in words if w not in ALLOWED and w != "x"]


def test_the_lint_finds_untranslated_text():
    assert untranslated_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_text('<a title="Open it" href="/x/">{% translate "Go" %}</a>') == [
        "Open",
        "it",
    ]
    assert untranslated_text("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}") == []
    assert (
        untranslated_text('<script>var s = "text";</script><span class="tlp">TLP:RED</span>') == []
    )


@pytest.mark.parametrize("path", portal_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_shows_text_outside_translation_tags(path):
    assert untranslated_text(path.read_text()) == []


def test_makemessages_finds_the_template_strings():
    """What ``makemessages`` extracts from a template (Django's own templatize)."""
    source = (ROOT / "portal/accounts/templates/accounts/account.html").read_text()
    extracted = templatize(source)
    assert "gettext(u'Your account')" in extracted
    assert "Language and time zone" in extracted


@pytest.mark.django_db
def test_a_compiled_catalogue_translates_a_page(client, users, tmp_path):
    mo_write(tmp_path, "th", {"Specimens": "ตัวอย่างเอกสาร", "Sign out": "ออกจากระบบ"})
    from portal.accounts.locale import user_locale_set

    user_locale_set(user=users["officer.tha"], language="th", time_zone="")
    client.force_login(users["officer.tha"])
    with override_settings(LOCALE_PATHS=[tmp_path]):
        html = client.get("/").content.decode()
    assert "ตัวอย่างเอกสาร" in html and "ออกจากระบบ" in html
    assert 'lang="th"' in html


def test_the_catalogue_template_is_kept_in_the_repository():
    pot = ROOT / "locale" / "django.pot"
    assert pot.exists(), "run: manage.py makemessages --all --keep-pot (see docs/ARCHITECTURE.md)"
    assert 'msgid "Your account"' in pot.read_text()


# --- every label of the portal's models translatable -----------------------------------

#: Choice labels that are the same in every language, and why.
UNTRANSLATED_LABELS = {
    # TLP marks: FIRST's international handling marks, never translated (see ALLOWED).
    "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED",
}  # fmt: skip


def _portal_module(name: str) -> bool:
    return name.startswith(("portal.", "search."))


def _plain(text) -> bool:
    """A label written as a plain ``str``: makemessages never sees it, nobody translates it."""
    return isinstance(text, str) and not isinstance(text, Promise) and text != ""


def _choice_labels(choices):
    for value, label in choices or ():
        if isinstance(label, list | tuple):  # a named group
            yield from _choice_labels(label)
        else:
            yield value, label


def _choices_classes(base=models.Choices):
    for cls in base.__subclasses__():
        yield cls
        yield from _choices_classes(cls)


def test_every_help_text_and_choice_label_of_the_portal_models_is_translatable():
    """A field's ``help_text`` and its choices' labels are lazy translations
    (``gettext_lazy``): a plain string reaches every reader in English."""
    offenders = []
    for model in apps.get_models():
        if not _portal_module(model.__module__):
            continue
        for field in model._meta.get_fields():
            defined_by = getattr(field, "model", model)
            if not _portal_module(defined_by.__module__):
                continue  # inherited from Wagtail or Django (a proxy of their model)
            where = f"{model._meta.label}.{field.name}"
            if _plain(getattr(field, "help_text", "")):
                offenders.append(f"{where}: help_text {field.help_text!r}")
            for value, label in _choice_labels(getattr(field, "choices", None)):
                if _plain(label) and label not in UNTRANSLATED_LABELS:
                    offenders.append(f"{where}: choice {value!r} labelled {label!r}")
    assert offenders == []


def test_every_choices_class_of_the_portal_has_translatable_labels():
    """``INFO = "info", _("Info")``, not ``"Info"``: also choices no model field uses yet."""
    classes = [cls for cls in _choices_classes() if _portal_module(cls.__module__)]
    assert classes, "the portal's TextChoices were not found"
    offenders = [
        f"{cls.__module__}.{cls.__qualname__}.{member.name}: {member.label!r}"
        for cls in classes
        for member in cls
        if _plain(member.label) and member.label not in UNTRANSLATED_LABELS
    ]
    assert offenders == []


def test_the_label_lint_finds_a_plain_label():
    class Plain(models.TextChoices):
        ONE = "one", "One"
        TWO = "two", gettext_lazy("Two")

    assert [m.name for m in Plain if _plain(m.label)] == ["ONE"]
    assert not _plain(gettext_lazy("Help")) and _plain("Help")
