"""The database backend: PostgreSQL full-text search (ranked, English stems, accents
removed) or SQLite FTS5 (bm25, Porter stems, diacritics removed) over ``SearchEntry``,
filtered by the access rule inside the query.

One statement answers a search: the visible entries holding some of the words are computed
once (a materialized CTE, ``m``, each row knowing whether it holds every word), and the
total, the count of complete matches, every facet and the page's ids are read from it
(``UNION ALL`` of grouped counts). A second fetches the page's rows with their highlighted
title and snippet, so only one page of rows is ever marked up.

Facets are generic: an entry's ``facets`` is a JSON object of lists (``{"light_source":
["uv", "ir"]}``), unnested by ``jsonb_each`` / ``json_each``; facet names reach the SQL only
as parameters, never as text of the statement.
"""

from __future__ import annotations

import json
from itertools import combinations

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.db import connection
from django.db.models import F, QuerySet, Value

from portal.access import rule

from ..models import SearchEntry
from .base import (
    START,
    STOP,
    TYPE_FACET,
    Answer,
    Request,
    Row,
    SearchBackend,
    facets_sorted,
    words_needed,
)

#: PostgreSQL text-search configuration (English stems, accents removed): migration 0002.
POSTGRES_CONFIG = "portal_search"

#: Best first: complete matches, then relevance, then the newest.
ORDER = "complete DESC, rank DESC, updated_at DESC, id"


def _fts_quoted(terms: list[str]) -> list[str]:
    """Each word as an FTS5 string (no operator a user types can reach MATCH)."""
    return ['"' + term.replace('"', "") + '"' for term in terms]


def _fts_expression(terms: list[str], *, every: bool) -> str:
    return (" AND " if every else " OR ").join(_fts_quoted(terms))


def _pg_query(terms: list[str], *, every: bool) -> SearchQuery:
    query = None
    for term in terms:
        part = SearchQuery(term, config=POSTGRES_CONFIG, search_type="plain")
        query = part if query is None else (query & part if every else query | part)
    return query


def _groups(terms: list[str], required: tuple[str, ...]) -> list[list[str]]:
    """The matching rule (``base.words_needed``) as alternatives: a result holds every word
    of one of these groups (the required words with all the others, or all others but one)."""
    others, needed = words_needed(terms, required)
    kept = [term for term in dict.fromkeys(terms) if term in required]
    if needed == len(others):
        return [kept + others]
    return [kept + list(group) for group in combinations(others, needed)]


def _pg_matching(terms: list[str], required: tuple[str, ...]) -> SearchQuery:
    query = None
    for group in _groups(terms, required):
        part = _pg_query(group, every=True)
        query = part if query is None else query | part
    return query


def _fts_matching(terms: list[str], required: tuple[str, ...]) -> str:
    return " OR ".join(f"({_fts_expression(g, every=True)})" for g in _groups(terms, required))


def visible_entries(user) -> QuerySet:
    """The entries ``user`` may see (their copy of the item's view keys meets the user's)."""
    return rule.visible_rows(user=user, queryset=SearchEntry.objects.all(), keys_field="view_keys")


