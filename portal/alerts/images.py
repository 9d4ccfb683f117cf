"""An alert's pictures: its own images (private media of the alert) and images picked
from its related specimens (never copied: they stay the specimen's, under its rule).

``AlertImage`` is a ``media.PrivateImage`` hanging on the alert by a ``ParentalKey``, so
the alert's admin form has an inline panel for it and its rows travel in the alert's
revisions like every parental relation: a draft's images stay with the draft and reach
the table (and readers) when that revision is published. ``AlertSpecimenImage`` names a
``SpecimenImage`` of one of the alert's related specimens; a reader sees it only if the
specimen's rule lets them (``selectors.alert_figures``), whatever the alert's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from portal.media.models import PrivateImage, PrivateRendition
from portal.specimens.models import LightSource
from portal.specimens.widgets import RegionsWidget


class ImageRole(models.TextChoices):
    """What an image of an alert shows: the forgery, the genuine it imitates, a detail."""

    FORGERY = "forgery", _("Forgery")
    GENUINE = "genuine", _("Genuine")
    DETAIL = "detail", _("Detail")


def validate_regions(value) -> None:
    from portal.specimens.imaging import regions_check

    regions_check(value)


REGIONS_HELP = _(
    'Marked regions, as fractions of the image: rectangles [{"x": 0.1, "y": 0.2, "w": 0.3, '
    '"h": 0.1, "label": "No UV fibres"}] or polygons [{"points": [[0.1, 0.1], [0.3, 0.1], '
    '[0.2, 0.3]], "label": "..."}]. Each is numbered on the bulletin and the card.'
)


class AlertImage(PrivateImage, Orderable):
    """A photograph uploaded with an alert: the forgery met, the genuine, or a detail,
    under one light, with its telling regions marked. Served only through
    ``/files/alert-images/<id>/<size>/`` after the alert's rule."""

    media_folder = "alerts"

    alert = ParentalKey("alerts.AlertBulletin", on_delete=models.CASCADE, related_name="images")
    role = models.CharField(
        _("shows"), max_length=10, choices=ImageRole.choices, default=ImageRole.FORGERY
    )
    light_source = models.CharField(
        _("light"), max_length=20, choices=LightSource.choices, default=LightSource.VISIBLE
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    regions = models.JSONField(
        _("marked regions"),
        default=list,
        blank=True,
        validators=[validate_regions],
        help_text=REGIONS_HELP,
    )

    panels = [
        FieldPanel("file"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("light_source")]),
        FieldPanel("caption"),
        # Drawn on the image with the mouse, as on a specimen's (the alert's file view).
        FieldPanel(
            "regions",
            widget=RegionsWidget(
                image_url_name="media:image-file",
                image_url_kwargs={"kind": "alert-images", "size": "display"},
            ),
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("alert image")
        verbose_name_plural = _("alert images")

    def __str__(self) -> str:
        return f"{self.alert} — {self.get_role_display()}, {self.get_light_source_display()}"


class AlertImageRendition(PrivateRendition):
    """A resized copy of an alert image (thumbnail, display, zoom)."""

    image = models.ForeignKey(AlertImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "name"], name="unique_alert_image_rendition")
        ]


class AlertSpecimenImage(Orderable):
    """An image of one of the alert's related specimens, shown with the alert.

    Only a reference: the file stays the specimen's, served by the specimen's URL after
    the *specimen's* rule, so narrowing the specimen narrows it here too.
    """

    alert = ParentalKey(
        "alerts.AlertBulletin", on_delete=models.CASCADE, related_name="specimen_images"
    )
    specimen_image = models.ForeignKey(
        "specimens.SpecimenImage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("specimen image"),
        help_text=_("An image of one of the related specimens (those shared with you)."),
    )
    role = models.CharField(
        _("shows"), max_length=10, choices=ImageRole.choices, default=ImageRole.GENUINE
    )
    caption = models.CharField(
        _("caption"), max_length=300, blank=True, help_text=_("Empty: the specimen's caption.")
    )

    panels = [
        FieldRowPanel([FieldPanel("specimen_image"), FieldPanel("role")]),
        FieldPanel("caption"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("specimen image shown")
        verbose_name_plural = _("specimen images shown")

    def __str__(self) -> str:
        return f"{self.alert_id} — specimen image {self.specimen_image_id}"


@contextmanager
def images_known_empty(alert) -> Iterator[None]:
    """While a just-created alert is first revised: it has no images yet, so its revision
    (which serializes its parental relations) does not read them back."""
    cache = alert.__dict__.setdefault("_prefetched_objects_cache", {})
    cache["images"] = AlertImage.objects.none()
    cache["specimen_images"] = AlertSpecimenImage.objects.none()
    try:
        yield
    finally:
        cache.pop("images", None)
        cache.pop("specimen_images", None)
