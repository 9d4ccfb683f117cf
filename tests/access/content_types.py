"""The content types and channels of the access matrix (one registration each)."""

from __future__ import annotations

from guardian.shortcuts import assign_perm

from portal.access import rule
from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country

from .matrix import (
    EDITORS,
    LEVELS,
    ContentType,
    Probe,
    adder,
    admin_user,
    register,
    signed_in,
)
from .media_probes import (
    document_attach_to,
    image_attach_to,
    image_probes,
    media_probes,
    video_attach_to,
    video_probes,
)

# --- probes any shared content type can reuse ------------------------------------------


def selector_probe(model):
    def see(client, item, user):
        return rule.visible_to(user=user, queryset=model.objects.all()).filter(pk=item.pk).exists()

    return Probe("selector", see)


def can_view_probe():
    def see(client, item, user):
        return rule.can_view(user, item)

    return Probe("can_view", see)


def _page_seen(response, user, title: str) -> bool:
    """An item's page as the rule must answer it: 200 naming the item if visible, a 404
    that does not name it if not; anonymous visitors are sent to the login page."""
    if response.status_code == 200:
        assert title in response.content.decode()
        return True
    if user.is_anonymous:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/")
        return False
    assert response.status_code == 404, response.status_code
    assert title not in response.content.decode()
    return False


def page_probe():
    """The item's own page: 200 if visible, 404 if not; anonymous → login page."""

    def see(client, item, user):
        response = client.get(item.get_absolute_url())
        return _page_seen(response, user, item.title)

    return Probe("page", see)


def list_page_probe(url):
    """A list page shows the item's title if and only if it is visible."""

    def see(client, item, user):
        response = client.get(url)
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            return False
        assert response.status_code == 200, response.status_code
        return item.title in response.content.decode()

    return Probe("list-page", see, reaches=signed_in)


def api_detail_probe(url_pattern, bearer=True):
    """``GET`` one item through the API: 200 / 404, anonymous 401 unless public."""

    def see(client, item, user):
        headers = {}
        if bearer and not user.is_anonymous:
            from portal.accounts.services import api_token_issue

            _, token = api_token_issue(user=user, name="matrix")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            client.logout()
        response = client.get(url_pattern.format(pk=item.pk), **headers)
        if response.status_code == 200:
            assert response.json()["id"] == item.pk
            return True
        expected = 401 if user.is_anonymous else 404
        assert response.status_code == expected, (response.status_code, response.content)
        assert item.title not in response.content.decode()
        return False

    return Probe("api-detail" + ("-bearer" if bearer else "-session"), see)


def api_list_probe(url):
    """The API list contains the item, and its count equals the listed results."""

    def see(client, item, user):
        response = client.get(url)
        if user.is_anonymous:
            assert response.status_code == 401, response.status_code
            return False
        assert response.status_code == 200, response.status_code
        data = response.json()
        ids = [row["id"] for row in data["results"]]
        assert data["count"] == len(ids)
        return item.pk in ids

    return Probe("api-list", see, reaches=signed_in)


def admin_probe(app_label, model_name):
    """The Wagtail admin: an invisible item's edit view is a 404 and never shows it; the
    edit form and the listing are for the owner country's experts (and superusers) only."""

    # The listing holds every item of a case (one per level): read once per user.
    listings: dict[str, str] = {}

    def see(client, item, user):
        edit = client.get(f"/admin/snippets/{app_label}/{model_name}/edit/{item.pk}/")
        if not admin_user(user.username):
            # Officers and anonymous visitors are turned away from the admin entirely.
            assert edit.status_code in {302, 403}, (user.username, edit.status_code)
            assert item.title not in edit.content.decode()
            return False
        if user.username not in listings:
            listing = client.get(f"/admin/snippets/{app_label}/{model_name}/")
            listings[user.username] = listing.content.decode() if listing.status_code == 200 else ""
        listed = item.title in listings[user.username]
        editor = user.username in EDITORS
        assert (edit.status_code == 200) is editor, (user.username, edit.status_code)
        assert listed is editor, (user.username, "listed" if listed else "not listed")
        if edit.status_code != 200:
            assert item.title not in edit.content.decode()
        return edit.status_code != 404

    return Probe("admin", see, reaches=admin_user)


def admin_chooser_probe(app_label, model_name):
    """The admin's chooser modal (foreign keys to the type) and its "chosen" answer."""

    def see(client, item, user):
        base = f"/admin/snippets/choose/{app_label}/{model_name}/"
        listing = client.get(f"{base}results/", {"q": item.title})
        if not admin_user(user.username):
            assert listing.status_code in {302, 403}, (user.username, listing.status_code)
            assert item.title not in listing.content.decode()
            return False
        assert listing.status_code == 200, listing.status_code
        listed = item.title in listing.content.decode()
        chosen = client.get(f"{base}chosen/{item.pk}/")
        assert chosen.status_code in {200, 404}, chosen.status_code
        assert listed is (chosen.status_code == 200), (listed, chosen.status_code)
        if chosen.status_code == 404:
            assert item.title not in chosen.content.decode()
        return listed

    return Probe("admin-chooser", see, reaches=admin_user)


