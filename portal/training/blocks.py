"""The blocks a lesson is written with.

Nothing restricted is copied into a course: an annotated image is one uploaded for the
course (served under the course's rule), and a live specimen is a *reference* rendered
at view time as the viewer may see it — a "not shared with your country" placeholder
otherwise (``SpecimenEmbedBlock.get_context`` asks the rule).

A video is one uploaded for a course (``TrainingVideo``, served by byte ranges under the
course's rule), shown with a caption and a transcript for those who cannot watch or hear
it; a viewer who may not see the video's course (a video of another course chosen by its
editor) gets nothing of it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class TextBlock(blocks.RichTextBlock):
    """Paragraphs, lists and links of a lesson."""

    def __init__(self, **kwargs):
        super().__init__(features=["h2", "h3", "bold", "italic", "ol", "ul", "link"], **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "training/blocks/text_block.html"
        label = _("Text")
        description = _("Paragraphs, headings and lists.")


class AnnotatedImageBlock(blocks.StructBlock):
    """A figure of the lesson: an image uploaded for this course with its marked regions
    (drawn on the image under Training images), numbered, with a caption."""

    image = SnippetChooserBlock("training.TrainingImage", label=_("image"))
    caption = blocks.CharBlock(required=False, max_length=300, label=_("caption"))

    class Meta:
        icon = "image"
        template = "training/blocks/annotated_image_block.html"
        label = _("Annotated image")
        description = _("An image uploaded for this course, its regions numbered.")


class SpecimenEmbedBlock(blocks.StructBlock):
    """A specimen of the library shown inside the lesson *as the viewer may see it*: the
    lesson holds only its id; a viewer whose country may not see it gets a placeholder."""

    specimen = SnippetChooserBlock("specimens.Specimen", label=_("specimen"))
    note = blocks.CharBlock(
        required=False, max_length=300, label=_("what to look at"), help_text=_("Optional.")
    )

    class Meta:
        icon = "doc-full"
        template = "training/blocks/specimen_embed_block.html"
        label = _("Live specimen")
        description = _("A library specimen, shown only to those it is shared with.")

    def get_context(self, value, parent_context=None):
        from portal.access import rule
        from portal.specimens.models import Specimen

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        chosen = value.get("specimen")
        specimen = None
        if chosen is not None and user is not None:
            specimen = (
                rule.visible_to(user=user, queryset=Specimen.objects.all())
                .filter(pk=chosen.pk)
                .prefetch_related("images")
                .first()
            )
        # The chosen object was loaded without the rule: only the visible one is passed on.
        context["specimen"] = specimen
        context["value"] = {"note": value.get("note")}
        return context


class VideoBlock(blocks.StructBlock):
    """A video of the lesson: one uploaded for a course the editor may change (Training
    videos), played in the page with the browser's controls, with a caption and a
    transcript (what is shown and said, for those who cannot watch or hear it)."""

    video = SnippetChooserBlock("training.TrainingVideo", label=_("video"))
    caption = blocks.CharBlock(
        required=False,
        max_length=300,
        label=_("caption"),
        help_text=_("Optional; the video's own caption otherwise."),
    )
    transcript = blocks.TextBlock(
        label=_("transcript"),
        help_text=_("What the video shows and says, for learners who cannot watch or hear it."),
    )

    class Meta:
        icon = "media"
        template = "training/blocks/video_block.html"
        label = _("Video")
        description = _("A video uploaded for this course, with its transcript.")

    def get_context(self, value, parent_context=None):
        from portal.access import rule

        from .models import Course, TrainingVideo

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        chosen = value.get("video")
        video = None
        if chosen is not None and user is not None:
            # The chosen row was loaded without the rule: its course decides.
            video = (
                rule.visible_through(
                    user=user,
                    queryset=TrainingVideo.objects.all(),
                    lookup="course",
                    model=Course,
                )
                .filter(pk=chosen.pk)
                .first()
            )
        context["video"] = video
        context["value"] = {
            "caption": value.get("caption") or (video.caption if video else ""),
            "transcript": value.get("transcript") if video else "",
        }
        return context


class LessonBlocks(blocks.StreamBlock):
    """The body of a lesson."""

    text = TextBlock()
    annotated_image = AnnotatedImageBlock()
    specimen = SpecimenEmbedBlock()
    video = VideoBlock()

    class Meta:
        block_counts = {}
