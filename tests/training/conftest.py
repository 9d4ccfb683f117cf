"""Fixtures of the training tests: courses made as the services and admin would, specimens
with images made in memory."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image

from portal.access.distribution import Distribution, distribution_apply
from portal.training.models import Choice, Course, CourseModule, Lesson, Question, Quiz


def picture(size=(480, 320), colour=(40, 120, 180)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def course_make(
    *,
    title="Detecting forged laminates",
    owner="PHL",
    distribution=None,
    live=True,
    level="first_line",
    validity_months=24,
) -> Course:
    """A course of ``owner`` (published when ``live``) with one module."""
    course = Course.objects.create(
        title=title,
        summary="Laminates",
        owner_country_id=owner,
        level=level,
        validity_months=validity_months,
        live=live,
        status="published" if live else "draft",
        first_published_at=timezone.now() if live else None,
    )
    distribution_apply(
        item=course, distribution=Distribution.from_data(distribution or {"level": "country"})
    )
    CourseModule.objects.create(course=course, title="Module 1", sort_order=0)
    return course


def quiz_make(course: Course, *, pass_mark=80, draw_count=0, title="Quiz 1") -> Quiz:
    module = course.modules.first()
    return Quiz.objects.create(
        module=module, title=title, pass_mark=pass_mark, draw_count=draw_count
    )


def question_choice(quiz: Quiz, *, prompt="Which is the lifted corner?", right="A", wrong="B"):
    question = Question.objects.create(
        quiz=quiz, kind="choice", prompt=prompt, feedback_correct="Well seen", feedback_wrong="No"
    )
    good = Choice.objects.create(question=question, text=right, correct=True, feedback="Yes")
    bad = Choice.objects.create(question=question, text=wrong, correct=False, feedback="No")
    return question, good, bad


def question_hotspot(quiz: Quiz, *, specimen_image=None):
    return Question.objects.create(
        quiz=quiz,
        kind="hotspot",
        prompt="Click where the laminate was lifted",
        specimen_image=specimen_image,
        zones=[{"x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2, "label": "ZONE-SECRET"}],
    )


def lesson_make(course: Course, *, title="Lesson 1") -> Lesson:
    return Lesson.objects.create(module=course.modules.first(), title=title)


@pytest.fixture
def make_specimen(users):
    from portal.specimens.models import Specimen
    from portal.specimens.services import image_store

    def make(title="Specimen", owner="THA", distribution=None, with_image=True):
        specimen = Specimen.objects.create(
            title=title,
            owner_country_id=owner,
            issuing_country_id=owner,
            document_type="passport",
            kind="genuine",
        )
        distribution_apply(
            item=specimen,
            distribution=Distribution.from_data(distribution or {"level": "country"}),
        )
        if with_image:
            image_store(specimen=specimen, file=io.BytesIO(picture()), light_source="visible")
        return specimen

    return make
