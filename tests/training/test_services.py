"""Enrolment, attempts, completion and certificates, expiry and reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.training import services
from portal.training.models import Attempt, Certificate, Completion, Enrolment

from .conftest import course_make, question_choice, question_hotspot, quiz_make

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def test_enrolment_is_refused_where_the_course_is_not_visible(users):
    course = course_make(distribution=ANDEX)
    services.course_enrol(user=users["officer.vnm"], course=course)
    services.course_enrol(user=users["officer.vnm"], course=course)  # idempotent
    assert Enrolment.objects.filter(course=course).count() == 1
    with pytest.raises(PermissionDenied):
        services.course_enrol(user=users["officer.fin"], course=course)
    assert not Enrolment.objects.filter(user=users["officer.fin"]).exists()


def test_cohort_enrol_takes_only_those_who_may_see_the_course(users):
    course = course_make(distribution=ANDEX)
    made = services.cohort_enrol(
        course=course,
        by=users["trainer.phl"],
        countries=["THA", "FIN"],
        users=[users["officer.vnm"]],
    )
    enrolled = set(Enrolment.objects.filter(course=course).values_list("user__username", flat=True))
    assert {"officer.tha", "expert.tha", "officer.vnm"} <= enrolled
    assert "officer.fin" not in enrolled
    assert len(made) == len(enrolled)
    again = services.cohort_enrol(course=course, by=users["trainer.phl"], networks=["andex"])
    assert "officer.tha" not in {e.user.username for e in again}  # not enrolled twice
    assert "trainer.phl" in {e.user.username for e in again}
    with pytest.raises(PermissionDenied):
        services.cohort_enrol(course=course, by=users["expert.tha"], countries=["THA"])


def test_an_attempt_draws_its_questions_once_and_reuses_the_open_one(users):
    course = course_make(distribution=ANDEX)
    quiz = quiz_make(course, draw_count=2)
    for number in range(5):
        question_choice(quiz, prompt=f"Question {number}")
    learner = users["officer.vnm"]
    attempt = services.quiz_attempt_start(user=learner, quiz=quiz)
    assert len(attempt.question_ids) == 2
    assert set(attempt.question_ids) <= set(quiz.questions.values_list("pk", flat=True))
    assert services.quiz_attempt_start(user=learner, quiz=quiz).pk == attempt.pk
    assert Enrolment.objects.filter(user=learner, course=course).exists()
    with pytest.raises(PermissionDenied):
        services.quiz_attempt_start(user=users["officer.fin"], quiz=quiz)


def test_bad_answers_are_refused_per_question_and_nothing_is_stored(users):
    course = course_make(distribution=ANDEX)
    quiz = quiz_make(course)
    question, _good, _bad = question_choice(quiz)
    learner = users["officer.vnm"]
    with pytest.raises(services.AnswersInvalid) as refused:
        services.quiz_attempt_submit(user=learner, quiz=quiz, answers={str(question.pk): 12})
    assert set(refused.value.errors) == {str(question.pk)}
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()


def test_passing_every_quiz_completes_the_course_and_issues_a_certificate(users):
    course = course_make(distribution=ANDEX, validity_months=24)
    first = quiz_make(course, title="Choice")
    question, good, bad = question_choice(first)
    second = quiz_make(course, title="Hotspot")
    hotspot = question_hotspot(second)
    learner = users["officer.vnm"]

    failed = services.quiz_attempt_submit(
        user=learner, quiz=first, answers={str(question.pk): str(bad.pk)}
    )
    assert (failed.score, failed.passed) == (0, False)
    assert failed.results[str(question.pk)]["correct"] is False
    passed = services.quiz_attempt_submit(
        user=learner, quiz=first, answers={str(question.pk): str(good.pk)}
    )
    assert (passed.score, passed.passed) == (100, True)
    assert passed.pk != failed.pk
    assert not Certificate.objects.exists()  # one quiz still to pass

    services.quiz_attempt_submit(
        user=learner,
        quiz=second,
        answers={str(hotspot.pk): {"x": 0.3, "y": 0.3}},  # on the edge
    )
    completion = Completion.objects.get(user=learner, course=course, reset_at__isnull=True)
    certificate = Certificate.objects.get(user=learner, course=course)
    assert certificate.issued_at == completion.completed_at
    assert certificate.expires_at == services.add_months(certificate.issued_at, 24)
    assert certificate.level == "first_line"
    assert certificate.holder_name == "Linh Officer"
    assert certificate.holder_country_code == "VNM"
    assert len(certificate.code) >= 16 and certificate.is_valid()
    # Passing again does not issue a second certificate.
    services.quiz_attempt_submit(
        user=learner, quiz=second, answers={str(hotspot.pk): {"x": 0.2, "y": 0.2}}
    )
    assert Certificate.objects.filter(user=learner).count() == 1


def test_expiry_from_the_award_date():
    awarded = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
    assert services.add_months(awarded, 1) == awarded.replace(month=2, day=28)
    assert services.add_months(awarded, 24) == awarded.replace(year=2028)


def _certified(users, course):
    quiz = quiz_make(course)
    question, good, _bad = question_choice(quiz)
    learner = users["officer.vnm"]
    services.quiz_attempt_submit(user=learner, quiz=quiz, answers={str(question.pk): str(good.pk)})
    return learner, quiz, question, good, Certificate.objects.get(user=learner, course=course)


def test_a_reminder_goes_once_thirty_days_before_expiry(users):
    course = course_make(distribution=ANDEX, validity_months=12)
    learner, *_rest, certificate = _certified(users, course)
    learner.email = "linh@example.org"
    learner.save()
    early = certificate.expires_at - timedelta(days=31)
    assert services.certificates_expire_and_remind(now=early) == {"reminded": 0, "reset": 0}
    due = certificate.expires_at - timedelta(days=29)
    assert services.certificates_expire_and_remind(now=due)["reminded"] == 1
    assert services.certificates_expire_and_remind(now=due)["reminded"] == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["linh@example.org"]
    assert course.title in mail.outbox[0].subject


def test_expiry_resets_the_completion_and_the_learner_passes_again(users):
    course = course_make(distribution=ANDEX, validity_months=12)
    learner, quiz, question, good, certificate = _certified(users, course)
    # A year went by: the certificate expired yesterday.
    after = timezone.now()
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=after - timedelta(days=1))
    assert services.certificates_expire_and_remind(now=after)["reset"] == 1
    assert not Completion.objects.filter(user=learner, reset_at__isnull=True).exists()
    certificate.refresh_from_db()
    assert certificate.status(after) == "expired"  # still verifiable, as expired
    assert services.quizzes_passed(user=learner, course=course) == (0, 1)
    assert Attempt.objects.filter(user=learner, passed=True).count() == 1  # kept
    # The task again changes nothing; passing again certifies again.
    assert services.certificates_expire_and_remind(now=after)["reset"] == 0
    services.quiz_attempt_submit(user=learner, quiz=quiz, answers={str(question.pk): str(good.pk)})
    assert Certificate.objects.filter(user=learner, course=course).count() == 2
    assert Completion.objects.filter(user=learner, reset_at__isnull=True).count() == 1


def test_the_background_task_runs_the_round(users):
    from portal.training.tasks import certificates_expire_and_remind_task

    result = certificates_expire_and_remind_task.enqueue()
    assert result.return_value == {"reminded": 0, "reset": 0}


def test_each_round_queues_the_next_one_a_day_later_once(users, settings):
    """With the database backend (production's and the demo's), the command queues one
    round; running it queues the next a day later; asking again adds nothing twice."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from portal.training.tasks import certificates_expire_and_remind_task

    path = certificates_expire_and_remind_task.module_path
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        call_command("training_certificates")
        call_command("training_certificates")  # already waiting: nothing added
        waiting = DBTaskResult.objects.filter(task_path=path, status="READY")
        assert waiting.count() == 1
        # Due at once (django-tasks-db stores "no run_after" as a date in year 9999).
        due = waiting.get().run_after
        assert due is None or due.year == 9999 or due <= timezone.now()
        # The worker runs it: the next round waits a day.
        first = waiting.get()
        first.status = "RUNNING"
        first.save(update_fields=["status"])
        certificates_expire_and_remind_task.call()
        nxt = DBTaskResult.objects.get(task_path=path, status="READY")
        assert timedelta(hours=23) < nxt.run_after - timezone.now() <= timedelta(days=1)
