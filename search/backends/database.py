"""The database backend: PostgreSQL full-text search (ranked, English stems, accents
removed) or SQLite FTS5 (bm25, Porter stems, diacritics removed) over ``SearchEntry``,
filtered by the access rule inside the query."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from ..indexing import POSTGRES_CONFIG

#: Highlight markers put in by the database, escaped-safe: replaced by <mark> after
#: the snippet's text is HTML-escaped (see ``search.highlight``).
START, STOP = "\ue000", "\ue001"

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:12]


def _fts_quoted(terms: list[str]) -> list[str]:
    """Each word as an FTS5 string (no operator a user types can reach MATCH)."""
    return ['"' + term.replace('"', "") + '"' for term in terms]


class DatabaseBackend:
    """Matching, ranking and snippets; the entry point adds the rule, filters and facets."""

    def __init__(self) -> None:
        self.vendor = connection.vendor

    def matching(self, queryset: QuerySet, terms: list[str], *, every: bool) -> QuerySet:
        """Entries matching all ``terms`` (``every``) or any of them, with a ``rank``
        annotation (higher is better)."""
        if self.vendor == "postgresql":
            query = self._pg_query(terms, every=every)
            return queryset.filter(search_vector=query).annotate(
                rank=SearchRank(F("search_vector"), query, cover_density=True)
            )
        expression = self._fts_expression(terms, every=every)
        return queryset.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s", [expression]
            )
        ).annotate(
            rank=RawSQL(
                "SELECT -bm25(search_entry_fts, 10.0, 1.0) FROM search_entry_fts"
                " WHERE search_entry_fts MATCH %s AND rowid = search_searchentry.id",
                [expression],
            )
        )

    def with_snippets(self, queryset: QuerySet, terms: list[str], *, every: bool) -> QuerySet:
        """Annotate ``title_marked`` and ``snippet`` (matched words between START/STOP)."""
        if self.vendor == "postgresql":
            query = self._pg_query(terms, every=every)
            options = {"start_sel": START, "stop_sel": STOP, "config": POSTGRES_CONFIG}
            return queryset.annotate(
                title_marked=SearchHeadline("title", query, highlight_all=True, **options),
                snippet=SearchHeadline(
                    "body",
                    query,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **options,
                ),
            )
        expression = self._fts_expression(terms, every=every)
        sql = (
            "SELECT {function} FROM search_entry_fts"
            " WHERE search_entry_fts MATCH %s AND rowid = search_searchentry.id"
        )
        # The SQL is constant; the user's words only ever travel as parameters.
        return queryset.annotate(
            title_marked=RawSQL(  # noqa: S611
                sql.format(function="highlight(search_entry_fts, 0, %s, %s)"),
                [START, STOP, expression],
            ),
            snippet=RawSQL(  # noqa: S611
                sql.format(function="snippet(search_entry_fts, 1, %s, %s, ' … ', 24)"),
                [START, STOP, expression],
            ),
        )

    def titles_starting(self, queryset: QuerySet, terms: list[str]) -> QuerySet:
        """Entries whose title holds every term, the last one as a prefix (as one types)."""
        if self.vendor == "postgresql":
            # ``terms`` are \w+ words only (``words``): safe in a raw tsquery.
            raw = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
            query = SearchQuery(raw, config=POSTGRES_CONFIG, search_type="raw")
            return queryset.annotate(
                title_vector=SearchVector("title", config=POSTGRES_CONFIG)
            ).filter(title_vector=query)
        quoted = _fts_quoted(terms)
        expression = "title : (" + " ".join([*quoted[:-1], quoted[-1] + " *"]) + ")"
        return queryset.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s", [expression]
            )
        )

    @staticmethod
    def _pg_query(terms: list[str], *, every: bool) -> SearchQuery:
        query = None
        for term in terms:
            part = SearchQuery(term, config=POSTGRES_CONFIG, search_type="plain")
            query = part if query is None else (query & part if every else query | part)
        return query

    @staticmethod
    def _fts_expression(terms: list[str], *, every: bool) -> str:
        return (" " if every else " OR ").join(_fts_quoted(terms))
