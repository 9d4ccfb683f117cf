"""The admin forms of courses and their parts (importable from models: no models here).

- ``CourseAdminForm``: a shared item's form, refusing a distribution wider than the
  specimen images the course's questions and lessons use (``services.course_width_check``).
- ``CoursePartForm``: the form of a lesson, quiz or training image: the module or course
  it belongs to is chosen among the courses the editor may change (``rule``), so nobody
  adds a part to another country's course.
- ``QuestionAdminForm``: a question: its quiz among those, its specimen image among the
  images of specimens the editor may see, its zones *drawn* on the chosen image
  (``RegionsWidget``), and the course's width checked against a chosen specimen image.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.access import rule
from portal.access.admin_forms import ShareableAdminForm
from portal.access.request_context import current_user
from portal.specimens.widgets import RegionsWidget, specimen_image_choices


def validate_zones(value) -> None:
    """Zones and marked regions: the specimen images' shapes (``regions_check``)."""
    from portal.specimens.imaging import regions_check

    regions_check(value)


class ZonesWidget(RegionsWidget):
    """``RegionsWidget`` for a field that is not on the image's own form: the form names
    the image (``image_id``) and its access-checked URL (``image_url_name``/``kwargs``)."""

    image_id: int | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["image_id"] = self.image_id
        context["unsaved_message"] = _(
            "Choose the question's image and save it first to draw the zones on it."
        )
        return context


def _courses_changeable(user):
    from .models import Course

    if user is None:
        return Course.objects.none()
    return rule.visible_to(user=user, queryset=Course.objects.all(), action=rule.CHANGE)


class CourseAdminForm(ShareableAdminForm):
    """A course: a shared item whose distribution may not exceed its specimen images'."""

    def clean(self):
        cleaned = super().clean()
        if self.errors or not self.instance.pk:
            return cleaned  # a new course uses no image yet
        from .services import CourseTooWide, course_width_check

        owner = cleaned.get("owner_country") or self.instance.owner_country
        try:
            course_width_check(
                course=self.instance,
                owner=owner.pk if owner is not None else self.instance.owner_country_id,
                level=cleaned.get("distribution_level") or self.instance.distribution_level,
                countries=[c.pk for c in cleaned.get("shared_countries") or []],
                networks=[n.slug for n in cleaned.get("shared_networks") or []],
            )
        except CourseTooWide as exc:
            self.add_error("distribution_level", exc.messages)
        return cleaned


class CoursePartForm(WagtailAdminModelForm):
    """A part of a course (lesson, quiz, training image): its course or module is one
    the editor may change (an item another country shares for reading is not offered)."""

    #: Fields naming what the part belongs to: offered among items the user may change.
    parent_fields = ("course", "module", "quiz")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None) or current_user()
        courses = _courses_changeable(user)
        from .models import CourseModule

        if "course" in self.fields:
            field = self.fields["course"]
            field.queryset = courses
            # A plain list of the user's changeable courses: the course chooser would
            # offer every course they may *see*.
            field.widget = forms.Select()
            field.widget.choices = field.choices
        if "module" in self.fields:
            field = self.fields["module"]
            field.queryset = CourseModule.objects.filter(
                course__in=courses.values("pk")
            ).select_related("course")
            field.label_from_instance = lambda module: f"{module.course.title} — {module.title}"
        if "regions" in self.fields:  # a training image: its regions drawn on itself
            widget = ZonesWidget(
                image_url_name="media:image-file",
                image_url_kwargs={"kind": "training-images", "size": "display"},
            )
            widget.image_id = self.instance.pk
            self.fields["regions"].widget = widget


class QuestionAdminForm(CoursePartForm):
    """A quiz question (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        from .models import Quiz, TrainingImage

        user = getattr(self, "for_user", None) or current_user()
        courses = _courses_changeable(user)
        if "quiz" in self.fields:
            field = self.fields["quiz"]
            field.queryset = Quiz.objects.filter(
                module__course__in=courses.values("pk")
            ).select_related("module__course")
            field.label_from_instance = lambda quiz: f"{quiz.module.course.title} — {quiz.title}"
        if "training_image" in self.fields:
            self.fields["training_image"].queryset = TrainingImage.objects.filter(
                course__in=courses.values("pk")
            )
        field = self.fields.get("specimen_image")
        if field is not None:
            specimen_image_choices(
                field,
                user=user,
                held=self.instance.specimen_image_id if self.instance.pk else None,
            )
        if "zones" in self.fields:
            self.fields["zones"].widget = self._zones_widget()

    def _zones_widget(self) -> ZonesWidget:
        """Zones are drawn on the saved question's image, through its rule-checked URL."""
        instance = self.instance
        if instance.pk and instance.specimen_image_id:
            widget = ZonesWidget(image_url_name="specimens:image-file")
            widget.image_id = instance.specimen_image_id
        elif instance.pk and instance.training_image_id:
            widget = ZonesWidget(
                image_url_name="media:image-file",
                image_url_kwargs={"kind": "training-images", "size": "display"},
            )
            widget.image_id = instance.training_image_id
        else:
            widget = ZonesWidget()
        return widget

    def clean(self):
        from .models import QuestionKind

        cleaned = super().clean()
        kind = cleaned.get("kind")
        specimen_image = cleaned.get("specimen_image")
        training_image = cleaned.get("training_image")
        if specimen_image is not None and training_image is not None:
            self.add_error(
                "training_image", _("Choose either a specimen image or an uploaded image.")
            )
        quiz = cleaned.get("quiz")
        if (
            training_image is not None
            and quiz is not None
            and training_image.course_id != quiz.module.course_id
        ):
            self.add_error("training_image", _("Choose an image uploaded for this course."))
        if kind in {QuestionKind.HOTSPOT, QuestionKind.GENUINE_OR_FORGED} and not (
            specimen_image or training_image
        ):
            self.add_error("specimen_image", _("This kind of question needs an image."))
        if kind == QuestionKind.HOTSPOT and self.instance.pk and not cleaned.get("zones"):
            self.add_error("zones", _("Draw at least one zone where a click is right."))
        if kind == QuestionKind.GENUINE_OR_FORGED and cleaned.get("genuine") is None:
            self.add_error("genuine", _("Say whether the document shown is genuine."))
        if specimen_image is not None and quiz is not None:
            from .services import CourseTooWide, course_width_check

            try:
                course_width_check(course=quiz.module.course, extra_images=[specimen_image])
            except CourseTooWide as exc:
                self.add_error("specimen_image", exc.messages)
        return cleaned


def zones_image_url(question) -> str:
    """The rule-checked display URL of a question's image ('' without one)."""
    if question.specimen_image_id:
        return reverse(
            "specimens:image-file", kwargs={"pk": question.specimen_image_id, "size": "display"}
        )
    if question.training_image_id:
        return reverse(
            "media:image-file",
            kwargs={"kind": "training-images", "pk": question.training_image_id, "size": "display"},
        )
    return ""
