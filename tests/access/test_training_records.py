"""Learners' records are per user, not distributions: attempts, certificates, the
completion report and the public verify page, over every user of the matrix.

A PHL course shared with every member; every signed-in user of the matrix passed its quiz
(real attempts, graded by the services) and holds a certificate. Expected answers are
written here from CONTRACT.md ("Training (v2)"), not from the code:

- only the holder reads their attempt's result page and their certificate's PDF (anyone
  else: a 404; anonymous visitors: sign in);
- ``/api/v1/me/training`` lists only the caller's own enrolment and certificate;
- the completion report (page and CSV) is for those who may change the course — the
  trainers and experts of the owner country (``trainer.phl``, ``chair.andex``) — and
  superusers; no one else;
- the verify page answers without signing in and shows only the documented fields;
- the expiry reminder is mailed to the holder only.

The world is built once for the module (a transaction rolled back at its end).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.access.distribution import Distribution, distribution_apply
from portal.training import services
from portal.training.models import (
    Attempt,
    Certificate,
    Choice,
    Course,
    CourseModule,
    Question,
    Quiz,
)
from tests.conftest import demo_users_make

from .matrix import USERS

pytestmark = pytest.mark.django_db

HOLDERS = [username for username in USERS if username != "anonymous"]
REPORT_READERS = {"trainer.phl", "chair.andex", "admin"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        users = demo_users_make()
        course = Course.objects.create(
            title="Records course",
            summary="Per-user records",
            owner_country_id="PHL",
            live=True,
            status="published",
            first_published_at=timezone.now(),
        )
        distribution_apply(item=course, distribution=Distribution.from_data({"level": "members"}))
        module = CourseModule.objects.create(course=course, title="Module")
        quiz = Quiz.objects.create(module=module, title="Records quiz", pass_mark=100)
        question = Question.objects.create(quiz=quiz, kind="choice", prompt="Pick the right one")
        right = Choice.objects.create(question=question, text="Right", correct=True)
        Choice.objects.create(question=question, text="Wrong")
        for index, username in enumerate(HOLDERS):
            user = users[username]
            user.email = f"{username}@records.invalid"
            user.first_name, user.last_name = f"Holder{index}", "Records"
            user.save()
            services.quiz_attempt_submit(
                user=user, quiz=quiz, answers={str(question.pk): str(right.pk)}
            )
        attempts = {a.user.username: a for a in Attempt.objects.select_related("user")}
        certificates = {c.user.username: c for c in Certificate.objects.select_related("user")}
        assert set(certificates) == set(HOLDERS)  # every holder really passed
        yield {
            "users": users,
            "course": course,
            "quiz": quiz,
            "attempts": attempts,
            "certificates": certificates,
        }
        transaction.set_rollback(True)


def _client(world, username) -> Client:
    client = Client()
    if username != "anonymous":
        client.force_login(world["users"][username])
    return client


def _refused(response, username, secret: str) -> None:
    if username == "anonymous":
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 404, response.status_code
    assert secret not in response.content.decode(errors="replace")


@pytest.mark.parametrize("reader", USERS)
def test_only_the_holder_reads_a_certificate_pdf(world, reader):
    client = _client(world, reader)
    for holder, certificate in world["certificates"].items():
        response = client.get(certificate.get_absolute_url())
        if reader == holder:
            assert response.status_code == 200, response.status_code
            assert response["Content-Type"] == "application/pdf"
            assert "private" in response["Cache-Control"]
        else:
            _refused(response, reader, certificate.code)


@pytest.mark.parametrize("reader", USERS)
def test_only_the_holder_reads_an_attempt_result(world, reader):
    client = _client(world, reader)
    quiz = world["quiz"]
    for holder, attempt in world["attempts"].items():
        url = reverse("training:quiz-result", kwargs={"pk": quiz.pk, "attempt": attempt.pk})
        response = client.get(url)
        if reader == holder:
            assert response.status_code == 200, response.status_code
            assert quiz.title in response.content.decode()
        else:
            _refused(response, reader, f"Holder{HOLDERS.index(holder)}")


@pytest.mark.parametrize("reader", USERS)
def test_my_training_lists_only_ones_own_records(world, reader):
    client = _client(world, reader)
    response = client.get("/api/v1/me/training")
    if reader == "anonymous":
        assert response.status_code == 401, response.status_code
        return
    assert response.status_code == 200, response.status_code
    data = response.json()
    own = world["certificates"][reader]
    assert [row["id"] for row in data["certificates"]] == [own.pk]
    assert data["certificates"][0]["verify_url"] == own.get_verify_url()
    assert [row["course"] for row in data["enrolments"]] == [world["course"].pk]
    others = [c.code for name, c in world["certificates"].items() if name != reader]
    assert not any(code in response.content.decode() for code in others)
    # The page shows the same: the holder's own certificate, nobody else's.
    page = client.get(reverse("training:mine")).content.decode()
    assert own.get_absolute_url() in page
    assert not any(
        c.get_absolute_url() in page for name, c in world["certificates"].items() if name != reader
    )


@pytest.mark.parametrize("reader", USERS)
def test_only_the_course_editors_read_the_completion_report(world, reader):
    client = _client(world, reader)
    course = world["course"]
    for name in ("training:report", "training:report-csv"):
        response = client.get(reverse(name, kwargs={"pk": course.pk}))
        if reader in REPORT_READERS:
            assert response.status_code == 200, (name, response.status_code)
        elif reader == "anonymous":
            assert response.status_code == 302, (name, response.status_code)
        else:
            # Seen as a course, but not theirs to report on: the report does not exist.
            assert response.status_code == 404, (name, reader, response.status_code)


@pytest.mark.parametrize("reader", USERS)
def test_the_verify_page_is_public_and_shows_only_the_documented_fields(world, reader):
    client = _client(world, reader)
    certificate = world["certificates"]["officer.vnm"]
    response = client.get(certificate.get_verify_url())
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    html = page[page.index("<main") : page.index("</main>")]  # the header names the reader
    for shown in (
        certificate.course_title,
        certificate.holder_name,
        certificate.holder_country,
        str(certificate.get_level_display()),
    ):
        assert shown in html, shown
    holder = certificate.user
    for hidden in (holder.username, holder.email, certificate.get_absolute_url()):
        assert hidden not in html, hidden
    others = [c for name, c in world["certificates"].items() if name != "officer.vnm"]
    assert not any(c.holder_name in html or c.code in html for c in others)
    unknown = client.get(reverse("certificate-verify", kwargs={"code": "2" * 20}))
    assert unknown.status_code == 404
    assert certificate.holder_name not in unknown.content.decode()


def test_the_expiry_reminder_is_mailed_to_the_holder_only(world):
    certificate = world["certificates"]["officer.tha"]
    now = timezone.now()
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=now + dt.timedelta(days=10))
    mail.outbox.clear()
    assert services.certificates_expire_and_remind(now=now)["reminded"] == 1
    assert [message.to for message in mail.outbox] == [["officer.tha@records.invalid"]]
    assert all(not message.cc and not message.bcc for message in mail.outbox)
