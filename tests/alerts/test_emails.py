"""E-mail subscriptions: who is written to, and what TLP lets the e-mail carry."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from portal.alerts import services
from portal.alerts.emails import alert_emails_send
from portal.alerts.models import AlertSubscription, Receipt
from tests.core.mail_backends import FlakyEmailBackend
from tests.core.worker import DATABASE_TASKS, db_worker_batch

pytestmark = pytest.mark.django_db

SUMMARY = "Missing UV fibres in the foil; laminate lifts at the corner."


@pytest.fixture(autouse=True)
def _mail_server_answers():
    FlakyEmailBackend.fail_next(0)  # used only where a test names it in EMAIL_BACKEND
    yield
    FlakyEmailBackend.fail_next(0)


def _subscribe(user, **fields):
    countries = fields.pop("issuing_countries", [])
    subscription = AlertSubscription.objects.create(user=user, **fields)
    subscription.issuing_countries.set(countries)
    return subscription


def _publish(users, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        return services.alert_create(
            author=users["expert.tha"],
            distribution=fields.pop("distribution", {"level": "networks", "networks": ["andex"]}),
            title=fields.pop("title", "Counterfeit THA visa foils"),
            summary=SUMMARY,
            severity=fields.pop("severity", "high"),
            tlp=fields.pop("tlp", "green"),
            issuing_country="THA",
            document_type=fields.pop("document_type", "visa"),
        )


def _to(name):
    return [m for m in mail.outbox if m.to == [f"{name}@demo.invalid"]]


@pytest.mark.parametrize(
    ("tlp", "title_sent", "summary_sent"),
    [
        ("clear", True, True),
        ("green", True, True),
        ("amber", True, False),
        ("amber+strict", True, False),
        ("red", False, False),
    ],
)
def test_what_the_email_carries_by_tlp(
    users, django_capture_on_commit_callbacks, tlp, title_sent, summary_sent
):
    _subscribe(users["officer.vnm"], high_and_critical=True)
    alert = _publish(users, django_capture_on_commit_callbacks, tlp=tlp)
    [message] = _to("officer.vnm")
    text = message.subject + message.body
    assert f"/alerts/{alert.pk}/" in message.body
    assert ("Counterfeit THA visa foils" in text) is title_sent
    assert (SUMMARY in text) is summary_sent
    if tlp == "red":
        assert "TLP:RED" in message.subject and "High" not in text


def test_only_subscribers_who_may_see_it_and_whose_topics_match(
    users, django_capture_on_commit_callbacks
):
    from portal.access.models import Country

    _subscribe(users["officer.vnm"], high_and_critical=True)  # andex: may see it
    _subscribe(users["officer.fin"], high_and_critical=True)  # not andex: never
    _subscribe(users["officer.tha"], document_types=["passport"])  # other topic
    _subscribe(users["expert.tha"], issuing_countries=[Country.objects.get(pk="THA")])
    _publish(users, django_capture_on_commit_callbacks, severity="medium")
    # medium: high_and_critical does not match; THA issuing-country subscription does.
    assert [m.to for m in mail.outbox] == [["expert.tha@demo.invalid"]]
    mail.outbox.clear()
    _publish(users, django_capture_on_commit_callbacks, severity="critical")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "expert.tha@demo.invalid",
        "officer.vnm@demo.invalid",
    ]


def test_written_once_and_a_widening_writes_only_to_the_newly_permitted(
    users, django_capture_on_commit_callbacks
):
    _subscribe(users["officer.tha"], document_types=["visa"])
    _subscribe(users["officer.fin"], document_types=["visa"])
    alert = _publish(users, django_capture_on_commit_callbacks, distribution={"level": "country"})
    assert [m.to for m in mail.outbox] == [["officer.tha@demo.invalid"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_update(
            alert=alert, editor=users["expert.tha"], fields={"title": "Now for members"},
            distribution={"level": "members"},
        )  # fmt: skip
    assert [m.to for m in mail.outbox] == [
        ["officer.tha@demo.invalid"],
        ["officer.fin@demo.invalid"],
    ]
    assert alert_emails_send(alert=alert, previous_keys=set()) == 0  # nobody twice


def test_drafts_and_reviews_send_nothing(users, django_capture_on_commit_callbacks):
    from portal.alerts.models import CountryAlertPolicy

    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    _subscribe(users["officer.tha"], high_and_critical=True)
    _publish(users, django_capture_on_commit_callbacks)
    # Wagtail's own workflow notification may reach the reviewers; subscribers get nothing.
    assert _to("officer.tha") == []


def test_a_failing_mail_server_does_not_undo_the_publication(
    users, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = 1  # nothing listens there
    _subscribe(users["officer.vnm"], high_and_critical=True)
    alert = _publish(users, django_capture_on_commit_callbacks)
    alert.refresh_from_db()
    assert alert.status == "published"


def test_an_smtp_failure_is_retried_and_nobody_is_written_twice(
    users, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.core.mail_backends.FlakyEmailBackend"
    FlakyEmailBackend.fail_next(1, after=1)  # the second message meets a dropped connection
    _subscribe(users["officer.vnm"], high_and_critical=True)
    _subscribe(users["officer.tha"], high_and_critical=True)
    with caplog.at_level(logging.WARNING, logger="portal.tasks"):
        alert = _publish(users, django_capture_on_commit_callbacks)
    # First attempt: one sent, one refused. Second attempt: only the one not written to.
    assert FlakyEmailBackend.calls == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "officer.tha@demo.invalid",
        "officer.vnm@demo.invalid",
    ]
    assert Receipt.objects.filter(alert=alert, emailed_at__isnull=False).count() == 2
    [retry] = [r.getMessage() for r in caplog.records if r.name == "portal.tasks"]
    assert "alert_emails_task attempt 1 of 5 failed (SMTPServerDisconnected" in retry


def test_a_mail_server_down_for_good_gives_up_and_releases_the_receipts(
    users, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.core.mail_backends.FlakyEmailBackend"
    FlakyEmailBackend.fail_next(100)
    _subscribe(users["officer.vnm"], high_and_critical=True)
    with caplog.at_level(logging.WARNING, logger="portal.tasks"):
        alert = _publish(users, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and FlakyEmailBackend.calls == 5
    assert any("gave up after 5 attempts" in r.getMessage() for r in caplog.records)
    # Nobody is marked as written to: a later send (a widening, a re-run) still reaches them.
    assert not Receipt.objects.filter(alert=alert, emailed_at__isnull=False).exists()
    FlakyEmailBackend.fail_next(0)
    assert alert_emails_send(alert=alert, previous_keys=set()) == 1


def test_an_address_refused_for_good_does_not_hold_back_the_others(
    users, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.core.mail_backends.FlakyEmailBackend"
    FlakyEmailBackend.refused = frozenset({"officer.vnm@demo.invalid"})
    _subscribe(users["officer.vnm"], high_and_critical=True)  # first in line
    _subscribe(users["officer.tha"], high_and_critical=True)
    with caplog.at_level(logging.WARNING):
        alert = _publish(users, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["officer.tha@demo.invalid"]]
    assert FlakyEmailBackend.calls == 2  # no retry of the whole task
    assert not any(r.name == "portal.tasks" for r in caplog.records)
    assert any("refused the e-mail about alert" in r.getMessage() for r in caplog.records)
    emailed = Receipt.objects.filter(alert=alert, emailed_at__isnull=False)
    assert list(emailed.values_list("user__username", flat=True)) == ["officer.tha"]


@pytest.mark.django_db(transaction=True)
def test_publishing_only_queues_the_email_and_a_narrowing_before_it_runs_is_obeyed(users, settings):
    settings.TASKS = DATABASE_TASKS
    _subscribe(users["officer.vnm"], document_types=["visa"])  # andex: may see it at first
    _subscribe(users["officer.tha"], document_types=["visa"])
    alert = _publish_now(users)
    assert mail.outbox == []  # nothing sent in the request
    assert DBTaskResult.objects.filter(task_path__endswith="alert_emails_task").exists()
    services.alert_update(
        alert=alert, editor=users["expert.tha"], fields={}, distribution={"level": "country"}
    )
    db_worker_batch()
    # officer.vnm could see it when the task was queued, no longer when it ran.
    assert [m.to for m in mail.outbox] == [["officer.tha@demo.invalid"]]
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


@pytest.mark.django_db(transaction=True)
def test_an_alert_withdrawn_before_the_task_runs_is_mailed_to_nobody(users, settings):
    settings.TASKS = DATABASE_TASKS
    _subscribe(users["officer.tha"], high_and_critical=True)
    alert = _publish_now(users)
    services.alert_withdraw(alert=alert, editor=users["expert.tha"])
    db_worker_batch()
    assert mail.outbox == [], [(m.subject, m.to) for m in mail.outbox]
    assert not Receipt.objects.filter(alert=alert, emailed_at__isnull=False).exists()


def _publish_now(users):
    return services.alert_create(
        author=users["expert.tha"],
        distribution={"level": "networks", "networks": ["andex"]},
        title="Counterfeit THA visa foils",
        summary=SUMMARY,
        severity="high",
        tlp="amber",
        issuing_country="THA",
        document_type="visa",
    )


def test_the_subscription_page(client, users):
    client.force_login(users["officer.vnm"])
    page = client.get("/alerts/subscriptions/")
    assert page.status_code == 200 and "TLP:RED" in page.content.decode()
    response = client.post(
        "/alerts/subscriptions/",
        {
            "high_and_critical": "on",
            "issuing_countries": ["THA", "FIN"],
            "document_types": ["visa"],
        },
    )
    assert response.status_code == 302
    subscription = AlertSubscription.objects.get(user=users["officer.vnm"])
    assert subscription.high_and_critical and subscription.document_types == ["visa"]
    assert {c.pk for c in subscription.issuing_countries.all()} == {"THA", "FIN"}
    bad = client.post("/alerts/subscriptions/", {"document_types": ["spaceship"]})
    assert bad.status_code == 200 and "spaceship" in bad.content.decode()
    assert AlertSubscription.objects.get().document_types == ["visa"]  # nothing lost
