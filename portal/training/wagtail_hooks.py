"""Training in the Wagtail admin, held to the access rule by construction.

- Courses: a ``LifecycleSnippetViewSet`` like alerts (drafts, revisions, publication,
  every object view looked up through the rule). Trainers and experts of the owner
  country edit them (``Course.editor_roles``).
- Lessons, quizzes, questions (with their choices inline), training images and videos: viewsets
  of *course parts*, whose every queryset — listing, object views (edit, delete, copy,
  history, usage, inspect), chooser — holds only parts of courses the user may change
  (``rule.visible_through(..., action=CHANGE)``); bulk actions and usage counts follow
  their permission policy (``permissions.CoursePartPermissionPolicy``, registered in
  ``apps.py``).
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.access import rule
from portal.access.admin_guard import clean_ids
from portal.access.viewsets import PortalChooserViewSet
from portal.lifecycle.viewsets import LifecycleSnippetViewSet

from .models import Course, Lesson, Question, Quiz, TrainingImage, TrainingVideo
from .permissions import COURSE_PARTS


def parts_changeable(*, user, model):
    """The parts of ``model`` belonging to courses ``user`` may change."""
    return rule.visible_through(
        user=user,
        queryset=model._default_manager.all(),
        lookup=COURSE_PARTS[model._meta.label],
        model=Course,
        action=rule.CHANGE,
    )


class CoursePartObjectMixin:
    """Every object view of a course part finds its id among the parts of courses the
    user may change, before the view does anything: others are a 404, like a missing id."""

    def setup(self, request, *args, **kwargs):
        if "pk" in kwargs:
            pk = unquote(str(kwargs["pk"]))
            ids = clean_ids(self.model, [pk])
            if (
                not ids
                or not parts_changeable(user=request.user, model=self.model)
                .filter(pk=ids[0])
                .exists()
            ):
                raise Http404("No such item, or you may not change it.")
        super().setup(request, *args, **kwargs)

    def get_base_object_queryset(self):
        return parts_changeable(user=self.request.user, model=self.model)


class CoursePartChoicesMixin:
    def get_object_list(self):
        objects = super().get_object_list()
        return objects.filter(
            pk__in=parts_changeable(user=self.request.user, model=self.model_class).values("pk")
        )


class CoursePartChosenMixin:
    def get_object(self, pk):
        ids = clean_ids(self.model_class, [pk])
        found = parts_changeable(user=self.request.user, model=self.model_class).filter(pk__in=ids)
        item = found.first()
        if item is None:
            raise Http404
        return item

    def get_objects(self, pks):
        return parts_changeable(user=self.request.user, model=self.model_class).filter(
            pk__in=clean_ids(self.model_class, pks)
        )


class CoursePartChooserViewSet(PortalChooserViewSet):
    """The chooser of a course part (a lesson's training image): parts of the user's
    changeable courses only."""

    choose_view_class = type("CoursePartChooseView", (CoursePartChoicesMixin, ChooseView), {})
    choose_results_view_class = type(
        "CoursePartChooseResultsView", (CoursePartChoicesMixin, ChooseResultsView), {}
    )
    chosen_view_class = type("CoursePartChosenView", (CoursePartChosenMixin, SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "CoursePartChosenMultipleView", (CoursePartChosenMixin, SnippetChosenMultipleView), {}
    )


class CoursePartViewSet(SnippetViewSet):
    """A snippet viewset of a course part, restricted in every view (module docstring)."""

    chooser_viewset_class = CoursePartChooserViewSet

    def get_queryset(self, request):
        return parts_changeable(user=request.user, model=self.model)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for attr in dir(type(self)):
            if not attr.endswith("_view_class") or attr.startswith("index"):
                continue
            view_class = getattr(self, attr, None)
            if isinstance(view_class, type) and not issubclass(view_class, CoursePartObjectMixin):
                setattr(
                    self,
                    attr,
                    type(
                        f"CoursePart{view_class.__name__}", (CoursePartObjectMixin, view_class), {}
                    ),
                )


class CourseViewSet(LifecycleSnippetViewSet):
    model = Course
    icon = "group"
    menu_label = _("Courses")
    list_display = ["title", "level", "status", "distribution_level", "updated_at"]
    list_filter = ["level", "status"]
    ordering = ("-created_at", "-pk")


class LessonViewSet(CoursePartViewSet):
    model = Lesson
    icon = "doc-full"
    menu_label = _("Lessons")
    list_display = ["title", "module"]


class QuizViewSet(CoursePartViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "module", "pass_mark", "draw_count"]


class QuestionViewSet(CoursePartViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "quiz", "kind"]
    list_filter = ["kind"]


class TrainingImageViewSet(CoursePartViewSet):
    model = TrainingImage
    icon = "image"
    menu_label = _("Training images")
    list_display = ["__str__", "course"]


class TrainingVideoViewSet(CoursePartViewSet):
    model = TrainingVideo
    icon = "media"
    menu_label = _("Training videos")
    list_display = ["__str__", "course", "created_at"]


class TrainingGroup(SnippetViewSetGroup):
    items = (
        CourseViewSet,
        LessonViewSet,
        QuizViewSet,
        QuestionViewSet,
        TrainingImageViewSet,
        TrainingVideoViewSet,
    )
    menu_icon = "group"
    menu_label = _("Training")
    menu_name = "training"
    menu_order = 160


register_snippet(TrainingGroup)
