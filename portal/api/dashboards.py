"""``/api/v1/cases/...`` and ``/api/v1/dashboards/...``: anonymized case data for national
systems (CONTRACT.md "Dashboards (v2)").

Import, rows and import batches (this part): a reporting country's document experts
import its case file (JSON, or a CSV / XLSX file) and read its raw rows and imports;
everyone else is refused (403), and another country's batch is a 404. Aggregates for every
member follow in their own part below. Thin, like every router: writes through
``portal.dashboards.services``, row reads through ``portal.dashboards.rows``, aggregates
through ``portal.dashboards.answers`` (published cells of the protected tables only).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import P, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from portal.access import rule
from portal.dashboards import rows, services
from portal.dashboards.answers import case_aggregates, scanned_aggregates
from portal.dashboards.importing import ImportRefused
from portal.dashboards.models import FraudCase, ImportBatch
from portal.dashboards.queries import (
    QuestionError,
    country_groups,
    quarter_label,
    question_from,
)
from portal.dashboards.trends import trend_flags

from . import paging
from .auth import BearerToken, MemberSession, RoleRequired, member_auth

router = Router(tags=["dashboards"])


def _experts_auth(allows, message) -> list:
    """The reporting country's experts only: 403 for other members before the body is
    read."""
    requires = RoleRequired(allows=allows, message=message)
    return [BearerToken(requires=requires), MemberSession(requires=requires)]


_IMPORTERS = _experts_auth(
    rule.can_import_cases, _("Only document experts of a reporting country import case data.")
)
_ROW_READERS = _experts_auth(
    rule.can_read_case_rows,
    _("Only the reporting country's document experts read its case rows and imports."),
)


class ImportErrorOut(Schema):
    sheet: str = Field(description="`cases`, `scanned`, or empty for the whole file.")
    row: int | None = Field(
        description="CSV and XLSX: the row in the file, the header being row 1. JSON: the "
        "element's position in its list, from 1. Empty for the whole file."
    )
    field: str = Field(description="The column or field, or empty.")
    message: str


class ImportRefusedOut(Schema):
    detail: str
    errors: list[ImportErrorOut] = Field(
        default_factory=list,
        description="Every error of the file (the first 200, then one entry counting the rest).",
    )


class ImportedOut(Schema):
    imported: int = Field(description="Cases stored.")
    scanned: int = Field(description="Scanned-document counts stored (or replaced).")
    batch: int = Field(description="The import's id (withdraw it with it).")


class DuplicateOut(Schema):
    imported: int = Field(description="Always 0: the same content was imported before.")
    duplicate_of: int = Field(description="The earlier import holding the same rows.")
    message: str


class CaseOut(Schema):
    id: int
    batch: int
    reported_by: str
    detected_on: str = Field(description="The month, YYYY-MM.")
    quarter: str = Field(description="e.g. 2024Q1.")
    border_type: str
    crossing_point: str | None
    issuing_country: str
    document_type: str
    result: str
    fraud_type: str
    features: list[str]
    nationality: str | None
    embarkation: str | None
    transit: list[str]
    destination: str | None
    gender: str
    age_band: str


class CaseList(Schema):
    count: int
    results: list[CaseOut]


class BatchOut(Schema):
    id: int
    reported_by: str
    uploaded_by: str | None
    created_at: dt.datetime
    source: str = Field(description="`csv`, `xlsx` or `json`.")
    filename: str
    cases: int
    scanned: int
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None
    withdraw_reason: str


class BatchList(Schema):
    count: int
    results: list[BatchOut]


class WithdrawIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "Cases of March counted twice."}]}
    )

    reason: str = Field(min_length=1, max_length=500, description="Why, for the audit.")


_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "cases": {"type": "array", "items": {"type": "object"}},
                        "scanned": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "example": {
                    "cases": [
                        {
                            "detected_on": "2024-03",
                            "border_type": "air",
                            "issuing_country": "VNM",
                            "document_type": "passport",
                            "result": "fraudulent_document",
                            "fraud_type": "counterfeit",
                            "features": ["printing", "uv"],
                            "transit": ["KHM"],
                            "destination": "AUS",
                        }
                    ],
                    "scanned": [{"quarter": "2024Q1", "documents": 1520}],
                },
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def _refused(errors: list[dict]) -> Status:
    return Status(
        400,
        {
            "detail": gettext(
                "Nothing was imported: correct these errors and send the file again."
            ),
            "errors": errors,
        },
    )


def _body(request) -> tuple[str, str, bytes | None, object]:
    """(source, file name, file bytes, JSON payload) of an import request."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise ImportRefused(
                [
                    {
                        "sheet": "",
                        "row": None,
                        "field": "file",
                        "message": gettext(
                            "Send the CSV or XLSX file in the field \u201cfile\u201d."
                        ),
                    }
                ]
            )
        if upload.size > services.MAX_UPLOAD_BYTES:
            return "file", upload.name or "", None, None
        return "file", upload.name or "", upload.read(), None
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError):
        raise ImportRefused(
            [
                {
                    "sheet": "",
                    "row": None,
                    "field": "",
                    "message": gettext(
                        "The request body is not valid JSON. Send a JSON object encoded as UTF-8, "
                        "or a CSV or XLSX file as multipart field \u201cfile\u201d."
                    ),
                }
            ]
        ) from None
    return ImportBatch.Source.JSON, "", None, payload


