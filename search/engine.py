"""``search(user, query, filters, page)``: hits, facets and total of what ``user`` may see.

The engine reads the request against the registry (which filters exist, which facets the
chosen types declare), decides the page, picks the backend and calls it through the one
interface of ``search.backends.base``; the backends never import the engine. The access
rule filters inside each backend's query, before matching, counting, faceting and paging,
so totals, facets and snippets only ever come from visible items.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from .backends.base import (
    START,
    STOP,
    TYPE_FACET,
    Request,
    Row,
    SearchBackend,
    words,
    words_needed,
)
from .qualifiers import Qualifier, qualifiers, searched
from .registry import facets_of, search_type_named, search_types
from .snippets import snippet_cut

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
    #: False for a partial match (some of the words, not all).
    complete: bool = True

    def as_data(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "snippet": str(self.snippet),
            "thumbnail_url": self.thumbnail_url,
            "marks": self.marks,
            "complete": self.complete,
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[Hit]
    #: Every result: the complete matches, then the partial ones.
    total: int
    #: Facet name → value → count; ``type`` and every facet of the chosen types present.
    facets: dict[str, dict[str, int]]
    page: int
    pages: int
    #: How many results hold every word: they come first, partial matches after them.
    complete: int = 0
    #: The query's words naming a country, a document type or a year: every result,
    #: complete or partial, holds them (``search.qualifiers``).
    qualifiers: list[Qualifier] = field(default_factory=list)
    #: Whether partial matches may be listed at all (the partial rule: three other words).
    partial_offered: bool = False

    @property
    def partial(self) -> bool:
        """Whether some results hold only some of the words."""
        return self.total > self.complete

    @property
    def partial_from(self) -> int | None:
        """Where on this page the partial matches begin (an index into ``hits``), if they
        begin on it or before it."""
        for index, hit in enumerate(self.hits):
            if not hit.complete:
                return index
        return None


def highlight(text: str | None) -> SafeString:
    """HTML-escape a backend's marked text, then turn its markers into <mark> tags."""
    escaped = html.escape(text or "")
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def backend() -> SearchBackend:
    """The configured backend (``SEARCH_BACKEND``): the database unless Elasticsearch."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        from .backends.elastic import ElasticBackend

        return ElasticBackend()
    from .backends.database import DatabaseBackend

    return DatabaseBackend()


def filters_read(filters: dict[str, str] | None) -> dict[str, str]:
    """The filters search knows (the type and every registered facet), each value read as
    its facet reads URL values; unknown names and empty values are left out."""
    known: dict[str, str] = {}
    for name, value in (filters or {}).items():
        value = (value or "").replace("\x00", "").strip()
        if not value:
            continue
        if name == TYPE_FACET:
            known[name] = value
            continue
        facet = next((f for f in facets_of(search_types()) if f.name == name), None)
        if facet is not None:
            known[name] = facet.normalize(value)
    return known


def facet_names(filters: dict[str, str]) -> tuple[str, ...]:
    """The facets to count: the type, and those of the chosen type (all types if none)."""
    chosen = search_type_named(filters.get(TYPE_FACET, ""))
    types = [chosen] if chosen else search_types()
    return (TYPE_FACET, *(facet.name for facet in facets_of(types)))


def highlight_parts(text: str | None) -> list[dict[str, Any]]:
    """A backend's marked text as parts (``{"text", "mark"}``), for a script to build with
    text nodes and ``<mark>`` elements, never parsing HTML."""
    parts, marked = [], False
    for piece in (text or "").replace(STOP, START).split(START):
        if piece:
            parts.append({"text": piece, "mark": marked})
        marked = not marked
    return parts


def _hit(row: Row) -> Hit:
    return Hit(
        type=row.type,
        id=row.object_id,
        title=row.title,
        title_html=highlight(row.title_marked or row.title),
        url=row.url,
        snippet=highlight(snippet_cut(row.snippet)),
        thumbnail_url=row.thumbnail_url,
        marks=row.marks,
        complete=row.complete,
    )


def run(user, query: str, filters: dict[str, str] | None = None, page: int = 1) -> SearchResults:
    """One page of results; a page past the last (a stale link, a hostile number) is the
    last page, whatever the backend — the rule lives here, not in each backend."""
    terms = words(query)
    if not terms:
        return SearchResults(query=query, hits=[], total=0, facets={}, page=1, pages=0)
    filters = filters_read(filters)
    names = facet_names(filters)
    engine = backend()
    page = min(max(1, page), MAX_PAGE)
    found = qualifiers(terms)
    terms = searched(terms, found)
    required = tuple(dict.fromkeys(word for q in found for word in q.text))
    others, needed = words_needed(terms, required)

    def ask(page: int):
        return engine.search(
            Request(
                user=user,
                terms=terms,
                filters=filters,
                facets=names,
                offset=(page - 1) * PER_PAGE,
                limit=PER_PAGE,
                required=required,
            )
        )

    answer = ask(page)
    pages = min(max(1, -(-answer.total // PER_PAGE)), MAX_PAGE)
    if page > pages:
        page = pages
        answer = ask(page)
    return SearchResults(
        query=query,
        hits=[_hit(row) for row in answer.rows],
        total=answer.total,
        facets=answer.facets,
        page=page,
        pages=pages,
        complete=answer.complete,
        qualifiers=found,
        partial_offered=needed < len(others),
    )


def suggest(user, query: str, limit: int = 8) -> list[dict[str, Any]]:
    """Items the user may see holding the words being typed (the last one as a prefix),
    best first as a search ranks them, for the header box: filtered by the rule in the
    query like every search. Each has its type's singular label and its title with the
    typed words marked, as escaped HTML (``title_html``) and as parts (``title_parts``)."""
    terms = words(query)
    if not terms or len(query.strip()) < 2:
        return []
    # A name typed whole ("vietnam ") is searched as the text writes it; the last word is
    # still being typed.
    terms = [*searched(terms[:-1], qualifiers(terms[:-1])), terms[-1]]
    labels = {t.slug: str(t.label_one) for t in search_types()}
    rows = backend().suggest(user=user, terms=terms, limit=limit)
    return [
        {
            "type": row["type"],
            "type_label": labels.get(row["type"], row["type"]),
            "title": row["title"],
            "title_html": str(highlight(row.get("title_marked") or row["title"])),
            "title_parts": highlight_parts(row.get("title_marked") or row["title"]),
            "url": row["url"],
        }
        for row in rows
    ]
