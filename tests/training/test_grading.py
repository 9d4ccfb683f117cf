"""Grading on the server (portal.training.grading): every kind, the edges, bad answers."""

from __future__ import annotations

import pytest

from portal.training.grading import (
    QuestionKey,
    grade,
    point_in_polygon,
    point_in_region,
    score_of,
)

RECTANGLE = {"x": 0.2, "y": 0.3, "w": 0.4, "h": 0.2, "label": "laminate"}  # to 0.6, 0.5
TRIANGLE = {"points": [[0.1, 0.1], [0.5, 0.1], [0.1, 0.5]]}
# A "U": the notch between the arms (0.4–0.6 wide, 0.5–1 high) is outside.
U_SHAPE = {
    "points": [
        [0.2, 0.2],
        [0.8, 0.2],
        [0.8, 1.0],
        [0.6, 1.0],
        [0.6, 0.5],
        [0.4, 0.5],
        [0.4, 1.0],
        [0.2, 1.0],
    ]
}


def hotspot(*zones, **kwargs) -> QuestionKey:
    return QuestionKey(id="h", kind="hotspot", zones=zones, **kwargs)


def clicked(question: QuestionKey, x, y) -> bool:
    result = grade([question], {question.id: {"x": x, "y": y}})
    assert result.errors == {}
    return result.results[question.id]["correct"]


# --- hotspot -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "inside"),
    [
        (0.4, 0.4, True),  # middle
        (0.2, 0.4, True),  # left edge
        (0.6, 0.4, True),  # right edge
        (0.4, 0.3, True),  # top edge
        (0.4, 0.5, True),  # bottom edge
        (0.2, 0.3, True),  # corner
        (0.6, 0.5, True),  # opposite corner
        (0.199, 0.4, False),  # just left
        (0.601, 0.4, False),  # just right
        (0.4, 0.501, False),  # just below
        (0.4, 0.299, False),  # just above
        (0.9, 0.9, False),
    ],
)
def test_hotspot_rectangle(x, y, inside):
    assert clicked(hotspot(RECTANGLE), x, y) is inside


@pytest.mark.parametrize(
    ("x", "y", "inside"),
    [
        (0.2, 0.2, True),  # inside
        (0.3, 0.1, True),  # on the top side
        (0.1, 0.3, True),  # on the left side
        (0.3, 0.3, True),  # on the slanted side (x + y = 0.6)
        (0.1, 0.1, True),  # a corner
        (0.5, 0.1, True),  # a corner
        (0.1, 0.5, True),  # a corner
        (0.301, 0.301, False),  # just beyond the slanted side
        (0.3, 0.099, False),  # just above the top
        (0.099, 0.3, False),  # just left
        (0.5, 0.5, False),
        (0.6, 0.1, False),  # on the top side's line, past its corner
    ],
)
def test_hotspot_polygon_edges_and_vertices(x, y, inside):
    assert clicked(hotspot(TRIANGLE), x, y) is inside


@pytest.mark.parametrize(
    ("x", "y", "inside"),
    [
        (0.3, 0.8, True),  # left arm
        (0.7, 0.8, True),  # right arm
        (0.5, 0.3, True),  # the bar above the notch
        (0.5, 0.8, False),  # in the notch
        (0.5, 0.51, False),  # just inside the notch
        (0.5, 0.5, True),  # the notch's floor is an edge
        (0.4, 0.8, True),  # the notch's left wall is an edge
        (0.1, 0.5, False),
    ],
)
def test_hotspot_concave_polygon(x, y, inside):
    assert clicked(hotspot(U_SHAPE), x, y) is inside


def test_hotspot_ray_through_a_vertex_is_counted_once():
    diamond = [(0.5, 0.1), (0.9, 0.5), (0.5, 0.9), (0.1, 0.5)]
    # The ray to the right from (0.3, 0.5) passes exactly through the corner (0.9, 0.5).
    assert point_in_polygon(0.3, 0.5, diamond) is True
    assert point_in_polygon(0.05, 0.5, diamond) is False
    # A ray along a horizontal side.
    square = [(0.2, 0.2), (0.6, 0.2), (0.6, 0.6), (0.2, 0.6)]
    assert point_in_polygon(0.1, 0.2, square) is False
    assert point_in_polygon(0.4, 0.2, square) is True