def _turned_away(response, item) -> None:
    """Officers and anonymous visitors meet the admin's sign-in or a refusal, nothing else."""
    assert response.status_code in {302, 403}, response.status_code
    assert item.title not in response.content.decode()


def admin_object_views_probe(model):
    """Every object view of the type's admin viewset, found in the URL resolver (edit,
    delete, copy, history, usage, inspect, and whatever else is installed): an item the
    user may not see is a 404 that does not name it, in every one of them, exactly like an
    id that does not exist; a visible item is never a 404 (a 403 where it may not be
    edited)."""

    # An id that does not exist answers the same for every item of a case: asked once
    # per user and view (the matrix runs a case's items one after the other).
    missing_answers: dict[tuple[str, str], int] = {}

    def see(client, item, user):
        from .admin_urls import object_view_params, object_view_urls

        params = object_view_params(item)
        urls = object_view_urls(model, item.pk, params)
        missing = object_view_urls(model, 10**12, params)
        if not admin_user(user.username):
            for url in urls.values():
                _turned_away(client.get(url), item)
            return False
        found = {}
        for name, url in urls.items():
            response = client.get(url)
            assert response.status_code in {200, 302, 403, 404, 405}, (name, response.status_code)
            if response.status_code == 404:
                assert item.title not in response.content.decode(), name
                # Indistinguishable from an id that does not exist.
                key = (user.username, missing[name])
                if key not in missing_answers:
                    missing_answers[key] = client.get(missing[name]).status_code
                assert missing_answers[key] == 404, (name, missing_answers[key])
            found[name] = response.status_code != 404
        assert len(set(found.values())) == 1, (user.username, found)
        return all(found.values())

    return Probe("admin-object-views", see, reaches=admin_user)


def admin_bulk_probe(model):
    """Every bulk action registered for the type (``/admin/bulk/<app>/<model>/<action>/``),
    asked for the item by id and for ``?id=all``: it names the item only if visible."""

    def see(client, item, user):
        from wagtail.admin.views.bulk_action.registry import bulk_action_registry

        app_label, model_name = model._meta.app_label, model._meta.model_name
        actions = [
            action.action_type
            for action in bulk_action_registry.get_bulk_actions_for_model(app_label, model_name)
        ]
        assert actions, f"no bulk actions registered for {model_name}"
        shown = set()
        for action in actions:
            base = f"/admin/bulk/{app_label}/{model_name}/{action}/"
            by_id = client.get(f"{base}?id={item.pk}&id=not-a-number")
            everything = client.get(f"{base}?id=all")
            if not admin_user(user.username):
                _turned_away(by_id, item)
                _turned_away(everything, item)
                continue
            assert by_id.status_code in {200, 404}, (action, by_id.status_code)
            assert everything.status_code in {200, 404}, (action, everything.status_code)
            named = item.title in by_id.content.decode()
            assert named is (item.title in everything.content.decode()), action
            assert named is (by_id.status_code == 200), (action, by_id.status_code)
            shown.add(named)
        assert len(shown) <= 1, shown
        return shown == {True}

    return Probe("admin-bulk", see, reaches=admin_user)


def _forms_naming(model) -> list[tuple[str, str, bool]]:
    """(add URL, field name, whether a chooser) of every admin form with a field choosing
    items of ``model``."""
    from django.urls import reverse
    from wagtail.admin.widgets import BaseChooser
    from wagtail.snippets.models import get_snippet_models

    from portal.access.admin_forms import names_shared_items

    found = []
    for snippet in get_snippet_models():
        viewset = snippet.snippet_viewset
        form_class = viewset.get_form_class(for_update=False)
        for name, field in form_class.base_fields.items():
            if name in getattr(form_class, "parent_fields", ()):
                # The item a part belongs to (a training image's course), chosen among the
                # items the user may *change*: tests/training/test_admin.py.
                continue
            if names_shared_items(field) and field.queryset.model is model:
                chooser = isinstance(field.widget, BaseChooser)
                found.append((reverse(viewset.get_url_name("add")), name, chooser))
    return found


def admin_form_choices_probe(model):
    """Every admin form field that names items of the type (an alert's related specimens,
    a forgery's genuine reference ...): the item is among the choices offered, and a form
    posted back with its id renders its title, only if the user may see it."""

    forms = _forms_naming(model)
    assert forms, f"no admin form names {model.__name__}: do not register this probe"

    def see(client, item, user):
        shown = set()
        for url, field, chooser in forms:
            offered = client.get(url)
            # Refused by validation, so that the form is shown again with the value: an
            # incomplete form alone would be saved as a draft by lifecycle types.
            posted = client.post(url, {field: [item.pk], "distribution_level": "not-a-level"})
            if not adder(user.username):
                for response in (offered, posted):
                    assert response.status_code in {302, 403}, response.status_code
                    assert item.title not in response.content.decode()
                continue
            assert offered.status_code == 200, offered.status_code
            assert posted.status_code == 200, posted.status_code  # the form is incomplete
            rendered = item.title in posted.content.decode()
            if not chooser:  # a chooser offers its items in its modal (admin-chooser)
                assert rendered is (item.title in offered.content.decode()), (url, field)
            shown.add(rendered)
        assert len(shown) <= 1, shown
        return shown == {True}

    return Probe("admin-form-choices", see, reaches=adder)


