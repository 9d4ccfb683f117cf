"""The access rule for training: trainers' change keys, parts following their course,
and a course never shared wider than the specimen images it uses."""

from __future__ import annotations

import pytest

from portal.access import rule
from portal.training import services
from portal.training.models import Course, Lesson, Quiz

from .conftest import course_make, lesson_make, question_hotspot, quiz_make

pytestmark = pytest.mark.django_db


def test_trainers_hold_their_countrys_trainer_key_and_edit_its_courses(users):
    trainer = users["trainer.phl"]
    assert "trainers:PHL" in rule.user_keys(trainer)
    assert "experts:PHL" not in rule.user_keys(trainer)
    assert rule.users_keys([trainer.pk])[trainer.pk] == rule.user_keys(trainer)
    course = course_make(owner="PHL")
    assert rule.item_keys(course, rule.CHANGE) == {"trainers:PHL", "experts:PHL"}
    assert rule.can_change(trainer, course)
    assert rule.can_change(users["chair.andex"], course)  # an expert of PHL
    assert not rule.can_change(users["expert.tha"], course)
    assert not rule.can_change(users["officer.tha"], course)


def test_can_create_answers_per_model(users):
    from portal.specimens.models import Specimen

    assert rule.can_create(users["trainer.phl"], Course)
    assert not rule.can_create(users["trainer.phl"], Specimen)
    assert not rule.can_create(users["trainer.phl"])
    assert rule.can_create(users["expert.tha"], Course)
    assert rule.can_create(users["expert.tha"])
    assert not rule.can_create(users["officer.vnm"], Course)
    assert set(rule.creators(Course).values_list("username", flat=True)) >= {
        "trainer.phl",
        "expert.tha",
        "admin",
    }
    assert "trainer.phl" not in set(rule.creators().values_list("username", flat=True))


def test_a_draft_course_stays_with_its_editors(users):
    course = course_make(owner="PHL", live=False, distribution={"level": "members"})
    assert rule.can_view(users["trainer.phl"], course)
    assert not rule.can_view(users["officer.vnm"], course)


def test_lessons_and_quizzes_follow_their_course(users):
    course = course_make(owner="PHL", distribution={"level": "networks", "networks": ["andex"]})
    lesson = lesson_make(course)
    quiz = quiz_make(course)
    for username, sees in [("officer.vnm", True), ("officer.fin", False), ("trainer.phl", True)]:
        user = users[username]
        lessons = rule.visible_through(
            user=user, queryset=Lesson.objects.all(), lookup="module__course", model=Course
        )
        quizzes = rule.visible_through(
            user=user, queryset=Quiz.objects.all(), lookup="module__course", model=Course
        )
        assert (lesson in lessons) is sees, username
        assert (quiz in quizzes) is sees, username


@pytest.mark.parametrize(
    ("keys", "bound", "missing"),
    [
        ({"public"}, {"members"}, {"public"}),
        ({"members"}, {"public"}, set()),
        ({"members"}, {"network:andex"}, {"members"}),
        ({"country:VNM"}, {"network:andex"}, set()),
        ({"country:FIN"}, {"network:andex"}, {"country:FIN"}),
        ({"network:andex"}, {"country:THA"}, {"network:andex"}),
        (
            {"network:rnde-europe"},
            {"country:" + c for c in ["BEL", "EST", "FIN", "LUX", "NLD"]},
            set(),
        ),
        ({"experts:PHL", "trainers:PHL"}, {"country:PHL"}, set()),
        ({"trainers:PHL"}, {"experts:PHL"}, {"trainers:PHL"}),
        ({"country:PHL"}, {"experts:PHL"}, {"country:PHL"}),
    ],
)
def test_keys_not_covered(demo_network, keys, bound, missing):
    assert rule.keys_not_covered(keys, bound) == missing


def test_a_user_grant_is_covered_by_the_grantees_own_keys(users):
    vnm = users["officer.vnm"]
    assert rule.keys_not_covered({f"user:{vnm.pk}"}, {"network:andex"}) == set()
    fin = users["officer.fin"]
    assert rule.keys_not_covered({f"user:{fin.pk}"}, {"network:andex"}) == {f"user:{fin.pk}"}


def test_a_course_wider_than_its_specimen_image_is_refused_with_the_specimens_name(
    users, make_specimen
):
    specimen = make_specimen(
        title="Thai passport 2020", owner="THA", distribution={"level": "country"}
    )
    course = course_make(owner="PHL", distribution={"level": "country"})
    image = specimen.images.first()
    with pytest.raises(services.CourseTooWide) as refused:
        services.course_width_check(course=course, extra_images=[image])
    message = refused.value.messages[0]
    assert "Thai passport 2020" in message
    assert "shared with THA only" in message
    assert "Narrow the distribution or choose another image." in message

    # Shared with andex, the image fits a course for PHL alone, not one for every member.
    wide = make_specimen(
        title="Andex visa", owner="THA", distribution={"level": "networks", "networks": ["andex"]}
    )
    services.course_width_check(course=course, extra_images=[wide.images.first()])
    question_hotspot(quiz_make(course), specimen_image=wide.images.first())
    services.course_width_check(course=course, level="networks", networks=["andex"])
    with pytest.raises(services.CourseTooWide):
        services.course_width_check(course=course, level="members")


def test_publishing_a_wider_version_is_refused_on_every_path(users, make_specimen):
    specimen = make_specimen(
        title="Thai passport 2020", owner="THA", distribution={"level": "country"}
    )
    course = course_make(owner="THA", distribution={"level": "country"})
    question_hotspot(quiz_make(course), specimen_image=specimen.images.first())
    course.distribution_level = "members"
    revision = course.save_revision(clean=False)
    with pytest.raises(services.CourseTooWide):
        course.publish(revision, user=users["expert.tha"])
    course.refresh_from_db()
    assert course.distribution_level == "country"
    assert not rule.can_view(users["officer.vnm"], course)
