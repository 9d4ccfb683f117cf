"""E-mail subscriptions: who is written to, and what TLP lets the e-mail carry."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.alerts import services
from portal.alerts.emails import alert_emails_send
from portal.alerts.models import AlertSubscription

pytestmark = pytest.mark.django_db

SUMMARY = "Missing UV fibres in the foil; laminate lifts at the corner."


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
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_undo_the_publication(
    users, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = 1  # nothing listens there
    _subscribe(users["officer.vnm"], high_and_critical=True)
    alert = _publish(users, django_capture_on_commit_callbacks)
    alert.refresh_from_db()
    assert alert.status == "published"


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
