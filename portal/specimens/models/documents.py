"""Documents attached to a specimen: the issuing authority's notice, a PRADO-like sheet,
a laboratory report. Served like the specimen's images, to whoever may see the specimen."""

from __future__ import annotations

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from portal.media.models import AttachedDocument


class SpecimenDocument(AttachedDocument, Orderable):
    """A PDF or office document about a specimen, in the specimen's distribution."""

    media_folder = "specimens"

    specimen = ParentalKey("specimens.Specimen", on_delete=models.CASCADE, related_name="documents")

    panels = [FieldPanel("title"), FieldPanel("file")]

    class Meta(Orderable.Meta):
        pass
