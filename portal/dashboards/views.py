"""The dashboards page (``/dashboards/``) and its CSV export: anonymized fraud-case
statistics for every signed-in member, filtered in the URL.

Thin: the question is read by ``queries``, every number comes from ``screen`` (published
cells only), the trend flags from ``trends``, and who may start an alert draft from the
access rule.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.access import rule
from portal.alerts.models import AlertBulletin

from . import screen as screens
from . import trends
from .answers import country_groups
from .queries import Question, QuestionError, question_from, question_params

#: Filters shown at once; the others fold under "More filters".
MAIN_FILTERS = ("reported_by", "result", "document_type")
MORE_FILTERS = (
    "issuing_country",
    "fraud_type",
    "nationality",
    "border_type",
    "crossing_point",
    "route",
    "gender",
    "age_band",
)


def _filter_fields(values: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """The form's selects, each with its options and the value in the URL (kept even
    when it is not one of the options, e.g. several values separated by commas)."""

    def field(name: str, label: str, options: list[tuple[str, str]]) -> dict:
        selected = values.get(name, "")
        if selected and selected not in {value for value, _label in options}:
            options = [(selected, selected), *options]
        return {"name": name, "label": label, "options": options, "selected": selected}

    periods = [(q, q) for q in screens.period_options()]
    groups = [(group.slug, group.name) for group in country_groups()]
    main = [
        field("from", _("From"), periods),
        field("to", _("To"), periods),
        field("network", _("Country group"), groups),
        *(
            field(dim, screens.dimension_name(dim), screens.filter_options(dim))
            for dim in MAIN_FILTERS
        ),
    ]
    more = [
        field(dim, screens.dimension_name(dim), screens.filter_options(dim)) for dim in MORE_FILTERS
    ]
    return main, more


def _draft_url(flag) -> str:
    """The admin's new-alert form, prefilled from a flag (nothing is saved until the
    expert saves the form)."""
    title = _("Trend: %(label)s, %(period)s") % {"label": flag.label, "period": flag.period}
    return (
        reverse("wagtailsnippets_alerts_alertbulletin:add")
        + "?"
        + urlencode({"title": title, "summary": flag.message})
    )


@login_required
@require_safe
def dashboard(request):
    """Tiles, charts with their tables and the trend flags for the question in the URL;
    a question the tables cannot answer is explained (400), never half-answered."""
    question: Question | None = None
    error = error_field = ""
    try:
        question = question_from(request.GET)
    except QuestionError as refused:
        error, error_field = str(refused), refused.field
    values = question_params(question) if question else request.GET.dict()
    main_filters, more_filters = _filter_fields(values)
    context = {
        "error": error,
        "error_field": error_field,
        "main_filters": main_filters,
        "more_filters": more_filters,
        "more_open": any(values.get(dim) for dim in MORE_FILTERS),
        "query": urlencode(values),
    }
    if question is None:
        return render(request, "dashboards/dashboard.html", context, status=400)
    may_draft = rule.can_create(request.user, AlertBulletin)
    context |= {
        "screen": screens.dashboard_screen(question=question),
        "may_import": rule.can_import_cases(request.user),
        "flags": [(flag, _draft_url(flag) if may_draft else "") for flag in trends.trend_flags()],
        "export_url": reverse("dashboards:export") + (f"?{context['query']}" if values else ""),
    }
    return render(request, "dashboards/dashboard.html", context)


@login_required
@require_safe
def dashboard_export(request):
    """What the page shows for the same parameters, as one CSV file: a row per table
    cell, hidden counts empty and marked ``suppressed``."""
    try:
        question = question_from(request.GET)
    except QuestionError as refused:
        return HttpResponse(str(refused), status=400, content_type="text/plain; charset=utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(screens.screen_csv_rows(screens.dashboard_screen(question=question)))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"fraud-case-dashboards-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
