"""Every page of the portal, as officer.tha and expert.tha, on a desktop and on a phone:
an automated accessibility audit (axe-core, WCAG 2 A and AA) with no serious or critical
violation, no horizontal scroll on the phone, and a full-page screenshot of each under
``test-artifacts/pages/<page>-<user>-<desktop|phone>.png`` for a reviewer.

The same visits prove that nothing is fetched from outside the portal, the Wagtail admin
included (``OFFLINE_ONLY`` adds the admin's and the API's pages that are not audited):
every request to another host is refused by the browser context and fails the test
(``outside_requests`` in conftest.py). Border posts may have no internet, and an avatar
or font service would learn who works where.

axe-core comes from npm (``node_modules/axe-core``, a dev dependency) and is injected by
Playwright into each page: nothing of it is served by the portal.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings

from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import User
from portal.alerts import services as alert_services
from portal.specimens.models import GlossaryTerm, Specimen, SpecimenFeature
from portal.specimens.services import image_store
from tests.specimens.conftest import picture

from .conftest import _local_only

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
FAILING_IMPACTS = {"serious", "critical"}


def _page_tree():
    """Wagtail's root page, made by its migration, is gone once a transactional test has
    flushed the database; the admin's dashboard links to it."""
    from wagtail.models import Locale, Page

    if not Page.objects.exists():
        Locale.objects.get_or_create(language_code="en")
        Page.add_root(title="Root", slug="root")


def _specimen(title, **fields):
    specimen = Specimen.objects.create(
        title=title, owner_country_id="THA", issuing_country_id="THA", document_type="passport",
        description="Laminate lifts at the hinge; no fibres under UV.", **fields,
    )  # fmt: skip
    distribution_apply(
        item=specimen,
        distribution=Distribution.from_data({"level": "networks", "networks": ["andex"]}),
    )
    for number, (light, colour) in enumerate((("visible", (200, 180, 150)), ("uv", (40, 20, 120)))):
        image_store(
            specimen=specimen,
            file=io.BytesIO(
                picture(size=(900, 630), colour=colour, seed=specimen.pk * 10 + number)
            ),
            light_source=light,
            regions=[{"x": 0.1, "y": 0.1, "w": 0.3, "h": 0.2, "label": "Check here"}],
        )
    return specimen


@pytest.fixture
def portal_content(demo_network):
    """One of each kind of page's content, shared with andex (THA's network)."""
    _page_tree()
    # The glossary's own terms (a data migration) are gone after an earlier test's flush.
    term, _ = GlossaryTerm.objects.get_or_create(
        slug="audit-anti-scan", term="Audit anti-scan pattern", category="printing",
        defaults={"definition": "A line pattern that breaks up when copied."},
    )  # fmt: skip
    genuine = _specimen("THA passport 2019 (genuine)", series="2019")
    forgery = _specimen(
        "Counterfeit THA passport", kind="forged", fraud_type="counterfeit",
        genuine_reference=genuine, detection_points="No UV fibres\nBlurred guilloche",
    )  # fmt: skip
    for specimen in (genuine, forgery):
        SpecimenFeature.objects.create(
            specimen=specimen, term=term, zone="data page", light_source="visible", note="Lines"
        )
    alert = alert_services.alert_create(
        author=User.objects.get(username="expert.tha"),
        distribution={"level": "networks", "networks": ["andex"]},
        title="Counterfeit THA passports: guilloche blurred",
        summary="Seized at Suvarnabhumi: the guilloche is blurred under a loupe.",
        severity="high", tlp="green", issuing_country="THA", document_type="passport",
    )  # fmt: skip
    # === training: pages === a THA course (expert.tha edits it: the report) on the same art
    from portal.training.blocks import LessonBlocks
    from tests.training.conftest import course_make, lesson_make, quiz_make

    andex = {"level": "networks", "networks": ["andex"]}
    course = course_make(title="Forged laminates", owner="THA", distribution=andex)
    quiz_make(course, title="Laminate quiz")
    lesson = lesson_make(course, title="Lifted corners")
    lesson.body = LessonBlocks().to_python(
        [
            {"type": "text", "value": "<p>Look along the edges of the laminate.</p>"},
            {"type": "specimen", "value": {"specimen": forgery.pk, "note": "The hinge"}},
        ]
    )
    lesson.save()
    from portal.training import services as training_services

    officer = User.objects.get(username="officer.tha")
    training_services.course_enrol(user=officer, course=course)
    training_services.certificate_issue(user=officer, course=course)
    # === end training: pages ===
    # === meetings: pages === a held andex meeting with final minutes (a decision, an
    # overdue THA action) and the next one, onto whose agenda the action was carried.
    held, upcoming = _meetings(forgery)
    # === end meetings: pages ===
    # === dashboards: pages === one THA import, listed on the import page
    from portal.dashboards.services import cases_import

    cases_import(
        user=User.objects.get(username="expert.tha"), source="json", filename="audit",
        payload={"cases": [{
            "detected_on": "2024-03", "border_type": "air", "issuing_country": "VNM",
            "document_type": "passport", "result": "fraudulent_document",
            "fraud_type": "counterfeit",
        }]},
    )  # fmt: skip
    # === end dashboards: pages ===
    return {
        "term": term, "genuine": genuine, "forgery": forgery, "alert": alert,
        "course": course, "lesson": lesson, "held": held, "upcoming": upcoming,
    }  # fmt: skip


