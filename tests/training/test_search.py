"""Courses and lessons in search: found by their words where the course is shared, never
elsewhere (a lesson carries its course's keys, changed with them in the same commit), with
the competency level as a facet counting only what the searcher may see."""

from __future__ import annotations

import pytest
from wagtail.rich_text import RichText

from portal.access.distribution import Distribution, distribution_apply
from portal.training.blocks import LessonBlocks
from portal.training.models import Course, Lesson
from search import search
from search.indexing_rebuild import index_rebuild
from search.models import SearchEntry

from .conftest import course_make

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def lesson_with_text(course: Course, title: str, *paragraphs: str) -> Lesson:
    body = LessonBlocks().to_python(
        [{"type": "text", "value": "".join(f"<p>{p}</p>" for p in paragraphs)}]
    )
    return Lesson.objects.create(module=course.modules.first(), title=title, body=body)


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the block, then the index updates it scheduled for after its commit."""

    def run(make):
        with django_capture_on_commit_callbacks(execute=True):
            return make()

    return run


@pytest.fixture
def andex_course(users, indexed):
    def make():
        course = course_make(
            title="Detecting forged laminates", distribution=ANDEX, level="second_line"
        )
        course.summary = "Spot a relaminated biodata page by its edges."
        course.save()
        module = course.modules.first()
        module.title = "Heat and pressure"
        module.save()
        lesson = lesson_with_text(
            course,
            "Lifted corners",
            "A <b>tamarind</b> coloured glue line shows where the laminate was lifted.",
            "Check it under oblique light.",
        )
        return course, lesson

    return indexed(make)


def _found(user, query, **filters):
    results = search(user, query, filters)
    return {(hit.type, hit.id) for hit in results.hits}


def test_an_officer_of_the_network_finds_the_course_and_its_lesson(users, andex_course):
    course, lesson = andex_course
    tha = users["officer.tha"]
    assert _found(tha, "relaminated") == {("course", course.pk)}
    # A module's title: the course's, and its lessons' context.
    assert _found(tha, "pressure") == {("course", course.pk), ("lesson", lesson.pk)}
    assert _found(tha, "tamarind glue") == {("lesson", lesson.pk)}
    hit = search(tha, "tamarind").hits[0]
    assert hit.url == f"/training/lessons/{lesson.pk}/" and hit.title == "Lifted corners"
    assert "<mark>tamarind</mark>" in hit.snippet.lower()
    assert "<b>" not in hit.snippet  # the text of the rich text, not its markup
    course_hit = search(tha, "relaminated").hits[0]
    assert course_hit.url == f"/training/courses/{course.pk}/"
    assert course_hit.marks == {"level": "second_line"}


def test_an_officer_outside_the_network_finds_neither(users, andex_course):
    fin = users["officer.fin"]
    for query in ("relaminated", "tamarind", "laminates", "lifted corners"):
        results = search(fin, query)
        assert results.total == 0, query
        assert results.facets["type"] == {}
        assert results.facets["competency_level"] == {}


def test_the_level_facet_counts_only_what_the_searcher_may_see(users, indexed, andex_course):
    def more():
        finnish = course_make(
            title="Tamarind inks", owner="FIN", distribution={"level": "country"}, level="expert"
        )
        lesson_with_text(finnish, "Tamarind under UV", "Tamarind fluoresces.")
        public = course_make(title="Tamarind basics", distribution={"level": "public"})
        return finnish, public

    _finnish, public = indexed(more)
    tha = search(users["officer.tha"], "tamarind")
    assert tha.facets["type"] == {"course": 1, "lesson": 1}
    assert tha.facets["competency_level"] == {"first_line": 1, "second_line": 1}
    fin = search(users["officer.fin"], "tamarind")
    assert fin.facets["type"] == {"course": 2, "lesson": 1}
    assert fin.facets["competency_level"] == {"expert": 2, "first_line": 1}
    narrowed = search(users["officer.tha"], "tamarind", {"competency_level": "first_line"})
    assert [(h.type, h.id) for h in narrowed.hits] == [("course", public.pk)]
    lessons = search(users["officer.tha"], "tamarind", {"type": "lesson"})
    assert set(lessons.facets) == {"type", "competency_level"}
    assert lessons.total == 1


def test_a_lesson_follows_its_course_keys_in_the_same_transaction(users, andex_course):
    course, lesson = andex_course
    vnm = users["officer.vnm"]
    assert _found(vnm, "tamarind") == {("lesson", lesson.pk)}
    # No commit, no task: the copy of the keys changes with the course's own.
    distribution_apply(item=course, distribution=Distribution.from_data({"level": "country"}))
    assert _found(vnm, "tamarind") == set()
    assert _found(users["trainer.phl"], "tamarind") == {("lesson", lesson.pk)}
    entry = SearchEntry.objects.get(type="lesson", object_id=lesson.pk)
    assert "network:andex" not in entry.view_keys and "country:PHL" in entry.view_keys
    distribution_apply(
        item=course,
        distribution=Distribution.from_data({"level": "countries", "countries": ["VNM"]}),
    )
    assert _found(vnm, "tamarind") == {("lesson", lesson.pk)}
    assert _found(users["officer.tha"], "tamarind") == set()


def test_entries_follow_commits_of_the_course_and_the_lesson(users, indexed, andex_course):
    course, lesson = andex_course
    tha = users["officer.tha"]

    def rename():
        course.title = "Guava laminates"
        course.save()

    indexed(rename)
    assert _found(tha, "guava") == {("course", course.pk), ("lesson", lesson.pk)}

    def rewrite():
        lesson.body = LessonBlocks().to_python([{"type": "text", "value": "<p>Papaya edges.</p>"}])
        lesson.save()

    indexed(rewrite)
    assert _found(tha, "papaya") == {("lesson", lesson.pk)}
    assert _found(tha, "tamarind") == set()
    indexed(lesson.delete)
    assert not SearchEntry.objects.filter(type="lesson").exists()


def test_a_rebuild_writes_lessons_with_their_course_keys(users, andex_course):
    _course, lesson = andex_course
    SearchEntry.objects.all().delete()
    summary = index_rebuild()
    assert summary["course"] >= 1 and summary["lesson"] >= 1
    assert _found(users["officer.vnm"], "tamarind") == {("lesson", lesson.pk)}
    assert _found(users["officer.fin"], "tamarind") == set()


def test_the_api_filters_by_type_and_level(client, users, andex_course):
    from portal.accounts.services import api_token_issue

    _course, lesson = andex_course
    _, token = api_token_issue(user=users["officer.tha"], name="test")
    response = client.get(
        "/api/v1/search?q=tamarind&type=lesson&competency_level=second_line",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["type"], r["id"]) for r in body["results"]] == [("lesson", lesson.pk)]
    assert body["facets"]["competency_level"] == {"second_line": 1}


def test_rich_text_becomes_sentences():
    from portal.training.search import rich_text_parts

    html = RichText("<h2>Edges</h2><p>Look at the <i>corner</i>.</p><ul><li>UV</li></ul>").source
    assert rich_text_parts(html) == ["Edges", "Look at the corner.", "UV"]
