"""The public certificate verify page: what the certificate says, valid today or not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from portal.training import services

from .conftest import course_make

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def _issue(user, *, now=None, validity_months=12, title="Detecting forged laminates"):
    course = course_make(
        distribution=ANDEX, validity_months=validity_months, level="second_line", title=title
    )
    return services.certificate_issue(user=user, course=course, now=now)


def test_the_verify_page_shows_every_field_and_valid_today(users, client):
    holder = users["officer.vnm"]
    holder.first_name, holder.last_name = "Nguyen", "Van An"
    holder.email = "an.nguyen@example.org"
    holder.save()
    certificate = _issue(holder, now=datetime(2026, 3, 14, 23, 30, tzinfo=UTC))
    response = client.get(reverse("certificate-verify", kwargs={"code": certificate.code}))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    html = response.content.decode()
    assert "Valid today" in html
    assert "Detecting forged laminates" in html
    assert "Second line" in html
    assert "Nguyen Van An" in html
    assert "Viet Nam" in html
    assert certificate.code in html
    # The days as the certificate prints them: the holder's zone (Asia/Ho_Chi_Minh, +7).
    assert '<time datetime="2026-03-15">15 Mar 2026</time>' in html
    assert '<time datetime="2027-03-15">15 Mar 2027</time>' in html
    # Nothing else of the holder.
    assert "example.org" not in html and "officer.vnm" not in html
    assert f"/{holder.pk}/" not in html and f'"{holder.pk}"' not in html


def test_a_lowercase_code_is_found_too(users, client):
    certificate = _issue(users["officer.vnm"])
    url = reverse("certificate-verify", kwargs={"code": certificate.code.lower()})
    assert client.get(url).status_code == 200


def test_an_expired_certificate_shows_expired_on_its_date(users, client):
    certificate = _issue(
        users["officer.tha"], now=timezone.now() - timedelta(days=400), validity_months=12
    )
    html = client.get(reverse("certificate-verify", kwargs={"code": certificate.code})).content
    html = html.decode()
    assert "Valid today" not in html
    expiry = timezone.localtime(certificate.expires_at, timezone.get_fixed_timezone(7 * 60)).date()
    assert f'Expired on <time datetime="{expiry.isoformat()}">' in html


def test_a_replaced_certificate_says_so(users, client):
    holder = users["officer.tha"]
    old = _issue(holder)
    services.certificate_issue(user=holder, course=old.course)
    old.refresh_from_db()
    html = client.get(reverse("certificate-verify", kwargs={"code": old.code})).content.decode()
    assert "Valid today" not in html
    assert "by a newer certificate of the same course" in html


@pytest.mark.parametrize("code", ["ABCDEFGHJKMNPQRSTUVW", "x" * 40, "not-a-code", "%00"])
def test_an_unknown_code_is_a_plain_not_found(users, client, code):
    _issue(users["officer.vnm"])
    response = client.get(f"/certificates/verify/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Certificate not found" in html
    for leak in ("Detecting forged laminates", "Valid", "Expired", "officer"):
        assert leak not in html


def test_look_ups_per_address_are_limited(users, client, settings):
    settings.CERTIFICATE_VERIFY_RATE = "3/minute"
    cache.clear()
    certificate = _issue(users["officer.vnm"])
    url = reverse("certificate-verify", kwargs={"code": certificate.code})
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert certificate.holder_name not in refused.content.decode()
    # Another address is counted on its own.
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200
    cache.clear()
