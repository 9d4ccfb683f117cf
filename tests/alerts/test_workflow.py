"""The lifecycle: drafts from the admin, review by a second expert, withdrawal, expiry."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from portal.access import rule
from portal.access.models import Role, User
from portal.access.services import user_roles_set
from portal.alerts import selectors, services
from portal.alerts.models import AlertBulletin, AlertStatus, CountryAlertPolicy
from portal.push.services import _read_after_commit

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/alerts/alertbulletin/add/"


@pytest.fixture
def second_expert(users):
    user = User.objects.create_user("expert2.tha", password="pw", country_id="THA")
    user_roles_set(user=user, roles=[Role.EXPERT])
    return user


def _alert(users, **fields):
    return services.alert_create(
        author=users["expert.tha"],
        distribution=fields.pop("distribution", {"level": "networks", "networks": ["andex"]}),
        title=fields.pop("title", "Counterfeit THA visa foils"),
        summary="No UV fibres.",
        severity=fields.pop("severity", "high"),
        tlp=fields.pop("tlp", "amber"),
        **fields,
    )


def _admin_form(**overrides):
    return {
        "title": "Admin-made alert",
        "summary": "Laminate lifts at the corner.",
        "body": "",
        "severity": "medium",
        "tlp": "green",
        "valid_until": "",
        "issuing_country": "THA",
        "document_type": "passport",
        "fraud_type": "",
        "owner_country": "THA",
        "distribution_level": "networks",
        "shared_networks": [],
        # The inline panels of images (empty: tests/alerts/test_images.py posts them).
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        "images-MIN_NUM_FORMS": 0,
        "images-MAX_NUM_FORMS": 1000,
        "specimen_images-TOTAL_FORMS": 0,
        "specimen_images-INITIAL_FORMS": 0,
        "specimen_images-MIN_NUM_FORMS": 0,
        "specimen_images-MAX_NUM_FORMS": 1000,
        **overrides,
    }


def test_review_by_a_second_expert_on_the_page(client, users, second_expert):
    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    alert = _alert(users)
    assert alert.status == AlertStatus.IN_REVIEW
    # Readers do not see it yet; its author cannot approve it herself.
    client.force_login(users["officer.vnm"])
    assert client.get(alert.get_absolute_url()).status_code == 404
    client.force_login(users["expert.tha"])
    page = client.get(alert.get_absolute_url()).content.decode()
    assert "Waiting for a second expert" in page and "Approve and publish" not in page
    response = client.post(f"/alerts/{alert.pk}/workflow/", {"move": "publish"}, follow=True)
    assert "second expert" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.IN_REVIEW
    # The second expert finds it on the home page, marked, and approves it.
    client.force_login(second_expert)
    assert "In review" in client.get("/").content.decode()
    assert "Approve and publish" in client.get(alert.get_absolute_url()).content.decode()
    client.post(f"/alerts/{alert.pk}/workflow/", {"move": "publish"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PUBLISHED and alert.reviewed_by == second_expert
    assert alert.published_at is not None
    client.force_login(users["officer.vnm"])
    assert client.get(alert.get_absolute_url()).status_code == 200


def test_reviewer_sends_an_alert_back_to_draft(client, users, second_expert):
    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    alert = _alert(users)
    client.force_login(second_expert)
    client.post(f"/alerts/{alert.pk}/workflow/", {"move": "return"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT
    # Officers of the country cannot move it, nor can other countries (404).
    client.force_login(users["officer.tha"])
    assert client.post(f"/alerts/{alert.pk}/workflow/", {"move": "publish"}).status_code == 404
    client.force_login(users["expert.tha"])
    page = client.get(alert.get_absolute_url()).content.decode()
    assert "Send for review" in page


def test_officers_may_not_withdraw(client, users):
    alert = _alert(users)
    client.force_login(users["officer.tha"])
    assert client.post(f"/alerts/{alert.pk}/workflow/", {"move": "withdraw"}).status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PUBLISHED


def test_withdrawn_alert_stays_readable_and_leaves_the_backlog(client, users):
    alert = _alert(users)
    assert [a.pk for a in selectors.alert_backlog(user=users["officer.vnm"])] == [alert.pk]
    client.force_login(users["expert.tha"])
    client.post(f"/alerts/{alert.pk}/workflow/", {"move": "withdraw"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.WITHDRAWN and alert.version == 2
    client.force_login(users["officer.vnm"])
    page = client.get(alert.get_absolute_url())
    assert page.status_code == 200 and "do not act on it" in page.content.decode()
    assert selectors.alert_backlog(user=users["officer.vnm"]) == []
    # Withdrawing twice is refused with a reason, not a crash.
    client.force_login(users["expert.tha"])
    response = client.post(f"/alerts/{alert.pk}/workflow/", {"move": "withdraw"}, follow=True)
    assert "Only published alerts can be withdrawn" in response.content.decode()


def test_expired_alert_is_marked_and_leaves_the_backlog(client, users):
    alert = _alert(users, valid_until=timezone.now() - dt.timedelta(days=1))
    assert selectors.alert_backlog(user=users["officer.vnm"]) == []
    client.force_login(users["officer.vnm"])
    assert "Expired" in client.get(alert.get_absolute_url()).content.decode()


def test_api_patch_moves_the_lifecycle(client, users, second_expert):
    from portal.accounts.services import api_token_issue

    def patch(user, body):
        _, token = api_token_issue(user=user, name="t")
        return client.patch(
            f"/api/v1/alerts/{alert.pk}", body, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )  # fmt: skip

    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    alert = _alert(users)
    assert patch(users["expert.tha"], {"status": "published"}).status_code == 403
    response = patch(second_expert, {"status": "published"})
    assert response.status_code == 200 and response.json()["status"] == "published"
    bad = patch(second_expert, {"status": "archived"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    assert patch(users["expert.tha"], {"status": "withdrawn"}).json()["status"] == "withdrawn"


def _fanouts(callbacks) -> list:
    """The push callbacks among those run after commit (search indexing runs there too);
    a push's reads are handed to ``push.services.on_commit_read``."""

    def pushed(callback) -> object:
        if getattr(callback, "func", None) is _read_after_commit:
            return callback.args[0]
        return callback

    return [
        cb for cb in callbacks if "_fanout_on_commit" in getattr(pushed(cb), "__qualname__", "")
    ]