def _meetings(specimen):
    """Two andex meetings by chair.andex (PHL): every meetings page has something to show."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.access.models import Country, Network
    from portal.meetings import services as meeting_services

    chair = User.objects.get(username="chair.andex")
    andex = Network.objects.get(slug="andex")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)

    def schedule(title, days):
        return meeting_services.meeting_schedule(
            user=chair, title=title, network=andex, starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=2), timezone_name="Asia/Manila",
            location="Manila",
        )  # fmt: skip

    held = schedule("ANDEX expert meeting (audit, held)", -30)
    item = meeting_services.agenda_item_add(
        meeting=held, user=chair, title="Laminate forgeries", duration_minutes=30,
        presenter_country=Country.objects.get(pk="THA"), specimens=[specimen.pk],
    )  # fmt: skip
    meeting_services.outcome_add(
        agenda_item=item, user=chair, kind="decision", text="Share UV images of seized passports."
    )
    meeting_services.outcome_add(
        agenda_item=item, user=chair, kind="action", text="Upload the seized THA passports.",
        owner_country=Country.objects.get(pk="THA"), due=(now - timedelta(days=7)).date(),
    )  # fmt: skip
    meeting_services.minutes_finalize(meeting=held, user=chair)
    upcoming = schedule("ANDEX expert meeting (audit, next)", 14)
    meeting_services.agenda_item_add(
        meeting=upcoming, user=chair, title="New visa foils", duration_minutes=200
    )  # overruns the two-hour slot: the warning is audited too
    return held, upcoming


def _pages(content, username):
    forgery, alert = content["forgery"], content["alert"]
    pages = {
        "home": "/",
        "specimen-library": "/specimens/",
        "specimen": forgery.get_absolute_url(),
        "specimen-compare": f"/specimens/{forgery.pk}/compare/",
        "specimen-similar": f"/specimens/{forgery.pk}/similar/",
        "glossary": "/specimens/glossary/",
        "glossary-term": content["term"].get_absolute_url(),
        "alerts": "/alerts/",
        "alert": alert.get_absolute_url(),
        "alert-card": f"/alerts/{alert.pk}/card/",
        "subscriptions": "/alerts/subscriptions/",
        "search": "/search/?q=passport",
        "account": "/accounts/",
        "404": "/specimens/999999/",
        # === training: pages ===
        "training": "/training/",
        "course": content["course"].get_absolute_url(),
        "lesson": content["lesson"].get_absolute_url(),
        "my-training": "/training/me/",
        # === end training: pages ===
        # === meetings: pages ===
        "meetings": "/meetings/",
        "meeting": content["upcoming"].get_absolute_url(),
        "meeting-minutes": content["held"].get_absolute_url(),
        "my-actions": "/meetings/actions/",
        "decisions": "/meetings/decisions/",
        # === end meetings: pages ===
        # === dashboards: page === (the import above: one THA case, all of it hidden)
        "dashboards": "/dashboards/",
        "dashboards-filtered": "/dashboards/?network=mekong&from=2024-Q1&reported_by=THA",
        "dashboards-refused": "/dashboards/?document_type=passport&issuing_country=VNM",
        # === end dashboards: page ===
    }
    if username == "expert.tha":  # an editor of the THA course
        pages["course-report"] = f"/training/courses/{content['course'].pk}/report/"
        # === dashboards: pages === THA's case data (its experts only)
        pages["case-import"] = "/dashboards/import/"
        # === end dashboards: pages ===
    if username == "officer.tha":
        pages["403"] = f"/alerts/{alert.pk}/reach/"  # only the alert's experts see its reach
    else:
        pages["alert-reach"] = f"/alerts/{alert.pk}/reach/"
        # Wagtail's own pages: audited and pictured, but see _report for what fails.
        pages["admin"] = "/admin/"
    return pages


def _offline_only(content, username) -> dict[str, str]:
    """Pages only checked for what they fetch (and that they answer): the admin's forms,
    listings and superuser pages, and the API's browsable documentation."""
    specimen = content["forgery"]
    if username == "expert.tha":
        return {
            "api-docs": "/api/v1/docs",
            "admin-account": "/admin/account/",
            "admin-specimens": "/admin/snippets/specimens/specimen/",
            "admin-specimen-edit": f"/admin/snippets/specimens/specimen/edit/{specimen.pk}/",
            "admin-alert-add": "/admin/snippets/alerts/alertbulletin/add/",
        }
    if username == "admin":
        return {
            "admin": "/admin/",
            "admin-specimen-edit": f"/admin/snippets/specimens/specimen/edit/{specimen.pk}/",
            "admin-users": "/admin/users/",
            "admin-api-tokens": "/admin/api-tokens/",
            "admin-access-log": "/admin/access_log/",
        }
    return {}


