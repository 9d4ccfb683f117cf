"""Grading a quiz attempt on the server, from answer keys that never leave it.

Pure functions: no models, no database. The caller (``portal.training.services``) turns
the questions drawn for an attempt into :class:`QuestionKey` values and the learner's
submitted ``{"<question id>": answer}`` into a :class:`Grade`.

The rules, decided here once:

- A drawn question the learner did not answer (absent, ``null``, or an empty selection)
  counts as *wrong*, not as an error: a learner may hand in a quiz with questions left
  open, as on paper, and is told which ones were wrong.
- An answer that cannot be understood (wrong type, a choice that is not one of the
  question's, a click outside the image, an answer to a question that is not in the
  attempt) is an *error* with a message a person understands; the caller refuses the
  submission (``400`` per field) and stores nothing.
- The score is ``100 × correct ÷ questions``, rounded half up (12.5 → 13).

Hotspot zones are the shapes ``portal.specimens.imaging.regions_check`` accepts and
checks when they are saved (rectangles ``{"x", "y", "w", "h"}`` and polygons
``{"points": [[x, y], ...]}`` in fractions of the image). That module only checks
shapes; the point-in-shape geometry lives here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

#: The question kinds (CONTRACT.md, "Training").
CHOICE = "choice"
GENUINE_OR_FORGED = "genuine_or_forged"
HOTSPOT = "hotspot"
MATCH = "match"
KINDS = frozenset({CHOICE, GENUINE_OR_FORGED, HOTSPOT, MATCH})

#: The two answers of a genuine-or-forged question.
GENUINE = "genuine"
FORGED = "forged"

#: How near (in fractions of the image) a click must be to a zone's edge to count as on
#: it: far below a pixel of any image, far above floating-point noise.
EDGE_EPSILON = 1e-9


@dataclass(frozen=True)
class QuestionKey:
    """What the server knows about one drawn question: its kind and its right answer.

    :param id: the question's id as the learner's answers name it.
    :param kind: ``"choice"``, ``"genuine_or_forged"``, ``"hotspot"`` or ``"match"``.
    :param choice_ids: every choice offered (choice and match questions); when empty,
        the ids named by the key (correct choices, feedback, match pairs) are the offer.
    :param correct_choice_ids: the right choices of a choice question.
    :param multiple: whether several choices are chosen (exactly the right set counts).
    :param genuine: the right answer of a genuine-or-forged question.
    :param zones: a hotspot question's zones; a click inside any of them is right.
    :param match_pairs: term choice id → the id of its right partner.
    :param feedback_correct: shown when the answer is right.
    :param feedback_wrong: shown when the answer is wrong.
    :param choice_feedback: shown for each chosen answer (a choice id, or ``"genuine"`` /
        ``"forged"``), before the general feedback, as Moodle does.
    """

    id: str
    kind: str
    correct_choice_ids: frozenset[str] = frozenset()
    multiple: bool = False
    genuine: bool | None = None
    zones: Sequence[Mapping[str, Any]] = ()
    match_pairs: Mapping[str, str] = field(default_factory=dict)
    feedback_correct: str = ""
    feedback_wrong: str = ""
    choice_feedback: Mapping[str, str] = field(default_factory=dict)
    choice_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # A key the server built wrongly is a bug, not a learner's error: fail loudly.
        if self.kind not in KINDS:
            raise ValueError(f"Unknown question kind {self.kind!r} (question {self.id!r}).")
        if self.kind == GENUINE_OR_FORGED and self.genuine is None:
            raise ValueError(f"Question {self.id!r} does not say whether it is genuine.")

    def offered(self) -> frozenset[str]:
        """The choice ids the learner may name in an answer."""
        if self.choice_ids:
            return self.choice_ids
        return (
            frozenset(self.correct_choice_ids)
            | frozenset(self.choice_feedback)
            | frozenset(self.match_pairs)
            | frozenset(self.match_pairs.values())
        )


@dataclass(frozen=True)
class Grade:
    """The outcome of grading: a score, a result per question, and what was not understood.

    :param score: 0–100.
    :param results: ``{question id: {"correct": bool, "feedback": str}}`` for every
        question of the attempt.
    :param errors: ``{question id: message}`` for answers that could not be understood;
        empty when the submission is acceptable.
    """

    score: int
    results: dict[str, dict[str, Any]]
    errors: dict[str, str]


class _Unreadable(Exception):
    """An answer that cannot be understood; its message is for the learner."""


def grade(questions: Sequence[QuestionKey], answers: Mapping[str, Any]) -> Grade:
    """Grade ``answers`` (``{question id: answer}``) against the attempt's ``questions``.

    Answer shapes (CONTRACT.md, "Training"): ``choice`` a choice id or a list of them;
    ``genuine_or_forged`` ``"genuine"`` or ``"forged"``; ``hotspot`` ``{"x", "y"}`` in
    fractions 0–1 of the image; ``match`` ``{"<term id>": "<partner id>"}``. A question
    left unanswered is wrong; an answer that cannot be understood, or one to a question
    not in ``questions``, is reported in ``errors`` (see the module's rules).
    """
    if not isinstance(answers, Mapping):
        return Grade(
            score=0,
            results={},
            errors={"answers": _("Send the answers as an object of question ids and answers.")},
        )
    known = {question.id for question in questions}
    errors: dict[str, str] = {
        str(qid): _("This question is not part of this attempt.")
        for qid in answers
        if qid not in known
    }
    results: dict[str, dict[str, Any]] = {}
    correct = 0
    for question in questions:
        try:
            right, chosen = _judge(question, answers.get(question.id))
        except _Unreadable as problem:
            errors[question.id] = str(problem)
            right, chosen = False, []
        correct += right
        results[question.id] = {"correct": right, "feedback": _feedback(question, right, chosen)}
    return Grade(score=score_of(correct, len(questions)), results=results, errors=errors)


def score_of(correct: int, total: int) -> int:
    """``100 × correct ÷ total`` rounded half up (Python's ``round`` would round 12.5 to 12);
    0 for an attempt without questions."""
    if total <= 0:
        return 0
    return (200 * correct + total) // (2 * total)


def _feedback(question: QuestionKey, right: bool, chosen: Sequence[str]) -> str:
    parts = [question.choice_feedback.get(choice, "") for choice in chosen]
    parts.append(question.feedback_correct if right else question.feedback_wrong)
    return " ".join(part.strip() for part in parts if part and part.strip())


def _judge(question: QuestionKey, answer: Any) -> tuple[bool, list[str]]:
    """Whether ``answer`` is right, and the answers chosen (for their feedback)."""
    if answer is None:
        return False, []
    if question.kind == CHOICE:
        return _judge_choice(question, answer)
    if question.kind == GENUINE_OR_FORGED:
        if answer not in (GENUINE, FORGED):
            raise _Unreadable(_('Answer "genuine" or "forged".'))
        return (answer == GENUINE) == question.genuine, [answer]
    if question.kind == HOTSPOT:
        x, y = _point(answer)
        return any(point_in_region(x, y, zone) for zone in question.zones), []
    return _judge_match(question, answer)


def _is_choice_id(value: Any) -> bool:
    """A choice id as a learner may send it: text, or the whole number the quiz gave (an
    API client echoes the ids of ``GET /quizzes/{id}``, which are numbers). Not ``true``."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _judge_choice(question: QuestionKey, answer: Any) -> tuple[bool, list[str]]:
    chosen = [answer] if _is_choice_id(answer) else answer
    if not isinstance(chosen, list) or not all(_is_choice_id(item) for item in chosen):
        raise _Unreadable(_("Give a choice id, or a list of choice ids."))
    chosen = [str(item) for item in chosen]
    if not question.multiple and len(chosen) > 1:
        raise _Unreadable(_("Choose only one answer to this question."))
    offered = question.offered()
    if any(item not in offered for item in chosen):
        raise _Unreadable(_("One of the chosen answers is not a choice of this question."))
    chosen = list(dict.fromkeys(chosen))  # the same choice twice is chosen once
    if not chosen:
        return False, []
    return frozenset(chosen) == frozenset(question.correct_choice_ids), chosen


def _judge_match(question: QuestionKey, answer: Any) -> tuple[bool, list[str]]:
    if not isinstance(answer, Mapping) or not all(
        isinstance(key, str) and _is_choice_id(value) for key, value in answer.items()
    ):
        raise _Unreadable(_("Give the pairs as an object of choice ids."))
    answer = {key: str(value) for key, value in answer.items()}
    offered = question.offered()
    for term, partner in answer.items():
        if term not in question.match_pairs or partner not in offered:
            raise _Unreadable(_("One of the pairs names a choice that is not in this question."))
    # Every term paired with its right partner: a partly right match is wrong.
    right = bool(question.match_pairs) and all(
        answer.get(term) == partner for term, partner in question.match_pairs.items()
    )
    return right, []


def _point(answer: Any) -> tuple[float, float]:
    message = _("Give the point clicked as x and y, fractions from 0 to 1 of the image.")
    if not isinstance(answer, Mapping):
        raise _Unreadable(message)
    x, y = answer.get("x"), answer.get("y")
    for value in (x, y):
        # bool is an int to Python, but true is not a coordinate.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Unreadable(message)
        if not math.isfinite(value) or not 0 <= value <= 1:
            raise _Unreadable(message)
    return float(x), float(y)


def point_in_region(x: float, y: float, region: Mapping[str, Any]) -> bool:
    """Whether the point (fractions of the image) is inside a rectangle or polygon region.

    A point on the edge, or on a corner, is inside (``EDGE_EPSILON``). A region of an
    unknown shape contains nothing.
    """
    if "points" in region:
        points = [(float(px), float(py)) for px, py in region["points"]]
        return point_in_polygon(x, y, points)
    try:
        left, top = float(region["x"]), float(region["y"])
        right, bottom = left + float(region["w"]), top + float(region["h"])
    except (KeyError, TypeError, ValueError):
        return False
    return (
        left - EDGE_EPSILON <= x <= right + EDGE_EPSILON
        and top - EDGE_EPSILON <= y <= bottom + EDGE_EPSILON
    )


def point_in_polygon(x: float, y: float, points: Sequence[tuple[float, float]]) -> bool:
    """Whether the point is inside the polygon (any shape, concave too), or on its edge.

    The edge is tested first and explicitly (distance to each side within
    ``EDGE_EPSILON``), because the crossing count alone is undecided there; the inside is
    the even-odd rule by crossings of a ray to the right.
    """
    count = len(points)
    if count < 3:
        return False
    for index in range(count):
        if _on_segment(x, y, points[index], points[(index + 1) % count]):
            return True
    inside = False
    for index in range(count):
        (x1, y1), (x2, y2) = points[index], points[(index + 1) % count]
        # Half-open in y: a vertex on the ray is counted once, a horizontal side never.
        if (y1 > y) != (y2 > y):
            crossing = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if crossing > x:
                inside = not inside
    return inside


def _on_segment(x: float, y: float, start: tuple[float, float], end: tuple[float, float]) -> bool:
    (x1, y1), (x2, y2) = start, end
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy)
    if length <= EDGE_EPSILON:  # a side of no length is a corner
        return math.hypot(x - x1, y - y1) <= EDGE_EPSILON
    # Distance from the side's line, then whether the point lies between its ends.
    if abs(dx * (y - y1) - dy * (x - x1)) / length > EDGE_EPSILON:
        return False
    along = ((x - x1) * dx + (y - y1) * dy) / length
    return -EDGE_EPSILON <= along <= length + EDGE_EPSILON