def admin_usage_probe(target_of):
    """Usage counts and listings of another item that this one refers to (``target_of``
    makes the reference): the usage listing, the edit page's side panel, the delete page
    and the bulk delete page count the item (and name it, where the reader may edit it)
    only if the reader may see it."""

    import re

    def see(client, item, user):
        from django.urls import reverse

        target = target_of(item)
        app_label, model_name = target._meta.app_label, target._meta.model_name
        namespace = f"wagtailsnippets_{app_label}_{model_name}"
        answers = (
            (client.get(reverse(f"{namespace}:usage", args=[target.pk])), r"(\d+) items?\s*<"),
            (client.get(reverse(f"{namespace}:edit", args=[target.pk])), r"Used (\d+) times?"),
            (
                client.get(reverse(f"{namespace}:delete", args=[target.pk])),
                r"referenced (\d+) times?",
            ),
            (
                client.get(f"/admin/bulk/{app_label}/{model_name}/delete/?id={target.pk}"),
                r"referenced (\d+) times?",
            ),
        )
        counts, named = set(), False
        for response, pattern in answers:
            html = response.content.decode()
            if response.status_code != 200:  # not theirs to see there: a refusal, no title
                assert response.status_code in {302, 403}, response.status_code
                assert item.title not in html
                continue
            named = named or item.title in html
            match = re.search(pattern, html)
            if match:  # no count where the target is listed as not theirs to delete
                counts.add(int(match.group(1)))
            elif pattern.startswith("("):  # an empty usage listing
                counts.add(0)
        assert len(counts) <= 1, counts
        assert not named or counts == {1}, (named, counts)
        if not adder(user.username):  # trainers meet the target only as not theirs to delete
            assert not counts and not named
        return counts == {1}

    return Probe("admin-usage", see, reaches=adder)


def admin_reports_probe():
    """Wagtail's reports and dashboard (site history, the admin home): an action on an
    item the user may not see is never listed there."""

    def see(client, item, user):
        from wagtail.log_actions import log

        log(item, "wagtail.edit", user=None)
        shown = False
        for url in (
            "/admin/",
            "/admin/reports/site-history/",
            "/admin/reports/locked/",
            "/admin/reports/workflow/",
            "/admin/reports/workflow_tasks/",
        ):
            response = client.get(url)
            if not admin_user(user.username):
                _turned_away(response, item)
                continue
            assert response.status_code in {200, 302, 403}, (url, response.status_code)
            shown = shown or item.title in response.content.decode()
        return shown

    return Probe("admin-reports", see, reaches=admin_user, exact=False)


def admin_probes(model, *, usage_target=None) -> list[Probe]:
    """The admin channels every shared type is probed through."""
    app_label, model_name = model._meta.app_label, model._meta.model_name
    probes = [
        admin_probe(app_label, model_name),
        admin_chooser_probe(app_label, model_name),
        admin_object_views_probe(model),
        admin_bulk_probe(model),
        admin_reports_probe(),
    ]
    if _forms_naming(model):
        probes.append(admin_form_choices_probe(model))
    if usage_target is not None:
        probes.append(admin_usage_probe(usage_target))
    return probes


# --- the test content type -------------------------------------------------------------


def _make_notice(title, owner, distribution, released):
    from tests.shareable_app.models import Notice

    notice = Notice.objects.create(
        title=title, owner_country=Country.objects.get(pk=owner), released=released
    )
    distribution_apply(item=notice, distribution=Distribution.from_data(distribution))
    return notice


def _grant_notice(item, user):
    assign_perm("view_notice", user, item)


def _notice_probes():
    return [
        selector_probe(_notice_model()),
        can_view_probe(),
        page_probe(),
        list_page_probe("/test-notices/"),
        api_detail_probe("/api/test/notices/{pk}", bearer=True),
        api_detail_probe("/api/test/notices/{pk}", bearer=False),
        api_list_probe("/api/test/notices"),
        *admin_probes(_notice_model()),
    ]


def _notice_model():
    from tests.shareable_app.models import Notice

    return Notice


register(
    ContentType("notice", "shareable_app.Notice", _make_notice, _grant_notice, _notice_probes())
)


# --- specimens -----------------------------------------------------------------------------


