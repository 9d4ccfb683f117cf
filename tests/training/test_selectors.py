"""Reads: the learner-safe quiz, "my training", the completion report, verification."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.training import selectors, services
from portal.training.models import Choice, Question

from .conftest import course_make, lesson_make, question_choice, question_hotspot, quiz_make

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}
SECRET_KEYS = {
    "zones",
    "correct",
    "feedback",
    "feedback_correct",
    "feedback_wrong",
    "genuine",
    "match_target",
    "regions",
}


def _all_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _all_keys(v)}
    return set()


def test_the_learners_quiz_never_holds_an_answer(users, make_specimen):
    specimen = make_specimen(owner="PHL", distribution=ANDEX)
    course = course_make(distribution=ANDEX)
    quiz = quiz_make(course)
    choice, good, _bad = question_choice(quiz)
    hotspot = question_hotspot(quiz, specimen_image=specimen.images.first())
    genuine = Question.objects.create(
        quiz=quiz, kind="genuine_or_forged", prompt="Genuine?", genuine=True,
        specimen_image=specimen.images.first(), feedback_correct="SECRET-FEEDBACK",
    )  # fmt: skip
    match = Question.objects.create(quiz=quiz, kind="match", prompt="Match")
    Choice.objects.create(question=match, text="UV fibres", match_target="Image 2")
    Choice.objects.create(question=match, text="Image 2")
    learner = users["officer.vnm"]
    attempt = services.quiz_attempt_start(user=learner, quiz=quiz)
    data = selectors.quiz_for_learner(user=learner, quiz=quiz, attempt=attempt)

    assert not _all_keys(data) & SECRET_KEYS
    text = json.dumps(data)
    for secret in ("SECRET-FEEDBACK", "Well seen", "0.1", "ZONE-SECRET"):
        assert secret not in text
    by_id = {q["id"]: q for q in data["questions"]}
    assert [q["id"] for q in data["questions"]] == attempt.question_ids
    assert by_id[choice.pk]["choices"] == [
        {"id": good.pk, "text": "A"},
        {"id": _bad.pk, "text": "B"},
    ]
    assert by_id[hotspot.pk]["image_url"].startswith("/specimens/images/")
    assert by_id[genuine.pk]["kind"] == "genuine_or_forged"
    assert {c["side"] for c in by_id[match.pk]["choices"]} == {"term", "partner"}


def test_parts_are_found_only_through_a_visible_course(users):
    course = course_make(distribution=ANDEX)
    lesson = lesson_make(course)
    quiz = quiz_make(course)
    assert selectors.lesson_get_visible_or_404(user=users["officer.vnm"], pk=lesson.pk) == lesson
    assert selectors.quiz_get_visible_or_404(user=users["officer.vnm"], pk=quiz.pk) == quiz
    for getter, pk in [
        (selectors.lesson_get_visible_or_404, lesson.pk),
        (selectors.quiz_get_visible_or_404, quiz.pk),
        (selectors.course_get_visible_or_404, course.pk),
        (selectors.quiz_get_visible_or_404, "nonsense"),
    ]:
        with pytest.raises(Http404):
            getter(user=users["officer.fin"], pk=pk)
    assert list(selectors.courses_visible_to(user=users["officer.fin"])) == []
    outline = selectors.course_outline(course=course)
    assert outline[0]["lessons"] == [lesson] and outline[0]["quizzes"] == [quiz]


def test_my_training_and_the_completion_report(users):
    course = course_make(distribution=ANDEX)
    quiz = quiz_make(course)
    other_quiz = quiz_make(course, title="Second")
    question, good, _bad = question_choice(quiz)
    question_choice(other_quiz)
    learner = users["officer.vnm"]
    services.cohort_enrol(course=course, by=users["trainer.phl"], countries=["VNM", "THA"])
    services.quiz_attempt_submit(user=learner, quiz=quiz, answers={str(question.pk): str(good.pk)})
    mine = selectors.my_training(user=learner)
    assert [
        (row["course"], row["progress"], row["completed_at"]) for row in mine["enrolments"]
    ] == [(course, 50, None)]
    assert mine["certificates"] == []
    assert selectors.my_training(user=users["officer.fin"]) == {
        "enrolments": [],
        "certificates": [],
    }

    report = selectors.completion_report(user=users["trainer.phl"], course=course)
    by_country = {row["country"]: row for row in report}
    assert by_country["VNM"]["enrolled"] == 1 and by_country["THA"]["enrolled"] == 2
    assert by_country["VNM"]["level"] == "first_line"
    assert by_country["VNM"]["completed"] == 0
    with pytest.raises(PermissionDenied):
        selectors.completion_report(user=learner, course=course)


def test_certificates_are_their_holders_and_verified_by_code(users):
    course = course_make(distribution=ANDEX)
    quiz = quiz_make(course)
    question, good, _bad = question_choice(quiz)
    learner = users["officer.vnm"]
    services.quiz_attempt_submit(user=learner, quiz=quiz, answers={str(question.pk): str(good.pk)})
    certificate = selectors.my_training(user=learner)["certificates"][0]
    assert selectors.certificate_get_own_or_404(user=learner, pk=certificate.pk) == certificate
    with pytest.raises(Http404):
        selectors.certificate_get_own_or_404(user=users["officer.tha"], pk=certificate.pk)
    assert selectors.certificate_by_code(certificate.code) == certificate
    assert selectors.certificate_by_code(certificate.code.lower()) == certificate
    assert selectors.certificate_by_code("NOT-A-CODE") is None
    assert selectors.certificate_by_code("A" * 20) is None
    report = selectors.completion_report(user=users["trainer.phl"], course=course)
    assert report == [
        {
            "country": "VNM",
            "level": "first_line",
            "enrolled": 1,
            "completed": 1,
            "certified": 1,
            "expired": 0,
        }
    ]
