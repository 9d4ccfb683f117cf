"""Alert bulletins (MISP-like distribution and TLP), receipts, sightings, versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PublishingPanel,
)
from wagtail.admin.widgets.datetime import AdminDateTimeInput

from portal.lifecycle.models import Lifecycle, LifecycleStatus
from portal.specimens.models import DocumentType, FraudType

from .admin_forms import AlertAdminForm, ImagesPanel, SpecimenImagesPanel


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Tlp(models.TextChoices):
    """FIRST's Traffic Light Protocol 2.0: how far recipients may pass an alert on.

    The labels are FIRST's international handling marks, the same in every language: not
    translated (``tests/core/test_i18n.py`` allows them by name).
    """

    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


#: An alert's status (CONTRACT.md): the lifecycle's, kept by ``portal.lifecycle``.
AlertStatus = LifecycleStatus


class AlertBulletin(Lifecycle, ClusterableModel):
    """A fraud alert: what was found, on which document, how to spot it, who may know.

    Its lifecycle is ``portal.lifecycle.Lifecycle`` (Wagtail's drafts, revisions,
    workflow, locking and scheduled publication): released (visible beyond the owner's
    experts) once published; readers see the live version, never a draft of a change. A
    withdrawn alert stays visible to its recipients, marked withdrawn, so nobody keeps
    acting on it unknowingly. Alerts are never public (``allows_public``). Its validity
    (``valid_until``) marks it expired and takes it out of backlogs; it stays readable,
    so Wagtail's expiry (which would take it away from its readers) is not offered.
    """

    allows_public = False

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), max_length=1000, help_text=_("Two or three sentences for the push.")
    )
    body = models.TextField(
        _("body"), blank=True, help_text=_("What to check, where, under which light.")
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    tlp = models.CharField(
        "TLP", max_length=15, choices=Tlp.choices, default=Tlp.AMBER,
        help_text=_("Handling mark shown on every view; TLP:RED is never e-mailed nor exported."),
    )  # fmt: skip
    issuing_country = models.ForeignKey(
        "access.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing country"),
    )
    document_type = models.CharField(
        _("document type"), max_length=30, choices=DocumentType.choices, blank=True
    )
    fraud_type = models.CharField(
        _("fraud type"), max_length=40, choices=FraudType.choices, blank=True
    )
    related_specimens = models.ManyToManyField(
        "specimens.Specimen", blank=True, related_name="alerts", verbose_name=_("related specimens")
    )
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = AlertAdminForm

    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("severity"), FieldPanel("tlp"), FieldPanel("valid_until")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("issuing_country"),
                        FieldPanel("document_type"),
                        FieldPanel("fraud_type"),
                    ]
                ),
                FieldPanel("related_specimens"),
            ],
            heading=_("Document concerned"),
        ),
        ImagesPanel(
            "images",
            heading=_("Images"),
            label=_("Image"),
            help_text=_(
                "The forgery beside the genuine under the light that tells, regions marked. "
                "Shown on the bulletin and the quick check card."
            ),
        ),
        SpecimenImagesPanel(
            "specimen_images",
            heading=_("Images of the related specimens"),
            label=_("Specimen image"),
            help_text=_(
                "Shown to a reader only if the specimen is shared with their country; "
                "nothing is copied into the alert."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("owner_country"),
                FieldPanel("distribution_level"),
                FieldPanel("shared_countries"),
                FieldPanel("shared_networks"),
            ],
            heading=_("Distribution"),
        ),
        # Scheduled publication only: see the class docstring for expiry.
        PublishingPanel(
            children=[
                FieldPanel(
                    "go_live_at",
                    widget=AdminDateTimeInput(
                        js_overlay_parent_selector="#schedule-publishing-dialog",
                        attrs={
                            "data-controller": "w-action",
                            "data-action": "w-dialog:hidden->w-action#reset",
                            "data-w-dialog-target": "notify",
                        },
                    ),
                )
            ]
        ),
    ]

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("alert bulletin")
        verbose_name_plural = _("alert bulletins")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", kwargs={"pk": self.pk})

    @classmethod
    def review_required_for(cls, country_code: str | None) -> bool:
        """The country's ``CountryAlertPolicy`` (the "Alert review policy" admin)."""
        if not country_code:
            return False
        return CountryAlertPolicy.objects.filter(
            country_id=country_code, requires_review=True
        ).exists()

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        # Facts about the alert as a whole, not about one of its versions.
        obj.published_at = self.published_at
        obj.reviewed_by_id = self.reviewed_by_id
        obj.created_by_id = self.created_by_id
        return obj

    def lifecycle_published(self, *, previous_keys: set[str], user, reviewed: bool) -> None:
        from .services import alert_published

        alert_published(alert=self, previous_keys=previous_keys, user=user, reviewed=reviewed)

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.now()

    @property
    def is_about_fraud(self) -> bool:
        """Whether the alert reports a forgery or fraud (officers may say they met it too),
        rather than informing about a genuine document (a new design, a notice). The one
        judge of an alert's kind is ``wording.alert_kind`` (the home page and the toast)."""
        from .wording import AlertKind, alert_kind

        return alert_kind(self) == AlertKind.FRAUD_ALERT

    @property
    def tlp_class(self) -> str:
        return self.tlp.replace("+", "-")


