"""The training pages: course list, course, lesson, "my training" and the completion report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from portal.training import services
from portal.training.blocks import LessonBlocks
from portal.training.models import Attempt, Certificate, Completion, Enrolment, TrainingImage

from .conftest import course_make, lesson_make, picture, quiz_make

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _pass(user, quiz, *, when=None) -> None:
    Attempt.objects.create(
        user=user,
        quiz=quiz,
        question_ids=[],
        score=100,
        passed=True,
        submitted_at=when or timezone.now(),
    )


# --- the course list ------------------------------------------------------------------------


def test_the_list_shows_courses_shared_with_the_officer_marked_and_filtered(users, signed_in):
    shared = course_make(title="Forged laminates", distribution=ANDEX)
    expert = course_make(title="Expert inks", distribution=ANDEX, level="expert")
    course_make(title="Philippine internal course")  # PHL only
    services.course_enrol(user=users["officer.tha"], course=shared)
    client = signed_in("officer.tha")

    html = _html(client.get("/training/"))
    assert "Forged laminates" in html and "Expert inks" in html
    assert "Philippine internal course" not in html
    assert reverse("training:mine") in html
    # The enrolled course is marked, the other not.
    card = html[html.index("Forged laminates") - 600 : html.index("Forged laminates")]
    assert "Enrolled" in card
    other = html[html.index("Expert inks") - 600 : html.index("Expert inks")]
    assert "Enrolled" not in other

    html = _html(client.get("/training/?level=expert"))
    assert "Expert inks" in html and "Forged laminates" not in html
    assert expert.get_absolute_url() in html


def test_the_list_is_for_members_only(client, users):
    course_make(distribution={"level": "public"})
    response = client.get("/training/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_costs_the_same_queries_for_many_courses(
    users, signed_in, django_assert_max_num_queries
):
    client = signed_in("officer.tha")
    for number in range(12):
        course = course_make(title=f"Course {number}", distribution=ANDEX)
        if number % 2:
            services.course_enrol(user=users["officer.tha"], course=course)
    with django_assert_max_num_queries(16):
        html = _html(client.get("/training/"))
    assert html.count('class="card course-card"') == 12


# --- a course -------------------------------------------------------------------------------


def test_a_course_page_shows_its_modules_lessons_quizzes_and_the_enrol_button(users, signed_in):
    course = course_make(title="Forged laminates", distribution=ANDEX, validity_months=18)
    lesson = lesson_make(course, title="Lifted corners")
    quiz = quiz_make(course, title="Laminate quiz")
    client = signed_in("officer.vnm")

    html = _html(client.get(course.get_absolute_url()))
    assert "Forged laminates" in html and "Module 1" in html
    assert "Lifted corners" in html and lesson.get_absolute_url() in html
    assert "Laminate quiz" in html and reverse("training:quiz", args=[quiz.pk]) in html
    assert "First line" in html and "18 months" in html
    assert reverse("training:enrol", args=[course.pk]) in html
    assert reverse("training:report", args=[course.pk]) not in html  # not its trainer

    response = client.post(reverse("training:enrol", args=[course.pk]))
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert Enrolment.objects.filter(user=users["officer.vnm"], course=course).exists()
    html = _html(client.get(course.get_absolute_url()))
    assert reverse("training:enrol", args=[course.pk]) not in html
    assert "0 of 1 quizzes passed" in html


def test_progress_counts_the_quizzes_passed(users, signed_in):
    course = course_make(distribution=ANDEX)
    first, second = quiz_make(course, title="One"), quiz_make(course, title="Two")
    services.course_enrol(user=users["officer.tha"], course=course)
    _pass(users["officer.tha"], first)
    html = _html(signed_in("officer.tha").get(course.get_absolute_url()))
    assert "1 of 2 quizzes passed" in html and 'value="50"' in html
    assert second  # the second quiz is not passed


def test_a_course_not_shared_with_the_officer_is_a_404(users, signed_in, client):
    course = course_make(distribution=ANDEX)
    lesson = lesson_make(course)
    officer = signed_in("officer.fin")
    assert officer.get(course.get_absolute_url()).status_code == 404
    assert officer.get(lesson.get_absolute_url()).status_code == 404
    assert officer.post(reverse("training:enrol", args=[course.pk])).status_code == 404
    assert not Enrolment.objects.filter(course=course).exists()
    assert officer.get(reverse("training:report", args=[course.pk])).status_code == 404


def test_anonymous_visitors_read_public_courses_and_are_asked_to_sign_in_elsewhere(client, users):
    public = course_make(title="Open course", distribution={"level": "public"})
    lesson = lesson_make(public, title="Open lesson")
    closed = course_make(distribution=ANDEX)
    client.logout()

    html = _html(client.get(public.get_absolute_url()))
    assert "Open course" in html and "Sign in" in html
    assert reverse("training:enrol", args=[public.pk]) not in html
    assert "Open lesson" in _html(client.get(lesson.get_absolute_url()))
    for url in (closed.get_absolute_url(), "/training/courses/999999/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("training:enrol", args=[public.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Enrolment.objects.exists()


# --- a lesson -------------------------------------------------------------------------------


def _lesson_with(course, title, blocks):
    lesson = lesson_make(course, title=title)
    lesson.body = LessonBlocks().to_python(blocks)
    lesson.save()
    return lesson


def test_a_lesson_renders_its_blocks_and_links_previous_and_next(users, signed_in):
    course = course_make(distribution=ANDEX)
    image = TrainingImage(
        course=course,
        caption="Laminate under UV",
        regions=[
            {"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.2, "label": "Lifted edge"},
            {"points": [[0.5, 0.5], [0.7, 0.5], [0.6, 0.8]], "label": "Bubble"},
        ],
    )
    image.file.save("upload.png", ContentFile(picture()), save=False)
    image.save()
    first = _lesson_with(course, "First", [])
    lesson = _lesson_with(
        course,
        "Laminates",
        [
            {"type": "text", "value": "<p>Look along the edges.</p>"},
            {"type": "annotated_image", "value": {"image": image.pk, "caption": ""}},
        ],
    )
    last = _lesson_with(course, "Last", [])
    lesson.sort_order, last.sort_order = 1, 2
    lesson.save()
    last.save()

    html = _html(signed_in("officer.tha").get(lesson.get_absolute_url()))
    assert "Look along the edges." in html
    assert f"/files/training-images/{image.pk}/display/" in html
    assert "Lesson 2 of 3" in html
    # Regions numbered like a specimen image's: outlines, numbers, and a legend.
    assert "<rect" in html and "<polygon" in html
    assert "Lifted edge" in html and "Bubble" in html
    assert "Laminate under UV" in html
    assert f'href="{first.get_absolute_url()}" rel="prev"' in html
    assert f'href="{last.get_absolute_url()}" rel="next"' in html


def test_a_live_specimen_shows_a_placeholder_to_a_reader_who_may_not_see_it(
    users, signed_in, make_specimen
):
    specimen = make_specimen(
        title="Viet Nam visa 2023",
        owner="VNM",
        distribution={"level": "countries", "countries": ["PHL"]},
    )
    course = course_make(distribution=ANDEX)
    lesson = _lesson_with(
        course,
        "Visa foils",
        [{"type": "specimen", "value": {"specimen": specimen.pk, "note": "Look at the foil"}}],
    )
    image = specimen.images.get()

    shown = _html(signed_in("officer.vnm").get(lesson.get_absolute_url()))
    assert "Viet Nam visa 2023" in shown and "Look at the foil" in shown
    assert f"/specimens/images/{image.pk}/thumbnail/" in shown
    assert specimen.get_absolute_url() in shown
    assert "not shared with your country" not in shown

    hidden = _html(signed_in("officer.tha").get(lesson.get_absolute_url()))
    assert "This specimen is not shared with your country." in hidden
    for leak in ("Viet Nam visa", "Look at the foil", f"/specimens/{specimen.pk}/", "VNM"):
        assert leak not in hidden, leak


# --- my training ------------------------------------------------------------------------------


def test_my_training_lists_progress_completions_and_certificates(users, signed_in):
    officer = users["officer.tha"]
    taking = course_make(title="Taking now", distribution=ANDEX)
    quiz_make(taking)
    quiz_make(taking, title="Quiz 2")
    _pass(officer, taking.modules.first().quizzes.first())
    services.course_enrol(user=officer, course=taking)
    done = course_make(title="Done course", distribution=ANDEX, validity_months=12)
    services.course_enrol(user=officer, course=done)
    now = timezone.now()
    completion = Completion.objects.create(user=officer, course=done, completed_at=now)
    fresh = services.certificate_issue(user=officer, course=done, completion=completion, now=now)
    old = course_make(title="Old course", distribution=ANDEX, validity_months=12)
    soon = services.certificate_issue(
        user=officer, course=old, now=now - timedelta(days=365) + timedelta(days=10)
    )
    expired = services.certificate_issue(
        user=officer,
        course=course_make(title="Gone course", distribution=ANDEX, validity_months=1),
        now=now - timedelta(days=60),
    )
    other = services.certificate_issue(user=users["officer.vnm"], course=done, now=now)

    html = _html(signed_in("officer.tha").get(reverse("training:mine")))
    in_progress = html[html.index('id="current-heading"') : html.index('id="completed-heading"')]
    assert "Taking now" in in_progress and 'value="50"' in in_progress
    assert "1 of 2 quizzes passed" in in_progress
    completed = html[html.index('id="completed-heading"') : html.index('id="certificates-heading"')]
    assert "Done course" in completed and "Taking now" not in completed
    certificates = html[html.index('id="certificates-heading"') :]
    for certificate in (fresh, soon, expired):
        assert certificate.get_absolute_url() in certificates
        assert certificate.get_verify_url() in certificates
    assert other.get_absolute_url() not in html  # someone else's
    row = certificates[certificates.index(soon.get_absolute_url()) - 900 :]
    assert "Expiring soon" in row[: row.index(soon.get_absolute_url())]
    row = certificates[: certificates.index(expired.get_absolute_url())]
    assert "Expired" in row[row.rindex("<tr") :]
    assert certificates.count("Expiring soon") == 1
    assert f'datetime="{fresh.issued_at.date().isoformat()}' in certificates or (
        fresh.issued_at.strftime("%Y") in certificates
    )


def test_my_training_costs_the_same_queries_for_many_courses(
    users, signed_in, django_assert_max_num_queries
):
    officer = users["officer.tha"]
    for number in range(8):
        course = course_make(title=f"Course {number}", distribution=ANDEX)
        quiz = quiz_make(course)
        services.course_enrol(user=officer, course=course)
        _pass(officer, quiz)
        if number % 2:
            services.course_completion_check(user=officer, course=course)
    client = signed_in("officer.tha")
    with django_assert_max_num_queries(16):
        html = _html(client.get(reverse("training:mine")))
    assert html.count("Course ") >= 8
    assert Certificate.objects.filter(user=officer).count() == 4


# --- the completion report -------------------------------------------------------------------


def _report_course(users):
    course = course_make(title="Reported course", distribution=ANDEX)
    for name in ("officer.tha", "officer.vnm", "expert.tha"):
        services.course_enrol(user=users[name], course=course)
    now = timezone.now()
    completion = Completion.objects.create(user=users["officer.tha"], course=course)
    services.certificate_issue(
        user=users["officer.tha"], course=course, completion=completion, now=now
    )
    return course


def test_the_trainer_sees_the_report_and_officers_get_a_404(users, signed_in):
    course = _report_course(users)
    url = reverse("training:report", args=[course.pk])

    html = _html(signed_in("trainer.phl").get(url))
    assert "Thailand (THA)" in html and "Viet Nam (VNM)" in html
    assert reverse("training:report-csv", args=[course.pk]) in html
    main = html.split('id="main"')[1].split("</main>")[0]
    for username in ("officer.tha", "expert.tha", "officer.vnm"):
        assert username not in main  # counts only, nobody named
    assert reverse("training:report", args=[course.pk]) in _html(
        signed_in("trainer.phl").get(course.get_absolute_url())
    )

    for username in ("officer.tha", "officer.vnm", "expert.tha"):
        client = signed_in(username)
        assert client.get(url).status_code == 404, username
        assert client.get(f"{url}?format=csv").status_code == 404, username
        assert client.get(reverse("training:report-csv", args=[course.pk])).status_code == 404


def test_the_report_csv_has_a_header_and_a_row_per_country_and_level(users, signed_in):
    course = _report_course(users)
    client = signed_in("trainer.phl")
    for url in (
        reverse("training:report-csv", args=[course.pk]),
        reverse("training:report", args=[course.pk]) + "?format=csv",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        body = response.content.decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        assert rows[0] == [
            "Country code",
            "Country",
            "Level",
            "Enrolled",
            "Completed",
            "Certified",
            "Expired",
        ]
        assert rows[1:] == [
            ["THA", "Thailand", "First line", "2", "1", "1", "0"],
            ["VNM", "Viet Nam", "First line", "1", "0", "0", "0"],
        ]
        # Counts only: nobody is named.
        assert "officer" not in body and "expert" not in body


def test_a_trainer_enrols_a_cohort_from_the_report_page(client, users):
    """Countries, networks and named people; only those who may see the course are
    enrolled (officer.fin, outside andex, is not), nothing twice; others get a 404."""
    course = course_make(title="Forged laminates", distribution=ANDEX)
    url = reverse("training:report", args=[course.pk])
    client.force_login(users["trainer.phl"])
    page = client.get(url).content.decode()
    assert "Enrol a cohort" in page

    response = client.post(url, {"countries": ["VNM"], "usernames": "officer.fin officer.tha"})
    assert response.status_code == 302
    enrolled = set(Enrolment.objects.filter(course=course).values_list("user__username", flat=True))
    assert {"officer.vnm", "officer.tha"} <= enrolled
    assert "officer.fin" not in enrolled
    followed = client.get(url).content.decode()
    assert "learners enrolled" in followed or "learner enrolled" in followed

    # The network: everyone of its member countries today, once.
    before = Enrolment.objects.filter(course=course).count()
    client.post(url, {"networks": [users["officer.vnm"].country.memberships.first().network_id]})
    assert Enrolment.objects.filter(course=course, user=users["chair.andex"]).exists()
    assert Enrolment.objects.filter(course=course).count() > before
    assert Enrolment.objects.filter(course=course, user=users["officer.vnm"]).count() == 1

    # Nothing chosen, or an unknown name: the form again, saying what is wrong, nothing lost.
    empty = client.post(url, {})
    assert empty.status_code == 400
    assert "Choose at least one country, network or person." in empty.content.decode()
    unknown = client.post(url, {"usernames": "nobody.xyz officer.vnm"})
    assert unknown.status_code == 400
    assert "nobody.xyz" in unknown.content.decode()

    # Officers and other countries' experts: the report, and its form, do not exist.
    for name in ("officer.vnm", "expert.tha"):
        client.force_login(users[name])
        assert client.post(url, {"countries": ["VNM"]}).status_code == 404
