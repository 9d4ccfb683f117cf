"""Specimens: one document series, genuine or forged, with its header and features."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from portal.access.models import Shareable

from ..forms import SpecimenAdminForm
from .vocabularies import DocumentType, FraudType, IcaoCategory, Kind, LightSource, Status


class Specimen(Shareable, ClusterableModel):
    """A reference document: a genuine series and its security features, or a forgery
    of one and what gives it away.

    The header follows PRADO's (issuing country, document type, ICAO category, series,
    first issued, validity and status). Shared through the access rule like every item.
    """

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("e.g. 'Thailand passport, 2019 series — data page'."),
    )
    issuing_country = models.ForeignKey(
        "access.Country",
        on_delete=models.PROTECT,
        related_name="specimens_issued",
        verbose_name=_("issuing country"),
        help_text=_("The country that issues (or is claimed to issue) the document."),
    )
    document_type = models.CharField(
        _("document type"), max_length=30, choices=DocumentType.choices
    )
    icao_category = models.CharField(
        _("ICAO category"), max_length=10, choices=IcaoCategory.choices, default=IcaoCategory.TD3
    )
    series = models.CharField(
        _("series"),
        max_length=80,
        blank=True,
        help_text=_("Series or version, e.g. '2019 series, version 2'."),
    )
    first_issued = models.DateField(_("first issued"), null=True, blank=True)
    validity = models.CharField(
        _("validity"),
        max_length=120,
        blank=True,
        help_text=_("e.g. '10 years (adults), 5 years (minors)'."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_CIRCULATION
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GENUINE)
    fraud_type = models.CharField(
        _("fraud type"),
        max_length=40,
        choices=FraudType.choices,
        blank=True,
        help_text=_("Forgeries only: the kind of fraud in INTERPOL's typology."),
    )
    genuine_reference = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forgeries",
        limit_choices_to={"kind": Kind.GENUINE},
        verbose_name=_("genuine reference"),
        help_text=_("Forgeries only: the genuine specimen this forgery imitates."),
    )
    description = models.TextField(_("description"), blank=True)
    detection_points = models.TextField(
        _("detection points"),
        blank=True,
        help_text=_(
            "Forgeries: what gives it away, one point per line "
            "(e.g. 'No UV fibres in the substrate')."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = SpecimenAdminForm

    panels = [
        FieldPanel("title"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issuing_country"), FieldPanel("document_type")]),
                FieldRowPanel([FieldPanel("icao_category"), FieldPanel("series")]),
                FieldRowPanel(
                    [FieldPanel("first_issued"), FieldPanel("validity"), FieldPanel("status")]
                ),
            ],
            heading=_("Document header"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("fraud_type")]),
                FieldPanel("genuine_reference"),
                FieldPanel("detection_points"),
            ],
            heading=_("Genuine or forged"),
        ),
        FieldPanel("description"),
        InlinePanel("features", heading=_("Security features"), label=_("Feature")),
        InlinePanel("images", heading=_("Images"), label=_("Image")),
        InlinePanel("documents", heading=_("Documents"), label=_("Document")),
        MultiFieldPanel(
            [
                FieldPanel("owner_country"),
                FieldPanel("distribution_level"),
                FieldPanel("shared_countries"),
                FieldPanel("shared_networks"),
            ],
            heading=_("Distribution"),
        ),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("specimen")
        verbose_name_plural = _("specimens")
        indexes = [
            models.Index(fields=["issuing_country", "document_type"]),
            models.Index(fields=["kind", "fraud_type"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("specimens:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == Kind.FORGED:
            if not self.fraud_type:
                errors["fraud_type"] = gettext("Say what kind of fraud this forgery is.")
            reference = self.genuine_reference
            if reference is not None and reference.kind != Kind.GENUINE:
                errors["genuine_reference"] = gettext("The reference must be a genuine specimen.")
            if reference is not None and self.pk and reference.pk == self.pk:
                errors["genuine_reference"] = gettext("A specimen cannot be its own reference.")
        else:
            if self.fraud_type:
                errors["fraud_type"] = gettext("Only forgeries have a fraud type.")
            if self.genuine_reference_id:
                errors["genuine_reference"] = gettext("Only forgeries have a genuine reference.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_forged(self) -> bool:
        return self.kind == Kind.FORGED

    @property
    def detection_point_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.detection_points.splitlines() if line.strip()]


class SpecimenFeature(Orderable):
    """One security feature of a specimen: a glossary term, where it is and under which light."""

    specimen = ParentalKey(Specimen, on_delete=models.CASCADE, related_name="features")
    term = models.ForeignKey(
        "specimens.GlossaryTerm",
        on_delete=models.PROTECT,
        related_name="features",
        verbose_name=_("term"),
    )
    zone = models.CharField(
        _("zone"),
        max_length=80,
        blank=True,
        help_text=_("Page and zone, e.g. 'data page — photo area'."),
    )
    light_source = models.CharField(
        _("light source"), max_length=20, choices=LightSource.choices, default=LightSource.VISIBLE
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("What this specimen shows of the feature.")
    )

    panels = [
        FieldRowPanel([FieldPanel("term"), FieldPanel("light_source")]),
        FieldPanel("zone"),
        FieldPanel("note"),
    ]

    def __str__(self) -> str:
        return f"{self.term} ({self.get_light_source_display()})"


class SpecimenUserObjectPermission(UserObjectPermissionBase):
    """A named user's grant on one specimen (a co-editor, a partner analyst)."""

    content_object = models.ForeignKey(Specimen, on_delete=models.CASCADE)


class SpecimenGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Specimen, on_delete=models.CASCADE)
