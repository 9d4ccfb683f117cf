"""``/api/v1/courses``, ``/quizzes`` and ``/me/training``: training for national systems
and learners' apps (CONTRACT.md "Training (v2)").

Thin, like every router: reads through ``portal.training.selectors``, writes through
``portal.training.services``. A quiz leaves the server only as
``selectors.quiz_for_learner`` shapes it (no zone, correct flag, feedback, genuine flag
or match partner); answers are graded on the server. Every URL in an answer (pages,
question images, certificate PDFs) works with the caller's Bearer token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import P, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from portal.training import selectors, services
from portal.training.models import CompetencyLevel, Course, QuestionKind

from . import paging
from .access import get_visible_or_error
from .auth import member_auth, member_or_anonymous_auth

router = Router(tags=["training"])

LevelCode = Literal[tuple(CompetencyLevel.values)]  # type: ignore[valid-type]
KindCode = Literal[tuple(QuestionKind.values)]  # type: ignore[valid-type]


class CourseSummary(Schema):
    id: int
    url: str
    title: str
    level: LevelCode
    summary: str


class CourseList(Schema):
    count: int
    results: list[CourseSummary]


class LessonRef(Schema):
    id: int
    title: str
    url: str


class QuizRef(Schema):
    id: int
    title: str
    url: str
    pass_mark: int


class ModuleOut(Schema):
    id: int
    title: str
    summary: str
    lessons: list[LessonRef]
    quizzes: list[QuizRef]


class CourseOut(CourseSummary):
    validity_months: int = Field(description="How long a certificate of it is valid.")
    owner_country: str
    distribution: dict
    enrolled: bool = Field(description="Whether the caller is enrolled (false when anonymous).")
    modules: list[ModuleOut]


class EnrolmentOut(Schema):
    course: int
    enrolled_at: dt.datetime


class ChoiceOut(Schema):
    id: int
    text: str
    side: Literal["term", "partner"] | None = Field(
        default=None,
        description="Match questions: a term, to pair with one of the partners (which one "
        "is right is never said before grading).",
    )


class QuestionOut(Schema):
    id: int
    kind: KindCode = Field(
        description="`choice`, `genuine_or_forged`, `hotspot` (click the feature on the "
        "image) or `match`."
    )
    prompt: str
    image_url: str | None = Field(
        default=None, description="The question's image, fetched with the same token."
    )
    choices: list[ChoiceOut] | None = None
    multiple: bool | None = Field(
        default=None, description="Choice questions: whether several answers are chosen."
    )


class QuizOut(Schema):
    id: int
    title: str
    pass_mark: int
    attempt: int = Field(description="The open attempt these questions were drawn for.")
    questions: list[QuestionOut]


class AttemptIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "answers": {
                        "11": 41,
                        "12": "forged",
                        "13": {"x": 0.42, "y": 0.31},
                        "14": {"51": "53", "52": "54"},
                    }
                }
            ]
        }
    )

    answers: dict[str, Any] = Field(
        description="By question id: `choice` a choice id or a list of them; "
        '`genuine_or_forged` `"genuine"` or `"forged"`; `hotspot` `{"x", "y"}` as '
        'fractions (0–1) of the image\'s width and height; `match` `{"<term id>": '
        '"<partner id>"}`. A question left out counts as wrong.'
    )


class ResultOut(Schema):
    correct: bool
    feedback: str


class CertificateOut(Schema):
    id: int
    course: int
    course_title: str
    level: LevelCode
    code: str
    status: Literal["valid", "expired", "superseded"]
    issued_at: dt.datetime
    expires_at: dt.datetime
    url: str = Field(description="The certificate as a PDF (the holder's own).")
    verify_url: str = Field(description="The public page that verifies it (no sign-in).")


class AttemptOut(Schema):
    id: int
    score: int = Field(ge=0, le=100)
    passed: bool
    results: dict[str, ResultOut]
    submitted_at: dt.datetime
    certificate: CertificateOut | None = Field(
        default=None,
        description="The certificate this pass earned, when it completed the course.",
    )


class MyEnrolmentOut(Schema):
    course: int
    title: str
    url: str
    level: LevelCode
    progress: int = Field(ge=0, le=100)
    enrolled_at: dt.datetime
    completed_at: dt.datetime | None


class MyTrainingOut(Schema):
    enrolments: list[MyEnrolmentOut]
    certificates: list[CertificateOut]


def _course_summary(course: Course) -> dict:
    return {
        "id": course.pk,
        "url": course.get_absolute_url(),
        "title": course.title,
        "level": course.level,
        "summary": course.summary,
    }


def _quiz_url(quiz) -> str:
    from django.urls import reverse

    return reverse("training:quiz", kwargs={"pk": quiz.pk})


def _certificate_out(certificate) -> dict:
    return {
        "id": certificate.pk,
        "course": certificate.course_id,
        "course_title": certificate.course_title,
        "level": certificate.level,
        "code": certificate.code,
        "status": certificate.status(),
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "url": certificate.get_absolute_url(),
        "verify_url": certificate.get_verify_url(),
    }


@router.get("/courses", response=CourseList, auth=member_auth, summary="List courses")
def courses_list(
    request,
    level: Query[str, P(description="A competency level: first_line, second_line or expert.")] = "",
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
    page_size: Query[int, P(description=paging.PAGE_SIZE_DESCRIPTION)] = 25,
):
    """The courses shared with the caller, by title."""
    queryset = selectors.courses_visible_to(user=request.auth)
    if level:
        queryset = queryset.filter(level=level)
    count, items = paging.page_of(queryset, page, page_size)
    return {"count": count, "results": [_course_summary(c) for c in items]}


@router.get(
    "/courses/{int:pk}",
    response=CourseOut,
    auth=member_or_anonymous_auth,
    summary="One course",
)
def courses_detail(request, pk: int):
    """A course with its modules, their lessons and quizzes; ``404`` if it is not shared
    with you (public courses answer without signing in)."""
    queryset = Course.objects.prefetch_related("shared_countries", "shared_networks")
    course = get_visible_or_error(request, queryset, pk=pk)
    user = request.user
    return {
        **_course_summary(course),
        "validity_months": course.validity_months,
        "owner_country": course.owner_country_id,
        "distribution": course.distribution,
        "enrolled": selectors.enrolment_of(user=user, course=course) is not None,
        "modules": [
            {
                "id": module["id"],
                "title": module["title"],
                "summary": module["summary"],
                "lessons": [
                    {"id": lesson.pk, "title": lesson.title, "url": lesson.get_absolute_url()}
                    for lesson in module["lessons"]
                ],
                "quizzes": [
                    {
                        "id": quiz.pk,
                        "title": quiz.title,
                        "url": _quiz_url(quiz),
                        "pass_mark": quiz.pass_mark,
                    }
                    for quiz in module["quizzes"]
                ],
            }
            for module in selectors.course_outline(course=course)
        ],
    }


@router.post("/courses/{int:pk}/enrol", response=EnrolmentOut, auth=member_auth, summary="Enrol")
def courses_enrol(request, pk: int):
    """Enrol the caller in the course (again is harmless: the first enrolment stands)."""
    course = get_visible_or_error(request, Course.objects.all(), pk=pk)
    enrolment = services.course_enrol(user=request.auth, course=course)
    return {"course": course.pk, "enrolled_at": enrolment.created_at}


@router.get(
    "/quizzes/{int:pk}",
    response=QuizOut,
    auth=member_auth,
    exclude_none=True,
    summary="Take a quiz",
)
def quizzes_detail(request, pk: int):
    """The questions of the caller's attempt at the quiz: drawn when first opened (and
    the caller enrolled in the course), the same ones until it is submitted. No answer,
    feedback or zone is ever in it; ``image_url`` works with the same token."""
    quiz = selectors.quiz_get_visible_or_404(user=request.auth, pk=pk)
    attempt = services.quiz_attempt_start(user=request.auth, quiz=quiz)
    return selectors.quiz_for_learner(user=request.auth, quiz=quiz, attempt=attempt)


@router.post(
    "/quizzes/{int:pk}/attempts",
    response={201: AttemptOut},
    auth=member_auth,
    summary="Submit answers",
)
def quizzes_attempt(request, pk: int, payload: AttemptIn):
    """Grade the answers to the questions of the caller's open attempt (see
    ``GET /quizzes/{id}``) on the server: the score, whether it passed, and per question
    whether it was right with its feedback. Passing the last quiz of a course completes
    it and issues its certificate. Answers that cannot be understood are a ``400`` naming
    each question (by its id), and nothing is recorded."""
    quiz = selectors.quiz_get_visible_or_404(user=request.auth, pk=pk)
    try:
        attempt = services.quiz_attempt_submit(
            user=request.auth, quiz=quiz, answers=payload.answers
        )
    except services.AnswersInvalid as exc:
        # The project's 400 per field (errors.py): each question by its id, as sent.
        raise ValidationError(
            {str(key): [message] for key, message in exc.errors.items()}
        ) from None
    certificate = selectors.certificate_of_attempt(user=request.auth, attempt=attempt)
    return Status(
        201,
        {
            "id": attempt.pk,
            "score": attempt.score,
            "passed": attempt.passed,
            "results": attempt.results,
            "submitted_at": attempt.submitted_at,
            "certificate": _certificate_out(certificate) if certificate else None,
        },
    )


@router.get("/me/training", response=MyTrainingOut, auth=member_auth, summary="My training")
def my_training(request):
    """The caller's enrolments with their progress (percent of the course's quizzes
    passed; 100 once completed) and certificates (newest first, expired ones too)."""
    training = selectors.my_training(user=request.auth)
    return {
        "enrolments": [
            {
                "course": row["course"].pk,
                "title": row["course"].title,
                "url": row["course"].get_absolute_url(),
                "level": row["course"].level,
                "progress": row["progress"],
                "enrolled_at": row["enrolment"].created_at,
                "completed_at": row["completed_at"],
            }
            for row in training["enrolments"]
        ],
        "certificates": [_certificate_out(c) for c in training["certificates"]],
    }