def test_hotspot_any_of_several_zones():
    question = hotspot(RECTANGLE, TRIANGLE)
    assert clicked(question, 0.4, 0.4) is True  # the rectangle
    assert clicked(question, 0.15, 0.15) is True  # the triangle
    assert clicked(question, 0.9, 0.9) is False  # neither


def test_hotspot_without_zones_is_never_right():
    assert clicked(hotspot(), 0.5, 0.5) is False


def test_point_in_region_of_unknown_shape_is_outside():
    assert point_in_region(0.5, 0.5, {"label": "nothing"}) is False


@pytest.mark.parametrize(
    "answer",
    [
        "0.5,0.5",
        [0.5, 0.5],
        {"x": 0.5},
        {"x": "0.5", "y": 0.5},
        {"x": True, "y": 0.5},
        {"x": 1.5, "y": 0.5},
        {"x": 0.5, "y": -0.1},
        {"x": float("nan"), "y": 0.5},
        {"x": float("inf"), "y": 0.5},
    ],
)
def test_hotspot_malformed(answer):
    result = grade([hotspot(RECTANGLE)], {"h": answer})
    assert "x and y" in result.errors["h"]
    assert result.results["h"]["correct"] is False


def test_hotspot_image_corners_are_accepted():
    question = hotspot({"x": 0.0, "y": 0.0, "w": 1.0, "h": 1.0})
    assert clicked(question, 0, 0) is True
    assert clicked(question, 1, 1) is True


# --- choice ----------------------------------------------------------------------------


SINGLE = QuestionKey(
    id="c",
    kind="choice",
    choice_ids=frozenset({"a", "b", "c"}),
    correct_choice_ids=frozenset({"b"}),
    feedback_correct="Well done.",
    feedback_wrong="Look at the laminate again.",
    choice_feedback={"a": "A is the printing method, not the substrate."},
)
MULTIPLE = QuestionKey(
    id="m",
    kind="choice",
    multiple=True,
    choice_ids=frozenset({"a", "b", "c", "d"}),
    correct_choice_ids=frozenset({"a", "c"}),
)


def test_choice_single():
    assert grade([SINGLE], {"c": "b"}).results["c"] == {"correct": True, "feedback": "Well done."}
    assert grade([SINGLE], {"c": ["b"]}).results["c"]["correct"] is True
    wrong = grade([SINGLE], {"c": "a"})
    assert wrong.results["c"] == {
        "correct": False,
        "feedback": "A is the printing method, not the substrate. Look at the laminate again.",
    }
    assert wrong.errors == {}


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        (["a", "c"], True),
        (["c", "a"], True),
        (["a", "c", "a"], True),  # the same choice twice is chosen once
        (["a"], False),  # too few
        ("a", False),
        (["a", "c", "d"], False),  # too many
        (["a", "b", "c", "d"], False),  # everything
        ([], False),  # nothing chosen: unanswered
    ],
)
def test_choice_multiple_needs_exactly_the_right_set(answer, right):
    result = grade([MULTIPLE], {"m": answer})
    assert result.errors == {}
    assert result.results["m"]["correct"] is right


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (SINGLE, "z"),  # not a choice of the question
        (SINGLE, ["a", "b"]),  # two answers to a one-answer question
        (SINGLE, 2),
        (SINGLE, {"b": True}),
        (MULTIPLE, ["a", 3]),
        (MULTIPLE, ["a", "zz"]),
    ],
)
def test_choice_malformed(question, answer):
    result = grade([question], {question.id: answer})
    assert question.id in result.errors
    assert result.results[question.id]["correct"] is False


def test_choice_offer_defaults_to_the_ids_the_key_names():
    question = QuestionKey(id="c", kind="choice", correct_choice_ids=frozenset({"b"}))
    assert grade([question], {"c": "b"}).results["c"]["correct"] is True
    assert "c" in grade([question], {"c": "other"}).errors


# --- genuine or forged -------------------------------------------------------------------


def test_genuine_or_forged():
    forged = QuestionKey(
        id="g", kind="genuine_or_forged", genuine=False, choice_feedback={"genuine": "See the OVD."}
    )
    assert grade([forged], {"g": "forged"}).results["g"]["correct"] is True
    wrong = grade([forged], {"g": "genuine"})
    assert wrong.results["g"] == {"correct": False, "feedback": "See the OVD."}
    genuine = QuestionKey(id="g", kind="genuine_or_forged", genuine=True)
    assert grade([genuine], {"g": "genuine"}).results["g"]["correct"] is True
    assert grade([genuine], {"g": "forged"}).results["g"]["correct"] is False


