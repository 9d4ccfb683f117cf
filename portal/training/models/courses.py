"""Courses and what they hold: modules, lessons, quizzes, questions and their images.

A ``Course`` is a shared item with a lifecycle (drafts, revisions, publication), owned by
its trainers' country and edited by that country's trainers and experts
(``editor_roles``). Everything below a course — its modules, lessons, quizzes, questions,
choices and uploaded images — has no distribution of its own: it is seen exactly when its
course is (``rule.visible_through``) and changed by whoever may change the course.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PublishingPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable

from portal.access.models import Role
from portal.lifecycle.models import Lifecycle
from portal.media.models import PrivateImage, PrivateRendition, PrivateVideo

from ..admin_forms import CourseAdminForm, CoursePartForm, QuestionAdminForm, validate_zones
from ..blocks import LessonBlocks


class CompetencyLevel(models.TextChoices):
    """The network's harmonised levels: what completing a course qualifies an officer for."""

    FIRST_LINE = "first_line", _("First line")
    SECOND_LINE = "second_line", _("Second line")
    EXPERT = "expert", _("Expert")


class QuestionKind(models.TextChoices):
    """How a question is answered (CONTRACT.md's ``kind``)."""

    CHOICE = "choice", _("Multiple choice")
    GENUINE_OR_FORGED = "genuine_or_forged", _("Genuine or forged")
    HOTSPOT = "hotspot", _("Click the feature on the image")
    MATCH = "match", _("Match terms")


class Course(Lifecycle, ClusterableModel):
    """A course of the network's harmonised training, at one competency level.

    Owned by a country, written by its trainers (and experts), shared like any item —
    ``public`` included. Passing every quiz of it completes it and awards a certificate
    valid ``validity_months`` from the award date. It may not be shared wider than the
    specimen images its questions and lessons use (``CourseAdminForm`` and
    ``services.course_width_check``).
    """

    allows_public = True
    #: Who of the owner country edits courses (``rule.editor_roles``).
    editor_roles = (Role.TRAINER, Role.EXPERT)

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"),
        max_length=2000,
        blank=True,
        help_text=_("What the learner will be able to do."),
    )
    level = models.CharField(
        _("competency level"),
        max_length=20,
        choices=CompetencyLevel.choices,
        default=CompetencyLevel.FIRST_LINE,
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("From the award date; then the learner passes the quizzes again."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = CourseAdminForm

    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("level"), FieldPanel("validity_months")]),
        InlinePanel("modules", heading=_("Modules"), label=_("Module")),
        MultiFieldPanel(
            [
                FieldPanel("owner_country"),
                FieldPanel("distribution_level"),
                FieldPanel("shared_countries"),
                FieldPanel("shared_networks"),
            ],
            heading=_("Distribution"),
        ),
        PublishingPanel(),
    ]

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course", kwargs={"pk": self.pk})

    def publish(self, revision, user=None, *args, **kwargs):
        """Every publishing path (admin, schedule, services) refuses a version shared
        wider than the specimen images the course uses (``CourseTooWide``)."""
        from ..services import course_width_check

        draft = revision.as_object()
        m2m = getattr(draft, "_lifecycle_m2m", None) or {}
        from portal.access.models import Network

        course_width_check(
            course=self,
            owner=draft.owner_country_id,
            level=draft.distribution_level,
            countries=m2m.get("shared_countries") or [],
            networks=Network.objects.filter(pk__in=m2m.get("shared_networks") or []).values_list(
                "slug", flat=True
            ),
        )
        return super().publish(revision, user, *args, **kwargs)


class CourseModule(Orderable):
    """A chapter of a course: lessons to read and quizzes to pass, in order."""

    course = ParentalKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)

    panels = [FieldPanel("title"), FieldPanel("summary")]

    class Meta(Orderable.Meta):
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return f"{self.course} — {self.title}"


class TrainingImage(PrivateImage):
    """A photograph uploaded for a course (a lesson figure, a quiz image), with its
    regions marked. Served only through ``/files/training-images/<id>/<size>/`` after the
    *course's* rule, like every private image."""

    media_folder = "training"

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="images", verbose_name=_("course")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    regions = models.JSONField(
        _("marked regions"), default=list, blank=True, validators=[validate_zones]
    )

    base_form_class = CoursePartForm

    panels = [
        FieldPanel("course"),
        FieldPanel("file"),
        FieldPanel("caption"),
        FieldPanel("regions"),
    ]

    class Meta:
        verbose_name = _("training image")
        verbose_name_plural = _("training images")

    def __str__(self) -> str:
        return self.caption or f"{self.course} — {_('image')} {self.pk}"


class TrainingImageRendition(PrivateRendition):
    """A resized copy of a training image (thumbnail, display, zoom)."""

    image = models.ForeignKey(TrainingImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "name"], name="unique_training_image_rendition"
            )
        ]


