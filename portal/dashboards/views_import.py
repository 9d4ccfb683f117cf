"""Pages of the case-data import (``/dashboards/import/``): the upload form with the
file's errors or its summary, the country's imports with their withdrawal, and the
downloadable templates.

Thin: the rule says who imports (``rule.can_import_cases``: a reporting country's
experts; 403 for other members, sign-in for anonymous visitors), reads go through
``rows``, writes through ``services``.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.access import rule
from portal.specimens.models.vocabularies import DocumentType, FeatureCategory, FraudType

from . import files, importing, rows, services
from .models import AgeBand, BorderType, CaseResult, CrossingPoint, Gender

PAGE_SIZE = 20


def _importer_or_403(user) -> str:
    country = rule.case_import_country(user)
    if country is None:
        raise PermissionDenied(
            _("Only document experts of a reporting country import and read case data.")
        )
    return country


def _vocabularies(country: str) -> list[tuple[str, str, list[str]]]:
    """(field, what it holds, allowed values) for the page's explanation of the columns."""
    codes = list(CrossingPoint.objects.filter(country_id=country).values_list("code", flat=True))
    return [
        ("reported_by", _("Your country's code; may be left empty."), [country]),
        ("detected_on", _("The month the case was met, YYYY-MM (never a full date)."), []),
        ("border_type", _("Required."), list(BorderType.values)),
        ("crossing_point", _("Optional: your country's crossing-point code."), codes),
        ("issuing_country", _("Required: ISO 3166-1 alpha-3 code, e.g. VNM."), []),
        ("document_type", _("Required."), list(DocumentType.values)),
        ("result", _("Required: what secondary inspection found."), list(CaseResult.values)),
        ("fraud_type", _("Required unless the result is genuine."), list(FraudType.values)),
        ("features", _("Optional, several separated by ; or |."), list(FeatureCategory.values)),
        ("nationality", _("Optional: alpha-3 country code."), []),
        ("embarkation", _("Optional: alpha-3 country code."), []),
        ("transit", _("Optional: alpha-3 codes separated by ; or |."), []),
        ("destination", _("Optional: alpha-3 country code."), []),
        ("gender", _("Optional."), list(Gender.values)),
        ("age_band", _("Optional."), list(AgeBand.values)),
    ]


def _page_context(request, country: str) -> dict:
    batches = rows.import_batches_for(user=request.user)
    return {
        "country": country,
        "page": Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page")),
        "query_string": "",
        "vocabularies": _vocabularies(country),
        "scanned_fields": importing.SCANNED_FIELDS,
        "may_withdraw": rule.can_import_cases(request.user),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_page(request):
    """The upload form and the country's imports; a POST imports the file whole or
    shows every error (nothing kept)."""
    country = _importer_or_403(request.user)
    context = {"errors": None, "outcome": None}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            message = _("Choose a file to import.")
            context["errors"] = [{"sheet": "", "row": None, "field": "file", "message": message}]
        else:
            try:
                data = upload.read() if upload.size <= services.MAX_UPLOAD_BYTES else None
                context["outcome"] = services.cases_import(
                    user=request.user,
                    source="file",
                    filename=_printable(upload.name or ""),
                    data=data,
                )
            except files.ImportRefused as refused:
                context["errors"] = refused.errors
    context |= _page_context(request, country)
    status = 400 if context["errors"] else 200
    return render(request, "dashboards/import.html", context, status=status)


def _printable(name: str) -> str:
    """A file name as stored in the audit: its printable characters only."""
    return "".join(ch for ch in name if ch.isprintable())[:255]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_withdraw(request, pk: int):
    """Confirm, then withdraw one of the country's imports with a reason."""
    _importer_or_403(request.user)
    batch = rows.import_batch_get(user=request.user, pk=pk)
    if batch is None:
        raise Http404
    error = ""
    if request.method == "POST" and batch.withdrawn_at is None:
        try:
            services.case_import_withdraw(
                user=request.user, batch=batch, reason=request.POST.get("reason", "")
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            messages.success(
                request,
                _("Import %(batch)s was withdrawn: its cases and scanned counts are deleted.")
                % {"batch": batch.pk},
            )
            return redirect("dashboards:import")
    return render(
        request,
        "dashboards/import_withdraw.html",
        {"batch": batch, "error": error},
        status=400 if error else 200,
    )


def _csv_response(name: str, kind: str) -> HttpResponse:
    columns, examples = importing.template_rows(kind)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(examples)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def template_cases(request):
    """The cases template: the columns and three example rows (replace them)."""
    return _csv_response("cases-template.csv", importing.CASES)


@login_required
@require_safe
def template_scanned(request):
    """The scanned-counts template: the columns and one example row."""
    return _csv_response("scanned-template.csv", importing.SCANNED)


@login_required
@require_safe
def template_xlsx(request):
    """One workbook with both sheets, ``cases`` and ``scanned``, with example rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for kind in (importing.CASES, importing.SCANNED):
        sheet = book.create_sheet(kind)
        columns, examples = importing.template_rows(kind)
        sheet.append(columns)
        for row in examples:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="cases-template.xlsx"'
    return response
