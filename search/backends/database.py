"""The database backend: PostgreSQL full-text search (ranked, English stems, accents
removed) or SQLite FTS5 (bm25, Porter stems, diacritics removed) over ``SearchEntry``,
filtered by the access rule inside the query.

One statement answers a search: the visible matching entries are computed once (a
materialized CTE, ``m``), and the total, every facet and the page's ids are read from it
(``UNION ALL`` of grouped counts). A second fetches the page's rows with their highlighted
title and snippet, so only 20 rows are ever marked up.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from ..indexing import POSTGRES_CONFIG
from ..models import SearchEntry

#: Highlight markers put in by the database, escaped-safe: replaced by <mark> after
#: the snippet's text is HTML-escaped (see ``search.highlight``).
START, STOP = "\ue000", "\ue001"

#: Facets stored in one column of the entry each; ``light_source`` is the one list facet
#: (an entry's ``light_sources``).
COLUMN_FACETS = ("type", "issuing_country", "document_type", "fraud_type")
LIST_FACET = "light_source"
FACETS = (*COLUMN_FACETS, LIST_FACET)

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:12]


def _fts_quoted(terms: list[str]) -> list[str]:
    """Each word as an FTS5 string (no operator a user types can reach MATCH)."""
    return ['"' + term.replace('"', "") + '"' for term in terms]


@dataclass(frozen=True)
class Counts:
    """What one search statement returns."""

    #: Visible entries matching the words, facet filters aside.
    matched: int
    #: ... and the facet filters.
    total: int
    facets: dict[str, dict[str, int]]
    #: The ids of the requested page, best first.
    page_ids: list[int]


class DatabaseBackend:
    """Matching, ranking, counting and snippets; the caller passes the visible entries
    (``rule.visible_rows``) and the facet filters."""

    def __init__(self) -> None:
        self.vendor = connection.vendor

    def counts(
        self,
        queryset: QuerySet,
        terms: list[str],
        *,
        every: bool,
        filters: dict[str, str],
        offset: int,
        limit: int,
    ) -> Counts:
        """Total, facets and one page of ids of the entries of ``queryset`` matching all
        ``terms`` (``every``) or any of them, in one statement."""
        columns = ("id", "updated_at", *COLUMN_FACETS, "light_sources")
        if self.vendor == "postgresql":
            query = self._pg_query(terms, every=every)
            matched = (
                queryset.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query, cover_density=True))
                .values(*columns, "rank")
            )
            sql, params = matched.query.sql_with_params()
            head, head_params = f"WITH m AS MATERIALIZED ({sql})", list(params)
        else:
            # FTS5 ranks in its own scan (``r``); the visible entries join it by rowid.
            sql, params = queryset.values(*columns).query.sql_with_params()
            head = (
                "WITH r AS MATERIALIZED (SELECT rowid AS id, -bm25(search_entry_fts, 10.0, 1.0)"
                " AS rank FROM search_entry_fts WHERE search_entry_fts MATCH %s),"
                f" m AS MATERIALIZED (SELECT v.*, r.rank FROM ({sql}) v JOIN r ON r.id = v.id)"
            )
            head_params = [self._fts_expression(terms, every=every), *params]
        arms: list[tuple[str, list]] = [
            ("SELECT 'matched', '', COUNT(*) FROM m", []),
            self._arm("SELECT 'total', '', COUNT(*) FROM m", filters),
        ]
        for name in COLUMN_FACETS:
            arms.append(
                self._arm(
                    f"SELECT '{name}', m.{name}, COUNT(*) FROM m",
                    filters,
                    skip=name,
                    extra=f"m.{name} <> ''",
                    tail=f"GROUP BY m.{name}",
                )
            )
        elements = (
            "CROSS JOIN LATERAL jsonb_array_elements_text(m.light_sources) AS ls(value)"
            if self.vendor == "postgresql"
            else ", json_each(m.light_sources) AS ls"
        )
        arms.append(
            self._arm(
                f"SELECT '{LIST_FACET}', ls.value, COUNT(*) FROM m {elements}",
                filters,
                skip=LIST_FACET,
                tail="GROUP BY ls.value",
            )
        )
        order = "rank DESC, updated_at DESC, id"
        page_sql, page_params = self._arm(
            "SELECT m.id, m.rank, m.updated_at FROM m", filters, tail=f"ORDER BY {order}"
        )
        arms.append(
            (
                f"SELECT 'hit', CAST(p.id AS TEXT), ROW_NUMBER() OVER (ORDER BY {order})"
                f" FROM ({page_sql} LIMIT %s OFFSET %s) p",
                [*page_params, limit, offset],
            )
        )
        # Facet names and columns are the constants above; values only travel as parameters.
        sql = head + " " + " UNION ALL ".join(arm for arm, _ in arms)
        params = head_params + [p for _, arm_params in arms for p in arm_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        matched = total = 0
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        page: list[tuple[int, int]] = []
        for kind, value, count in rows:
            if kind == "matched":
                matched = count
            elif kind == "total":
                total = count
            elif kind == "hit":
                page.append((count, int(value)))
            else:
                facets[kind][value] = count
        ordered = {
            name: dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
            for name, values in facets.items()
        }
        return Counts(
            matched=matched, total=total, facets=ordered, page_ids=[pk for _, pk in sorted(page)]
        )

    def _arm(
        self, select: str, filters: dict[str, str], *, skip: str = "", extra: str = "", tail=""
    ) -> tuple[str, list]:
        """``select`` restricted to the facet filters (all but ``skip``)."""
        conditions, params = [extra] if extra else [], []
        for name, value in filters.items():
            if name == skip:
                continue
            if name == LIST_FACET:
                if self.vendor == "postgresql":
                    conditions.append("m.light_sources @> %s::jsonb")
                    params.append(json.dumps([value]))
                else:
                    conditions.append(
                        "EXISTS (SELECT 1 FROM json_each(m.light_sources) AS f WHERE f.value = %s)"
                    )
                    params.append(value)
            elif name in COLUMN_FACETS:
                conditions.append(f"m.{name} = %s")
                params.append(value)
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        return f"{select}{where} {tail}".rstrip(), params

    def marked(self, ids: list[int], terms: list[str], *, every: bool) -> list[SearchEntry]:
        """The entries ``ids`` in that order, each with ``title_marked`` and ``snippet``
        (the matched words between START and STOP)."""
        if not ids:
            return []
        if self.vendor == "postgresql":
            query = self._pg_query(terms, every=every)
            options = {"start_sel": START, "stop_sel": STOP, "config": POSTGRES_CONFIG}
            entries = SearchEntry.objects.filter(pk__in=ids).annotate(
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
            by_id = {entry.pk: entry for entry in entries}
        else:
            by_id = SearchEntry.objects.in_bulk(ids)
            placeholders = ", ".join(["%s"] * len(ids))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT rowid, highlight(search_entry_fts, 0, %s, %s),"
                    " snippet(search_entry_fts, 1, %s, %s, ' … ', 24) FROM search_entry_fts"
                    f" WHERE search_entry_fts MATCH %s AND rowid IN ({placeholders})",
                    [START, STOP, START, STOP, self._fts_expression(terms, every=every), *ids],
                )
                for pk, title_marked, snippet in cursor.fetchall():
                    if pk in by_id:
                        by_id[pk].title_marked, by_id[pk].snippet = title_marked, snippet
        return [by_id[pk] for pk in ids if pk in by_id]

    def titles_starting(self, queryset: QuerySet, terms: list[str]) -> QuerySet:
        """Entries whose title holds every term, the last one as a prefix (as one types)."""
        if self.vendor == "postgresql":
            # Titles are weighted A in the vector, so ``:A`` keeps to titles and the GIN
            # index answers. ``terms`` are \w+ words only (``words``): safe in a raw tsquery.
            raw = " & ".join([*(f"{term}:A" for term in terms[:-1]), f"{terms[-1]}:*A"])
            query = SearchQuery(raw, config=POSTGRES_CONFIG, search_type="raw")
            return queryset.filter(search_vector=query)
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
