"""Writes of the case data: importing a file, withdrawing an import.

Both run in one transaction that also raises the ``DatasetVersion``, so that every
aggregate can be tied to one state of the data (the protected tables, still to come, are
cached per version number). An
import is all or nothing: ``importing.validate`` checks every row before anything is
written, and the rows go in with PostgreSQL's ``COPY`` (a bulk insert elsewhere).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import rule
from portal.access.models import Country

from . import files, importing
from .models import CrossingPoint, DatasetVersion, FraudCase, ImportBatch, ScannedCount
from .tasks import cube_rebuild_enqueue

logger = logging.getLogger(__name__)

#: The most bytes an uploaded file may hold (some 600,000 case rows of CSV).
MAX_UPLOAD_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the new batch and its rows, or the earlier batch that holds
    the same content (``duplicate_of``: nothing was added)."""

    batch: ImportBatch
    imported: int = 0
    scanned: int = 0
    duplicate_of: ImportBatch | None = None


def cases_import(
    *,
    user: Any,
    source: str,
    filename: str = "",
    data: bytes | None = None,
    payload: Any = None,
) -> ImportOutcome:
    """Import a case file for the user's country: every row checked first, then all of
    them stored in one transaction — or none (``files.ImportRefused`` lists every
    error). The same content imported again adds nothing (``duplicate_of``).

    :param source: ``"json"`` with ``payload`` (the API's body), or ``"file"`` with the
        uploaded bytes in ``data`` (CSV or XLSX, told by content).
    """
    country = rule.case_import_country(user)
    if country is None:
        raise PermissionDenied(_("Only document experts of a reporting country import case data."))
    if source == ImportBatch.Source.JSON:
        sheets = files.read_json(payload)
    else:
        if data is None or len(data) > MAX_UPLOAD_BYTES:
            raise files.ImportRefused(
                [
                    {
                        "sheet": "",
                        "row": None,
                        "field": "file",
                        "message": _("Send a file of at most %(mb)s MB.")
                        % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
                    }
                ]
            )
        source, sheets = files.read_upload(data=data, filename=filename)
    crossing_points = dict(
        CrossingPoint.objects.filter(country_id=country).values_list("code", "pk")
    )
    checked = importing.validate(
        sheets,
        country=country,
        crossing_points=crossing_points,
        countries=_country_codes(),
    )
    try:
        with transaction.atomic():
            earlier = _earlier_import(country=country, content_hash=checked.content_hash)
            if earlier is not None:
                return ImportOutcome(batch=earlier, duplicate_of=earlier)
            batch = ImportBatch.objects.create(
                reported_by_id=country,
                uploaded_by=user,
                source=source,
                filename=filename[:255],
                case_count=len(checked.cases),
                scanned_count=len(checked.scanned),
                content_hash=checked.content_hash,
            )
            _cases_insert(batch=batch, rows=checked.cases)
            _scanned_upsert(batch=batch, country=country, rows=checked.scanned)
            DatasetVersion.bump()
            cube_rebuild_enqueue()
    except IntegrityError:
        # The same file sent twice at once: the other request's batch won the constraint.
        earlier = _earlier_import(country=country, content_hash=checked.content_hash)
        if earlier is None:
            raise
        return ImportOutcome(batch=earlier, duplicate_of=earlier)
    return ImportOutcome(batch=batch, imported=len(checked.cases), scanned=len(checked.scanned))


def _country_codes() -> list[str]:
    return list(Country.objects.values_list("code", flat=True))


def _earlier_import(*, country: str, content_hash: str) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(
            reported_by_id=country, content_hash=content_hash, withdrawn_at__isnull=True
        )
        .select_related("uploaded_by")
        .first()
    )


def _cases_insert(*, batch: ImportBatch, rows: list[tuple]) -> None:
    """Store checked case rows (``importing.CASE_COLUMNS`` order) for ``batch``."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        opts = FraudCase._meta
        columns = ["batch_id", *importing.CASE_COLUMNS]
        names = ", ".join(
            connection.ops.quote_name(opts.get_field(_field(c)).column) for c in columns
        )
        table = connection.ops.quote_name(opts.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for start in range(0, len(rows), COPY_CHUNK):
                copy.write(_copy_text(batch.pk, rows[start : start + COPY_CHUNK]))
        return
    FraudCase.objects.bulk_create(
        (
            FraudCase(batch=batch, **dict(zip(importing.CASE_COLUMNS, row, strict=True)))
            for row in rows
        ),
        batch_size=2000,
    )


#: Rows written to ``COPY`` per chunk of text.
COPY_CHUNK = 10_000


def _copy_text(batch_id: int, rows: list[tuple]) -> str:
    """Rows in ``COPY``'s text format. Every value is a checked code, month, number or a
    JSON list of codes — never a tab, newline or backslash — so nothing needs escaping;
    a Python join per row is several times faster than adapting each value."""
    dumps = importing.json_dumps
    lines = []
    for row in rows:
        values = [str(batch_id), *row]
        values[11] = dumps(row[10])
        values[14] = dumps(row[13])
        lines.append("\t".join("\\N" if v is None else str(v) for v in values))
    return "\n".join(lines) + "\n"


def _field(column: str) -> str:
    return column[:-3] if column.endswith("_id") else column


def _scanned_upsert(*, batch: ImportBatch, country: str, rows: list[tuple]) -> None:
    """Store scanned counts: a count for a crossing point and quarter already there is
    replaced (it moves to this batch)."""
    if not rows:
        return
    keys = {(cp, year, quarter) for cp, year, quarter, _documents in rows}
    existing = ScannedCount.objects.filter(reported_by_id=country).values_list(
        "pk", "crossing_point_id", "year", "quarter"
    )
    replaced = [pk for pk, cp, year, quarter in existing if (cp, year, quarter) in keys]
    if replaced:
        ScannedCount.objects.filter(pk__in=replaced).delete()
    ScannedCount.objects.bulk_create(
        ScannedCount(
            batch=batch,
            reported_by_id=country,
            crossing_point_id=cp,
            year=year,
            quarter=quarter,
            documents=documents,
        )
        for cp, year, quarter, documents in rows
    )


def case_import_withdraw(*, user: Any, batch: ImportBatch, reason: str) -> ImportBatch:
    """Withdraw an import: its cases and scanned counts are deleted, the batch is kept
    with who withdrew it, when and why (the audit), and the data's version rises."""
    if not rule.can_withdraw_import(user, batch):
        raise PermissionDenied(_("Only experts of the reporting country withdraw its imports."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the import is withdrawn.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("Keep the reason under 500 characters.")]})
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.withdrawn_at is not None:
            raise ValidationError({"batch": [_("This import was already withdrawn.")]})
        FraudCase.objects.filter(batch=batch).delete()
        ScannedCount.objects.filter(batch=batch).delete()
        batch.withdrawn_at = timezone.now()
        batch.withdrawn_by = user
        batch.withdraw_reason = reason
        batch.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        DatasetVersion.bump()
        cube_rebuild_enqueue()
    return batch
