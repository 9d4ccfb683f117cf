"""``/api/v1/alerts``: publish, review, change, acknowledge; bad input named per field."""

from __future__ import annotations

import pytest

from portal.alerts.models import AlertBulletin, CountryAlertPolicy

pytestmark = pytest.mark.django_db


def _token(user):
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _create(client, user, **body):
    payload = {
        "title": "Counterfeit THA visa foils",
        "summary": "No UV fibres in the foil.",
        "severity": "high",
        "tlp": "amber",
        "issuing_country": "THA",
        "document_type": "visa",
        "fraud_type": "counterfeit",
        "distribution": {"level": "networks", "networks": ["andex"]},
        **body,
    }
    return client.post("/api/v1/alerts", payload, content_type="application/json", **_token(user))


def test_expert_publishes_and_andex_reads(client, users):
    response = _create(client, users["expert.tha"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "published" and body["owner_country"] == "THA"
    assert body["url"] == f"/alerts/{body['id']}/" and body["acknowledged"] is False
    vnm = client.get(f"/api/v1/alerts/{body['id']}", **_token(users["officer.vnm"]))
    assert vnm.status_code == 200
    assert (
        client.get(f"/api/v1/alerts/{body['id']}", **_token(users["officer.fin"])).status_code
        == 404
    )
    listed = client.get("/api/v1/alerts", **_token(users["officer.fin"])).json()
    assert listed == {"count": 0, "results": []}


def test_review_when_the_country_requires_it(client, users):
    CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
    body = _create(client, users["expert.tha"]).json()
    assert body["status"] == "in_review"
    assert (
        client.get(f"/api/v1/alerts/{body['id']}", **_token(users["officer.tha"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"severity": "apocalyptic"}, "severity"),
        ({"tlp": "purple"}, "tlp"),
        ({"title": ""}, "title"),
        ({"distribution": {"level": "public"}}, "distribution"),
        ({"distribution": {"level": "countries"}}, "distribution"),
        ({"issuing_country": "XXX"}, "issuing_country"),
    ],
)
def test_bad_input_names_the_field(client, users, body, field):
    response = _create(client, users["expert.tha"], **body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not AlertBulletin.objects.exists()


def test_officers_may_not_publish(client, users):
    assert _create(client, users["officer.tha"]).status_code == 403


def test_patch_changes_fields_and_distribution(client, users):
    alert_id = _create(client, users["expert.tha"], distribution={"level": "country"}).json()["id"]
    assert (
        client.get(f"/api/v1/alerts/{alert_id}", **_token(users["officer.vnm"])).status_code == 404
    )
    response = client.patch(
        f"/api/v1/alerts/{alert_id}",
        {"severity": "critical", "distribution": {"level": "countries", "countries": ["VNM"]}},
        content_type="application/json",
        **_token(users["expert.tha"]),
    )
    assert response.status_code == 200, response.content
    assert response.json()["severity"] == "critical" and response.json()["version"] == 2
    assert (
        client.get(f"/api/v1/alerts/{alert_id}", **_token(users["officer.vnm"])).status_code == 200
    )
    # Officers (even of the owner country) cannot change it; other countries meet a 404.
    officer = client.patch(
        f"/api/v1/alerts/{alert_id}", {"severity": "low"},
        content_type="application/json", **_token(users["officer.tha"]),
    )  # fmt: skip
    assert officer.status_code == 403
    fin = client.patch(
        f"/api/v1/alerts/{alert_id}", {"severity": "low"},
        content_type="application/json", **_token(users["officer.fin"]),
    )  # fmt: skip
    assert fin.status_code == 404


def test_acknowledge(client, users):
    alert_id = _create(client, users["expert.tha"]).json()["id"]
    token = _token(users["officer.vnm"])
    response = client.post(f"/api/v1/alerts/{alert_id}/acknowledge", **token)
    assert response.status_code == 200 and response.json()["id"] == alert_id
    assert client.get(f"/api/v1/alerts/{alert_id}", **token).json()["acknowledged"] is True
    unread = client.get("/api/v1/alerts?unacknowledged=true", **token).json()
    assert unread["count"] == 0


def test_alert_page_shows_tlp_and_records_sighting(client, users):
    alert_id = _create(client, users["expert.tha"], tlp="red").json()["id"]
    client.force_login(users["officer.vnm"])
    html = client.get(f"/alerts/{alert_id}/").content.decode()
    assert "TLP:RED" in html and "do not pass on" in html
    client.post(f"/alerts/{alert_id}/sighting/", {"note": "Seen at the land border"})
    client.post(f"/alerts/{alert_id}/acknowledge/")
    client.force_login(users["expert.tha"])
    reach = client.get(f"/alerts/{alert_id}/reach/")
    assert reach.status_code == 200
    row = next(r for r in reach.context["reach"] if r["country_code"] == "VNM")
    assert (row["acknowledged"], row["sightings"]) == (1, 1)
    client.force_login(users["officer.tha"])
    assert client.get(f"/alerts/{alert_id}/reach/").status_code == 403


def test_quick_check_card_lists_visible_reference_features_only(client, users):
    from portal.access.distribution import Distribution, distribution_apply
    from portal.specimens.models import GlossaryTerm, Specimen, SpecimenFeature

    term = GlossaryTerm.objects.create(
        slug="card-fibres", term="Card UV fibres", category="uv", definition="Fibres."
    )
    secret_term = GlossaryTerm.objects.create(
        slug="card-secret", term="Secret THA feature", category="ir", definition="Hidden."
    )
    shared = Specimen.objects.create(
        title="Shared visa", owner_country_id="THA", issuing_country_id="THA",
        document_type="visa",
    )  # fmt: skip
    distribution_apply(item=shared, distribution=Distribution.from_data({"level": "members"}))
    hidden = Specimen.objects.create(
        title="THA-only visa", owner_country_id="THA", issuing_country_id="THA",
        document_type="visa",
    )  # fmt: skip
    SpecimenFeature.objects.create(specimen=shared, term=term, light_source="uv", zone="foil")
    SpecimenFeature.objects.create(specimen=hidden, term=secret_term, light_source="ir")
    alert_id = _create(client, users["expert.tha"], body="Check the fibres.").json()["id"]
    AlertBulletin.objects.get(pk=alert_id).related_specimens.set([shared, hidden])
    client.force_login(users["officer.vnm"])
    response = client.get(f"/alerts/{alert_id}/card/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "TLP:AMBER" in html and "Check the fibres." in html
    assert "Card UV fibres" in html and "Shared visa" in html
    assert "Secret THA feature" not in html and "THA-only visa" not in html
    client.force_login(users["officer.fin"])
    assert client.get(f"/alerts/{alert_id}/card/").status_code == 404


def test_readers_get_the_live_version_while_a_change_is_a_draft(client, users):
    """An admin draft of a published alert never reaches the API; a ``PATCH`` publishes
    its own change at once, as a new version, and leaves the draft in the history."""
    from portal.alerts import services

    alert_id = _create(client, users["expert.tha"]).json()["id"]
    alert = AlertBulletin.objects.get(pk=alert_id)
    alert.title = "Draft title"
    alert.save_revision(user=users["expert.tha"])  # what the admin's Save does
    reader = _token(users["officer.vnm"])
    body = client.get(f"/api/v1/alerts/{alert_id}", **reader).json()
    assert body["title"] == "Counterfeit THA visa foils" and body["version"] == 1
    assert "Draft title" not in client.get("/api/v1/alerts", **reader).content.decode()
    response = client.patch(
        f"/api/v1/alerts/{alert_id}", {"severity": "critical"}, content_type="application/json",
        **_token(users["expert.tha"]),
    )  # fmt: skip
    assert response.status_code == 200
    body = client.get(f"/api/v1/alerts/{alert_id}", **reader).json()
    assert body["severity"] == "critical" and body["version"] == 2
    assert body["title"] == "Counterfeit THA visa foils" and body["status"] == "published"
    assert AlertBulletin.objects.get(pk=alert_id).revisions.count() == 3
    assert services.review_required("THA") is False
