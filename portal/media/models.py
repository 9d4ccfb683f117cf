"""Abstract bases of private media: images (with renditions), attached documents and
videos.

A content type subclasses them with a foreign key to its shared item (a ``ParentalKey``
for an admin inline panel) and registers the pair in ``registry``; the files, checks,
renditions and serving come from here. The bases carry no table of their own, so each
type keeps its media beside its items (and its own migrations).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from .storage import document_path, original_path, private_storage, rendition_path, video_path


class PrivateFieldFile(FieldFile):
    """A private file whose URL is its rule-checked view's, never a storage URL.

    Forms and templates that link a file (Django's file widget in the admin's inline
    panels) then link through the access rule; the storage's own URL (which falls back
    to ``MEDIA_URL``) would name the stored file and lead nowhere useful.
    """

    @property
    def url(self) -> str:
        self._require_file()
        if self.instance.pk is None:
            return ""
        return self.instance.private_url()


class PrivateFileField(models.FileField):
    """A ``FileField`` in the private storage whose ``url`` is the file view's."""

    attr_class = PrivateFieldFile


def validate_image_upload(value) -> None:
    """Check an uploaded image by its content before anything is stored (admin forms)."""
    from .images import image_check

    if value and not getattr(value, "_committed", True):
        image_check(value.file)


def validate_document_upload(value) -> None:
    """Check an uploaded document by its content before anything is stored (admin forms)."""
    from .documents import prepare

    if value and not getattr(value, "_committed", True):
        prepare(value.file)
        value.file.seek(0)


def validate_video_upload(value) -> None:
    """Check an uploaded video by its content before anything is stored (admin forms)."""
    from .videos import prepare

    if value and not getattr(value, "_committed", True):
        prepare(value.file, clean=False)
        value.file.seek(0)


class PrivateImage(models.Model):
    """A private image of a shared item: the portal's own re-encoding of an upload.

    Saved files are always the output of ``images.prepare`` (no EXIF, GPS or camera
    serial survives), under a random name in the private storage. Subclasses add the
    foreign key to their item and set ``media_folder``; their rendition model points at
    them with ``related_name="renditions"``.
    """

    #: The folder of the private storage this type's files go under.
    media_folder: ClassVar[str] = "media"

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    file = PrivateFileField(
        storage=private_storage,
        upload_to=original_path,
        max_length=200,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, WebP or TIFF. Metadata (EXIF, GPS, camera serial) is removed."),
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True):
            # An upload that has not been through ``prepare`` (the admin's inline form):
            # never store it as sent.
            self.prepared_store(self.prepare_upload(self.file.file))
            if self.pk:  # a new file makes old renditions stale
                self.renditions.all().delete()
        elif self.pk and self.file:
            # A file stored ahead (a live item's draft upload) reaches the row when the
            # revision is published: the renditions of the file it replaces are stale.
            stored = (
                type(self)._default_manager.filter(pk=self.pk).values_list("file", flat=True)
            ).first()
            if stored is not None and stored != self.file.name:
                self.renditions.all().delete()
        super().save(*args, **kwargs)

    def private_url(self, size: str = "original") -> str:
        """The rule-checked URL of the original or of a rendition."""
        from .registry import kind_of

        return kind_of(type(self)).url(self.pk, size)

    def prepare_upload(self, file):
        """Check and clean an upload (subclasses derive more from the pixels)."""
        from .images import prepare

        return prepare(file)

    def prepared_store(self, prepared) -> None:
        """Put a prepared upload in place of the file (not saved to the database yet)."""
        self.file.save(f"image.{prepared.extension}", prepared.content, save=False)
        self.width, self.height = prepared.width, prepared.height
        self.file_size = prepared.content.size


class PrivateRendition(models.Model):
    """A resized copy (JPEG) of a private image, made on first request or by a task.

    Subclasses add ``image = models.ForeignKey(<image model>, related_name="renditions")``
    and a unique constraint on ``(image, name)``.
    """

    name = models.CharField(max_length=20)
    file = PrivateFileField(storage=private_storage, upload_to=rendition_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.image_id}/{self.name}"

    def private_url(self) -> str:
        return self.image.private_url(self.name)


class AttachedDocument(models.Model):
    """A document (PDF or office file) attached to a shared item, seen by whoever sees it.

    The stored file is the portal's rewrite of the upload (``documents.prepare``: checked
    by content, metadata removed), under a random name in the private storage; the title
    is what readers see, the uploaded file name is never kept.
    """

    media_folder: ClassVar[str] = "media"

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(
        _("title"), max_length=200, help_text=_("What readers see, e.g. 'Issuing notice 2024'.")
    )
    file = PrivateFileField(
        _("file"),
        storage=private_storage,
        upload_to=document_path,
        max_length=200,
        validators=[validate_document_upload],
        help_text=_(
            "PDF, Word, Excel, PowerPoint or OpenDocument. Author, company and dates are "
            "removed; names in tracked changes or comments are not — accept or delete them "
            "first."
        ),
    )
    mime_type = models.CharField(max_length=100, editable=False, default="application/pdf")
    file_size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True):
            from .documents import prepare

            self.prepared_store(prepare(self.file.file))
        super().save(*args, **kwargs)

    def prepared_store(self, prepared) -> None:
        """Put a prepared upload in place of the file (not saved to the database yet)."""
        self.file.save(f"document.{prepared.extension}", prepared.content, save=False)
        self.mime_type = prepared.mime_type
        self.file_size = prepared.content.size

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1] if self.file else ""

    def private_url(self) -> str:
        """The rule-checked URL of the document."""
        from .registry import kind_of

        return kind_of(type(self)).url(self.pk)

    @property
    def url(self) -> str:
        return self.private_url()


class PrivateVideo(models.Model):
    """A video of a shared item (MP4 or WebM), played in the browser after the item's rule.

    The stored file is the upload, checked by content (``videos.prepare``: an MP4's
    metadata boxes blanked) and put under a random name in the private storage; the
    uploaded name is never kept. Videos are not re-encoded (a WebM's tags stay: the upload
    form says to export without location data). Subclasses add the foreign key to their
    item and set ``media_folder``.
    """

    media_folder: ClassVar[str] = "media"

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    file = PrivateFileField(
        _("video file"),
        storage=private_storage,
        upload_to=video_path,
        max_length=200,
        validators=[validate_video_upload],
        help_text=_(
            "MP4 (H.264) or WebM. An MP4's location, camera and author details are "
            "removed; a WebM is stored as sent: export it without them."
        ),
    )
    mime_type = models.CharField(max_length=100, editable=False, default="video/mp4")
    file_size = models.PositiveBigIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True):
            from .videos import prepare

            self.prepared_store(prepare(self.file.file))
        super().save(*args, **kwargs)

    def prepared_store(self, prepared) -> None:
        """Put a checked upload in place of the file (not saved to the database yet)."""
        from django.core.files import File

        self.file.save(f"video.{prepared.extension}", File(prepared.file), save=False)
        self.mime_type = prepared.mime_type
        self.file_size = prepared.size

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1] if self.file else ""

    def private_url(self) -> str:
        """The rule-checked URL of the video (it answers byte ranges)."""
        from .registry import kind_of

        return kind_of(type(self)).url(self.pk)

    @property
    def url(self) -> str:
        return self.private_url()