class TrainingVideo(PrivateVideo):
    """A video uploaded for a course (MP4 or WebM), shown in its lessons. Served only
    through ``/files/training-videos/<id>/`` (byte ranges for seeking) after the
    *course's* rule."""

    media_folder = "training"

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="videos", verbose_name=_("course")
    )
    caption = models.CharField(
        _("caption"), max_length=300, help_text=_("What the video shows, in a few words.")
    )

    base_form_class = CoursePartForm

    panels = [FieldPanel("course"), FieldPanel("file"), FieldPanel("caption")]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("training video")
        verbose_name_plural = _("training videos")

    def __str__(self) -> str:
        return self.caption


class Lesson(models.Model):
    """Something to read and look at in a module: text, annotated images and live
    specimens (shown as each viewer may see them, never copied into the course)."""

    module = models.ForeignKey(
        CourseModule, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = StreamField(LessonBlocks(), blank=True, verbose_name=_("body"))

    base_form_class = CoursePartForm

    panels = [
        FieldPanel("module"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("sort_order")]),
        FieldPanel("body"),
    ]

    class Meta:
        ordering = ["module__sort_order", "sort_order", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:lesson", kwargs={"pk": self.pk})

    @property
    def course(self) -> Course:
        return self.module.course


class Quiz(models.Model):
    """A module's test: a bank of questions, of which ``draw_count`` are drawn at random
    for each attempt (0: all), passed at ``pass_mark`` percent."""

    module = models.ForeignKey(
        CourseModule, on_delete=models.CASCADE, related_name="quizzes", verbose_name=_("module")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn"),
        default=0,
        help_text=_("How many questions of the bank each attempt draws at random; 0: all."),
    )

    base_form_class = CoursePartForm

    panels = [
        FieldPanel("module"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("sort_order")]),
        FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("draw_count")]),
    ]

    class Meta:
        ordering = ["module__sort_order", "sort_order", "pk"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    @property
    def course(self) -> Course:
        return self.module.course


class Question(ClusterableModel):
    """One question of a quiz's bank, with its image (a specimen's, or one uploaded for
    the course), its right answer and its feedback — none of which reaches a learner
    before the attempt is graded.

    - ``choice``: the ``choices`` marked correct (one, or several with ``multiple``);
    - ``genuine_or_forged``: ``genuine`` says which the imaged document is;
    - ``hotspot``: a click inside one of the ``zones`` (drawn on the image) is right;
    - ``match``: each choice with a ``match_target`` is a *term*; its right partner is
      the choice (of the same question) whose text is that target, e.g. the term "UV
      fibres" with target "Image 2" pairs with the choice "Image 2". Choices without a
      target are the partners (and distractors).
    """

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.CHOICE
    )
    prompt = models.TextField(_("prompt"), max_length=2000)
    specimen_image = models.ForeignKey(
        "specimens.SpecimenImage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("specimen image"),
        help_text=_(
            "An image of a specimen shared with you. The course may not be shared wider "
            "than the specimen."
        ),
    )
    training_image = models.ForeignKey(
        TrainingImage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded image"),
        help_text=_("Or an image uploaded for this course (Training images)."),
    )
    genuine = models.BooleanField(
        _("the document is genuine"),
        null=True,
        blank=True,
        help_text=_("Genuine-or-forged questions: the right answer."),
    )
    zones = models.JSONField(
        _("zones"),
        default=list,
        blank=True,
        validators=[validate_zones],
        help_text=_("Hotspot questions: draw on the image where a click is right."),
    )
    multiple = models.BooleanField(
        _("several answers"), default=False, help_text=_("Choice questions: tick every right one.")
    )
    feedback_correct = models.TextField(_("feedback when right"), max_length=1000, blank=True)
    feedback_wrong = models.TextField(_("feedback when wrong"), max_length=1000, blank=True)

    base_form_class = QuestionAdminForm

    panels = [
        FieldPanel("quiz"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("sort_order")]),
        FieldPanel("prompt"),
        MultiFieldPanel(
            [FieldPanel("specimen_image"), FieldPanel("training_image")],
            heading=_("Image"),
        ),
        FieldRowPanel([FieldPanel("genuine"), FieldPanel("multiple")]),
        FieldPanel("zones"),
        InlinePanel("choices", heading=_("Choices"), label=_("Choice")),
        FieldRowPanel([FieldPanel("feedback_correct"), FieldPanel("feedback_wrong")]),
    ]

    class Meta:
        ordering = ["quiz", "sort_order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.prompt[:80]

    @property
    def course(self) -> Course:
        return self.quiz.module.course


class Choice(Orderable):
    """An answer offered by a choice question, or a term / partner of a match question."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=300)
    correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback"), max_length=500, blank=True)
    match_target = models.CharField(
        _("matches"),
        max_length=300,
        blank=True,
        help_text=_("Match questions: the text of this term's right partner (another choice)."),
    )

    panels = [
        FieldRowPanel([FieldPanel("text"), FieldPanel("correct")]),
        FieldRowPanel([FieldPanel("feedback"), FieldPanel("match_target")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text


class CourseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Course, on_delete=models.CASCADE)


class CourseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Course, on_delete=models.CASCADE)
