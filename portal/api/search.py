"""``GET /search`` and ``GET /search/suggest``: the search entry point as JSON."""

from __future__ import annotations

from ninja import P, Query, Router, Schema

from search import search, suggest

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


class SearchOut(Schema):
    query: str
    total: int
    page: int
    pages: int
    partial: bool
    results: list[HitOut]
    facets: dict[str, dict[str, int]]


class SuggestionOut(Schema):
    type: str
    type_label: str
    title: str
    url: str


@router.get("/search", response=SearchOut, auth=member_auth, summary="Search")
def search_everything(
    request,
    q: str = "",
    type: str = "",
    issuing_country: str = "",
    document_type: str = "",
    fraud_type: str = "",
    light_source: str = "",
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
):
    """Specimens, alerts and glossary terms the caller may see that match ``q``; the
    snippet is HTML with the matched words in ``<mark>``. Totals and facets count only
    what the caller may see."""
    filters = {
        "type": type,
        "issuing_country": issuing_country.upper(),
        "document_type": document_type,
        "fraud_type": fraud_type,
        "light_source": light_source,
    }
    results = search(request.auth, q, filters, paging.page_number(page))
    return {
        "query": results.query,
        "total": results.total,
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
