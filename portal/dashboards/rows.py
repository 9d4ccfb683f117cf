"""Reads of raw case data: case rows and import batches, as their reporting country's
experts see them (``rule.case_rows_visible``). Nobody else reads a row: the dashboards
to come show everyone protected aggregates only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal.access import rule

from .models import FraudCase, ImportBatch


def case_rows_for(
    *, user: Any, first: tuple[int, int] | None = None, last: tuple[int, int] | None = None
) -> QuerySet[FraudCase]:
    """The case rows ``user`` may read, newest month first, within the quarters
    ``first``..``last`` ((year, quarter), both included, either open)."""
    rows = FraudCase.objects.filter(rule.case_rows_visible(user)).select_related("crossing_point")
    if first is not None:
        rows = rows.filter(year__gte=first[0]).exclude(year=first[0], quarter__lt=first[1])
    if last is not None:
        rows = rows.filter(year__lte=last[0]).exclude(year=last[0], quarter__gt=last[1])
    return rows.order_by("-detected_on", "-id")


def import_batches_for(*, user: Any) -> QuerySet[ImportBatch]:
    """The import batches ``user`` may read (their country's), newest first."""
    return (
        ImportBatch.objects.filter(rule.case_rows_visible(user))
        .select_related("uploaded_by", "withdrawn_by")
        .order_by("-created_at", "-id")
    )


def import_batch_get(*, user: Any, pk: int) -> ImportBatch | None:
    """One batch ``user`` may read, or ``None`` (another country's is as missing)."""
    return import_batches_for(user=user).filter(pk=pk).first()
