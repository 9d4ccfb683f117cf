"""Reads of the training domain, every one through ``portal.access.rule``.

Courses are shared items (``rule.visible_to``); their lessons, quizzes and questions are
seen exactly when their course is (``rule.visible_through``); a learner's records are
their own (``rule.own_records``); a completion report is for whoever may change the
course. ``quiz_for_learner`` is the only shape of a quiz that leaves the server before
grading: no zone, correct flag, feedback, genuine flag or match partner is in it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from portal.access import rule

from .models import (
    Attempt,
    Certificate,
    CertificateStatus,
    Completion,
    Course,
    Enrolment,
    Lesson,
    Question,
    QuestionKind,
    Quiz,
)


def courses_visible_to(*, user: Any) -> QuerySet[Course]:
    """The courses ``user`` may see (released ones, and drafts for their editors)."""
    return rule.visible_to(user=user, queryset=Course.objects.all())


def course_get_visible_or_404(*, user: Any, pk: Any) -> Course:
    """The course if ``user`` may see it; ``Http404`` otherwise (logged as the rule does)."""
    return rule.get_visible_or_404(user=user, queryset=Course.objects.all(), pk=pk)


def _part_or_404(*, user: Any, queryset: QuerySet, lookup: str, pk: Any):
    visible = rule.visible_through(user=user, queryset=queryset, lookup=lookup, model=Course)
    try:
        return visible.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404("No such item, or you may not see it.") from exc


def lessons_visible_to(*, user: Any) -> QuerySet[Lesson]:
    return rule.visible_through(
        user=user, queryset=Lesson.objects.all(), lookup="module__course", model=Course
    )


def quizzes_visible_to(*, user: Any) -> QuerySet[Quiz]:
    return rule.visible_through(
        user=user, queryset=Quiz.objects.all(), lookup="module__course", model=Course
    )


def lesson_get_visible_or_404(*, user: Any, pk: Any) -> Lesson:
    """A lesson of a course ``user`` may see; ``Http404`` otherwise."""
    return _part_or_404(
        user=user,
        queryset=Lesson.objects.select_related("module__course"),
        lookup="module__course",
        pk=pk,
    )


def quiz_get_visible_or_404(*, user: Any, pk: Any) -> Quiz:
    """A quiz of a course ``user`` may see; ``Http404`` otherwise."""
    return _part_or_404(
        user=user,
        queryset=Quiz.objects.select_related("module__course"),
        lookup="module__course",
        pk=pk,
    )


def course_outline(*, course: Course) -> list[dict]:
    """The modules of a (visible) course with their lessons and quizzes:
    ``[{"id", "title", "summary", "lessons": [Lesson], "quizzes": [Quiz]}]`` (3 queries)."""
    modules = list(course.modules.all().prefetch_related("lessons", "quizzes"))
    return [
        {
            "id": module.pk,
            "title": module.title,
            "summary": module.summary,
            "lessons": sorted(module.lessons.all(), key=lambda item: (item.sort_order, item.pk)),
            "quizzes": sorted(module.quizzes.all(), key=lambda item: (item.sort_order, item.pk)),
        }
        for module in modules
    ]


def _image_url(*, user: Any, question: Question) -> str | None:
    """The rule-checked URL of a question's image, if the learner may see it."""
    from portal.specimens.models import Specimen

    if question.specimen_image_id:
        image = question.specimen_image
        if not rule.visible_to(
            user=user, queryset=Specimen.objects.filter(pk=image.specimen_id)
        ).exists():
            return None
        from django.urls import reverse

        return reverse("specimens:image-file", kwargs={"pk": image.pk, "size": "display"})
    if question.training_image_id:
        return question.training_image.private_url("display")
    return None


