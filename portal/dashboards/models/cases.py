"""Anonymized case data: one row per intercepted case, scanned-document counts per
quarter, the crossing points they are reported from, and the import that brought them.

No field here can name a person or a document: there is no name, number, date of birth,
free text or exact date (a month only). Imports refuse files that carry such data
(``portal.dashboards.importing``)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.specimens.models.vocabularies import DocumentType, FraudType

from .vocabularies import AgeBand, BorderType, CaseResult, Gender


class CrossingPoint(models.Model):
    """A border crossing point (the programme's "workstation") of a reporting country.

    Imports name it by ``code``, unique within its country."""

    country = models.ForeignKey(
        "access.Country", on_delete=models.PROTECT, related_name="crossing_points"
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Short code the country's files use, e.g. bkk-airport."),
    )
    name = models.CharField(_("name"), max_length=120)
    border_type = models.CharField(_("border type"), max_length=4, choices=BorderType.choices)

    class Meta:
        verbose_name = _("crossing point")
        verbose_name_plural = _("crossing points")
        ordering = ["country_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="crossing_point_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


class ImportBatch(models.Model):
    """One imported file (CSV, XLSX or a JSON call): who, when, how many rows — the audit
    of the case data. Withdrawing it removes its rows and keeps this record.

    ``content_hash`` is computed over the file's rows once read and normalised (order and
    format do not matter), so the same cases sent again as CSV or as XLSX are recognised
    and add nothing twice."""

    class Source(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("XLSX")
        JSON = "json", _("JSON")

    reported_by = models.ForeignKey(
        "access.Country", on_delete=models.PROTECT, related_name="case_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=4, choices=Source.choices)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    case_count = models.PositiveIntegerField(_("cases"), default=0)
    scanned_count = models.PositiveIntegerField(_("scanned-count rows"), default=0)
    content_hash = models.CharField(max_length=64)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("case import")
        verbose_name_plural = _("case imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reported_by", "content_hash"],
                condition=Q(withdrawn_at__isnull=True),
                name="case_import_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reported_by_id} {self.source} {self.created_at:%Y-%m-%d} ({self.case_count})"


def _country_code(*, optional: bool = False) -> models.ForeignKey:
    """A country a case names (issuer, nationality, route): a code checked by the import
    against the country table in the same request, so without a database constraint or an
    index of its own — PostgreSQL's per-row foreign-key checks were two thirds of a
    100,000-row ``COPY``."""
    return models.ForeignKey(
        "access.Country",
        on_delete=models.PROTECT,
        null=optional,
        blank=optional,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


class FraudCase(models.Model):
    """One case met at secondary inspection, anonymized: where and when (a month) it was
    met, the document's issuer and type, what inspection found, and optional route and
    demographic bands. Counted, never shown one by one outside its reporting country."""

    # Indexed: a withdrawal deletes by batch. The other foreign keys are not (the
    # composite index below leads with reported_by): every index costs an import of
    # 100,000 rows time, and the cube reads whole quarters, never by one code. The codes
    # of a case's details carry no database constraint either (db_constraint=False):
    # the import checks every one against the same tables in the same request, and
    # PostgreSQL's per-row foreign-key triggers took two thirds of a 100,000-row COPY
    # (benchmarks/dashboards_import.py: 8.3 s with them, 2.7 s without).
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="cases")
    reported_by = models.ForeignKey(
        "access.Country", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    detected_on = models.DateField(help_text=_("The first day of the month the case was met."))
    # The quarter, kept beside the month for grouping a million rows without date maths.
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    border_type = models.CharField(max_length=4, choices=BorderType.choices)
    crossing_point = models.ForeignKey(
        CrossingPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    issuing_country = _country_code()
    document_type = models.CharField(max_length=30, choices=DocumentType.choices)
    result = models.CharField(max_length=20, choices=CaseResult.choices)
    fraud_type = models.CharField(max_length=30, choices=FraudType.choices, blank=True)
    # Security-feature categories that gave the document away (the library's taxonomy).
    features = models.JSONField(default=list, blank=True)
    nationality = _country_code(optional=True)
    embarkation = _country_code(optional=True)
    transit = models.JSONField(default=list, blank=True)
    destination = _country_code(optional=True)
    # "VNM>KHM>THA": embarkation, transits, destination ("" where unknown); one value to
    # group routes by.
    route = models.CharField(max_length=120, blank=True)
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, blank=True)

    class Meta:
        verbose_name = _("fraud case")
        verbose_name_plural = _("fraud cases")
        indexes = [models.Index(fields=["reported_by", "year", "quarter"])]

    def __str__(self) -> str:
        return f"{self.reported_by_id} {self.detected_on:%Y-%m} {self.document_type} {self.result}"


class ScannedCount(models.Model):
    """How many documents a country (optionally one crossing point) scanned in a quarter:
    the denominator of fraud rates. Importing a count again for the same place and quarter
    replaces it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="scanned")
    reported_by = models.ForeignKey("access.Country", on_delete=models.PROTECT, related_name="+")
    crossing_point = models.ForeignKey(
        CrossingPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    documents = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("scanned-document count")
        verbose_name_plural = _("scanned-document counts")
        constraints = [
            models.UniqueConstraint(
                fields=["reported_by", "crossing_point", "year", "quarter"],
                nulls_distinct=False,
                name="scanned_count_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reported_by_id} {self.year}Q{self.quarter}: {self.documents}"


class DatasetVersion(models.Model):
    """One row whose ``number`` rises in the transaction of every import or withdrawal:
    protected tables are cached per state (``portal.dashboards.cube``), so every answer
    comes from one consistent state of the data. ``stamp`` is drawn anew with each rise:
    a number alone can come back (a database restored or reset, a transaction rolled
    back), and a shared cache must never answer one dataset with another's tables."""

    number = models.PositiveBigIntegerField(default=0)
    stamp = models.CharField(max_length=32, blank=True)
    # Drawn once, when the row is made: a cache keeps answering from an earlier state only
    # within the same history of the data.
    lineage = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return str(self.number)

    @classmethod
    def current(cls) -> int:
        return cls.state()[0]

    @classmethod
    def state(cls) -> tuple[int, str, str]:
        """``(number, stamp, lineage)`` of the data now."""
        row = cls.objects.filter(pk=1).values_list("number", "stamp", "lineage").first()
        return tuple(row) if row else (0, "", "")

    @classmethod
    def bump(cls) -> None:
        """Raise the number (call inside the transaction that changed the data)."""
        stamp = uuid.uuid4().hex
        updated = cls.objects.filter(pk=1).update(number=models.F("number") + 1, stamp=stamp)
        if not updated:
            cls.objects.get_or_create(
                pk=1, defaults={"number": 1, "stamp": stamp, "lineage": uuid.uuid4().hex}
            )
