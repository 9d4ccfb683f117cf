"""The lifecycle: drafts from the admin, review by a second expert, withdrawal, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from portal.access.models import Role, User
from portal.access.services import user_roles_set
from portal.alerts import selectors, services
from portal.alerts.models import AlertBulletin, AlertStatus, CountryAlertPolicy

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
    """The push callbacks among those run after commit (search indexing runs there too)."""
    return [cb for cb in callbacks if "_fanout_on_commit" in cb.__qualname__]


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


def test_admin_edit_of_a_published_alert_is_a_new_version_and_pushes(
    client, users, monkeypatch, django_capture_on_commit_callbacks
):
    pushed = []
    monkeypatch.setattr(services, "fanout", lambda **kw: pushed.append(kw) or 0)
    alert = _alert(users, distribution={"level": "country"})
    client.force_login(users["expert.tha"])
    url = f"/admin/snippets/alerts/alertbulletin/edit/{alert.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _admin_form(title="Widened", distribution_level="members"))
    assert response.status_code == 302, response.context["form"].errors
    alert.refresh_from_db()
    assert alert.title == "Widened" and alert.version == 2
    assert pushed[-1]["alert_id"] == alert.pk
    assert "country:THA" in pushed[-1]["previous_keys"]
    assert "members" not in pushed[-1]["previous_keys"]
