"""Every admin URL pattern the running site resolves is accounted for.

Wagtail's admin is a channel in full: its generic views load objects by id without our
viewsets. This test walks every pattern under ``/admin/`` (read from the URL resolver, so
a Wagtail upgrade or a new content type is walked too) and fails for any pattern that is
not either

- a view of a shared content type covered by the access matrix's admin probes (the
  probe must exist for every shared type), or
- a generic view that can name any model (bulk actions, reports, the snippet index,
  editing sessions ...), guarded and probed here or in the matrix, or
- declared here as not about shared items, with the reason.

It also sends every pattern hostile ids and fails on any server error.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, resolve, reverse

from portal.access import admin_guard
from portal.access.admin_forms import names_shared_items

from . import content_types  # noqa: F401  (registers the content types)
from .admin_urls import admin_patterns, snippet_namespace
from .matrix import EXPECTED, REGISTRY, USERS

pytestmark = pytest.mark.django_db

# Generic patterns that can name any model, and where each is proved.
GENERIC = {
    "portal_bulk_action": "matrix probe admin-bulk (every action of every shared type)",
    "portal_switched_off": "test_switched_off_sections_answer_not_found",
    "portal_editing_session_ping": "test_generic_model_views_never_name_shared_items",
    "wagtail_bulk_action": "shadowed by portal_bulk_action (test_wagtail_views_are_shadowed)",
    "portal_snippet_types": "test_snippet_index_counts_only_visible_items",
    "wagtailsnippets:index": "shadowed by portal_snippet_types",
    "wagtailadmin_editing_sessions:ping": "shadowed by portal_editing_session_ping",
    "wagtailadmin_editing_sessions:release": "releases the user's own editing session only",
    "wagtailadmin_tag_model_autocomplete": "test_generic_model_views_never_name_shared_items",
    "wagtailsettings:edit": "test_generic_model_views_never_name_shared_items",
    "wagtailsettings:preview_on_edit": "test_generic_model_views_never_name_shared_items",
    "wagtailadmin_workflows:add_task": "test_generic_model_views_never_name_shared_items",
    "wagtailadmin_home": "matrix probe admin-reports (the dashboard)",
}
REPORTS = re.compile(r"^wagtailadmin_reports:")

# Patterns that are not about shared items, and why.
NOT_SHARED = [
    (
        r"^wagtailadmin_(pages|explore|choose_page|api:pages)",
        "editorial Wagtail pages, under Wagtail's page permissions: not shared items",
    ),
    (
        r"^(wagtailimages|wagtaildocs|wagtailadmin_api:(images|documents))",
        "switched off: every path resolves to admin_guard.switched_off",
    ),
    (r"^wagtailadmin_error_test$", "switched off (a page that fails on purpose)"),
    (r"^wagtailusers_(users|groups|api_tokens)", "accounts, under Wagtail's user permissions"),
    (
        r"^wagtail(sites|redirects|admin_collections)",
        "site configuration, under model permissions",
    ),
    (
        r"^wagtailadmin_workflows:",
        "workflows and tasks (superusers: model permissions); they name no items, only counts"
        " (test_workflow_admin_pages_name_no_items); items in workflows are listed by the"
        " reports and the dashboard, probed by the matrix (admin-reports)",
    ),
    (
        r"^wagtailsnippet(s|choosers)_(access_network|access_country|specimens_glossaryterm"
        r"|alerts_countryalertpolicy)",
        "reference data (networks, countries, glossary, review policy), model permissions",
    ),
    (r"^access_log:", "superusers only, read-only (test_access_log_is_for_superusers_only)"),
    # === training: course parts ===
    (
        r"^wagtailsnippet(s|choosers)_training_(lesson|quiz|question|trainingimage|trainingvideo)",
        "parts of a course (no distribution of their own): every view's queryset holds only"
        " parts of courses the user may change (training.wagtail_hooks.CoursePartViewSet,"
        " its chooser and CoursePartPermissionPolicy for bulk actions);"
        " tests/training/test_admin.py",
    ),
    # === end training: course parts ===
    (
        r"^wagtailadmin_(login|logout|password_reset|account|sprite|javascript_catalog"
        r"|dismissibles|block_preview|tag_autocomplete|choose_page_.*_link)",
        "the admin's own frame, sign-in and account: no items",
    ),
]


def _shared_models() -> list:
    return admin_guard.shareable_models()


def _matrix_probes(model) -> set[str]:
    for content_type in REGISTRY:
        if apps.get_model(content_type.model) is model:
            return {probe.name for probe in content_type.probes}
    raise AssertionError(f"{model._meta.label} is shared but not in the access matrix")


def _account_for(pattern) -> str | None:
    """Why ``pattern`` is safe, or None if nobody has said."""
    for model in _shared_models():
        probes = _matrix_probes(model)
        if pattern.namespace == snippet_namespace(model):
            if pattern.params:
                needed = "admin-object-views"
            elif pattern.view_name in {"list", "list_results"}:
                needed = "admin"
            elif pattern.view_name == "add":
                # The add form names no item of its own type; fields naming other shared
                # types are probed there (admin-form-choices).
                return _add_form_accounted(model)
            else:
                return None
            return f"matrix probe {needed}" if needed in probes else None
        chooser = f"wagtailsnippetchoosers_{model._meta.app_label}_{model._meta.model_name}"
        if pattern.namespace == chooser:
            return "matrix probe admin-chooser" if "admin-chooser" in probes else None
    if pattern.name in GENERIC:
        return GENERIC[pattern.name]
    if REPORTS.match(pattern.name):
        return "matrix probe admin-reports"
    for regex, reason in NOT_SHARED:
        if re.match(regex, pattern.name):
            return reason
    if not pattern.name and pattern.route in {"admin/test404/", "admin/^.*/$"}:
        return "Wagtail's not-found pages"
    return None


def _add_form_accounted(model) -> str | None:
    form_class = model.snippet_viewset.get_form_class(for_update=False)
    for field in form_class.base_fields.values():
        if names_shared_items(field) and "admin-form-choices" not in _matrix_probes(
            field.queryset.model
        ):
            return None
    return "fields naming shared items: matrix probe admin-form-choices of those types"


def test_every_admin_pattern_is_accounted_for():
    unaccounted = [
        f"{pattern.name or '(unnamed)'}  {pattern.route}"
        for pattern in admin_patterns()
        if _account_for(pattern) is None
    ]
    assert not unaccounted, (
        "Admin URL patterns not covered by the access matrix nor declared safe "
        "(tests/access/test_admin_urls.py):\n" + "\n".join(unaccounted)
    )


def test_every_shared_model_is_in_the_matrix_with_every_admin_probe():
    for model in _shared_models():
        probes = _matrix_probes(model)
        missing = {
            "admin",
            "admin-chooser",
            "admin-object-views",
            "admin-bulk",
            "admin-reports",
        } - probes
        assert not missing, (model._meta.label, missing)


def test_wagtail_views_are_shadowed():
    assert resolve("/admin/bulk/specimens/specimen/delete/").url_name == "portal_bulk_action"
    assert resolve("/admin/snippets/").url_name == "portal_snippet_types"
    ping = "/admin/editing-sessions/ping/specimens/specimen/1/1/"
    assert resolve(ping).url_name == "portal_editing_session_ping"
    for path in (
        "/admin/images/",
        "/admin/images/1/",
        "/admin/images/chooser/",
        "/admin/documents/",
        "/admin/documents/edit/1/",
        "/admin/api/main/images/",
        "/admin/api/main/documents/",
        "/admin/failwhale/",
    ):
        assert resolve(path).url_name == "portal_switched_off", path


def test_switched_off_sections_answer_not_found(client, users):
    client.force_login(users["admin"])
    for path in ("/admin/images/", "/admin/documents/", "/admin/failwhale/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/documents/1/file.pdf").status_code == 404
    home = client.get("/admin/").content.decode()
    assert "/admin/images/" not in home
    assert "/admin/documents/" not in home


def test_snippet_index_counts_only_visible_items(client, users):
    """The test type (not in a menu) is listed on /admin/snippets/ with a count: of the
    items the reader may see, not of the table."""
    from .content_types import _make_notice
    from .matrix import LEVELS

    for level, (distribution, released) in LEVELS.items():
        _make_notice(f"notice {level}", "THA", distribution, released)
    for username in ("trainer.phl", "chair.andex", "expert.tha", "admin"):
        client.force_login(users[username])
        html = re.sub(r"\s+", " ", client.get("/admin/snippets/").content.decode())
        match = re.search(r"Notices </a>.*?(\d+)\s*</td>", html)
        assert match, username
        visible = sum(EXPECTED[level][USERS.index(username)] for level in LEVELS)
        assert int(match.group(1)) == visible, (username, match.group(1), visible)


def _hidden_specimen():
    from .content_types import _make_specimen

    return _make_specimen("A THA-only specimen", "THA", {"level": "country"}, True)


def test_generic_model_views_never_name_shared_items(client, users):
    """Views that take any model by its app label and name, given a shared model and an
    item the user may not see: never a server error, never its title, and the same
    answer as for an id that does not exist."""
    item = _hidden_specimen()
    client.force_login(users["chair.andex"])
    label = ("specimens", "specimen")
    for url in (
        reverse("wagtailadmin_tag_model_autocomplete", args=label),
        reverse("wagtailsettings:edit", args=label),
        reverse("wagtailsettings:edit", args=(*label, item.pk)),
        reverse("wagtailadmin_workflows:add_task", args=label),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403, 404}, (url, response.status_code)
        assert item.title not in response.content.decode()
    answers = set()
    for object_id in (item.pk, 10**12, "not-a-number"):
        url = reverse("wagtailadmin_editing_sessions:ping", args=(*label, str(object_id), 1))
        response = client.post(url)
        assert response.status_code == 404, (object_id, response.status_code)
        answers.add(response.content)
    assert len(answers) == 1


def test_access_log_is_for_superusers_only(client, users):
    from portal.access.models import AccessRecord

    record = AccessRecord.objects.create(
        username="officer.tha", outcome="read", channel="page", item_type="x.y", object_id="1"
    )
    urls = []
    for pattern in admin_patterns():
        if pattern.namespace == "access_log":
            args = [record.pk] if pattern.params else []
            urls.append(reverse(pattern.name, args=args))
    assert len(urls) >= 3
    for username in ("expert.tha", "trainer.phl", "chair.andex"):
        client.force_login(users[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code in {302, 403}, (username, url, response.status_code)
            assert "officer.tha" not in response.content.decode()
        bulk = client.get(f"/admin/bulk/access/accessrecord/delete/?id={record.pk}&id=all")
        assert bulk.status_code in {302, 403, 404}
        assert "officer.tha" not in bulk.content.decode()
    client.force_login(users["admin"])
    assert "officer.tha" in client.get(reverse("access_log:index")).content.decode()
    # Read-only even for superusers: no edit, no delete, no copy.
    for name in ("edit", "delete"):
        response = client.post(reverse(f"access_log:{name}", args=[record.pk]))
        assert response.status_code in {302, 403}, (name, response.status_code)
    assert AccessRecord.objects.filter(pk=record.pk, detail="").exists()


# --- hostile input ---------------------------------------------------------------------

HOSTILE = {"int": ["0", "9" * 30], "other": ["not-a-number", "9" * 30, "%00"]}
SKIP = {"wagtailadmin_logout", "wagtailadmin_login", "wagtailadmin_error_test"}


def _hostile_urls():
    for pattern in admin_patterns():
        if not pattern.name or pattern.name in SKIP or not pattern.params:
            continue
        converters = dict(re.findall(r"<(\w+):(\w+)>", pattern.route))
        kinds = {name: "int" if converters.get(name) == "int" else "other" for name in
                 pattern.params}  # fmt: skip
        for round_ in range(3):
            kwargs = {}
            for name, kind in kinds.items():
                values = HOSTILE[kind]
                kwargs[name] = values[round_ % len(values)]
            try:
                yield pattern.name, reverse(pattern.name, kwargs=kwargs)
            except NoReverseMatch:
                continue


@pytest.mark.parametrize("username", ["admin", "expert.tha"])
def test_hostile_ids_never_cause_a_server_error(client, users, username):
    """Every admin pattern that takes a value, sent ids that are zero, huge, not numbers or
    control characters: a not-found or a refusal, never a server error."""
    client.raise_request_exception = False
    client.force_login(users[username])
    errors = []
    seen = 0
    for name, url in _hostile_urls():
        seen += 1
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code >= 500:
                errors.append(f"{method.__name__.upper()} {url} ({name}): {response.status_code}")
    assert seen > 100
    assert not errors, "\n".join(errors)


def test_anonymous_visitors_reach_no_admin_view(client):
    """Signed-out visitors are sent to sign in from every admin pattern."""
    for name, url in list(_hostile_urls())[::5]:
        response = client.get(url)
        if name.startswith("wagtailadmin_password_reset"):
            continue  # signed-out pages by nature
        assert response.status_code in {302, 404}, (name, url, response.status_code)
        assert response.status_code == 404 or "/admin/login/" in response["Location"]


def test_workflow_admin_pages_name_no_items(client, users):
    """The workflow and task pages (the task chooser included) show workflows and tasks,
    never the items in them, to whoever may open them."""
    from django.urls import reverse
    from wagtail.models import Workflow

    from portal.alerts.models import CountryAlertPolicy
    from portal.alerts.services import alert_create
    from portal.lifecycle.services import review_workflow

    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    alert = alert_create(
        author=users["expert.tha"], distribution={"level": "country"}, title="Secret review",
        summary="s", severity="low", tlp="red",
    )  # fmt: skip
    assert alert.status == "in_review"
    workflow = review_workflow()
    task = workflow.tasks.first()
    urls = [
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailadmin_workflows:edit", args=[workflow.pk]),
        reverse("wagtailadmin_workflows:usage", args=[workflow.pk]),
        reverse("wagtailadmin_workflows:disable", args=[workflow.pk]),
        reverse("wagtailadmin_workflows:task_index"),
        reverse("wagtailadmin_workflows:edit_task", args=[task.pk]),
        reverse("wagtailadmin_workflows:task_chooser"),
    ]
    for username in ("admin", "expert.tha", "chair.andex"):
        client.force_login(users[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code in {200, 302, 403}, (username, url)
            assert "Secret review" not in response.content.decode(), (username, url)
    assert Workflow.objects.filter(pk=workflow.pk, active=True).exists()
