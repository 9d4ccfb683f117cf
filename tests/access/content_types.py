"""The content types and channels of the access matrix (one registration each)."""

from __future__ import annotations

from guardian.shortcuts import assign_perm

from portal.access import rule
from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country

from .matrix import EDITORS, ContentType, Probe, admin_user, register, signed_in

# --- probes any shared content type can reuse ------------------------------------------


def selector_probe(model):
    def see(client, item, user):
        return rule.visible_to(user=user, queryset=model.objects.all()).filter(pk=item.pk).exists()

    return Probe("selector", see)


def can_view_probe():
    def see(client, item, user):
        return rule.can_view(user, item)

    return Probe("can_view", see)


def page_probe():
    """The item's own page: 200 if visible, 404 if not; anonymous → login page."""

    def see(client, item, user):
        response = client.get(item.get_absolute_url())
        if response.status_code == 200:
            assert item.title in response.content.decode()
            return True
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            assert response["Location"].startswith("/accounts/login/")
            return False
        assert response.status_code == 404, response.status_code
        assert item.title not in response.content.decode()
        return False

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

    def see(client, item, user):
        edit = client.get(f"/admin/snippets/{app_label}/{model_name}/edit/{item.pk}/")
        if not admin_user(user.username):
            # Officers and anonymous visitors are turned away from the admin entirely.
            assert edit.status_code in {302, 403}, (user.username, edit.status_code)
            assert item.title not in edit.content.decode()
            return False
        listing = client.get(f"/admin/snippets/{app_label}/{model_name}/")
        listed = listing.status_code == 200 and item.title in listing.content.decode()
        editor = user.username in EDITORS
        assert (edit.status_code == 200) is editor, (user.username, edit.status_code)
        assert listed is editor, (user.username, "listed" if listed else "not listed")
        if edit.status_code != 200:
            assert item.title not in edit.content.decode()
        return edit.status_code != 404

    return Probe("admin", see, reaches=admin_user)


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
        admin_probe("shareable_app", "notice"),
    ]


def _notice_model():
    from tests.shareable_app.models import Notice

    return Notice


register(ContentType("notice", _make_notice, _grant_notice, _notice_probes()))