def _audit(page) -> list[dict]:
    """axe's violations of WCAG 2 A/AA on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                             resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                      summary: n.failureSummary}))}));
        }"""
    )
    return result


def _report(problems: list[tuple[str, dict]]) -> str:
    """One paragraph per rule and element, naming every page where it was found."""
    found: dict[tuple[str, str], dict] = {}
    for where, violation in problems:
        for node in violation["nodes"]:
            entry = found.setdefault(
                (violation["id"], node["target"]),
                {"violation": violation, "node": node, "pages": []},
            )
            entry["pages"].append(where)
    lines = []
    for (rule, target), entry in found.items():
        violation, node = entry["violation"], entry["node"]
        summary = " ".join((node["summary"] or "").split())
        lines.append(f"[{violation['impact']}] {rule} — {violation['help']}")
        lines.append(f"    element: {target}")
        lines.append(f"    fix: {summary[:400]}")
        lines.append(f"    on: {', '.join(entry['pages'])}")
    return "\n".join(lines)


def _sign_in(context, base_url, username):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/accounts/login/")
    if username is None:
        return page
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
    return page


def _settle(page) -> None:
    """Wait until the viewers on the page (if any) have drawn their first image."""
    page.wait_for_load_state("load")
    if page.locator("[data-stage]").count():
        page.wait_for_function(
            "[...document.querySelectorAll('[data-stage]')]"
            ".every(s => s.dataset.loaded || s.classList.contains('is-missing'))"
        )


