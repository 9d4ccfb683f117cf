"""The demo training (``portal.demo.training``): loaded once with the real demo network and
specimen library, then again (nothing added twice)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from portal.access import rule
from portal.access.models import User
from portal.demo import training as demo
from portal.training.models import Certificate, Course, Lesson, Question, Quiz, TrainingImage
from portal.training.services import course_width_check

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo network, specimens and training, loaded twice (rolled back at the end)."""
    from portal.demo.network import demo_network_load
    from portal.demo.specimens import demo_specimens_load

    with django_db_blocker.unblock(), transaction.atomic():
        demo_network_load()
        demo_specimens_load()
        first = demo.demo_training_load()
        counts = {
            model: model.objects.count()
            for model in (Course, Lesson, Quiz, Question, TrainingImage, Certificate)
        }
        second = demo.demo_training_load()
        yield {"first": first, "second": second, "counts": counts}
        transaction.set_rollback(True)


def test_a_second_load_adds_nothing(loaded):
    assert loaded["first"].startswith("4 courses and 2 certificates added")
    assert loaded["second"].startswith("0 courses and 0 certificates added")
    for model, count in loaded["counts"].items():
        assert model.objects.count() == count, model.__name__


def test_courses_of_every_level_by_the_phl_trainer(loaded):
    trainer = User.objects.get(username="trainer.phl")
    courses = Course.objects.filter(created_by=trainer, owner_country_id="PHL", live=True)
    assert set(courses.values_list("level", flat=True)) == {"first_line", "second_line", "expert"}
    andex = [
        c for c in courses if list(c.shared_networks.values_list("slug", flat=True)) == ["andex"]
    ]
    assert {c.level for c in andex} == {"first_line", "second_line", "expert"}
    for course in courses:
        assert Quiz.objects.filter(module__course=course).exists(), course.title


def test_the_first_line_course_has_every_block_and_question_kind(loaded):
    course = Course.objects.get(title=demo.FIRST_LINE)
    blocks = {block.block_type for lesson in Lesson.objects.filter(module__course=course)
              for block in lesson.body}  # fmt: skip
    assert blocks == {"text", "annotated_image", "specimen"}
    questions = Question.objects.filter(quiz__module__course=course)
    assert set(questions.values_list("kind", flat=True)) == {
        "hotspot",
        "genuine_or_forged",
        "choice",
        "match",
    }
    uv = questions.filter(kind="genuine_or_forged", specimen_image__light_source="uv")
    assert {q.genuine for q in uv} == {True, False}
    assert all(q.genuine is (q.specimen_image.specimen.kind == "genuine") for q in uv)
    bank = Quiz.objects.get(module__course=course, draw_count__gt=0)
    assert bank.questions.count() > bank.draw_count


def test_hotspot_zones_are_the_forgery_images_marked_regions(loaded):
    hotspots = Question.objects.filter(kind="hotspot").select_related("specimen_image__specimen")
    assert hotspots.count() >= 2
    for question in hotspots:
        image = question.specimen_image
        assert image.specimen.kind == "forged"
        assert image.regions, image
        assert question.zones == image.regions
    # The annotated image of a lesson is a copy of a forgery image, regions included.
    figure = TrainingImage.objects.filter(course__title=demo.FIRST_LINE).get()
    assert figure.regions == demo.forgery_image("uv").regions
    assert figure.width > 0 and figure.file


def test_every_demo_course_holds_the_width_rule(loaded):
    for course in Course.objects.all():
        course_width_check(course=course)  # raises CourseTooWide
        for question in Question.objects.filter(
            quiz__module__course=course, specimen_image__isnull=False
        ):
            specimen = question.specimen_image.specimen
            keys = rule.item_keys(course)
            assert not rule.keys_not_covered(
                {k for k in keys if not k.startswith(("user:", "group:"))},
                rule.item_keys(specimen),
            ), (course.title, specimen.title)


def test_the_rnde_course_is_seen_by_officer_fin_and_not_by_andex_officers(loaded):
    europe = Course.objects.get(title=demo.EUROPE)
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    assert rule.can_view(users["officer.fin"], europe)
    assert not rule.can_view(users["officer.tha"], europe)
    assert not rule.can_view(users["officer.vnm"], europe)
    first_line = Course.objects.get(title=demo.FIRST_LINE)
    assert not rule.can_view(users["officer.fin"], first_line)
    assert rule.can_view(users["officer.vnm"], first_line)


def test_officer_certificates_passed_and_expiring_soon(loaded):
    now = timezone.now()
    tha = Certificate.objects.get(user__username="officer.tha")
    assert tha.course.title == demo.FIRST_LINE and tha.level == "first_line"
    assert tha.is_valid() and tha.expires_at > now + dt.timedelta(days=365)
    assert tha.user.quiz_attempts.filter(passed=True).count() == 2  # every quiz, really passed
    vnm = Certificate.objects.get(user__username="officer.vnm")
    assert vnm.is_valid()
    assert now + dt.timedelta(days=18) < vnm.expires_at < now + dt.timedelta(days=22)
    assert vnm.issued_at < now - dt.timedelta(days=365)
    assert vnm.reminded_at is None  # the daily round reminds the holder (30 days ahead)
