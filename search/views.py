"""The search page (``/search/?q=``) and the header box's suggestions.

Nothing here names a content type: the tabs are the registered types, the filters and the
facet panel are the facets the chosen types declare (all types' when none is chosen), the
badges of a result card are its type's marks."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import search, suggest
from .backends.base import TYPE_FACET, words
from .engine import SearchResults
from .registry import facets_of, filter_names, marks_of, search_type_named, search_types


def facet_panels(results: SearchResults, filters: dict[str, str], link) -> list[dict]:
    """The facet panel: each counted facet with a panel, its values labelled (one call
    of the facet's ``labels`` per facet), and links that add or remove its filter."""
    declared = {facet.name: facet for facet in facets_of(search_types())}
    panels = []
    for name, counts in results.facets.items():
        facet = declared.get(name)
        if facet is None or not facet.panel or not counts:
            continue
        labels = facet.labels(list(counts))
        active = filters.get(name, "")
        panels.append(
            {
                "name": name,
                "title": facet.label,
                "values": [
                    {
                        "label": labels.get(value, value),
                        "count": count,
                        "active": active == value,
                        "url": link(**{name: "" if active == value else value, "page": ""}),
                    }
                    for value, count in counts.items()
                ],
            }
        )
    return panels


def hit_marks(results: SearchResults) -> list[list[dict[str, str]]]:
    """Each hit's badges: the marks its type declares, labelled (one call per mark)."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for hit in results.hits:
        for mark in marks_of(hit.type):
            if hit.marks.get(mark.name):
                wanted.setdefault((hit.type, mark.name), set()).add(hit.marks[mark.name])
    labels = {
        (slug, mark.name): mark.labels(sorted(wanted[slug, mark.name]))
        for slug in {slug for slug, _name in wanted}
        for mark in marks_of(slug)
        if (slug, mark.name) in wanted
    }
    return [
        [
            {
                "name": mark.name,
                "value": hit.marks[mark.name],
                "css": hit.marks[mark.name].replace("+", "-"),
                "label": labels[hit.type, mark.name].get(hit.marks[mark.name], ""),
            }
            for mark in marks_of(hit.type)
            if hit.marks.get(mark.name)
        ]
        for hit in results.hits
    ]


@login_required
def search_page(request):
    query = request.GET.get("q", "").strip()
    filters = {name: request.GET.get(name, "").strip() for name in filter_names()}
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    results = search(request.user, query, filters, page)

    def link(**changes) -> str:
        params = {"q": query, **{k: v for k, v in filters.items() if v}}
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v})

    types = search_types()
    type_counts = results.facets.get(TYPE_FACET, {})
    tabs = [
        {
            "label": _("All"),
            "count": sum(type_counts.values()),
            "url": link(type="", page=""),
            "active": not filters[TYPE_FACET],
        }
    ] + [
        {
            "label": t.label,
            "count": type_counts.get(t.slug, 0),
            "url": link(type=t.slug, page=""),
            "active": filters[TYPE_FACET] == t.slug,
        }
        for t in types
    ]
    hits = [
        {
            "hit": hit,
            "type_label": getattr(search_type_named(hit.type), "label_one", hit.type),
            "marks": marks,
        }
        for hit, marks in zip(results.hits, hit_marks(results), strict=True)
    ]
    facet_filters = [name for name in filter_names() if name != TYPE_FACET]
    return render(
        request,
        "search/page.html",
        {
            "query": query,
            "results": results,
            "hits": hits,
            "partial_from": results.partial_from if results.complete else None,
            "tabs": tabs,
            "facets": facet_panels(results, filters, link),
            "browse": _browse_links(types),
            "type_labels": [t.label for t in types],
            "active_filters": any(filters[name] for name in facet_filters),
            "clear_url": link(**dict.fromkeys(facet_filters, ""), page=""),
            "qualifiers": qualifier_chips(results, filters, link),
            "fewer_words": fewer_words(query) if query and not results.total else [],
            "previous_url": link(page=results.page - 1) if results.page > 1 else "",
            "next_url": link(page=results.page + 1) if results.page < results.pages else "",
        },
    )


def qualifier_chips(results: SearchResults, filters: dict[str, str], link) -> list[dict]:
    """The query's country, document type and year, named (one ``labels`` call per
    facet), each with a link making it a filter (when it is not one already)."""
    declared = {facet.name: facet for facet in facets_of(search_types())}
    chips = []
    for qualifier in results.qualifiers:
        facet = declared.get(qualifier.facet)
        if facet is None:
            chips.append({"label": qualifier.value, "url": ""})
            continue
        label = facet.labels([qualifier.value]).get(qualifier.value, qualifier.value)
        active = filters.get(facet.name) == qualifier.value
        chips.append(
            {
                "label": label,
                "url": "" if active else link(**{facet.name: qualifier.value, "page": ""}),
                "filter": facet.label,
            }
        )
    return chips


def fewer_words(query: str) -> list[dict[str, str]]:
    """When nothing matches: the query without one of its words, each a link (no count:
    no query is run for them)."""
    typed = words(query)
    if len(typed) < 2:
        return []
    tries = []
    for at, word in enumerate(typed):
        rest = " ".join(typed[:at] + typed[at + 1 :])
        tries.append({"without": word, "query": rest, "url": "?" + urlencode({"q": rest})})
    return tries


def _browse_links(types) -> list[dict]:
    links = []
    for search_type in types:
        try:
            url = reverse(search_type.browse_url) if search_type.browse_url else ""
        except NoReverseMatch:
            url = ""
        if url:
            links.append({"label": search_type.label, "url": url})
    return links


@login_required
def search_suggest(request):
    """JSON for the header box: items the user may see, best first, as they type, and the
    row that opens every result of the words typed."""
    query = request.GET.get("q", "").strip()
    suggestions = suggest(request.user, query)
    every = None
    if words(query) and len(query) >= 2:
        every = {
            "label": _("All results for “%(query)s”") % {"query": query},
            "url": reverse("search:page") + "?" + urlencode({"q": query}),
        }
    return JsonResponse({"suggestions": suggestions, "all": every})
