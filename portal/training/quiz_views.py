"""The learner's quiz page (``training:quiz``) and the result of a handed-in attempt.

Opening the page starts (or resumes) the learner's attempt: the questions are drawn once
(``services.quiz_attempt_start``) and shown in the shape ``selectors.quiz_for_learner``
gives — no zone, correct flag, feedback or match partner is ever in the page before the
attempt is graded, on the server (``services.quiz_attempt_submit``).

Hotspot questions work three ways: a click on the image, the keyboard (``quiz.js``: the
image is focusable, arrow keys move a crosshair, Enter or Space sets the point) and,
without JavaScript, the image as an ``<input type="image">``: a click posts its pixel
coordinates, the page comes back with the point set and every answer kept, and "Hand in"
grades. The image is drawn ``HOTSPOT_WIDTH`` pixels wide there, so that the server turns
those pixels into fractions of the image.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, services
from .models import QuestionKind

#: The width (CSS pixels) of a hotspot image posted without JavaScript (``<input
#: type="image">`` sends the click in the drawn image's pixels).
HOTSPOT_WIDTH = 800


def _hotspot_size(image: dict | None) -> tuple[int, int]:
    if not image:
        return HOTSPOT_WIDTH, HOTSPOT_WIDTH * 2 // 3
    return HOTSPOT_WIDTH, max(1, round(HOTSPOT_WIDTH * image["height"] / image["width"]))


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _read_post(post, questions: list[dict], images: dict[int, dict]) -> tuple[dict, dict, dict]:
    """The learner's answers from the form: ``(answers, kept, errors)``.

    ``answers`` is the service's ``{"<question id>": answer}``; ``kept`` what the form
    shows again per question id; ``errors`` a message per unanswered or unreadable
    question. A no-JavaScript click on a hotspot image sets that question's point.
    """
    answers: dict[str, Any] = {}
    kept: dict[int, Any] = {}
    errors: dict[int, str] = {}
    for question in questions:
        qid, kind, name = question["id"], question["kind"], f"q{question['id']}"
        if kind == QuestionKind.CHOICE:
            chosen = [value for value in post.getlist(name) if value][:50]
            kept[qid] = set(chosen)
            if not chosen:
                errors[qid] = (
                    _("Tick at least one answer.")
                    if question.get("multiple")
                    else _("Choose an answer.")
                )
            else:
                answers[str(qid)] = chosen if question.get("multiple") else chosen[0]
        elif kind == QuestionKind.GENUINE_OR_FORGED:
            value = post.get(name, "")
            kept[qid] = value
            if not value:
                errors[qid] = _("Say whether the document is genuine or forged.")
            else:
                answers[str(qid)] = value
        elif kind == QuestionKind.HOTSPOT:
            width, height = _hotspot_size(images.get(qid))
            px, py = _number(post.get(f"point-{qid}.x")), _number(post.get(f"point-{qid}.y"))
            if px is not None and py is not None:
                x, y = min(max(px / width, 0.0), 1.0), min(max(py / height, 0.0), 1.0)
            else:
                x, y = _number(post.get(f"{name}-x")), _number(post.get(f"{name}-y"))
            if x is None or y is None:
                kept[qid] = None
                if question.get("image_url"):
                    if post.get(f"{name}-x") or post.get(f"{name}-y"):
                        errors[qid] = _("The point could not be read: click the image again.")
                    else:
                        errors[qid] = _(
                            "Click the place on the image (or move the crosshair with the "
                            "arrow keys and press Enter)."
                        )
            else:
                kept[qid] = {"x": x, "y": y}
                answers[str(qid)] = {"x": x, "y": y}
        elif kind == QuestionKind.MATCH:
            pairs = {}
            for choice in question.get("choices", []):
                if choice.get("side") != "term":
                    continue
                value = post.get(f"{name}-{choice['id']}", "")
                if value:
                    pairs[str(choice["id"])] = value
            kept[qid] = pairs
            terms = [c for c in question.get("choices", []) if c.get("side") == "term"]
            if len(pairs) < len(terms):
                errors[qid] = _("Choose a match for every term.")
            else:
                answers[str(qid)] = pairs
    return answers, kept, errors


def _point_clicked(post, questions: list[dict]) -> int | None:
    """The hotspot question whose image was clicked without JavaScript, if any."""
    for question in questions:
        if question["kind"] == QuestionKind.HOTSPOT and f"point-{question['id']}.x" in post:
            return question["id"]
    return None


def _rows(questions: list[dict], images: dict[int, dict], kept: dict, errors: dict) -> list[dict]:
    """Each question with what its form field shows: kept answers and messages."""
    rows = []
    for number, question in enumerate(questions, start=1):
        qid = question["id"]
        value = kept.get(qid)
        row = {
            "number": number,
            "question": question,
            "image": images.get(qid),
            "value": value,
            "error": errors.get(qid, ""),
        }
        if question["kind"] == QuestionKind.HOTSPOT:
            row["width"], row["height"] = _hotspot_size(images.get(qid))
            if value:
                # Strings, not numbers: a template would write 0,35 in some languages.
                row["point"] = {
                    "x": f"{value['x']:.6f}",
                    "y": f"{value['y']:.6f}",
                    "left": f"{value['x'] * 100:.2f}",
                    "top": f"{value['y'] * 100:.2f}",
                    "across": f"{round(value['x'] * 100)}%",
                    "down": f"{round(value['y'] * 100)}%",
                }
        if question["kind"] == QuestionKind.MATCH:
            choices = question.get("choices", [])
            pairs = value or {}
            row["terms"] = [
                {**choice, "chosen": pairs.get(str(choice["id"]), "")}
                for choice in choices
                if choice.get("side") == "term"
            ]
            row["partners"] = [choice for choice in choices if choice.get("side") != "term"]
        if question["kind"] == QuestionKind.CHOICE:
            chosen = value or set()
            row["choices"] = [
                {**choice, "chosen": str(choice["id"]) in chosen}
                for choice in question.get("choices", [])
            ]
        rows.append(row)
    return rows


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_take(request, pk: int):
    """The quiz: every question of the learner's attempt, then "Hand in"."""
    quiz = selectors.quiz_get_visible_or_404(user=request.user, pk=pk)
    attempt = services.quiz_attempt_start(user=request.user, quiz=quiz)
    shape = selectors.quiz_for_learner(user=request.user, quiz=quiz, attempt=attempt)
    images = selectors.quiz_question_images(quiz=shape)
    questions = shape["questions"]
    kept: dict = {}
    errors: dict = {}
    notice = ""
    status = 200
    if request.method == "POST":
        if request.POST.get("attempt") != str(attempt.pk):
            notice = _(
                "This attempt was handed in from another window, so a new one has started. "
                "Answer the questions below."
            )
        else:
            answers, kept, errors = _read_post(request.POST, questions, images)
            clicked = _point_clicked(request.POST, questions)
            if clicked is not None:
                # Not handed in: the point is set and every answer shown again.
                errors = {}
                notice = _("Point set. Answer the other questions, then hand in.")
            elif errors:
                status = 400
                notice = _("Some questions need an answer before you hand in.")
            else:
                try:
                    attempt = services.quiz_attempt_submit(
                        user=request.user, quiz=quiz, answers=answers
                    )
                except services.AnswersInvalid as refused:
                    # The grader's own messages, on their questions (others on top).
                    status = 400
                    notice = _("Some answers could not be understood.")
                    drawn = {question["id"] for question in questions}
                    for key, message in refused.errors.items():
                        if key.isdigit() and int(key) in drawn:
                            errors[int(key)] = message
                        else:
                            notice = message
                else:
                    return redirect("training:quiz-result", pk=quiz.pk, attempt=attempt.pk)
    last = (
        selectors.attempts_of(user=request.user, quiz=quiz)
        .filter(submitted_at__isnull=False)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    course = quiz.module.course
    return render(
        request,
        "training/quiz.html",
        {
            "quiz": quiz,
            "course": course,
            "attempt": attempt,
            "rows": _rows(questions, images, kept, errors),
            "errors": errors,
            "notice": notice,
            "last": last,
            "course_url": _course_url(course),
        },
        status=status,
    )


def _course_url(course) -> str:
    return reverse("training:course", kwargs={"pk": course.pk})


@never_cache
@login_required
@require_safe
def quiz_result(request, pk: int, attempt: int):
    """A handed-in attempt: score, passed or not, each question right or wrong with its
    feedback (now that it is graded), and the certificate if this completed the course."""
    quiz = selectors.quiz_get_visible_or_404(user=request.user, pk=pk)
    done = selectors.attempt_get_own_or_404(user=request.user, quiz=quiz, pk=attempt)
    shape = selectors.quiz_for_learner(user=request.user, quiz=quiz, attempt=done)
    results = done.results or {}
    rows = []
    for number, question in enumerate(shape["questions"], start=1):
        result = results.get(str(question["id"]), {})
        row = {
            "number": number,
            "question": question,
            "correct": bool(result.get("correct")),
            "feedback": result.get("feedback", ""),
        }
        answer = (done.answers or {}).get(str(question["id"]))
        if (
            question["kind"] == QuestionKind.HOTSPOT
            and question.get("image_url")
            and isinstance(answer, dict)
            and all(isinstance(answer.get(axis), int | float) for axis in ("x", "y"))
        ):
            # The learner's own point (never the zones): where they clicked.
            row["point"] = {
                "left": f"{answer['x'] * 100:.2f}",
                "top": f"{answer['y'] * 100:.2f}",
            }
        rows.append(row)
    course = quiz.module.course
    passed, total = services.quizzes_passed(user=request.user, course=course)
    return render(
        request,
        "training/quiz_result.html",
        {
            "quiz": quiz,
            "course": course,
            "attempt": done,
            "rows": rows,
            "certificate": selectors.certificate_of_attempt(user=request.user, attempt=done),
            "quizzes_passed": passed,
            "quizzes_total": total,
            "course_url": _course_url(course),
        },
    )
