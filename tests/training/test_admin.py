"""Training in the admin: trainers build courses and quizzes for their own country; nobody
else meets them there."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from portal.training.models import Course, Question, Quiz

from .conftest import course_make, question_choice, quiz_make

pytestmark = pytest.mark.django_db

COURSES = "/admin/snippets/training/course/"
QUIZZES = "/admin/snippets/training/quiz/"
QUESTIONS = "/admin/snippets/training/question/"
LESSONS = "/admin/snippets/training/lesson/"


def _course_form(**overrides):
    data = nested_form_data(
        {
            "title": "Laminate forgeries — admin",
            "summary": "Spotting lifted laminates",
            "level": "second_line",
            "validity_months": "24",
            "modules": inline_formset([{"title": "Laminates", "summary": ""}]),
            "owner_country": "PHL",
            "distribution_level": "country",
            **overrides,
        }
    )
    data["shared_networks"] = []
    data["shared_countries"] = []
    return data


def test_a_trainer_creates_a_course_and_a_quiz_in_the_admin(client, users):
    client.force_login(users["trainer.phl"])
    assert client.get(COURSES + "add/").status_code == 200
    response = client.post(COURSES + "add/", _course_form())
    assert response.status_code == 302, response.context["form"].errors
    course = Course.objects.get()
    assert course.owner_country_id == "PHL" and course.level == "second_line"
    module = course.modules.get()

    response = client.post(
        QUIZZES + "add/",
        {
            "module": module.pk,
            "title": "Laminate quiz",
            "sort_order": 0,
            "pass_mark": 80,
            "draw_count": 0,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    quiz = Quiz.objects.get()
    response = client.post(
        QUESTIONS + "add/",
        nested_form_data(
            {
                "quiz": quiz.pk,
                "kind": "choice",
                "sort_order": 0,
                "prompt": "Which corner is lifted?",
                "specimen_image": "",
                "training_image": "",
                "genuine": "",
                "zones": "[]",
                "feedback_correct": "",
                "feedback_wrong": "",
                "choices": inline_formset(
                    [
                        {"text": "Top left", "correct": "on", "feedback": "", "match_target": ""},
                        {"text": "Bottom right", "feedback": "", "match_target": ""},
                    ]
                ),
            }
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    question = Question.objects.get()
    assert [c.correct for c in question.choices.order_by("sort_order")] == [True, False]
    # The question's edit page offers the zones editor.
    edit = client.get(f"{QUESTIONS}edit/{question.pk}/")
    assert edit.status_code == 200
    html = edit.content.decode()
    assert "data-regions-editor" in html
    assert "Choose the question&#x27;s image and save it first" in html


def test_an_officer_meets_no_training_admin(client, users):
    client.force_login(users["officer.vnm"])
    for url in (COURSES + "add/", QUIZZES + "add/", QUESTIONS + "add/"):
        assert client.get(url).status_code in {302, 403}, url
    client.post(COURSES + "add/", _course_form(owner_country="VNM"))
    assert not Course.objects.exists()


def test_an_expert_of_another_country_cannot_reach_phl_course_parts(client, users):
    course = course_make(owner="PHL", distribution={"level": "members"})
    quiz = quiz_make(course, title="PHL-only quiz")
    question, _good, _bad = question_choice(quiz)
    client.force_login(users["expert.tha"])
    for url in (
        f"{QUIZZES}edit/{quiz.pk}/",
        f"{QUIZZES}delete/{quiz.pk}/",
        f"{QUESTIONS}edit/{question.pk}/",
        f"{QUESTIONS}history/{question.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert "PHL-only quiz" not in client.get(QUIZZES).content.decode()
    client.force_login(users["trainer.phl"])
    assert "PHL-only quiz" in client.get(QUIZZES).content.decode()
    client.force_login(users["expert.tha"])
    # Nor can they add a quiz to the PHL course's module.
    response = client.post(
        QUIZZES + "add/",
        {
            "module": course.modules.get().pk,
            "title": "Intruder",
            "sort_order": 0,
            "pass_mark": 80,
            "draw_count": 0,
        },
    )
    assert response.status_code == 200  # the module is not among the choices
    assert not Quiz.objects.filter(title="Intruder").exists()
    # Bulk delete of the quiz finds nothing.
    response = client.post(f"/admin/bulk/training/quiz/delete/?next=/admin/&id={quiz.pk}", {})
    assert response.status_code == 404
    assert Quiz.objects.filter(pk=quiz.pk).exists()
    # The PHL trainer reaches them.
    client.force_login(users["trainer.phl"])
    assert client.get(f"{QUIZZES}edit/{quiz.pk}/").status_code == 200
    edit = client.get(f"{QUESTIONS}edit/{question.pk}/")
    assert edit.status_code == 200
    html = edit.content.decode()
    assert "data-regions-editor" in html
    assert "Choose the question&#x27;s image and save it first" in html


def test_the_course_form_refuses_a_distribution_wider_than_its_images(client, users, make_specimen):
    from .conftest import question_hotspot

    specimen = make_specimen(
        title="Thai passport 2020", owner="THA", distribution={"level": "country"}
    )
    course = course_make(owner="THA", distribution={"level": "country"})
    question_hotspot(quiz_make(course), specimen_image=specimen.images.first())
    module = course.modules.get()
    client.force_login(users["expert.tha"])
    data = _course_form(
        title=course.title,
        owner_country="THA",
        distribution_level="members",
        modules=inline_formset(
            [{"id": module.pk, "title": module.title, "summary": ""}], initial=1
        ),
    )
    response = client.post(f"{COURSES}edit/{course.pk}/", data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("distribution_level", []))
    assert "Thai passport 2020" in errors and "Narrow the distribution" in errors


def test_a_training_image_is_added_only_to_a_course_the_user_may_change(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.training.models import TrainingImage

    from .conftest import picture

    mine = course_make(owner="PHL", title="PHL course")
    theirs = course_make(owner="THA", title="THA course shared", distribution={"level": "members"})
    client.force_login(users["trainer.phl"])
    page = client.get("/admin/snippets/training/trainingimage/add/").content.decode()
    assert "PHL course" in page and "THA course shared" not in page
    for course, stored in [(theirs, False), (mine, True)]:
        upload = SimpleUploadedFile("x.png", picture(), content_type="image/png")
        client.post(
            "/admin/snippets/training/trainingimage/add/",
            {"course": course.pk, "file": upload, "caption": "Lifted corner", "regions": "[]"},
        )
        assert TrainingImage.objects.filter(course=course).exists() is stored
    image = TrainingImage.objects.get()
    assert image.private_url("display") == f"/files/training-images/{image.pk}/display/"
    assert client.get(image.private_url("display")).status_code == 200
    client.force_login(users["officer.fin"])
    assert client.get(image.private_url("display")).status_code == 404
