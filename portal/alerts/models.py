"""Alert bulletins (MISP-like distribution and TLP), receipts, sightings, versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from portal.access.admin_forms import ShareableAdminForm
from portal.access.models import Shareable
from portal.specimens.models import DocumentType, FraudType


class Severity(models.TextChoices):
    INFO = "info", "Info"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Tlp(models.TextChoices):
    """FIRST's Traffic Light Protocol 2.0: how far recipients may pass an alert on."""

    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


class AlertStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AlertBulletin(Shareable, ClusterableModel):
    """A fraud alert: what was found, on which document, how to spot it, who may know.

    Released (visible beyond the owner's experts) once published; a withdrawn alert stays
    visible to its recipients, marked withdrawn, so nobody keeps acting on it unknowingly.
    Alerts are never public (``allows_public``).
    """

    allows_public = False

    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=1000, help_text="Two or three sentences for the push.")
    body = models.TextField(blank=True, help_text="What to check, where, under which light.")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    tlp = models.CharField(
        "TLP", max_length=15, choices=Tlp.choices, default=Tlp.AMBER,
        help_text="Handling mark shown on every view; TLP:RED is never e-mailed nor exported.",
    )  # fmt: skip
    issuing_country = models.ForeignKey(
        "access.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document_type = models.CharField(max_length=30, choices=DocumentType.choices, blank=True)
    fraud_type = models.CharField(max_length=40, choices=FraudType.choices, blank=True)
    related_specimens = models.ManyToManyField(
        "specimens.Specimen", blank=True, related_name="alerts"
    )
    valid_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=AlertStatus.choices, default=AlertStatus.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = ShareableAdminForm

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
            heading="Document concerned",
        ),
        MultiFieldPanel(
            [
                FieldPanel("owner_country"),
                FieldPanel("distribution_level"),
                FieldPanel("shared_countries"),
                FieldPanel("shared_networks"),
            ],
            heading="Distribution",
        ),
    ]

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", kwargs={"pk": self.pk})

    def is_released(self) -> bool:
        return self.status in {AlertStatus.PUBLISHED, AlertStatus.WITHDRAWN}

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.now()

    @property
    def tlp_class(self) -> str:
        return self.tlp.replace("+", "-")


class CountryAlertPolicy(models.Model):
    """A country's own rule for its alerts: whether a second expert must review them."""

    country = models.OneToOneField(
        "access.Country", on_delete=models.CASCADE, primary_key=True, related_name="alert_policy"
    )
    requires_review = models.BooleanField(
        default=False, help_text="A second expert of the country approves before publication."
    )

    def __str__(self) -> str:
        return f"{self.country_id}: review {'required' if self.requires_review else 'not required'}"


class AlertVersion(models.Model):
    """What an alert said at each published version (for the record and for readers)."""

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
        "High and critical alerts", default=False, help_text="Whatever the document."
    )
    issuing_countries = models.ManyToManyField(
        "access.Country", blank=True, related_name="+", help_text="Alerts on their documents."
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