def quiz_for_learner(*, user: Any, quiz: Quiz, attempt: Attempt | None = None) -> dict:
    """The quiz as a learner may see it before grading (CONTRACT.md): ``{"id", "title",
    "pass_mark", "attempt": id or None, "questions": [{"id", "kind", "prompt",
    "image_url"?, "choices"?: [{"id", "text", "side"?}]}]}``.

    The questions are those drawn for ``attempt`` (``services.quiz_attempt_start``), or
    the whole bank. Match questions mark each choice's ``side`` (``"term"`` or
    ``"partner"``) but never which partner is right. Nothing else of the answer key —
    zones, correct flags, feedback, ``genuine`` — is in it.
    """
    questions = (
        Question.objects.filter(quiz=quiz)
        .select_related("specimen_image", "training_image")
        .prefetch_related("choices")
    )
    by_id = {q.pk: q for q in questions}
    order = (
        attempt.question_ids
        if attempt is not None
        else sorted(by_id, key=lambda pk: (by_id[pk].sort_order, pk))
    )
    out = []
    for pk in order:
        question = by_id.get(pk)
        if question is None:
            continue
        item: dict[str, Any] = {
            "id": question.pk,
            "kind": question.kind,
            "prompt": question.prompt,
        }
        url = _image_url(user=user, question=question)
        if url:
            item["image_url"] = url
        if question.kind in {QuestionKind.CHOICE, QuestionKind.MATCH}:
            choices = []
            for choice in question.choices.all():
                entry: dict[str, Any] = {"id": choice.pk, "text": choice.text}
                if question.kind == QuestionKind.MATCH:
                    entry["side"] = "term" if choice.match_target else "partner"
                choices.append(entry)
            item["choices"] = choices
            if question.kind == QuestionKind.CHOICE:
                item["multiple"] = question.multiple
        out.append(item)
    return {
        "id": quiz.pk,
        "title": quiz.title,
        "pass_mark": quiz.pass_mark,
        "attempt": attempt.pk if attempt is not None else None,
        "questions": out,
    }


def attempts_of(*, user: Any, quiz: Quiz | None = None) -> QuerySet[Attempt]:
    """The user's own attempts (of ``quiz``), newest first."""
    attempts = rule.own_records(user=user, queryset=Attempt.objects.all())
    return attempts.filter(quiz=quiz) if quiz is not None else attempts