@router.post(
    "/cases/import",
    auth=_IMPORTERS,
    response={201: ImportedOut, 200: DuplicateOut, 400: ImportRefusedOut},
    openapi_extra=_IMPORT_BODY,
    summary="Import case data",
)
def cases_import(request):
    """Import your country's anonymized cases and scanned-document counts: JSON
    ``{"cases": [...], "scanned": [...]}`` or a CSV / XLSX file as multipart ``file``
    (the template is at ``/dashboards/import/template.csv``).

    All or nothing: any error refuses the whole file (``400``, every error listed with
    its row and field), and a column or value that looks like personal data (names,
    document numbers, dates of birth, MRZ lines) refuses it too. The same rows sent again
    — in any order or format — add nothing (``200`` with ``duplicate_of``). Experts of a
    reporting country only (``403`` otherwise); ``reported_by`` is your country."""
    try:
        source, filename, data, payload = _body(request)
        outcome = services.cases_import(
            user=request.auth, source=source, filename=filename, data=data, payload=payload
        )
    except ImportRefused as refused:
        return _refused(refused.errors)
    if outcome.duplicate_of is not None:
        earlier = outcome.duplicate_of
        return Status(
            200,
            {
                "imported": 0,
                "duplicate_of": earlier.pk,
                "message": gettext(
                    "These rows were already imported (import %(batch)s): nothing was added."
                )
                % {"batch": earlier.pk},
            },
        )
    return Status(
        201, {"imported": outcome.imported, "scanned": outcome.scanned, "batch": outcome.batch.pk}
    )


_QUARTER_BOUND = re.compile(r"^(\d{4})(?:-?Q([1-4]))?$", re.IGNORECASE)


def _quarter_bound(value: str, *, last: bool, name: str) -> tuple[int, int] | None:
    if not value:
        return None
    match = _QUARTER_BOUND.match(value.strip())
    if not match:
        raise ValidationError({name: [gettext("Give a year (2023) or a quarter (2023Q2).")]})
    year = int(match.group(1))
    quarter = int(match.group(2) or (4 if last else 1))
    return year, quarter


def _case(row: FraudCase) -> dict:
    return {
        "id": row.pk,
        "batch": row.batch_id,
        "reported_by": row.reported_by_id,
        "detected_on": f"{row.detected_on:%Y-%m}",
        "quarter": f"{row.year}Q{row.quarter}",
        "border_type": row.border_type,
        "crossing_point": row.crossing_point.code if row.crossing_point_id else None,
        "issuing_country": row.issuing_country_id,
        "document_type": row.document_type,
        "result": row.result,
        "fraud_type": row.fraud_type,
        "features": list(row.features or []),
        "nationality": row.nationality_id,
        "embarkation": row.embarkation_id,
        "transit": list(row.transit or []),
        "destination": row.destination_id,
        "gender": row.gender,
        "age_band": row.age_band,
    }


def _batch(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk,
        "reported_by": batch.reported_by_id,
        "uploaded_by": batch.uploaded_by.username if batch.uploaded_by_id else None,
        "created_at": batch.created_at,
        "source": batch.source,
        "filename": batch.filename,
        "cases": batch.case_count,
        "scanned": batch.scanned_count,
        "withdrawn_at": batch.withdrawn_at,
        "withdrawn_by": batch.withdrawn_by.username if batch.withdrawn_by_id else None,
        "withdraw_reason": batch.withdraw_reason,
    }


@router.get("/cases", auth=_ROW_READERS, response=CaseList, summary="List your country's cases")
def cases_list(
    request,
    from_: Query[str, P(alias="from", description="First year or quarter, e.g. 2023Q2.")] = "",
    to: Query[str, P(description="Last year or quarter, e.g. 2024 (its Q4).")] = "",
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
    page_size: Query[int, P(description=paging.PAGE_SIZE_DESCRIPTION)] = 25,
):
    """The raw case rows of your country, newest month first: only its document experts
    read them (``403`` for everyone else, who read aggregates instead)."""
    queryset = rows.case_rows_for(
        user=request.auth,
        first=_quarter_bound(from_, last=False, name="from"),
        last=_quarter_bound(to, last=True, name="to"),
    )
    count, items = paging.page_of(queryset, page, page_size)
    return {"count": count, "results": [_case(row) for row in items]}


