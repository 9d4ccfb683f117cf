"""``search(user, query, filters, page)``: hits, facets and total of what ``user`` may see.

The access rule filters inside the query (``rule.visible_rows`` on each entry's copy of
its item's view keys) before matching, counting, faceting and paging, so totals, facets
and snippets only ever come from visible items — never by dropping hits afterwards.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from portal.access import rule

from .backends.database import FACETS, START, STOP, Counts, DatabaseBackend, words
from .models import SearchEntry
from .registry import search_types

PER_PAGE = 20
#: The deepest page anyone can ask for (10,000 results: Elasticsearch's default window);
#: a larger page number — a typo, a hostile link — shows the last page instead of failing.
MAX_PAGE = 10_000 // PER_PAGE


@dataclass(frozen=True)
class Hit:
    type: str
    id: int
    title: str
    title_html: SafeString
    url: str
    snippet: SafeString
    thumbnail_url: str = ""
    marks: dict[str, str] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "snippet": str(self.snippet),
            "thumbnail_url": self.thumbnail_url,
            "marks": self.marks,
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]
    page: int
    pages: int
    #: True when no item matched every word and the hits match some of them.
    partial: bool = False


def highlight(text: str | None) -> SafeString:
    """HTML-escape a backend's marked text, then turn its markers into <mark> tags."""
    escaped = html.escape(text or "")
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def visible_entries(user) -> QuerySet:
    return rule.visible_rows(user=user, queryset=SearchEntry.objects.all(), keys_field="view_keys")


def _hit(*, type, object_id, title, title_marked, url, snippet, thumbnail_url, marks) -> Hit:
    return Hit(
        type=type,
        id=object_id,
        title=title,
        title_html=highlight(title_marked or title),
        url=url,
        snippet=highlight(snippet),
        thumbnail_url=thumbnail_url,
        marks=marks,
    )


def elasticsearch_enabled() -> bool:
    return settings.SEARCH_BACKEND == "elasticsearch"


def run(user, query: str, filters: dict[str, str] | None = None, page: int = 1) -> SearchResults:
    filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
    page = min(max(1, page), MAX_PAGE)
    if elasticsearch_enabled():
        from .backends import elastic

        return elastic.search(user, query, filters, page)
    terms = words(query)
    empty = SearchResults(query=query, hits=[], total=0, facets={}, page=1, pages=0)
    if not terms:
        return empty
    backend = DatabaseBackend()
    base = visible_entries(user)
    partial = False

    def counted(page: int, every: bool) -> Counts:
        return backend.counts(
            base,
            terms,
            every=every,
            filters=filters,
            offset=(page - 1) * PER_PAGE,
            limit=PER_PAGE,
        )

    counts = counted(max(1, page), every=True)
    # Nothing matches every word (filters aside): let any word match, and say so.
    if counts.matched == 0 and len(terms) > 1:
        counts, partial = counted(max(1, page), every=False), True
    pages = max(1, -(-counts.total // PER_PAGE))
    if page > pages:  # past the end (a stale link): the last page
        page = pages
        counts = counted(page, every=not partial)
    page = max(1, page)
    hits = [
        _hit(
            type=row.type,
            object_id=row.object_id,
            title=row.title,
            title_marked=row.title_marked,
            url=row.url,
            snippet=row.snippet,
            thumbnail_url=row.thumbnail_url,
            marks=row.marks,
        )
        for row in backend.marked(counts.page_ids, terms, every=not partial)
    ]
    total, facets = counts.total, counts.facets
    return SearchResults(
        query=query, hits=hits, total=total, facets=facets, page=page, pages=pages, partial=partial
    )


def suggest(user, query: str, limit: int = 8) -> list[dict[str, str]]:
    """Titles the user may see that start like what they are typing, for the header box:
    filtered by the rule in the query like every search."""
    terms = words(query)
    if not terms or len(query.strip()) < 2:
        return []
    if elasticsearch_enabled():
        from .backends import elastic

        return elastic.suggest(user, query, limit)
    labels = {t.slug: t.label for t in search_types()}
    rows = (
        DatabaseBackend()
        .titles_starting(visible_entries(user), terms)
        .order_by("title", "pk")
        .values("type", "title", "url")[:limit]
    )
    return [{**row, "type_label": labels.get(row["type"], row["type"])} for row in rows]
