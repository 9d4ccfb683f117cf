"""The search page (``/search/?q=``) and the header box's suggestions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from portal.access.models import Country

from . import search, suggest
from .engine import FACETS
from .registry import search_types


def _labels() -> dict[str, dict[str, str]]:
    from portal.alerts.models import Severity, Tlp
    from portal.specimens.models.vocabularies import DocumentType, FraudType, LightSource

    return {
        "type": {t.slug: t.label for t in search_types()},
        "document_type": dict(DocumentType.choices),
        "fraud_type": dict(FraudType.choices),
        "light_source": dict(LightSource.choices),
        "tlp": dict(Tlp.choices),
        "severity": dict(Severity.choices),
    }


FACET_TITLES = {
    "issuing_country": "Issuing country",
    "document_type": "Document type",
    "fraud_type": "Fraud type",
    "light_source": "Light source",
}


@login_required
def search_page(request):
    query = request.GET.get("q", "").strip()
    filters = {name: request.GET.get(name, "").strip() for name in FACETS}
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    results = search(request.user, query, filters, page)
    labels = _labels()
    countries = dict(
        Country.objects.filter(code__in=results.facets.get("issuing_country", {})).values_list(
            "code", "name"
        )
    )
    labels["issuing_country"] = {code: f"{name} ({code})" for code, name in countries.items()}

    def link(**changes) -> str:
        params = {"q": query, **{k: v for k, v in filters.items() if v}}
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v})

    type_counts = results.facets.get("type", {})
    tabs = [
        {
            "label": "All",
            "count": sum(type_counts.values()),
            "url": link(type="", page=""),
            "active": not filters["type"],
        }
    ] + [
        {
            "label": t.label,
            "count": type_counts.get(t.slug, 0),
            "url": link(type=t.slug, page=""),
            "active": filters["type"] == t.slug,
        }
        for t in search_types()
    ]
    facets = [
        {
            "name": name,
            "title": title,
            "values": [
                {
                    "label": labels[name].get(value, value),
                    "count": count,
                    "active": filters[name] == value,
                    "url": link(**{name: "" if filters[name] == value else value, "page": ""}),
                }
                for value, count in results.facets.get(name, {}).items()
            ],
        }
        for name, title in FACET_TITLES.items()
        if results.facets.get(name)
    ]
    hits = [
        {
            "hit": hit,
            "type_label": labels["type"].get(hit.type, hit.type),
            "tlp": hit.marks.get("tlp", ""),
            "tlp_class": hit.marks.get("tlp", "").replace("+", "-"),
            "tlp_label": labels["tlp"].get(hit.marks.get("tlp", ""), ""),
            "severity": hit.marks.get("severity", ""),
            "severity_label": labels["severity"].get(hit.marks.get("severity", ""), ""),
        }
        for hit in results.hits
    ]
    return render(
        request,
        "search/page.html",
        {
            "query": query,
            "results": results,
            "hits": hits,
            "tabs": tabs,
            "facets": facets,
            "active_filters": any(filters[name] for name in FACET_TITLES),
            "clear_url": link(**dict.fromkeys(FACET_TITLES, ""), page=""),
            "previous_url": link(page=results.page - 1) if results.page > 1 else "",
            "next_url": link(page=results.page + 1) if results.page < results.pages else "",
        },
    )


@login_required
def search_suggest(request):
    """JSON for the header box: titles the user may see, as they type."""
    return JsonResponse({"suggestions": suggest(request.user, request.GET.get("q", ""))})