@pytest.mark.parametrize("answer", ["Genuine", "fake", True, 1, ["genuine"], {"x": 0}])
def test_genuine_or_forged_malformed(answer):
    question = QuestionKey(id="g", kind="genuine_or_forged", genuine=True)
    result = grade([question], {"g": answer})
    assert "genuine" in result.errors["g"]
    assert result.results["g"]["correct"] is False


def test_a_key_without_the_truth_is_refused():
    with pytest.raises(ValueError):
        QuestionKey(id="g", kind="genuine_or_forged")
    with pytest.raises(ValueError):
        QuestionKey(id="x", kind="essay")


# --- match ---------------------------------------------------------------------------------


MATCH = QuestionKey(
    id="p",
    kind="match",
    match_pairs={"t1": "i1", "t2": "i2", "t3": "i3"},
    choice_ids=frozenset({"t1", "t2", "t3", "i1", "i2", "i3", "i4"}),
)


def test_match_all_pairs_right():
    answer = {"t1": "i1", "t2": "i2", "t3": "i3"}
    assert grade([MATCH], {"p": answer}).results["p"]["correct"] is True


@pytest.mark.parametrize(
    "answer",
    [
        {"t1": "i1", "t2": "i3", "t3": "i2"},  # two of three swapped
        {"t1": "i1", "t2": "i2", "t3": "i4"},  # one wrong partner (a distractor)
        {"t1": "i1", "t2": "i2"},  # one term left unpaired
        {},
    ],
)
def test_match_partly_right_is_wrong(answer):
    result = grade([MATCH], {"p": answer})
    assert result.errors == {}
    assert result.results["p"]["correct"] is False


@pytest.mark.parametrize(
    "answer",
    [
        ["t1", "i1"],
        "t1:i1",
        {"t1": 1},
        {"t9": "i1"},  # not a term of the question
        {"t1": "i9"},  # not a choice of the question
    ],
)
def test_match_malformed(answer):
    result = grade([MATCH], {"p": answer})
    assert "p" in result.errors
    assert result.results["p"]["correct"] is False


# --- the attempt as a whole ----------------------------------------------------------------


def test_unanswered_questions_are_wrong_not_errors():
    result = grade([SINGLE, MULTIPLE, hotspot(RECTANGLE)], {"c": "b", "m": None})
    assert result.errors == {}
    assert [r["correct"] for r in result.results.values()] == [True, False, False]
    assert result.results["m"]["feedback"] == ""
    assert result.score == 33


def test_answer_to_a_question_not_in_the_attempt_is_an_error():
    result = grade([SINGLE], {"c": "b", "other": "a"})
    assert set(result.errors) == {"other"}
    assert result.results == {"c": {"correct": True, "feedback": "Well done."}}


def test_answers_not_an_object_is_an_error():
    result = grade([SINGLE], ["b"])  # type: ignore[arg-type]
    assert set(result.errors) == {"answers"}
    assert result.score == 0


def test_every_kind_in_one_attempt():
    questions = [
        SINGLE,
        MULTIPLE,
        QuestionKey(id="g", kind="genuine_or_forged", genuine=False),
        hotspot(U_SHAPE),
        MATCH,
    ]
    answers = {
        "c": "b",
        "m": ["a", "c"],
        "g": "forged",
        "h": {"x": 0.3, "y": 0.9},
        "p": {"t1": "i1", "t2": "i2", "t3": "i3"},
    }
    assert grade(questions, answers).score == 100
    answers["h"] = {"x": 0.5, "y": 0.9}  # the notch
    result = grade(questions, answers)
    assert result.score == 80
    assert result.results["h"]["correct"] is False


@pytest.mark.parametrize(
    ("correct", "total", "score"),
    [
        (0, 3, 0),
        (1, 3, 33),
        (2, 3, 67),
        (3, 3, 100),
        (1, 8, 13),  # 12.5 rounds up (Python's round() would give 12)
        (3, 8, 38),  # 37.5
        (5, 8, 63),  # 62.5
        (1, 200, 1),  # 0.5
        (0, 0, 0),
    ],
)
def test_score_rounding(correct, total, score):
    assert score_of(correct, total) == score


def test_score_rounding_through_grade():
    questions = [QuestionKey(id=str(n), kind="genuine_or_forged", genuine=True) for n in range(8)]
    assert grade(questions, {"0": "genuine"}).score == 13