def my_training(*, user: Any) -> dict:
    """The user's training (CONTRACT.md ``/me/training``)::

        {"enrolments": [{"enrolment": Enrolment, "course": Course, "progress": 0-100,
                         "completed_at": datetime | None}],
         "certificates": [Certificate]}   # newest first, expired ones included

    Only enrolments in courses the user may still see.
    """
    from .services import quizzes_passed

    visible = courses_visible_to(user=user)
    enrolments = (
        rule.own_records(user=user, queryset=Enrolment.objects.all())
        .filter(course__in=visible.values("pk"))
        .select_related("course")
    )
    completed = dict(
        rule.own_records(
            user=user, queryset=Completion.objects.filter(reset_at__isnull=True)
        ).values_list("course_id", "completed_at")
    )
    rows = []
    for enrolment in enrolments:
        passed, total = quizzes_passed(user=user, course=enrolment.course)
        progress = (
            100 if enrolment.course_id in completed else ((100 * passed) // total if total else 0)
        )
        rows.append(
            {
                "enrolment": enrolment,
                "course": enrolment.course,
                "progress": progress,
                "completed_at": completed.get(enrolment.course_id),
            }
        )
    certificates = list(
        rule.own_records(user=user, queryset=Certificate.objects.all()).select_related("course")
    )
    return {"enrolments": rows, "certificates": certificates}


def certificate_get_own_or_404(*, user: Any, pk: Any) -> Certificate:
    """One of the user's own certificates (the PDF download); ``Http404`` otherwise."""
    try:
        return rule.own_records(user=user, queryset=Certificate.objects.all()).get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404("No such certificate.") from exc


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this verification code (the public verify page), or ``None``."""
    if not isinstance(code, str) or not code.isalnum() or len(code) > 32:
        return None
    return Certificate.objects.filter(code=code.upper()).select_related("course").first()


def completion_report(*, user: Any, course: Course) -> list[dict]:
    """Per country and level, for whoever may change ``course`` (``PermissionDenied``
    otherwise)::

        [{"country": "PHL", "level": "first_line", "enrolled": n, "completed": n,
          "certified": n, "expired": n}]   # sorted by country

    ``completed``: current completions; ``certified``: learners holding a valid
    certificate now; ``expired``: learners whose latest certificate has expired.
    """
    if not rule.can_change(user, course):
        raise PermissionDenied
    now = timezone.now()
    rows: dict[tuple[str, str], dict] = {}

    def row(country: str | None, level: str) -> dict:
        key = (country or "", level)
        if key not in rows:
            rows[key] = {
                "country": key[0],
                "level": level,
                "enrolled": 0,
                "completed": 0,
                "certified": 0,
                "expired": 0,
            }
        return rows[key]

    for country in Enrolment.objects.filter(course=course).values_list(
        "user__country_id", flat=True
    ):
        row(country, course.level)["enrolled"] += 1
    for country in Completion.objects.filter(course=course, reset_at__isnull=True).values_list(
        "user__country_id", flat=True
    ):
        row(country, course.level)["completed"] += 1
    latest: dict[int, Certificate] = {}
    for certificate in (
        Certificate.objects.filter(course=course).select_related("user").order_by("issued_at", "pk")
    ):
        latest[certificate.user_id] = certificate
    for certificate in latest.values():
        status = certificate.status(now)
        target = row(certificate.user.country_id, certificate.level)
        if status == CertificateStatus.VALID:
            target["certified"] += 1
        elif status == CertificateStatus.EXPIRED:
            target["expired"] += 1
    return [rows[key] for key in sorted(rows)]


# === training: pages (progress in bulk for the course list, course and "my training" pages) ===


def courses_progress(*, user: Any, course_ids: list[int]) -> dict[int, dict]:
    """The user's progress in several courses at once (four queries, whatever their
    number): ``{course id: {"passed", "total", "percent", "completed_at"}}``.

    As ``services.quizzes_passed`` counts it: quizzes passed in the current round (after
    the last reset of a completion), 100 % once the course is completed."""
    from django.db.models import Max

    ids = list(course_ids)
    quizzes: dict[int, set[int]] = {pk: set() for pk in ids}
    course_of: dict[int, int] = {}
    for quiz_id, course_id in Quiz.objects.filter(module__course__in=ids).values_list(
        "pk", "module__course_id"
    ):
        quizzes[course_id].add(quiz_id)
        course_of[quiz_id] = course_id
    completions = rule.own_records(user=user, queryset=Completion.objects.filter(course__in=ids))
    current: dict[int, Any] = {}
    resets: dict[int, Any] = {}
    for row in completions.order_by().values("course_id").annotate(reset=Max("reset_at")):
        resets[row["course_id"]] = row["reset"]
    for course_id, completed_at in completions.filter(reset_at__isnull=True).values_list(
        "course_id", "completed_at"
    ):
        current[course_id] = completed_at
    passed: dict[int, set[int]] = {pk: set() for pk in ids}
    attempts = rule.own_records(
        user=user, queryset=Attempt.objects.filter(quiz__in=list(course_of), passed=True)
    )
    for quiz_id, submitted_at in attempts.values_list("quiz_id", "submitted_at"):
        course_id = course_of[quiz_id]
        start = resets.get(course_id)
        if start is None or (submitted_at is not None and submitted_at > start):
            passed[course_id].add(quiz_id)
    out = {}
    for pk in ids:
        total = len(quizzes[pk])
        count = len(passed[pk])
        completed_at = current.get(pk)
        percent = 100 if completed_at else ((100 * count) // total if total else 0)
        out[pk] = {
            "passed": count,
            "total": total,
            "percent": percent,
            "completed_at": completed_at,
        }
    return out


def courses_completed(*, user: Any, course_ids: list[int]) -> set[int]:
    """Which of these courses the user has completed (a current completion; one query)."""
    return set(
        rule.own_records(
            user=user,
            queryset=Completion.objects.filter(course__in=list(course_ids), reset_at__isnull=True),
        ).values_list("course_id", flat=True)
    )


def my_training_overview(*, user: Any) -> dict:
    """``my_training``'s shape, in a bounded number of queries (the "my training" page):
    ``{"enrolments": [{"enrolment", "course", "progress", "passed", "total",
    "completed_at"}], "certificates": [Certificate]}``."""
    visible = courses_visible_to(user=user)
    enrolments = list(
        rule.own_records(user=user, queryset=Enrolment.objects.all())
        .filter(course__in=visible.values("pk"))
        .select_related("course")
        .order_by("-created_at", "-pk")
    )
    progress = courses_progress(user=user, course_ids=[e.course_id for e in enrolments])
    rows = [
        {
            "enrolment": enrolment,
            "course": enrolment.course,
            "progress": progress[enrolment.course_id]["percent"],
            "passed": progress[enrolment.course_id]["passed"],
            "total": progress[enrolment.course_id]["total"],
            "completed_at": progress[enrolment.course_id]["completed_at"],
        }
        for enrolment in enrolments
    ]
    certificates = list(
        rule.own_records(user=user, queryset=Certificate.objects.all()).select_related("course")
    )
    return {"enrolments": rows, "certificates": certificates}


# === end training: pages ===


# === training: quiz === (the learner's quiz and result pages)


def quiz_question_images(*, quiz: dict) -> dict[int, dict]:
    """What the quiz page needs to draw the images of ``quiz`` (``quiz_for_learner``'s
    shape): ``{question id: {"width", "height", "light"}}`` for each question that has an
    ``image_url`` there (so only images the learner may see). The light source is a
    specimen image's (``""`` for an uploaded one). Nothing of the answer key."""
    ids = [question["id"] for question in quiz["questions"] if question.get("image_url")]
    out: dict[int, dict] = {}
    for question in Question.objects.filter(pk__in=ids).select_related(
        "specimen_image", "training_image"
    ):
        image = question.specimen_image or question.training_image
        if image is None or not image.width or not image.height:
            continue
        light = ""
        if question.specimen_image_id:
            light = str(question.specimen_image.get_light_source_display())
        out[question.pk] = {"width": image.width, "height": image.height, "light": light}
    return out


