"""Specimen images and their renditions, built on the platform's private media.

Files live in the ``private`` storage (``media/private/``), which has no URL: every
byte leaves through ``portal.specimens.views.image_file``, which hands the request to
``portal.media.views.image_response`` — the access rule of the specimen first, then the
access log (``portal.access.models.AccessRecord``). Checks, re-encoding and renditions are
``portal.media``'s; what is the specimens' own is the light, zone, caption, marked regions
and the perceptual hashes of the "similar images" search.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from portal.media import storage
from portal.media.models import PrivateImage, PrivateRendition, validate_image_upload
from portal.media.storage import private_storage

from ..widgets import RegionsWidget
from .vocabularies import LightSource

__all__ = ["SpecimenImage", "SpecimenImageRendition", "private_storage"]


# The first migrations name these: kept so that they still import.
def original_path(instance: SpecimenImage, filename: str) -> str:
    return storage.original_path(instance, filename)


def rendition_path(instance: SpecimenImageRendition, filename: str) -> str:
    return storage.rendition_path(instance, filename)


def validate_upload(value) -> None:
    validate_image_upload(value)


def validate_regions(value) -> None:
    from ..imaging import regions_check

    regions_check(value)


class SpecimenImage(PrivateImage, Orderable):
    """A photograph of a specimen under one light source, with optional marked regions.

    Saved files are always the portal's own re-encoding of the upload (``imaging.prepare``):
    no EXIF, GPS or camera serial survives.
    """

    media_folder = "specimens"

    specimen = ParentalKey("specimens.Specimen", on_delete=models.CASCADE, related_name="images")
    light_source = models.CharField(
        max_length=20, choices=LightSource.choices, default=LightSource.VISIBLE
    )
    zone = models.CharField(
        max_length=80, default="data page", help_text=_("Page or zone, e.g. 'data page'.")
    )
    caption = models.CharField(max_length=300, blank=True)
    regions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_regions],
        # The admin draws them (``RegionsWidget``); the help text (in the migrations) is
        # the JSON's shape, for the API and the folded-away textarea.
        help_text=_(
            'Marked regions, as fractions of the image: [{"x": 0.1, "y": 0.2, "w": 0.3, '
            '"h": 0.1, "label": "UV fibres"}].'
        ),
    )
    #: Ten 256-bit perceptual hashes, packed (``imaging.hashes``): the whole image first,
    #: then nine 90 % crops.
    hashes = models.BinaryField(default=bytes, editable=False)

    panels = [
        FieldPanel("file"),
        FieldRowPanel([FieldPanel("light_source"), FieldPanel("zone")]),
        FieldPanel("caption"),
        FieldPanel("regions", widget=RegionsWidget),
    ]

    class Meta(Orderable.Meta):
        indexes = [models.Index(fields=["specimen", "light_source"])]

    def __str__(self) -> str:
        return f"{self.specimen} — {self.get_light_source_display()}"

    def prepare_upload(self, file):
        from ..imaging import prepare

        return prepare(file)

    def prepared_store(self, prepared) -> None:
        super().prepared_store(prepared)
        self.hashes = prepared.hashes

    def url(self, size: str = "original") -> str:
        return reverse("specimens:image-file", kwargs={"pk": self.pk, "size": size})

    def private_url(self, size: str = "original") -> str:
        return self.url(size)

    @property
    def thumbnail_url(self) -> str:
        return self.url("thumbnail")

    @property
    def display_url(self) -> str:
        return self.url("display")

    @property
    def zoom_url(self) -> str:
        return self.url("zoom")


class SpecimenImageRendition(PrivateRendition):
    """A resized copy of a specimen image (thumbnail, display, zoom), made on first request
    (large ones by a background task, ``portal.media.services.rendition_serve``)."""

    image = models.ForeignKey(SpecimenImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "name"], name="unique_image_rendition")
        ]
