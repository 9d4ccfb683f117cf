"""A lesson's live specimen is rendered for each viewer through the rule, never copied."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from portal.training.blocks import LessonBlocks

from .conftest import course_make, lesson_make

pytestmark = pytest.mark.django_db


def test_a_live_specimen_shows_only_to_those_it_is_shared_with(users, make_specimen):
    specimen = make_specimen(
        title="Viet Nam visa 2023",
        owner="VNM",
        distribution={"level": "countries", "countries": ["PHL"]},
    )
    course = course_make(distribution={"level": "members"})
    lesson = lesson_make(course)
    lesson.body = LessonBlocks().to_python(
        [{"type": "specimen", "value": {"specimen": specimen.pk, "note": "Look at the foil"}}]
    )
    lesson.save()
    lesson.refresh_from_db()
    for username, shown in [("officer.vnm", True), ("trainer.phl", True), ("officer.tha", False)]:
        request = RequestFactory().get("/")
        request.user = users[username]
        html = lesson.body.render_as_block(context={"request": request})
        assert ("Viet Nam visa 2023" in html) is shown, username
        assert ("Look at the foil" in html) is shown, username
        assert ("not shared with your country" in html) is not shown, username
        assert (f"/specimens/images/{specimen.images.get().pk}/" in html) is shown, username