def test_every_page_passes_the_audit_on_desktop_and_phone(
    browser, live_server, portal_content, outside_requests, artifacts
):
    shots = artifacts / "pages"
    shots.mkdir(parents=True, exist_ok=True)
    portal_problems: list[tuple[str, dict]] = []
    admin_problems: list[tuple[str, dict]] = []
    too_wide: list[str] = []
    # One load of each page per user, audited and pictured at both sizes: the phone is
    # the page's layout at the phone's viewport (its touch and menu are tested below).
    for username in (None, "officer.tha", "expert.tha", "admin"):
        context = browser.new_context(**SIZES["desktop"])
        _local_only(context, outside_requests)
        page = _sign_in(context, live_server.url, username)
        if username is None:
            pages = {"login": "/accounts/login/"}
        elif username == "admin":
            pages = {}  # the superuser's pages are only checked for what they fetch
        else:
            pages = _pages(portal_content, username)
        who = username or "anonymous"
        for name, path in _offline_only(portal_content, username).items():
            response = page.goto(f"{live_server.url}{path}", wait_until="networkidle")
            assert response is not None and response.status == 200, (name, response.status)
        for name, path in pages.items():
            if path != "/accounts/login/":
                page.goto(f"{live_server.url}{path}")
            _settle(page)
            for size, options in SIZES.items():
                page.set_viewport_size(options["viewport"])
                page.wait_for_function(f"window.innerWidth === {options['viewport']['width']}")
                where = f"{name} ({who}, {size})"
                for violation in _audit(page):
                    if violation["impact"] in FAILING_IMPACTS:
                        target = admin_problems if name == "admin" else portal_problems
                        target.append((where, violation))
                if size == "phone" and name != "admin":
                    width = page.evaluate(
                        "[document.documentElement.scrollWidth, window.innerWidth]"
                    )
                    if width[0] > width[1]:
                        too_wide.append(f"{where}: {width[0]} px wide in {width[1]} px")
                page.screenshot(path=str(shots / f"{name}-{who}-{size}.png"), full_page=True)
        context.close()
    # The Wagtail admin is Wagtail's own markup: its violations are printed for the
    # record (and reported upstream) but only the portal's own pages fail the test.
    if admin_problems:
        print("Wagtail admin (not failing):\n" + _report(admin_problems))
    (artifacts / "pages" / "axe-admin.json").write_text(
        json.dumps([{"where": w, **v} for w, v in admin_problems], indent=1)
    )
    assert not portal_problems, "axe found on the portal's pages:\n" + _report(portal_problems)
    assert not too_wide, "pages scroll sideways on a phone:\n" + "\n".join(too_wide)