@router.get(
    "/cases/imports", auth=_ROW_READERS, response=BatchList, summary="List your country's imports"
)
def imports_list(
    request,
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
    page_size: Query[int, P(description=paging.PAGE_SIZE_DESCRIPTION)] = 25,
):
    """Your country's imports, newest first, withdrawn ones too (with who, when, why)."""
    count, items = paging.page_of(rows.import_batches_for(user=request.auth), page, page_size)
    return {"count": count, "results": [_batch(batch) for batch in items]}


@router.post(
    "/cases/imports/{int:pk}/withdraw",
    auth=_ROW_READERS,
    response=BatchOut,
    summary="Withdraw an import",
)
def imports_withdraw(request, pk: int, payload: WithdrawIn):
    """Withdraw one of your country's imports: its cases and scanned counts are deleted,
    the import stays listed with the reason. ``404`` for another country's import,
    ``400`` if it was already withdrawn."""
    batch = rows.import_batch_get(user=request.auth, pk=pk)
    if batch is None:
        raise Http404
    batch = services.case_import_withdraw(user=request.auth, batch=batch, reason=payload.reason)
    return _batch(rows.import_batch_get(user=request.auth, pk=batch.pk))


# === dashboards: aggregates (every member) ===
class AggregatesOut(Schema):
    cells: list[dict[str, str | int | bool | None]] = Field(
        description="One object per combination of the group_by dimensions, each dimension "
        "by name, then `count` and `suppressed`. Empty values of a breakdown are left out."
    )
    total: int | None = Field(description="The whole question's count, or null if suppressed.")
    period: dict[str, str | None] = Field(
        description="`from` and `to`: the first and last quarter answered, e.g. 2021-Q1."
    )
    whole_years: bool = Field(description="True when the period was widened to whole years.")
    fraud_cases_only: bool = Field(
        description="True for subject breakdowns (issuing country, route, ...): they count "
        "fraudulent documents and impostors only."
    )
    notes: list[str]


class FlagOut(Schema):
    kind: str = Field(description="`spike` (far above its trend) or `new_pair`.")
    dimension: str
    value: str
    label: str
    period: str
    count: int
    expected: float | None
    message: str


class CountryGroupOut(Schema):
    slug: str
    name: str
    members: list[str]


def _question(request):
    try:
        return question_from(request.GET)
    except QuestionError as error:
        raise ValidationError({error.field: [str(error)]}) from None


def _aggregates_out(answer) -> dict:
    return {
        "cells": [
            {**cell.members, "count": cell.count, "suppressed": cell.suppressed}
            for cell in answer.cells
        ],
        "total": answer.total,
        "period": {
            "from": quarter_label(answer.first) if answer.first else None,
            "to": quarter_label(answer.last) if answer.last else None,
        },
        "whole_years": answer.whole_years,
        "fraud_cases_only": answer.fraud_only,
        "notes": answer.notes,
    }


_AGGREGATES_HELP = (
    "Query: `group_by` (comma-separated dimensions among quarter, year, reported_by, "
    "issuing_country, document_type, fraud_type, result, border_type, nationality, route, "
    "crossing_point, gender, age_band); a filter per dimension (comma-separated values); "
    "`network` (a country group: a network's slug, `mekong`, `asean`, or `not-<slug>` for "
    "its complement); `from` and `to` (2021, 2021-Q3 or 2021-07). Counts come from protected "
    "tables: no count from 1 to 4 is given, and none that is suppressed can be worked out "
    "from answers to other filters. Breakdowns by a case's details (issuing country, route, "
    "...) are published per whole year and for fraud cases only; one at a time."
)


@router.get(
    "/dashboards/cases",
    auth=member_auth,
    response=AggregatesOut,
    summary="Fraud-case counts (protected)",
    description=_AGGREGATES_HELP,
)
def dashboards_cases(request):
    return _aggregates_out(case_aggregates(question=_question(request)))


@router.get(
    "/dashboards/scanned",
    auth=member_auth,
    response=AggregatesOut,
    summary="Documents scanned (protected)",
    description="Documents scanned, by quarter, year and reporting country; the same "
    "`network`, `reported_by`, `from` and `to` as the case counts.",
)
def dashboards_scanned(request):
    return _aggregates_out(scanned_aggregates(question=_question(request)))


@router.get(
    "/dashboards/flags",
    auth=member_auth,
    response=list[FlagOut],
    summary="Trend flags",
    description="Quarters far above their trend (a country; a document type or a route by "
    "year) and new issuing-country → destination pairs, from published counts only.",
)
def dashboards_flags(request):
    return [
        {
            "kind": flag.kind,
            "dimension": flag.dim,
            "value": flag.value,
            "label": flag.label,
            "period": flag.period,
            "count": flag.count,
            "expected": flag.expected,
            "message": flag.message,
        }
        for flag in trend_flags()
    ]


@router.get(
    "/dashboards/groups",
    auth=member_auth,
    response=list[CountryGroupOut],
    summary="Country groups to filter by",
)
def dashboards_groups(request):
    return [
        {"slug": g.slug, "name": g.name, "members": sorted(g.members)} for g in country_groups()
    ]


# === end dashboards: aggregates ===
