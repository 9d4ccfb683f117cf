"""Specimen images and their renditions.

Files live in the ``private`` storage (``media/private/``), which has no URL: every
byte leaves through ``portal.specimens.views.image_file``, which asks the access rule first
(and writes the access log, ``portal.access.models.AccessRecord``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from .vocabularies import LightSource


def private_storage():
    return storages["private"]


def original_path(instance: SpecimenImage, filename: str) -> str:
    # The uploaded name is never used: it can carry personal data or path tricks.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"specimens/originals/{instance.uuid.hex[:2]}/{instance.uuid.hex}.{extension}"


def rendition_path(instance: SpecimenImageRendition, filename: str) -> str:
    image_uuid = instance.image.uuid.hex
    return f"specimens/renditions/{image_uuid[:2]}/{image_uuid}/{instance.name}.jpg"


def validate_regions(value) -> None:
    from ..imaging import regions_check

    regions_check(value)


def validate_upload(value) -> None:
    """Check an uploaded file by its content before anything is stored (admin forms)."""
    from ..imaging import image_check

    if value and not getattr(value, "_committed", True):
        image_check(value.file)


class SpecimenImage(Orderable):
    """A photograph of a specimen under one light source, with optional marked regions.

    Saved files are always the portal's own re-encoding of the upload (``imaging.prepare``):
    no EXIF, GPS or camera serial survives.
    """

    specimen = ParentalKey("specimens.Specimen", on_delete=models.CASCADE, related_name="images")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    file = models.FileField(
        storage=private_storage,
        upload_to=original_path,
        max_length=200,
        validators=[validate_upload],
        help_text="JPEG, PNG, WebP or TIFF. Metadata (EXIF, GPS, camera serial) is removed.",
    )
    light_source = models.CharField(
        max_length=20, choices=LightSource.choices, default=LightSource.VISIBLE
    )
    zone = models.CharField(
        max_length=80, default="data page", help_text="Page or zone, e.g. 'data page'."
    )
    caption = models.CharField(max_length=300, blank=True)
    regions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_regions],
        help_text='Marked regions, as fractions of the image: [{"x": 0.1, "y": 0.2, "w": 0.3, '
        '"h": 0.1, "label": "UV fibres"}].',
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    #: Ten 256-bit perceptual hashes, packed (``imaging.hashes``): the whole image first,
    #: then nine 90 % crops.
    hashes = models.BinaryField(default=bytes, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("file"),
        FieldRowPanel([FieldPanel("light_source"), FieldPanel("zone")]),
        FieldPanel("caption"),
        FieldPanel("regions"),
    ]

    class Meta(Orderable.Meta):
        indexes = [models.Index(fields=["specimen", "light_source"])]

    def __str__(self) -> str:
        return f"{self.specimen} — {self.get_light_source_display()}"

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True):
            from ..imaging import prepare

            prepared = prepare(self.file.file)
            self.file.save(f"image.{prepared.extension}", prepared.content, save=False)
            self.width, self.height = prepared.width, prepared.height
            self.file_size = prepared.content.size
            self.hashes = prepared.hashes
            # A new file makes old renditions stale.
            if self.pk:
                self.renditions.all().delete()
        super().save(*args, **kwargs)

    def url(self, size: str = "original") -> str:
        return reverse("specimens:image-file", kwargs={"pk": self.pk, "size": size})

    @property
    def thumbnail_url(self) -> str:
        return self.url("thumbnail")

    @property
    def display_url(self) -> str:
        return self.url("display")

    @property
    def zoom_url(self) -> str:
        return self.url("zoom")


class SpecimenImageRendition(models.Model):
    """A resized copy of a specimen image (thumbnail, display, zoom), made on first request."""

    image = models.ForeignKey(SpecimenImage, on_delete=models.CASCADE, related_name="renditions")
    name = models.CharField(max_length=20)
    file = models.FileField(storage=private_storage, upload_to=rendition_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "name"], name="unique_image_rendition")
        ]

    def __str__(self) -> str:
        return f"{self.image_id}/{self.name}"