def test_admin_creates_a_draft_then_the_page_publishes_it(
    client, users, django_capture_on_commit_callbacks
):
    client.force_login(users["expert.tha"])
    from portal.access.models import Network

    andex = Network.objects.get(slug="andex").pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(ADD_URL, _admin_form(shared_networks=[andex]))
    assert response.status_code == 302, response.context["form"].errors
    alert = AlertBulletin.objects.get()
    assert alert.status == AlertStatus.DRAFT and alert.created_by == users["expert.tha"]
    assert _fanouts(callbacks) == []  # nothing is pushed for a draft (search indexes it)
    client.force_login(users["officer.vnm"])
    assert client.get(alert.get_absolute_url()).status_code == 404
    client.force_login(users["expert.tha"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/alerts/{alert.pk}/workflow/", {"move": "publish"})
    assert len(_fanouts(callbacks)) == 1  # the fan-out, after commit
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PUBLISHED
    assert alert.versions.get().status == AlertStatus.PUBLISHED  # v1 is what went out
    client.force_login(users["officer.vnm"])
    assert client.get(alert.get_absolute_url()).status_code == 200


def _pushes(monkeypatch) -> list:
    pushed: list = []
    monkeypatch.setattr(services, "fanout", lambda **kw: pushed.append(kw) or 0)
    return pushed


def _edit_url(alert) -> str:
    return f"/admin/snippets/alerts/alertbulletin/edit/{alert.pk}/"


def test_admin_edit_of_a_published_alert_is_a_draft_until_published(
    client, users, monkeypatch, django_capture_on_commit_callbacks
):
    """Readers keep the live version, in every channel, while a change is a draft; its
    distribution travels in the revision and is applied when it is published."""
    from search import search
    from search.indexing import entry_update

    pushed = _pushes(monkeypatch)
    alert = _alert(users, distribution={"level": "country"})
    entry_update(alert)  # as after its commit
    client.force_login(users["expert.tha"])
    change = _admin_form(
        title="Widened to VNM", distribution_level="countries", shared_countries=["VNM"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_edit_url(alert), change)
    assert response.status_code == 302, response.context["form"].errors
    alert.refresh_from_db()
    assert alert.title == "Counterfeit THA visa foils" and alert.has_unpublished_changes
    assert alert.version == 1 and alert.status == AlertStatus.PUBLISHED
    assert alert.distribution == {"level": "country"}
    assert not rule.can_view(users["officer.vnm"], alert) and pushed == []
    reader = Client()
    reader.force_login(users["officer.tha"])
    page = reader.get(alert.get_absolute_url()).content.decode()
    assert "Counterfeit THA visa foils" in page and "Widened" not in page
    assert search(users["officer.tha"], "Widened").total == 0
    assert search(users["officer.tha"], "Counterfeit").total == 1
    # Its editor reopens the draft, distribution included.
    client.force_login(users["expert.tha"])
    form = client.get(_edit_url(alert)).context["form"]
    assert form["title"].value() == "Widened to VNM"
    assert [str(v) for v in form["shared_countries"].value()] == ["VNM"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_edit_url(alert), {**change, "action-publish": "action-publish"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.title == "Widened to VNM" and alert.version == 2
    assert alert.distribution == {"level": "countries", "countries": ["VNM"]}
    assert rule.can_view(users["officer.vnm"], alert)
    assert not rule.can_view(users["officer.fin"], alert)
    assert pushed[-1]["alert_id"] == alert.pk
    assert "country:THA" in pushed[-1]["previous_keys"]
    assert "country:VNM" not in pushed[-1]["previous_keys"]
    assert [v.number for v in alert.versions.all()] == [2, 1]
    assert search(users["officer.tha"], "Widened").total == 1


def _expert(username: str, country: str) -> User:
    user = User.objects.create_user(username, password="pw", country_id=country)
    user_roles_set(user=user, roles=[Role.EXPERT])
    return user


def test_review_in_the_admin_by_a_second_expert(
    client, users, second_expert, monkeypatch, django_capture_on_commit_callbacks
):
    pushed = _pushes(monkeypatch)
    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    alert = _alert(users)
    assert alert.status == AlertStatus.IN_REVIEW and not alert.live
    task_state = alert.current_workflow_task_state
    approve = (
        f"/admin/snippets/alerts/alertbulletin/workflow/action/{alert.pk}/approve/{task_state.pk}/"
    )
    # Its author can neither approve it nor publish it past the review.
    client.force_login(users["expert.tha"])
    assert client.post(approve).status_code == 302  # refused, back to the dashboard
    edit = client.get(_edit_url(alert)).content.decode()
    assert 'name="action-publish"' not in edit
    client.post(_edit_url(alert), {**_admin_form(), "action-publish": "action-publish"})
    alert.refresh_from_db()
    assert not alert.live and alert.status == AlertStatus.IN_REVIEW
    # An expert of another country never meets it, not even on the dashboard.
    client.force_login(_expert("expert.vnm", "VNM"))
    assert alert.title not in client.get("/admin/").content.decode()
    assert client.post(approve).status_code == 404
    # The second expert finds it awaiting review and approves it: published and pushed.
    client.force_login(second_expert)
    assert alert.title in client.get("/admin/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(approve).status_code == 302
    alert.refresh_from_db()
    assert alert.live and alert.status == AlertStatus.PUBLISHED
    assert alert.reviewed_by == second_expert and alert.published_at is not None
    assert pushed[-1] == {"alert_id": alert.pk, "previous_keys": set()}
    assert rule.can_view(users["officer.vnm"], alert)


def test_a_workflow_action_acts_only_on_a_task_of_its_own_item(client, users, second_expert):
    """Wagtail finds the task state by its id alone: a reviewer of one item cannot act on
    another item's review by naming its task state."""
    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    CountryAlertPolicy.objects.create(country_id="VNM", requires_review=True)
    tha = _alert(users)
    vnm_author, vnm_reviewer = _expert("expert.vnm", "VNM"), _expert("expert2.vnm", "VNM")
    vnm = services.alert_create(
        author=vnm_author, distribution={"level": "country"}, title="VNM", summary="s",
        severity="low", tlp="amber",
    )  # fmt: skip
    foreign = tha.current_workflow_task_state.pk
    client.force_login(vnm_reviewer)
    base = "/admin/snippets/alerts/alertbulletin/workflow"
    for url in (
        f"{base}/action/{vnm.pk}/approve/{foreign}/",
        f"{base}/collect_action_data/{vnm.pk}/approve/{foreign}/",
        f"{base}/action/{tha.pk}/approve/{foreign}/",
    ):
        assert client.post(url).status_code == 404, url
    tha.refresh_from_db()
    assert tha.status == AlertStatus.IN_REVIEW and not tha.live
    # The task itself refuses too, whatever view reaches it.
    task_state = tha.current_workflow_task_state
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, vnm_reviewer, "approve")


def test_scheduled_publication_goes_live_later_and_pushes(
    client, users, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from wagtail.models import Revision

    from portal.access.models import Network

    pushed = _pushes(monkeypatch)
    andex = Network.objects.get(slug="andex").pk
    # The admin reads the time in its user's zone: THA's, as every admin page shows it.
    later = (timezone.now() + dt.timedelta(hours=2)).astimezone(ZoneInfo("Asia/Bangkok"))
    client.force_login(users["expert.tha"])
    form = _admin_form(shared_networks=[andex], go_live_at=later.strftime("%Y-%m-%d %H:%M"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_URL, {**form, "action-publish": "action-publish"})
    assert response.status_code == 302, response.context["form"].errors
    alert = AlertBulletin.objects.get()
    assert not alert.live and alert.status == AlertStatus.DRAFT and pushed == []
    assert not rule.can_view(users["officer.vnm"], alert)
    # Time passes: the scheduled revision is due.
    revision = Revision.objects.get(object_id=str(alert.pk), approved_go_live_at__isnull=False)
    past = timezone.now() - dt.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    alert.refresh_from_db()
    assert alert.live and alert.status == AlertStatus.PUBLISHED and alert.published_at
    assert pushed == [{"alert_id": alert.pk, "previous_keys": set()}]
    assert rule.can_view(users["officer.vnm"], alert)


def test_a_locked_alert_is_saved_only_by_whoever_locked_it(client, users, second_expert):
    alert = _alert(users, distribution={"level": "country"})
    client.force_login(users["expert.tha"])
    lock = f"/admin/snippets/alerts/alertbulletin/lock/{alert.pk}/"
    assert client.post(lock).status_code == 302
    alert.refresh_from_db()
    assert alert.locked and alert.locked_by == users["expert.tha"]
    client.force_login(second_expert)
    client.post(_edit_url(alert), {**_admin_form(title="Overwritten"), "action-publish": "1"})
    alert.refresh_from_db()
    assert alert.title == "Counterfeit THA visa foils" and alert.version == 1
    # Another country's expert cannot even reach the lock.
    client.force_login(_expert("expert.vnm", "VNM"))
    assert (
        client.post(f"/admin/snippets/alerts/alertbulletin/unlock/{alert.pk}/").status_code == 404
    )


def test_workflow_reports_and_dashboard_list_only_visible_items(client, users, second_expert):
    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    alert = _alert(users, title="THA alert awaiting review")
    reports = ("/admin/", "/admin/reports/workflow/", "/admin/reports/workflow_tasks/")
    client.force_login(users["admin"])
    for url in reports[1:]:  # the reports do list it to whoever may see it
        assert alert.title in client.get(url).content.decode(), url
    client.force_login(_expert("expert.vnm", "VNM"))
    for url in reports:
        response = client.get(url)
        assert alert.title not in response.content.decode(), url


def test_existing_alerts_are_migrated_onto_the_lifecycle():
    """The data migration: statuses become live/withdrawn/workflow, nothing is lost."""
    import importlib

    from django.apps import apps
    from wagtail.models import Revision

    from portal.access.models import Country

    migration = importlib.import_module("portal.alerts.migrations.0004_lifecycle_data")
    made = {}
    for status in ("draft", "in_review", "published", "withdrawn"):
        made[status] = AlertBulletin.objects.create(
            title=f"Old {status}", summary="s", owner_country=Country.objects.get(pk="THA"),
            status=status, version=3, published_at=timezone.now(),
        )  # fmt: skip
        made[status].shared_countries.set(["VNM"])
    migration.forward(apps, None)
    for status, alert in made.items():
        alert.refresh_from_db()
        released = status in {"published", "withdrawn"}
        assert alert.live is released and alert.withdrawn is (status == "withdrawn")
        assert alert.status == status and alert.version == 3
        revision = Revision.objects.get(object_id=str(alert.pk))
        assert alert.latest_revision == revision
        assert (alert.live_revision == revision) is released
        assert revision.content["_m2m"]["shared_countries"] == ["VNM"]
        assert revision.as_object().title == f"Old {status}"
    in_review = made["in_review"]
    assert in_review.lifecycle_status() == AlertStatus.IN_REVIEW
    assert in_review.current_workflow_task is not None


def test_readers_of_a_live_alert_never_meet_its_pending_draft_in_the_admin(
    client, users, second_expert
):
    """A live alert's unpublished change (a new title, a narrower distribution) is its
    editors' business: every admin view of the alert — history, usage, revisions, inspect
    and whatever else the viewset has — and the workflow reports show a reader of the
    live alert (an expert of another country) the live title or nothing, never the
    draft's."""
    from portal.lifecycle.services import revision_save
    from tests.access.admin_urls import object_view_params, object_view_urls

    alert = _alert(users, distribution={"level": "members"}, title="Live title")
    draft = AlertBulletin.objects.get(pk=alert.pk)
    draft.title = "SECRET draft title"
    draft.distribution_level = "country"
    revision_save(item=draft, user=users["expert.tha"])
    alert.refresh_from_db()
    assert alert.title == "Live title" and alert.has_unpublished_changes
    reader = users["chair.andex"]
    assert rule.can_view(reader, alert) and not rule.can_change(reader, alert)
    client.force_login(reader)
    # No workflow ran: its views get ids of nothing (they must still name no draft).
    nothing = {"action_name": "approve", "task_state_id": 10**9, "workflow_state_id": 10**9}
    urls = object_view_urls(AlertBulletin, alert.pk, {**nothing, **object_view_params(alert)})
    assert {"history", "usage"} <= set(urls)
    pages = [*urls.values(), "/admin/reports/workflow/", "/admin/reports/workflow_tasks/"]
    for url in pages:
        response = client.get(url)
        assert "SECRET" not in response.content.decode(), (url, response.status_code)
    # Its editors do see the draft where Wagtail shows it.
    client.force_login(users["expert.tha"])
    assert "SECRET draft title" in client.get(urls["history"]).content.decode()


def test_a_revision_checks_only_the_foreign_keys_its_item_does_not_hold(
    users, django_assert_num_queries
):
    """Turning a revision into an object (every publication does) looks up a foreign key
    only where the revision names another object than the item holds: the rest exist."""
    alert = _alert(users, issuing_country="THA")
    content = dict(alert.latest_revision.content)
    country = alert.owner_country  # loaded with the item
    with django_assert_num_queries(0):
        same = alert.with_content_json(content)
        assert same.owner_country is country  # the item's, not read again
    assert same.issuing_country_id == "THA" and same.created_by_id == alert.created_by_id

    content["issuing_country"] = "VNM"
    with django_assert_num_queries(1):  # the one that changed is looked up, as Wagtail does
        other = alert.with_content_json(content)
    assert other.issuing_country_id == "VNM" and other.owner_country_id == "THA"


def test_a_new_alert_keeps_its_distribution_through_its_publication(users):
    """``alert_create`` writes the relations once and its revision records them without
    reading them back; the publication does not write them again, and they hold."""
    alert = _alert(users)
    revision = alert.live_revision
    assert revision.content["_m2m"]["shared_networks"] == [
        n.pk for n in alert.shared_networks.all()
    ]
    assert [n.slug for n in alert.shared_networks.all()] == ["andex"]
    assert list(alert.shared_countries.all()) == []
    assert alert.versions.get().number == alert.version