def attempt_get_own_or_404(*, user: Any, quiz: Quiz, pk: Any) -> Attempt:
    """One of the user's own submitted attempts at ``quiz``; ``Http404`` otherwise."""
    try:
        return attempts_of(user=user, quiz=quiz).get(pk=pk, submitted_at__isnull=False)
    except (Attempt.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404("No such attempt.") from exc


def certificate_of_attempt(*, user: Any, attempt: Attempt) -> Certificate | None:
    """The certificate that handing in ``attempt`` issued (the course completed by it),
    or ``None``: issued at the very instant the attempt was submitted."""
    if attempt.submitted_at is None or not attempt.passed:
        return None
    return (
        rule.own_records(user=user, queryset=Certificate.objects.all())
        .filter(course_id=attempt.quiz.module.course_id, issued_at=attempt.submitted_at)
        .first()
    )


# === end training: quiz ===


# === training: api-search ===


def courses_newest(*, user: Any, limit: int = 5) -> list[Course]:
    """The home page's panel: the newest published courses shared with the user, by
    first publication (drafts are the trainers' business, in the admin)."""
    return list(
        courses_visible_to(user=user)
        .filter(live=True)
        .order_by("-first_published_at", "-pk")[:limit]
    )


def enrolment_of(*, user: Any, course: Course) -> Enrolment | None:
    """The user's enrolment in ``course``, if any (``None`` for anonymous callers)."""
    return rule.own_records(user=user, queryset=Enrolment.objects.filter(course=course)).first()


# === end training: api-search ===
