"""Courses and their lessons in search (``search.registry``).

A course is a shared item like a specimen; a lesson has no distribution of its own and is
found exactly where its course is: its type declares ``keys_from="module__course"``, so
its entry carries the course's view keys and is rewritten with them (a narrowed course
hides its lessons in the same commit). Both narrow by the course's competency level.
Nothing restricted is written into a lesson's entry: its text blocks and the captions of
the course's own images only, never a live specimen's title or note.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from wagtail.rich_text import get_text_for_indexing

from search.facets import Facet, Mark, choices_labels
from search.registry import (
    SearchDocument,
    SearchType,
    document_lead,
    document_text,
    search_type_register,
)

from .models import CompetencyLevel


def _level(item) -> list[str]:
    """A course's level; a lesson's is its course's."""
    course = item.module.course if hasattr(item, "module") else item
    return [course.level]


#: The network's harmonised levels, for courses and lessons (the search contract tests'
#: ``Notice`` declares the same name with the same label). Not a ``vocabulary``: "expert"
#: in a query is a word to find, not a level every result must have.
COMPETENCY_LEVEL = Facet(
    name="competency_level",
    label=_("Competency level"),
    values=_level,
    labels=choices_labels(CompetencyLevel),
)

# A rich-text block's paragraphs, headings and list items: each one a sentence of the
# document, so that a snippet never runs a heading into the paragraph below it.
_BLOCK_END = re.compile(r"</(?:p|h\d|li|blockquote)>|<br\s*/?>", re.IGNORECASE)


def rich_text_parts(html: str) -> list[str]:
    """The plain text of rich-text HTML, one part per paragraph, heading or list item."""
    return [
        text for piece in _BLOCK_END.split(html or "") if (text := get_text_for_indexing(piece))
    ]


def course_document(course) -> SearchDocument:
    modules = list(course.modules.all())
    return SearchDocument(
        title=course.title,
        body=document_text(
            str(course.get_level_display()),
            course.summary,
            *(text for module in modules for text in (module.title, module.summary)),
        ),
        url=course.get_absolute_url(),
        marks={"level": course.level},
    )


def lesson_text(lesson) -> list[str]:
    """The searchable parts of a lesson's body: its text blocks and its figures' captions
    (a live specimen is the specimen's own, found under its own rule)."""
    parts: list[str] = []
    for block in lesson.body:
        if block.block_type == "text":
            parts.extend(rich_text_parts(block.value.source))
        elif block.block_type == "annotated_image":
            parts.append(block.value.get("caption") or "")
    return parts


def _lesson_thumbnail(lesson) -> str:
    for block in lesson.body:
        if block.block_type == "annotated_image" and block.value.get("image") is not None:
            return block.value["image"].private_url("thumbnail")
    return ""


def lesson_document(lesson) -> SearchDocument:
    module = lesson.module
    course = module.course
    return SearchDocument(
        title=lesson.title,
        body=document_text(
            document_lead(course.title, module.title, str(course.get_level_display())),
            *lesson_text(lesson),
        ),
        url=lesson.get_absolute_url(),
        thumbnail_url=_lesson_thumbnail(lesson),
        marks={"level": course.level},
    )


def register() -> None:
    from .models import Course, CourseModule, Lesson

    level_mark = Mark("level", labels=choices_labels(CompetencyLevel))
    search_type_register(
        SearchType(
            slug="course",
            label=_("Courses"),
            singular=_("Course"),
            model=Course,
            document=course_document,
            facets=(COMPETENCY_LEVEL,),
            marks=(level_mark,),
            browse_url="training:courses",
            dependents=((CourseModule, lambda module: module.course),),
        )
    )
    search_type_register(
        SearchType(
            slug="lesson",
            label=_("Lessons"),
            singular=_("Lesson"),
            model=Lesson,
            document=lesson_document,
            facets=(COMPETENCY_LEVEL,),
            marks=(level_mark,),
            browse_url="training:courses",
            keys_from="module__course",
        )
    )
