"""``/api/v1/courses``, ``/quizzes`` and ``/me/training`` (CONTRACT.md "Training (v2)"):
the shapes, the rule (404 for those the course is not shared with, 401 for anonymous
callers), the answer key never sent, grading of every kind, 400 per question, and the
certificate that passing earns — fetched with the same token."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from portal.training.models import Attempt, Certificate, Choice, Enrolment, Question

from .conftest import course_make, lesson_make, question_choice, question_hotspot, quiz_make

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def _bearer(user) -> dict:
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _get(client, url, user=None):
    return client.get(url, **(_bearer(user) if user is not None else {}))


def _post(client, url, user=None, body=None):
    return client.post(
        url,
        json.dumps(body if body is not None else {}),
        content_type="application/json",
        **(_bearer(user) if user is not None else {}),
    )


def _submit(client, user, quiz, answers):
    return _post(client, f"/api/v1/quizzes/{quiz.pk}/attempts", user, {"answers": answers})


def question_genuine(quiz, *, genuine=False):
    return Question.objects.create(
        quiz=quiz,
        kind="genuine_or_forged",
        prompt="Is this passport genuine?",
        genuine=genuine,
        feedback_correct="FEEDBACK-RIGHT-7301",
        feedback_wrong="FEEDBACK-WRONG-7302",
    )


def question_match(quiz):
    """Terms "UV fibres" → "Image 2" and "Microtext" → "Image 1", and a distractor."""
    question = Question.objects.create(quiz=quiz, kind="match", prompt="Match the features")
    terms = [
        Choice.objects.create(question=question, text="UV fibres", match_target="Image 2"),
        Choice.objects.create(question=question, text="Microtext", match_target="Image 1"),
    ]
    partners = {
        text: Choice.objects.create(question=question, text=text)
        for text in ("Image 1", "Image 2", "Image 3")
    }
    right = {
        str(terms[0].pk): str(partners["Image 2"].pk),
        str(terms[1].pk): partners["Image 1"].pk,
    }
    wrong = {
        str(terms[0].pk): str(partners["Image 1"].pk),
        str(terms[1].pk): partners["Image 2"].pk,
    }
    return question, right, wrong


@pytest.fixture
def course(users):
    """A published andex course of PHL (expert level) with a lesson and one quiz of every
    kind of question."""
    course = course_make(title="Detecting forged laminates", distribution=ANDEX, level="expert")
    lesson_make(course, title="Lifted corners")
    quiz = quiz_make(course, pass_mark=75)
    choice, good, bad = question_choice(quiz)
    genuine = question_genuine(quiz)
    hotspot = question_hotspot(quiz)
    match, right_pairs, wrong_pairs = question_match(quiz)
    return {
        "course": course,
        "quiz": quiz,
        "choice": (choice, good, bad),
        "genuine": genuine,
        "hotspot": hotspot,
        "match": (match, right_pairs, wrong_pairs),
    }


# --- courses ---------------------------------------------------------------------------


def test_the_list_has_exactly_the_contract_shape_and_only_visible_courses(client, users, course):
    course_make(title="Finnish border basics", owner="FIN", distribution={"level": "country"})
    course_make(title="A PHL draft", distribution=ANDEX, live=False)
    body = _get(client, "/api/v1/courses", users["officer.tha"]).json()
    assert body == {
        "count": 1,
        "results": [
            {
                "id": course["course"].pk,
                "url": f"/training/courses/{course['course'].pk}/",
                "title": "Detecting forged laminates",
                "level": "expert",
                "summary": "Laminates",
            }
        ],
    }
    fin = _get(client, "/api/v1/courses", users["officer.fin"]).json()
    assert [c["title"] for c in fin["results"]] == ["Finnish border basics"]
    # The draft is its trainers' (and experts') only.
    trainer = _get(client, "/api/v1/courses", users["trainer.phl"]).json()
    assert {c["title"] for c in trainer["results"]} == {"Detecting forged laminates", "A PHL draft"}
    by_level = _get(client, "/api/v1/courses?level=first_line", users["trainer.phl"]).json()
    assert [c["title"] for c in by_level["results"]] == ["A PHL draft"]
    paged = _get(client, "/api/v1/courses?page=9&page_size=1", users["trainer.phl"]).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1


def test_a_course_with_its_modules_lessons_and_quizzes(client, users, course):
    item = course["course"]
    response = _get(client, f"/api/v1/courses/{item.pk}", users["officer.vnm"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"id", "url", "title", "level", "summary", "modules"} <= set(body)
    assert body["level"] == "expert" and body["enrolled"] is False
    assert body["distribution"] == ANDEX and body["owner_country"] == "PHL"
    (module,) = body["modules"]
    lesson = item.modules.get().lessons.get()
    assert module["title"] == "Module 1"
    assert module["lessons"] == [
        {"id": lesson.pk, "title": "Lifted corners", "url": f"/training/lessons/{lesson.pk}/"}
    ]
    assert module["quizzes"] == [
        {
            "id": course["quiz"].pk,
            "title": "Quiz 1",
            "url": reverse("training:quiz", kwargs={"pk": course["quiz"].pk}),
            "pass_mark": 75,
        }
    ]


def test_courses_not_shared_are_404_and_anonymous_callers_401(client, users, course):
    item, quiz = course["course"], course["quiz"]
    fin = users["officer.fin"]
    for url in (f"/api/v1/courses/{item.pk}", f"/api/v1/quizzes/{quiz.pk}", "/api/v1/courses/0"):
        response = _get(client, url, fin)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found, or not shared with you."}
    assert _post(client, f"/api/v1/courses/{item.pk}/enrol", fin).status_code == 404
    assert _submit(client, fin, quiz, {}).status_code == 404
    assert not Enrolment.objects.exists() and not Attempt.objects.exists()
    for url in (
        "/api/v1/courses",
        f"/api/v1/courses/{item.pk}",
        f"/api/v1/quizzes/{quiz.pk}",
        "/api/v1/me/training",
    ):
        assert _get(client, url).status_code == 401, url
    assert _post(client, f"/api/v1/courses/{item.pk}/enrol").status_code == 401
    assert _submit(Client(), None, quiz, {}).status_code == 401


def test_a_public_course_answers_anonymous_callers(client, users):
    public = course_make(title="Open basics", distribution={"level": "public"})
    body = _get(client, f"/api/v1/courses/{public.pk}").json()
    assert body["title"] == "Open basics" and body["enrolled"] is False
    # Its quizzes record attempts: those need someone signed in.
    quiz = quiz_make(public)
    assert _get(client, f"/api/v1/quizzes/{quiz.pk}").status_code == 401


def test_enrol(client, users, course):
    item = course["course"]
    vnm = users["officer.vnm"]
    first = _post(client, f"/api/v1/courses/{item.pk}/enrol", vnm)
    assert first.status_code == 200, first.content
    assert set(first.json()) == {"course", "enrolled_at"} and first.json()["course"] == item.pk
    again = _post(client, f"/api/v1/courses/{item.pk}/enrol", vnm)
    assert again.json() == first.json()
    assert Enrolment.objects.filter(user=vnm, course=item).count() == 1
    assert _get(client, f"/api/v1/courses/{item.pk}", vnm).json()["enrolled"] is True
    mine = _get(client, "/api/v1/me/training", vnm).json()
    assert [(row["course"], row["progress"]) for row in mine["enrolments"]] == [(item.pk, 0)]


def test_a_browser_session_must_send_its_csrf_token_to_enrol(users, course):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["officer.vnm"])
    response = browser.post(f"/api/v1/courses/{course['course'].pk}/enrol")
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


# --- the quiz as the learner gets it ---------------------------------------------------


def test_the_quiz_never_carries_the_answer_key(client, users, course, make_specimen):
    specimen = make_specimen(title="Members' passport", distribution={"level": "members"})
    image = specimen.images.get()
    hotspot = course["hotspot"]
    hotspot.specimen_image = image
    hotspot.zones = [{"x": 0.123457, "y": 0.234568, "w": 0.0987, "h": 0.0876, "label": "SEKRET"}]
    hotspot.feedback_correct, hotspot.feedback_wrong = "FEEDBACK-HOT-4411", "FEEDBACK-HOT-4412"
    hotspot.save()
    _choice, good, bad = course["choice"]
    good.feedback = "CHOICE-FEEDBACK-5521"
    good.save()
    response = _get(client, f"/api/v1/quizzes/{course['quiz'].pk}", users["officer.tha"])
    assert response.status_code == 200, response.content
    text = response.content.decode()
    for secret in (
        "0.123457", "0.234568", "0.0987", "0.0876", "SEKRET", "zones", "FEEDBACK", "Well seen",
        "CHOICE-FEEDBACK", "feedback", '"correct"', '"genuine"', "match_target", "regions",
    ):  # fmt: skip
        assert secret not in text, secret
    body = response.json()
    assert set(body) == {"id", "title", "pass_mark", "attempt", "questions"}
    assert body["attempt"] == Attempt.objects.get(user=users["officer.tha"]).pk
    questions = {q["kind"]: q for q in body["questions"]}
    assert set(questions) == {"choice", "genuine_or_forged", "hotspot", "match"}
    for question in body["questions"]:
        assert {"id", "kind", "prompt"} <= set(question) <= {
            "id", "kind", "prompt", "image_url", "choices", "multiple",
        }  # fmt: skip
    assert sorted(questions["choice"]["choices"], key=lambda c: c["text"]) == [
        {"id": good.pk, "text": "A"},
        {"id": bad.pk, "text": "B"},
    ]
    assert questions["choice"]["multiple"] is False
    assert "choices" not in questions["genuine_or_forged"]
    sides = {c["text"]: c["side"] for c in questions["match"]["choices"]}
    assert sides == {
        "UV fibres": "term", "Microtext": "term",
        "Image 1": "partner", "Image 2": "partner", "Image 3": "partner",
    }  # fmt: skip
    # The image is fetched with the same token (and only where the learner may see it).
    url = questions["hotspot"]["image_url"]
    assert url == f"/specimens/images/{image.pk}/display/"
    picture = Client().get(url, **_bearer(users["officer.tha"]))
    assert picture.status_code == 200 and picture["Content-Type"].startswith("image/")
    # Opening the quiz enrolled the learner; opening it again resumes the same draw.
    assert Enrolment.objects.filter(user=users["officer.tha"], course=course["course"]).exists()
    again = _get(client, f"/api/v1/quizzes/{course['quiz'].pk}", users["officer.tha"]).json()
    assert again == body


def test_a_question_image_the_learner_may_not_see_has_no_url(client, users, course, make_specimen):
    hidden = make_specimen(title="THA only", owner="THA", distribution={"level": "country"})
    hotspot = course["hotspot"]
    hotspot.specimen_image = hidden.images.get()
    hotspot.save()
    body = _get(client, f"/api/v1/quizzes/{course['quiz'].pk}", users["officer.vnm"]).json()
    (question,) = [q for q in body["questions"] if q["kind"] == "hotspot"]
    assert "image_url" not in question


# --- grading -----------------------------------------------------------------------------


def _right_answers(course) -> dict:
    choice, good, _bad = course["choice"]
    match, right_pairs, _wrong = course["match"]
    return {
        # A choice id as the quiz gave it (a number) is understood as well as its text.
        str(choice.pk): good.pk,
        str(course["genuine"].pk): "forged",
        str(course["hotspot"].pk): {"x": 0.2, "y": 0.2},
        str(match.pk): right_pairs,
    }


def test_every_kind_is_graded_on_the_server(client, users, course):
    vnm = users["officer.vnm"]
    quiz = course["quiz"]
    choice, _good, bad = course["choice"]
    match, _right, wrong_pairs = course["match"]
    _get(client, f"/api/v1/quizzes/{quiz.pk}", vnm)
    wrong = _submit(
        client,
        vnm,
        quiz,
        {
            str(choice.pk): [str(bad.pk)],
            str(course["genuine"].pk): "genuine",
            str(course["hotspot"].pk): {"x": 0.9, "y": 0.9},
            str(match.pk): wrong_pairs,
        },
    )
    assert wrong.status_code == 201, wrong.content
    body = wrong.json()
    assert body["score"] == 0 and body["passed"] is False and body["certificate"] is None
    assert set(body["results"]) == {str(q.pk) for q in quiz.questions.all()}
    assert all(result["correct"] is False for result in body["results"].values())
    assert body["results"][str(choice.pk)] == {"correct": False, "feedback": "No No"}
    assert body["results"][str(course["genuine"].pk)]["feedback"] == "FEEDBACK-WRONG-7302"
    right = _submit(client, vnm, quiz, _right_answers(course))
    assert right.status_code == 201, right.content
    body = right.json()
    assert {"score", "passed", "results"} <= set(body)
    assert body["score"] == 100 and body["passed"] is True
    assert all(result["correct"] is True for result in body["results"].values())
    assert body["results"][str(choice.pk)]["feedback"] == "Yes Well seen"
    assert body["results"][str(course["genuine"].pk)]["feedback"] == "FEEDBACK-RIGHT-7301"
    assert Attempt.objects.filter(user=vnm, submitted_at__isnull=False).count() == 2


def test_a_partly_right_attempt_scores_by_question(client, users, course):
    vnm = users["officer.vnm"]
    answers = _right_answers(course)
    answers.pop(str(course["hotspot"].pk))  # left unanswered: wrong, not an error
    body = _submit(client, vnm, course["quiz"], answers).json()
    assert (body["score"], body["passed"]) == (75, True)
    assert body["results"][str(course["hotspot"].pk)]["correct"] is False


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ({"choice": "no-such-choice"}, {"choice"}),
        ({"choice": True}, {"choice"}),
        ({"genuine": "fake"}, {"genuine"}),
        ({"hotspot": {"x": 1.5, "y": 0.2}}, {"hotspot"}),
        ({"hotspot": "0.2,0.2"}, {"hotspot"}),
        ({"match": ["UV fibres", "Image 2"]}, {"match"}),
        ({"genuine": "forged", "999999": "genuine"}, {"999999"}),
        ({"choice": 0, "hotspot": [0.2, 0.2]}, {"choice", "hotspot"}),
    ],
)
def test_bad_answers_are_400_per_question_and_nothing_is_stored(
    client, users, course, answers, fields
):
    ids = {
        "choice": course["choice"][0].pk,
        "genuine": course["genuine"].pk,
        "hotspot": course["hotspot"].pk,
        "match": course["match"][0].pk,
    }
    sent = {str(ids.get(key, key)): value for key, value in answers.items()}
    response = _submit(client, users["officer.vnm"], course["quiz"], sent)
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body["errors"]) == {str(ids.get(key, key)) for key in fields}
    assert all(isinstance(m, str) and m for ms in body["errors"].values() for m in ms)
    assert body["detail"]
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"answers": "all right"}, "answers"), ({"answers": [1, 2]}, "answers"), ({}, "answers")],
)
def test_a_body_that_is_not_answers_is_400(client, users, course, body, field):
    response = _post(
        client, f"/api/v1/quizzes/{course['quiz'].pk}/attempts", users["officer.vnm"], body
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


# --- my training -------------------------------------------------------------------------


def test_passing_every_quiz_shows_the_certificate_in_my_training(client, users, course):
    vnm = users["officer.vnm"]
    item = course["course"]
    second = quiz_make(item, title="Quiz 2", pass_mark=100)
    question, good, _bad = question_choice(second)
    _submit(client, vnm, course["quiz"], _right_answers(course))
    halfway = _get(client, "/api/v1/me/training", vnm).json()
    assert halfway["certificates"] == []
    assert [(r["course"], r["progress"], r["completed_at"]) for r in halfway["enrolments"]] == [
        (item.pk, 50, None)
    ]
    done = _submit(client, vnm, second, {str(question.pk): str(good.pk)}).json()
    certificate = Certificate.objects.get(user=vnm, course=item)
    assert done["certificate"]["id"] == certificate.pk
    body = _get(client, "/api/v1/me/training", vnm).json()
    (enrolment,) = body["enrolments"]
    assert enrolment["course"] == item.pk and enrolment["progress"] == 100
    assert enrolment["completed_at"] is not None
    (issued,) = body["certificates"]
    assert {"id", "course", "level", "issued_at", "expires_at", "url", "verify_url"} <= set(issued)
    assert issued["id"] == certificate.pk and issued["course"] == item.pk
    assert issued["level"] == "expert" and issued["status"] == "valid"
    assert issued["url"] == reverse("training:certificate", kwargs={"pk": certificate.pk})
    assert issued["verify_url"] == reverse("certificate-verify", kwargs={"code": certificate.code})
    assert issued["expires_at"] > issued["issued_at"]
    # The PDF works with the same token; nobody else's token opens it.
    pdf = Client().get(issued["url"], **_bearer(vnm))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert Client().get(issued["url"], **_bearer(users["officer.tha"])).status_code == 404
    assert Client().get(issued["verify_url"]).status_code == 200
    # Others' training is theirs.
    assert _get(client, "/api/v1/me/training", users["officer.tha"]).json() == {
        "enrolments": [],
        "certificates": [],
    }


def test_my_training_leaves_out_courses_no_longer_shared(client, users, course):
    from portal.access.distribution import Distribution, distribution_apply

    vnm = users["officer.vnm"]
    _post(client, f"/api/v1/courses/{course['course'].pk}/enrol", vnm)
    distribution_apply(
        item=course["course"], distribution=Distribution.from_data({"level": "country"})
    )
    assert _get(client, "/api/v1/me/training", vnm).json()["enrolments"] == []