def _noise_png(seed: int, size=(480, 320)) -> bytes:
    """A small image unlike any other (random blocks), made in memory."""
    import io
    import random

    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("RGB", (12, 8))
    image.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(96)])
    image = image.resize(size, Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _make_specimen(title, owner, distribution, released):
    import io

    from portal.specimens.models import GlossaryTerm, Specimen, SpecimenFeature
    from portal.specimens.services import image_store

    specimen = Specimen.objects.create(
        title=title,
        owner_country=Country.objects.get(pk=owner),
        issuing_country=Country.objects.get(pk=owner),
        document_type="passport",
        kind="genuine",
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data(distribution))
    term, _ = GlossaryTerm.objects.get_or_create(
        slug="matrix-feature",
        defaults={"term": "Matrix feature", "category": "printing", "definition": "For tests."},
    )
    SpecimenFeature.objects.create(specimen=specimen, term=term, light_source="visible")
    image_store(specimen=specimen, file=io.BytesIO(_noise_png(specimen.pk)), light_source="visible")
    document_attach_to(specimen)
    return specimen


def _specimen_usage_target(specimen):
    """A genuine PHL specimen shared with every member, which the item (made a forgery of
    it for the test) names as its genuine reference. chair.andex, an expert of PHL, edits
    the target and sees its usage."""
    from wagtail.models import ReferenceIndex

    from portal.specimens.models import Specimen

    target = Specimen.objects.create(
        title=f"Usage target of {specimen.pk}",
        owner_country_id="PHL",
        issuing_country_id="PHL",
        document_type="passport",
        distribution_level="members",
    )
    Specimen.objects.filter(pk=specimen.pk).update(
        kind="forged", fraud_type="counterfeit", genuine_reference=target
    )
    ReferenceIndex.create_or_update_for_object(Specimen.objects.get(pk=specimen.pk))
    return target


def _grant_specimen(item, user):
    assign_perm("view_specimen", user, item)


def image_url_probe(size):
    """A specimen's image file or rendition: 200 with ``Cache-Control: private`` if visible,
    404 if not, anonymous sent to sign in."""

    def see(client, item, user):
        image = item.images.first()
        response = client.get(image.url(size))
        if response.status_code == 200:
            assert response["Content-Type"].startswith("image/"), response["Content-Type"]
            assert "private" in response["Cache-Control"]
            b"".join(response.streaming_content)
            return True
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            assert response["Location"].startswith("/accounts/login/")
            return False
        assert response.status_code == 404, response.status_code
        return False

    return Probe(f"image-{size}", see)


def glossary_term_probe():
    """The glossary term's page lists the specimen only if the reader may see it."""

    def see(client, item, user):
        response = client.get("/specimens/glossary/matrix-feature/")
        assert response.status_code == 200, response.status_code
        return item.title in response.content.decode()

    return Probe("glossary-term", see)


def compare_probe():
    def see(client, item, user):
        response = client.get(f"/specimens/{item.pk}/compare/?with={item.pk}")
        if response.status_code == 200:
            assert item.title in response.content.decode()
            return True
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            return False
        assert response.status_code == 404, response.status_code
        return False

    return Probe("compare-page", see, reaches=signed_in)


def similar_api_probe():
    """``POST /api/v1/specimens/similar`` with the item's own picture finds it only if visible."""

    def see(client, item, user):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("query.png", _noise_png(item.pk), content_type="image/png")
        response = client.post("/api/v1/specimens/similar", {"file": upload})
        if user.is_anonymous:
            assert response.status_code == 401, response.status_code
            return False
        assert response.status_code == 200, (response.status_code, response.content)
        return item.pk in [hit["specimen_id"] for hit in response.json()["results"]]

    return Probe("similar-api", see, reaches=signed_in)


def similar_section_probe():
    """A public twin's "similar images" block lists the item only if it is visible."""

    def see(client, item, user):
        import io

        from portal.specimens.models import Specimen
        from portal.specimens.services import image_store

        twin = Specimen.objects.create(
            title=f"Twin of {item.pk}",
            owner_country_id="THA",
            issuing_country_id="THA",
            document_type="passport",
            distribution_level="public",
        )
        image_store(specimen=twin, file=io.BytesIO(_noise_png(item.pk)), light_source="visible")
        response = client.get(f"/specimens/{twin.pk}/similar/", HTTP_X_FRAGMENT="1")
        twin.delete()
        if user.is_anonymous:
            # Anonymous readers get no similar-image search at all: sign in first.
            assert response.status_code == 302, response.status_code
            return False
        assert response.status_code == 200, response.status_code
        return item.title in response.content.decode()

    return Probe("similar-section", see, reaches=signed_in)


def home_probe():
    """The home page's "new in the library" panel (the item made the newest first)."""

    def see(client, item, user):
        from django.utils import timezone

        type(item).objects.filter(pk=item.pk).update(created_at=timezone.now())
        response = client.get("/")
        if user.is_anonymous:
            assert response.status_code == 302
            return False
        assert response.status_code == 200
        return item.title in response.content.decode()

    return Probe("home", see, reaches=signed_in)


def search_probe():
    """``search.search`` (the one entry point of the search page, API and suggestions):
    the item's entry is written as after its commit, then its title is searched. A hit
    must carry the item's URL, and the total must count no more than the hits it has."""

    def see(client, item, user):
        from search import search
        from search.indexing import entry_update

        entry_update(item)
        results = search(user, item.title)
        assert results.total == len(results.hits) or results.total > len(results.hits) == 20
        assert sum(results.facets.get("type", {}).values()) == results.total
        hits = [hit for hit in results.hits if hit.id == item.pk]
        assert all(hit.url == item.get_absolute_url() for hit in hits)
        return bool(hits)

    # The entry point answers anonymous callers too (public items only); the search
    # page and API ask for signing in first.
    return Probe("search", see)


def search_api_probe():
    """``GET /api/v1/search``: the item among the results, the total no larger than them."""

    def see(client, item, user):
        from urllib.parse import quote

        from search.indexing import entry_update

        entry_update(item)
        response = client.get(f"/api/v1/search?q={quote(item.title)}")
        if user.is_anonymous:
            assert response.status_code == 401, response.status_code
            return False
        assert response.status_code == 200, response.status_code
        data = response.json()
        assert data["total"] == len(data["results"])
        assert sum(data["facets"]["type"].values()) == data["total"]
        return item.get_absolute_url() in [row["url"] for row in data["results"]]

    return Probe("search-api", see, reaches=signed_in)


def search_page_probe():
    """``/search/?q=``: a result card linking to the item."""

    def see(client, item, user):
        from urllib.parse import quote

        from search.indexing import entry_update

        entry_update(item)
        response = client.get(f"/search/?q={quote(item.title)}")
        if user.is_anonymous:
            assert response.status_code == 302
            return False
        assert response.status_code == 200
        return f'href="{item.get_absolute_url()}"' in response.content.decode()

    return Probe("search-page", see, reaches=signed_in)


def search_suggest_probe():
    """The header box's suggestions as one types the start of the title."""

    def see(client, item, user):
        from urllib.parse import quote

        from search.indexing import entry_update

        entry_update(item)
        response = client.get(f"/search/suggest/?q={quote(item.title[:-2])}")
        if user.is_anonymous:
            assert response.status_code == 302
            return False
        assert response.status_code == 200
        urls = [row["url"] for row in response.json()["suggestions"]]
        return item.get_absolute_url() in urls

    return Probe("search-suggest", see, reaches=signed_in)


def _specimen_probes():
    from portal.specimens.models import Specimen

    return [
        selector_probe(Specimen),
        can_view_probe(),
        page_probe(),
        list_page_probe("/specimens/"),
        api_detail_probe("/api/v1/specimens/{pk}", bearer=True),
        api_detail_probe("/api/v1/specimens/{pk}", bearer=False),
        api_list_probe("/api/v1/specimens?page_size=100"),
        *admin_probes(Specimen, usage_target=_specimen_usage_target),
        *(image_url_probe(size) for size in ("original", "thumbnail", "display", "zoom")),
        *media_probes(api_url="/api/v1/specimens/{pk}", images=True),
        glossary_term_probe(),
        compare_probe(),
        similar_api_probe(),
        similar_section_probe(),
        home_probe(),
        search_probe(),
        search_api_probe(),
        search_page_probe(),
        search_suggest_probe(),
    ]


register(
    ContentType(
        "specimen",
        "specimens.Specimen",
        _make_specimen,
        _grant_specimen,
        _specimen_probes(),
        levels=tuple(level for level in LEVELS if level != "draft-members"),
    )
)


# --- alerts --------------------------------------------------------------------------------


def _make_alert(title, owner, distribution, released):
    from django.utils import timezone

    from portal.alerts.models import AlertBulletin

    alert = AlertBulletin.objects.create(
        title=title,
        summary=f"Summary of {title}",
        owner_country=Country.objects.get(pk=owner),
        severity="high",
        tlp="amber",
        status="published" if released else "draft",
        live=released,
        first_published_at=timezone.now() if released else None,
        published_at=timezone.now() if released else None,
    )
    distribution_apply(
        item=alert, distribution=Distribution.from_data(distribution, allows_public=False)
    )
    # Its own image (a media kind of its own: ``alert-images``), before the revision.
    image_attach_to(alert, role="forgery", light_source="uv")
    lifecycle_history_make(alert)
    return alert


def lifecycle_history_make(item):
    """Give a lifecycle item what its admin object views name besides its id: a revision
    and a finished (cancelled) review with its task state, so that the revision, compare
    and workflow views of the matrix reach a real revision, task and workflow state."""
    from portal.lifecycle.services import review_workflow

    item.save_revision(log_action=False, clean=False)
    review_workflow().start(item, None).cancel(user=None)


def _grant_alert(item, user):
    assign_perm("view_alertbulletin", user, item)


def _alert_probes():
    from portal.alerts.models import AlertBulletin

    return [
        selector_probe(AlertBulletin),
        can_view_probe(),
        page_probe(),
        list_page_probe("/alerts/"),
        api_detail_probe("/api/v1/alerts/{pk}", bearer=True),
        api_detail_probe("/api/v1/alerts/{pk}", bearer=False),
        api_list_probe("/api/v1/alerts?page_size=100"),
        *admin_probes(AlertBulletin),
        *image_probes(api_url="/api/v1/alerts/{pk}"),
        home_alert_probe(),
        home_desk_probe(),
        search_probe(),
        search_api_probe(),
        search_page_probe(),
        search_suggest_probe(),
    ]


def home_desk_probe():
    """The home page's desk: the user's unacknowledged alerts, with their count."""

    def see(client, item, user):
        response = client.get("/")
        if user.is_anonymous:
            assert response.status_code == 302
            return False
        assert response.status_code == 200
        html = response.content.decode()
        start = html.index('class="card desk"')
        return item.title in html[start : html.index("</section>", start)]

    # A selection (published, unexpired, unacknowledged): an invisible item never there.
    return Probe("home-desk", see, reaches=signed_in, exact=False)


def home_alert_probe():
    """The home page's "latest alerts" panel (the item made the newest first)."""

    def see(client, item, user):
        from django.utils import timezone

        type(item).objects.filter(pk=item.pk).update(published_at=timezone.now())
        response = client.get("/")
        if user.is_anonymous:
            assert response.status_code == 302
            return False
        assert response.status_code == 200
        return item.title in response.content.decode()

    return Probe("home", see, reaches=signed_in)


register(
    ContentType(
        "alert",
        "alerts.AlertBulletin",
        _make_alert,
        _grant_alert,
        _alert_probes(),
        # Alerts are never public (the API refuses it: tests/alerts); drafts are tested.
        levels=tuple(level for level in LEVELS if level != "public"),
    )
)


# === training: courses (T1's registration, extended by the matrix helper) ===
# A course carries its parts: a module with a lesson, a quiz (one choice question) and an
# uploaded training image. The parts have no distribution of their own: each of their
# channels must show them exactly when the course is visible (the same EXPECTED row).
# E-mail: training mails only a certificate's holder (the expiry reminder), never the
# readers of a course: tests/access/test_training_records.py, not a matrix channel.


def _make_course(title, owner, distribution, released):
    from django.utils import timezone

    from portal.training.models import Choice, Course, CourseModule, Lesson, Question, Quiz

    course = Course.objects.create(
        title=title,
        summary=f"Summary of {title}",
        owner_country=Country.objects.get(pk=owner),
        live=released,
        status="published" if released else "draft",
        first_published_at=timezone.now() if released else None,
    )
    distribution_apply(item=course, distribution=Distribution.from_data(distribution))
    module = CourseModule.objects.create(course=course, title=f"Module of {title}")
    Lesson.objects.create(module=module, title=f"Lesson of {title}")
    quiz = Quiz.objects.create(module=module, title=f"Quiz of {title}")
    question = Question.objects.create(quiz=quiz, kind="choice", prompt=f"Question of {title}")
    Choice.objects.create(question=question, text="Right", correct=True)
    Choice.objects.create(question=question, text="Wrong")
    image_attach_to(course, caption=f"Image of {title}")
    video_attach_to(course, caption=f"Video of {title}")
    lifecycle_history_make(course)
    return course


def _grant_course(item, user):
    assign_perm("view_course", user, item)


def _course_part(item, kind: str):
    """The course's lesson, quiz, question, training image or video (``_make_course``)."""
    from portal.training.models import Lesson, Question, Quiz, TrainingImage, TrainingVideo

    model = {
        "lesson": Lesson,
        "quiz": Quiz,
        "question": Question,
        "trainingimage": TrainingImage,
        "trainingvideo": TrainingVideo,
    }
    lookup = {"trainingimage": "course", "trainingvideo": "course"}.get(kind) or (
        "quiz__module__course" if kind == "question" else "module__course"
    )
    return model[kind].objects.get(**{lookup: item})


def course_part_page_probe(kind: str, url_name: str, *, login_required: bool = False):
    """A lesson's or a quiz's page: 200 naming it exactly when its course is visible, a
    404 that does not name it otherwise; anonymous visitors are sent to sign in (for a
    quiz always: taking one needs an account)."""

    def see(client, item, user):
        from django.urls import reverse

        part = _course_part(item, kind)
        response = client.get(reverse(url_name, kwargs={"pk": part.pk}))
        return _page_seen(response, user, part.title)

    return Probe(f"{kind}-page", see, reaches=signed_in if login_required else (lambda u: True))


def course_part_admin_probe(kind: str):
    """A course part's admin edit view (lessons, quizzes, questions, training images):
    only those who may *change* the course (here THA's experts and superusers, at every
    level) open it; everyone else in the admin meets a 404 that does not name it, and
    officers and visitors are turned away. Not exact: a reader of the course may not edit
    its parts; a leak (opened by someone who may not see the course) fails."""

    def see(client, item, user):
        part = _course_part(item, kind)
        name = str(part)
        response = client.get(f"/admin/snippets/training/{kind}/edit/{part.pk}/")
        if not admin_user(user.username):
            assert response.status_code in {302, 403}, (user.username, response.status_code)
            assert name not in response.content.decode()
            return False
        editor = user.username in EDITORS
        assert (response.status_code == 200) is editor, (user.username, response.status_code)
        if not editor:
            assert response.status_code == 404, response.status_code
            assert name not in response.content.decode()
        listing = client.get(f"/admin/snippets/training/{kind}/")
        assert listing.status_code == 200, listing.status_code
        assert (name in listing.content.decode()) is editor, (user.username, "listing")
        return editor

    return Probe(f"admin-{kind}", see, reaches=admin_user, exact=False)


def quiz_api_probe():
    """``GET /api/v1/quizzes/{id}`` (by API token): 200 with its questions exactly when the
    course is visible, a 404 that does not name it otherwise; anonymous callers 401."""

    def see(client, item, user):
        from portal.accounts.services import api_token_issue

        quiz = _course_part(item, "quiz")
        if user.is_anonymous:
            response = client.get(f"/api/v1/quizzes/{quiz.pk}")
            assert response.status_code == 401, response.status_code
            return False
        _, token = api_token_issue(user=user, name="matrix")
        client.logout()
        response = client.get(f"/api/v1/quizzes/{quiz.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
        if response.status_code == 200:
            data = response.json()
            assert data["id"] == quiz.pk and len(data["questions"]) == 1, data
            assert "correct" not in response.content.decode()
            return True
        assert response.status_code == 404, response.status_code
        assert quiz.title not in response.content.decode()
        return False

    return Probe("quiz-api", see, reaches=signed_in)


def home_course_probe():
    """The home page's "New courses" panel (the item made the newest first). Drafts are
    never in it (the trainers' business, in the admin): only published items are probed."""

    def see(client, item, user):
        from django.utils import timezone

        type(item).objects.filter(pk=item.pk).update(first_published_at=timezone.now())
        response = client.get("/")
        if user.is_anonymous:
            assert response.status_code == 302
            return False
        assert response.status_code == 200
        return item.title in response.content.decode()

    return Probe("home", see, reaches=signed_in, applies=lambda item: item.is_released())


def _course_probes():
    from portal.training.models import Course

    return [
        selector_probe(Course),
        can_view_probe(),
        page_probe(),
        list_page_probe("/training/"),
        course_part_page_probe("lesson", "training:lesson"),
        course_part_page_probe("quiz", "training:quiz", login_required=True),
        api_detail_probe("/api/v1/courses/{pk}", bearer=True),
        api_detail_probe("/api/v1/courses/{pk}", bearer=False),
        api_list_probe("/api/v1/courses?page_size=100"),
        quiz_api_probe(),
        *admin_probes(Course),
        *(
            course_part_admin_probe(kind)
            for kind in ("lesson", "quiz", "question", "trainingimage", "trainingvideo")
        ),
        *image_probes(),
        *video_probes(),
        home_course_probe(),
        search_probe(),
        search_api_probe(),
        search_page_probe(),
        search_suggest_probe(),
    ]


register(ContentType("course", "training.Course", _make_course, _grant_course, _course_probes()))
# === end training: courses ===


# === meetings (issue 14, P3) ===
# A meeting carries its parts: an agenda item with a decision (final minutes), an action
# item of THA, an invited country and a PDF. Its network is one without a chair (the
# network's chair edits its meetings wherever they work, which would add an editor to
# the EXPECTED rows); who sees it is its distribution, like every shared type. Parts and
# calendar channels must show it exactly when the meeting is visible (the same rows).


def _make_meeting(title, owner, distribution, released):
    import datetime as dt

    from django.utils import timezone

    from portal.access.models import Network
    from portal.meetings.models import (
        ActionItem,
        AgendaItem,
        Attendance,
        Meeting,
        MinutesStatus,
        Outcome,
    )

    network, _ = Network.objects.get_or_create(
        slug="matrix-meetings", defaults={"name": "Matrix meetings (no chair)"}
    )
    starts = timezone.now() + dt.timedelta(days=7)
    meeting = Meeting.objects.create(
        title=title,
        network=network,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        timezone="Asia/Manila",
        owner_country=Country.objects.get(pk=owner),
        live=released,
        status="published" if released else "draft",
        first_published_at=timezone.now() if released else None,
        minutes_status=MinutesStatus.FINAL,
    )
    distribution_apply(item=meeting, distribution=Distribution.from_data(distribution))
    Attendance.objects.create(meeting=meeting, country_id="VNM")
    item = AgendaItem.objects.create(meeting=meeting, title=f"Agenda of {title}", sort_order=0)
    Outcome.objects.create(agenda_item=item, kind="decision", text=f"Decision of {title}")
    done = Outcome.objects.create(agenda_item=item, kind="action", text=f"Action of {title}")
    ActionItem.objects.create(
        meeting=meeting,
        agenda_item=item,
        outcome=done,
        text=f"Action of {title}",
        owner_country_id=owner,
        due=timezone.localdate() - dt.timedelta(days=3),
    )
    document_attach_to(meeting)
    lifecycle_history_make(meeting)
    return meeting


def _grant_meeting(item, user):
    assign_perm("view_meeting", user, item)


def _shown(response, user, text: str) -> bool:
    """A signed-in page or file that is 200 naming ``text``, or a 404 that does not name
    it; anonymous visitors are sent to sign in."""
    if user.is_anonymous:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/")
        return False
    body = response.content.decode()
    if response.status_code == 200:
        return text in body
    assert response.status_code == 404, response.status_code
    assert text not in body
    return False


def meeting_list_probe():
    """``/meetings/`` (upcoming) and ``/meetings/?when=past``: the title listed exactly
    when the meeting is visible."""

    def see(client, item, user):
        seen = False
        for url in ("/meetings/", "/meetings/?when=past"):
            response = client.get(url)
            if user.is_anonymous:
                assert response.status_code == 302, response.status_code
                continue
            assert response.status_code == 200, (url, response.status_code)
            seen = seen or item.title in response.content.decode()
        return seen

    return Probe("list-page", see, reaches=signed_in)


def meeting_ics_probe():
    """``/meetings/<pk>/ics``: the calendar file (with the meeting's UID) exactly when the
    meeting is visible, a 404 otherwise; anonymous visitors are sent to sign in."""

    def see(client, item, user):
        response = client.get(f"/meetings/{item.pk}/ics")
        if response.status_code == 200:
            assert response["Content-Type"].startswith("text/calendar")
            body = response.content.decode()
            assert item.ical_uid in body.replace("\r\n ", "")
            return True
        return _shown(response, user, item.ical_uid)

    return Probe("ics", see)


def meeting_feed_probe():
    """The user's personal calendar feed (a new secret URL, fetched without signing in):
    the meeting's UID is in it exactly when its owner may see the meeting."""

    def see(client, item, user):
        from portal.meetings.services import calendar_feed_create

        if user.is_anonymous:  # no feed of one's own; an unknown token is a plain 404
            response = client.get("/meetings/feed/not-a-token.ics")
            assert response.status_code == 404, response.status_code
            return False
        feed = calendar_feed_create(user=user)
        client.logout()
        response = client.get(f"/meetings/feed/{feed.token}.ics")
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"].startswith("text/calendar")
        return item.ical_uid in response.content.decode().replace("\r\n ", "")

    return Probe("calendar-feed", see, reaches=signed_in)


def meeting_agenda_probe():
    """The agenda item (its title) on the meeting page and in the API's ``agenda``."""

    def see(client, item, user):
        title = f"Agenda of {item.title}"
        on_page = _shown(client.get(f"/meetings/{item.pk}/"), user, title)
        response = client.get(f"/api/v1/meetings/{item.pk}")
        if response.status_code == 200:
            in_api = title in [row["title"] for row in response.json()["agenda"]]
        else:
            assert response.status_code == (401 if user.is_anonymous else 404)
            assert title not in response.content.decode()
            in_api = False
        assert on_page is in_api, (on_page, in_api)
        return on_page

    return Probe("agenda-item", see)


def meeting_minutes_probe():
    """Final minutes: the decision on the meeting page, in the API's outcomes and in the
    decision register (``/meetings/decisions/``) exactly where the meeting is seen."""

    def see(client, item, user):
        text = f"Decision of {item.title}"
        on_page = _shown(client.get(f"/meetings/{item.pk}/"), user, text)
        register = client.get("/meetings/decisions/")
        if user.is_anonymous:
            assert register.status_code == 302, register.status_code
            in_register = False
        else:
            assert register.status_code == 200, register.status_code
            in_register = text in register.content.decode()
        response = client.get(f"/api/v1/meetings/{item.pk}")
        in_api = response.status_code == 200 and text in [
            outcome["text"] for row in response.json()["agenda"] for outcome in row["outcomes"]
        ]
        if response.status_code != 200:
            assert text not in response.content.decode()
        assert on_page is in_register is in_api, (on_page, in_register, in_api)
        return on_page

    return Probe("minutes", see)


def meeting_action_page_probe():
    """``/meetings/actions/``: the meeting's action listed exactly when it is visible."""

    def see(client, item, user):
        response = client.get("/meetings/actions/")
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            return False
        assert response.status_code == 200, response.status_code
        return f"Action of {item.title}" in response.content.decode()

    return Probe("actions-page", see, reaches=signed_in)


def meeting_action_api_probe():
    """``GET /api/v1/actions`` and ``/api/v1/actions/{id}``: the action exactly when its
    meeting is visible (a 404 naming nothing otherwise); anonymous callers 401."""

    def see(client, item, user):
        action = item.actions.get()
        listing = client.get("/api/v1/actions")
        detail = client.get(f"/api/v1/actions/{action.pk}")
        if user.is_anonymous:
            assert listing.status_code == 401 and detail.status_code == 401
            return False
        assert listing.status_code == 200, listing.status_code
        data = listing.json()
        ids = [row["id"] for row in data["results"]]
        assert data["count"] == len(ids)
        if detail.status_code != 200:
            assert detail.status_code == 404, detail.status_code
            assert action.text not in detail.content.decode()
        assert (action.pk in ids) is (detail.status_code == 200), (ids, detail.status_code)
        return action.pk in ids

    return Probe("actions-api", see, reaches=signed_in)


def _meeting_probes():
    from portal.meetings.models import Meeting

    return [
        selector_probe(Meeting),
        can_view_probe(),
        page_probe(),
        meeting_list_probe(),
        api_detail_probe("/api/v1/meetings/{pk}", bearer=True),
        api_detail_probe("/api/v1/meetings/{pk}", bearer=False),
        api_list_probe("/api/v1/meetings?page_size=100"),
        meeting_ics_probe(),
        meeting_feed_probe(),
        meeting_agenda_probe(),
        meeting_minutes_probe(),
        meeting_action_page_probe(),
        meeting_action_api_probe(),
        *media_probes()[:2],  # the file by session and by token: not in the admin form
        *admin_probes(Meeting),
        search_probe(),
        search_api_probe(),
        search_page_probe(),
        search_suggest_probe(),
    ]


register(
    ContentType(
        "meeting",
        "meetings.Meeting",
        _make_meeting,
        _grant_meeting,
        _meeting_probes(),
        # Meetings are never public; drafts are tested.
        levels=tuple(level for level in LEVELS if level != "public"),
    )
)
# === end meetings ===