class CountryAlertPolicy(models.Model):
    """A country's own rule for its alerts: whether a second expert must review them
    (its alerts then go through the "second expert" workflow of ``portal.lifecycle``)."""

    country = models.OneToOneField(
        "access.Country", on_delete=models.CASCADE, primary_key=True, related_name="alert_policy"
    )
    requires_review = models.BooleanField(
        _("requires review"),
        default=False,
        help_text=_("A second expert of the country approves before publication."),
    )

    def __str__(self) -> str:
        if self.requires_review:
            return gettext("%(country)s: review required") % {"country": self.country_id}
        return gettext("%(country)s: review not required") % {"country": self.country_id}


class AlertVersion(models.Model):
    """What an alert said at each published version (for the record and for readers).

    Written at every publication (``services.alert_published``); Wagtail's revisions
    hold every draft besides, with the admin's history and compare views.
    """

    alert = models.ForeignKey(AlertBulletin, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField()
    body = models.TextField(blank=True)
    severity = models.CharField(max_length=10)
    tlp = models.CharField(max_length=15)
    status = models.CharField(max_length=12)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "number"], name="unique_alert_version")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} v{self.number}"


class Receipt(models.Model):
    """One officer and one alert: when it reached their screen and when they acknowledged it."""

    alert = models.ForeignKey(AlertBulletin, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_receipts"
    )
    country_code = models.CharField(max_length=3, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="unique_alert_receipt")
        ]
        indexes = [models.Index(fields=["user", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"alert {self.alert_id} → user {self.user_id}"


class Sighting(models.Model):
    """An officer's "seen here too": the forgery was met in their country as well."""

    alert = models.ForeignKey(AlertBulletin, on_delete=models.CASCADE, related_name="sightings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    country_code = models.CharField(max_length=3)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="unique_alert_sighting")
        ]

    def __str__(self) -> str:
        return f"alert {self.alert_id} seen in {self.country_code}"


class AlertSubscription(models.Model):
    """What an officer wants by e-mail: high and critical alerts, issuing countries,
    document types (any match sends). Only alerts they may see, within the TLP rules."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscription"
    )
    high_and_critical = models.BooleanField(
        _("High and critical alerts"), default=False, help_text=_("Whatever the document.")
    )
    issuing_countries = models.ManyToManyField(
        "access.Country",
        blank=True,
        related_name="+",
        verbose_name=_("issuing countries"),
        help_text=_("Alerts on their documents."),
    )
    document_types = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"e-mail alerts of user {self.user_id}"

    def matches(self, alert: AlertBulletin, country_codes: set[str]) -> bool:
        """``country_codes``: this subscription's countries (prefetched by the caller)."""
        return (
            (self.high_and_critical and alert.severity in {Severity.HIGH, Severity.CRITICAL})
            or (alert.issuing_country_id is not None and alert.issuing_country_id in country_codes)
            or (bool(alert.document_type) and alert.document_type in self.document_types)
        )


class AlertBulletinUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AlertBulletin, on_delete=models.CASCADE)


class AlertBulletinGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AlertBulletin, on_delete=models.CASCADE)


# The alert's images (``images.py``): imported here so that Django finds the models.
from .images import AlertImage, AlertImageRendition, AlertSpecimenImage, ImageRole  # noqa: E402, F401