class DatabaseBackend(SearchBackend):
    """Matching, ranking, counting and snippets in the database in use."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.postgres = self.vendor == "postgresql"

    # --- search ---------------------------------------------------------------------------

    def search(self, request: Request) -> Answer:
        head, head_params = self._matches(request.user, request.terms, request.required)
        arms: list[tuple[str, list]] = [
            self._arm("SELECT 'total', '', COUNT(*) FROM m", request.filters),
            self._arm(
                "SELECT 'complete', '', COUNT(*) FROM m", request.filters, extra="m.complete"
            ),
        ]
        if TYPE_FACET in request.facets:
            arms.append(
                self._arm(
                    f"SELECT '{TYPE_FACET}', m.type, COUNT(*) FROM m",
                    request.filters,
                    skip=TYPE_FACET,
                    tail="GROUP BY m.type",
                )
            )
        listed = [name for name in request.facets if name != TYPE_FACET]
        # The facets nobody filters by share one arm; each filtered one counts with every
        # filter but its own (one can switch between its values).
        unfiltered = [name for name in listed if name not in request.filters]
        groups = [(unfiltered, "")] if unfiltered else []
        groups += [([name], name) for name in listed if name in request.filters]
        for names, skip in groups:
            select, params = self._facet_select(names)
            sql, arm_params = self._arm(
                select, request.filters, skip=skip, tail="GROUP BY f.key, v.value"
            )
            arms.append((sql, params + arm_params))
        page_sql, page_params = self._arm(
            "SELECT m.id, m.complete, m.rank, m.updated_at FROM m",
            request.filters,
            tail=f"ORDER BY {ORDER}",
        )
        arms.append(
            (
                f"SELECT 'hit', CAST(p.id AS TEXT), ROW_NUMBER() OVER (ORDER BY {ORDER})"
                f" FROM ({page_sql} LIMIT %s OFFSET %s) p",
                [*page_params, request.limit, request.offset],
            )
        )
        sql = head + " " + " UNION ALL ".join(arm for arm, _ in arms)
        params = head_params + [p for _, arm_params in arms for p in arm_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        total = complete = 0
        facets: dict[str, dict[str, int]] = {name: {} for name in request.facets}
        page: list[tuple[int, int]] = []
        for kind, value, count in rows:
            if kind == "total":
                total = count
            elif kind == "complete":
                complete = count
            elif kind == "hit":
                page.append((count, int(value)))
            elif kind in facets:
                facets[kind][value] = count
        ids = [pk for _, pk in sorted(page)]
        return Answer(
            total=total,
            complete=complete,
            facets=facets_sorted(facets),
            rows=self._marked(ids, request.terms, first_partial=complete - request.offset),
        )

    def _matches(self, user, terms: list[str], required: tuple[str, ...]) -> tuple[str, list]:
        """The CTE ``m``: visible entries matching under the partial rule, with ``rank``
        (relevance to every word typed) and ``complete`` (holds every word)."""
        columns = ("id", "updated_at", "type", "facets")
        visible = visible_entries(user)
        only_complete = len(_groups(terms, required)) == 1
        if self.postgres:
            some = _pg_query(terms, every=False)
            every = (
                Value(True)
                if only_complete
                else SearchVectorExact(F("search_vector"), _pg_query(terms, every=True))
            )
            matched = (
                visible.filter(search_vector=_pg_matching(terms, required))
                .annotate(
                    rank=SearchRank(F("search_vector"), some, cover_density=True), complete=every
                )
                .values(*columns, "rank", "complete")
            )
            sql, params = matched.query.sql_with_params()
            return f"WITH m AS MATERIALIZED ({sql})", list(params)
        # FTS5 ranks in its own scan (``r``); the visible entries join it by rowid.
        sql, params = visible.values(*columns).query.sql_with_params()
        head = (
            "WITH r AS MATERIALIZED (SELECT rowid AS id, -bm25(search_entry_fts, 10.0, 1.0)"
            " AS rank FROM search_entry_fts WHERE search_entry_fts MATCH %s),"
            " a AS MATERIALIZED (SELECT rowid AS id FROM search_entry_fts"
            " WHERE search_entry_fts MATCH %s),"
            " m AS MATERIALIZED (SELECT v.*, r.rank, (v.id IN (SELECT id FROM a)) AS complete"
            f" FROM ({sql}) v JOIN r ON r.id = v.id)"
        )
        return head, [
            _fts_matching(terms, required),
            _fts_expression(terms, every=True),
            *params,
        ]

    def _facet_select(self, names: list[str]) -> tuple[str, list]:
        """Counts of the values of the facets ``names`` over ``m`` (one row per value)."""
        placeholders = ", ".join(["%s"] * len(names))
        if self.postgres:
            unnest = (
                "CROSS JOIN LATERAL jsonb_each(m.facets) AS f(key, value)"
                " CROSS JOIN LATERAL jsonb_array_elements_text(f.value) AS v(value)"
            )
        else:
            unnest = ", json_each(m.facets) AS f, json_each(f.value) AS v"
        return (
            f"SELECT f.key, v.value, COUNT(*) FROM m {unnest} WHERE f.key IN ({placeholders})",
            list(names),
        )

    def _arm(
        self, select: str, filters: dict[str, str], *, skip: str = "", extra: str = "", tail=""
    ) -> tuple[str, list]:
        """``select`` restricted to the filters (all but ``skip``)."""
        conditions, params = [extra] if extra else [], []
        for name, value in filters.items():
            if name == skip:
                continue
            if name == TYPE_FACET:
                conditions.append("m.type = %s")
                params.append(value)
            elif self.postgres:
                conditions.append("m.facets @> %s::jsonb")
                params.append(json.dumps({name: [value]}))
            else:
                conditions.append(
                    "EXISTS (SELECT 1 FROM json_each(m.facets, %s) AS ff WHERE ff.value = %s)"
                )
                params += [f'$."{name}"', value]
        joiner = " AND " if " WHERE " in select else " WHERE "
        where = joiner + " AND ".join(conditions) if conditions else ""
        return f"{select}{where} {tail}".rstrip(), params

    def _marked(self, ids: list[int], terms: list[str], *, first_partial: int) -> list[Row]:
        """The entries ``ids`` in that order with their marked title and snippet; those
        from position ``first_partial`` on are partial matches."""
        if not ids:
            return []
        # Marked by any word: a partial match shows the words it has.
        if self.postgres:
            query = _pg_query(terms, every=False)
            options = {"start_sel": START, "stop_sel": STOP, "config": POSTGRES_CONFIG}
            entries = SearchEntry.objects.filter(pk__in=ids).annotate(
                title_marked=SearchHeadline("title", query, highlight_all=True, **options),
                # The whole body, marked: the engine cuts the snippet (``search.snippets``)
                # the same way for every backend, at sentence and word boundaries.
                snippet=SearchHeadline("body", query, highlight_all=True, **options),
            )
            by_id = {entry.pk: entry for entry in entries}
        else:
            by_id = SearchEntry.objects.in_bulk(ids)
            placeholders = ", ".join(["%s"] * len(ids))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT rowid, highlight(search_entry_fts, 0, %s, %s),"
                    " highlight(search_entry_fts, 1, %s, %s) FROM search_entry_fts"
                    f" WHERE search_entry_fts MATCH %s AND rowid IN ({placeholders})",
                    [START, STOP, START, STOP, _fts_expression(terms, every=False), *ids],
                )
                for pk, title_marked, snippet in cursor.fetchall():
                    if pk in by_id:
                        by_id[pk].title_marked, by_id[pk].snippet = title_marked, snippet
        return [
            Row(
                type=entry.type,
                object_id=entry.object_id,
                title=entry.title,
                title_marked=getattr(entry, "title_marked", "") or entry.title,
                snippet=getattr(entry, "snippet", "") or entry.body,
                url=entry.url,
                thumbnail_url=entry.thumbnail_url,
                marks=entry.marks,
                complete=position < first_partial,
            )
            for position, entry in enumerate(by_id[pk] for pk in ids if pk in by_id)
        ]

    # --- suggestions ----------------------------------------------------------------------

    def suggest(self, *, user, terms: list[str], limit: int) -> list[dict[str, str]]:
        """Every word held (title or body), the last as a prefix; ranked as a search
        ranks (title words weigh most), then newest first; the title marked."""
        if self.postgres:
            # ``terms`` are \w+ words only (``words``): safe in a raw tsquery.
            raw = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
            query = SearchQuery(raw, config=POSTGRES_CONFIG, search_type="raw")
            rows = (
                visible_entries(user)
                .filter(search_vector=query)
                .annotate(
                    rank=SearchRank(F("search_vector"), query),
                    title_marked=SearchHeadline(
                        "title",
                        query,
                        highlight_all=True,
                        start_sel=START,
                        stop_sel=STOP,
                        config=POSTGRES_CONFIG,
                    ),
                )
                .order_by("-rank", "-updated_at", "pk")
                .values("type", "title", "title_marked", "url")[:limit]
            )
            return list(rows)
        quoted = _fts_quoted(terms)
        expression = " AND ".join([*quoted[:-1], quoted[-1] + " *"])
        visible = visible_entries(user).values("id", "type", "title", "url", "updated_at")
        sql, params = visible.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT v.type, v.title, r.title_marked, v.url FROM ({sql}) v JOIN"
                " (SELECT rowid AS id, -bm25(search_entry_fts, 10.0, 1.0) AS rank,"
                " highlight(search_entry_fts, 0, %s, %s) AS title_marked"
                " FROM search_entry_fts WHERE search_entry_fts MATCH %s) r ON r.id = v.id"
                " ORDER BY r.rank DESC, v.updated_at DESC, v.id LIMIT %s",
                [*params, START, STOP, expression, limit],
            )
            names = ("type", "title", "title_marked", "url")
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- the full-text side of an entry (written by ``search.indexing``) ------------------------


def fulltext_write(entry: SearchEntry) -> None:
    """The entry's vector (PostgreSQL) or FTS5 row (SQLite), from its title and body."""
    if connection.vendor == "postgresql":
        SearchEntry.objects.filter(pk=entry.pk).update(
            search_vector=SearchVector("title", weight="A", config=POSTGRES_CONFIG)
            + SearchVector("body", weight="B", config=POSTGRES_CONFIG)
        )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry_fts WHERE rowid = %s", [entry.pk])
            cursor.execute(
                "INSERT INTO search_entry_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [entry.pk, entry.title, entry.body],
            )


def fulltext_delete(ids: list[int]) -> None:
    """Remove the FTS5 rows of deleted entries (PostgreSQL's vector goes with its row)."""
    if ids and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_entry_fts WHERE rowid = %s", [[i] for i in ids])
