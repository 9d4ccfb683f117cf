"""``GET /search`` and ``GET /search/suggest``: the search entry point as JSON.

The filters are the registered types' facets (``search.registry.filter_names``): a type
that registers a facet adds a query parameter here, and its counts to ``facets``, with no
edit of this module."""

from __future__ import annotations

from typing import Any

from ninja import P, Query, Router, Schema
from pydantic import Field, create_model

from search import search, suggest
from search.registry import facets_of, filter_names, search_types

from . import paging
from .auth import member_auth

router = Router(tags=["search"])


class HitOut(Schema):
    type: str
    id: int
    title: str
    url: str
    snippet: str
    thumbnail_url: str
    marks: dict[str, str]
    #: False for a partial match (some of the words, not all).
    complete: bool


class SearchOut(Schema):
    query: str
    total: int
    #: How many results hold every word (listed first; the partial matches follow).
    complete: int
    page: int
    pages: int
    partial: bool
    results: list[HitOut]
    facets: dict[str, dict[str, int]]


def _filters_schema() -> type[Schema]:
    """The query parameters of ``GET /search``: the type and each registered facet (as
    registered when the API is loaded; ``search_everything`` reads every registered name
    from the request, so the documentation never lists a filter that does not work)."""
    fields: dict[str, Any] = {
        "type": (str, Field("", description="A content type (e.g. `specimen`, `alert`).")),
    }
    for facet in facets_of(search_types()):
        fields[facet.name] = (str, Field("", description=f"{facet.label}: one value."))
    return create_model("SearchFilters", __base__=Schema, **fields)


SearchFilters = _filters_schema()


class SuggestionOut(Schema):
    type: str
    type_label: str
    title: str
    url: str


@router.get("/search", response=SearchOut, auth=member_auth, summary="Search")
def search_everything(
    request,
    filters: Query[SearchFilters],
    q: str = "",
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
):
    """Everything the caller may see that matches ``q``: the items holding every word
    first, then (``complete`` on each result false) those holding some of them. The
    snippet is HTML with the matched words in ``<mark>``. Totals and facets count only what
    the caller may see; ``facets`` holds the type and the facets of the chosen type (of
    every type when none is chosen)."""
    given = {name: request.GET.get(name, "") for name in filter_names()}
    results = search(request.auth, q, given, paging.page_number(page))
    return {
        "query": results.query,
        "total": results.total,
        "complete": results.complete,
        "page": results.page,
        "pages": results.pages,
        "partial": results.partial,
        "results": [hit.as_data() for hit in results.hits],
        "facets": results.facets,
    }


@router.get(
    "/search/suggest", response=list[SuggestionOut], auth=member_auth, summary="Suggestions"
)
def search_suggest(request, q: str = ""):
    """Up to eight titles the caller may see that start like ``q``, as one types."""
    return suggest(request.auth, q)