def _luminance(rgb: str) -> float:
    """Relative luminance (WCAG) of a computed ``rgb(r, g, b)`` colour."""
    values = [int(float(part)) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [
        v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
        for v in (value / 255 for value in values)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUS_COLOURS = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  let bg = 'rgba(0, 0, 0, 0)', node = e.parentElement;
  while (node && /rgba\\(.*, 0\\)$|transparent/.test(bg)) {
    bg = getComputedStyle(node).backgroundColor; node = node.parentElement;
  }
  const halo = (s.boxShadow.match(/rgba?\\([^)]*\\)/) || [''])[0];
  return {ring: s.outlineColor, width: parseFloat(s.outlineWidth), style: s.outlineStyle,
          halo, background: bg, text: e.textContent.trim()};
}"""


def _open(browser, outside_requests, base_url, size, username="officer.tha"):
    context = browser.new_context(**SIZES[size])
    _local_only(context, outside_requests)
    return context, _sign_in(context, base_url, username)


def test_phone_menu_filters_compare_and_forms(
    browser, live_server, portal_content, outside_requests, artifacts
):
    base = live_server.url
    forgery = portal_content["forgery"]
    (artifacts / "pages").mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, outside_requests, base, "phone")
    try:
        # The compact header: Menu, the Alerts link with its badge, the search box.
        page.goto(f"{base}/specimens/")
        menu = page.get_by_role("button", name="Menu")
        nav = page.get_by_role("navigation", name="Main")
        assert menu.get_attribute("aria-expanded") == "false"
        assert nav.get_by_role("link", name="Alerts").is_visible()
        assert not nav.get_by_role("link", name="Specimens").is_visible()
        assert not page.get_by_role("button", name="Sign out").is_visible()
        assert page.locator("#header-search-q").is_visible()
        assert page.locator(".site-header").bounding_box()["height"] < 844 / 6
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        assert nav.get_by_role("link", name="Specimens").is_visible()
        assert page.get_by_role("button", name="Sign out").is_visible()
        page.screenshot(path=str(artifacts / "pages" / "menu-open-officer.tha-phone.png"))
        nav.get_by_role("link", name="Specimens").focus()
        page.keyboard.press("Escape")
        assert menu.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.classList.contains('menu-button')")

        # Results first, the filters behind a button.
        filters = page.get_by_role("button", name="Filters")
        assert filters.get_attribute("aria-expanded") == "false"
        assert not page.locator("#library-filters").is_visible()
        first_card = page.locator(".specimen-card").first.bounding_box()
        assert first_card["y"] < 844, "the first result is below the first screen"
        filters.click()
        assert page.locator("#library-filters").is_visible()
        assert page.get_by_label("Document type").is_visible()
        page.screenshot(path=str(artifacts / "pages" / "filters-open-officer.tha-phone.png"))

        # Compare: both documents in view at the same time, in panes of their shape.
        page.goto(f"{base}/specimens/{forgery.pk}/compare/")
        _settle(page)
        stages = page.locator(".viewer__osd")
        stages.nth(0).scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, document.querySelector('.viewer__osd')"
                      ".getBoundingClientRect().top - 8)")  # fmt: skip
        first, second = stages.nth(0).bounding_box(), stages.nth(1).bounding_box()
        assert first["y"] >= 0 and second["y"] + second["height"] <= 844, (first, second)
        for box in (first, second):
            assert 1.25 < box["width"] / box["height"] < 1.6, box  # no letterbox bars

        # The subscription form: each checkbox beside its label, countries searchable.
        page.goto(f"{base}/alerts/subscriptions/")
        box = page.get_by_label("Passport").bounding_box()
        label = page.locator("label", has_text="Passport").bounding_box()
        assert label["x"] <= box["x"] and box["y"] < label["y"] + label["height"] / 2
        assert label["width"] > box["width"] * 3  # the text is on the checkbox's row
        assert page.locator("#id_issuing_countries").get_attribute("multiple") is not None
        page.locator(".ts-wrapper .ts-control").click()
        first_group = page.locator(".ts-dropdown .optgroup-header").first
        assert first_group.inner_text() == "Your networks"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()

    context, page = _open(browser, outside_requests, base, "desktop")
    try:
        page.goto(f"{base}/specimens/")
        assert not page.get_by_role("button", name="Menu").is_visible()
        assert not page.get_by_role("button", name="Filters").is_visible()
        assert page.locator("#library-filters").is_visible()
        # One grid: the first card is not offset from the others of its row.
        tops = [card.bounding_box()["y"] for card in page.locator(".specimen-card").all()]
        assert len(tops) == 2 and tops[0] == tops[1], tops
        # The focus ring: 3:1 or more against the page, and against the dark header.
        for selector, where in (
            (".page a", "page"),
            (".site-header__bar .nav a", "header"),
        ):
            page.locator(selector).first.focus()
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")
            colours = page.evaluate(FOCUS_COLOURS)
            assert colours["style"] == "solid" and colours["width"] >= 2, colours
            best = max(
                _contrast(colours["ring"], colours["background"]),
                _contrast(colours["halo"], colours["background"]) if colours["halo"] else 0,
            )
            assert best >= 3, (where, colours, best)
        page.goto(f"{base}/specimens/{forgery.pk}/compare/")
        _settle(page)
        first, second = (page.locator(".viewer__osd").nth(n).bounding_box() for n in (0, 1))
        assert first["y"] == second["y"] and first["x"] + first["width"] < second["x"]
    finally:
        context.close()
