"""The Elasticsearch 8 backend (``SEARCH_BACKEND=elasticsearch``), through elasticsearch-dsl.

One index per content type, reached through an alias (``<prefix>-<type>``) that a rebuild
swaps atomically to a freshly filled index. Each document carries its item's visibility
keys as a keyword field; every query filters them with a ``terms`` filter on the user's
keys *inside* the query, so totals, aggregations (facets) and highlights (snippets) only
come from visible documents. Facets are one generic ``flattened`` object (``facets.<name>``
holds keywords), so a type declaring a new facet needs no new mapping.

A search is two requests at most (``msearch``): the counts (total, complete matches and
each facet — an aggregation applying every filter but its own, over the items holding
some word) with the window of complete matches; then, when the page reaches past them,
the window of partial matches (some words, not all).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from elasticsearch_dsl import (
    A,
    Date,
    Document,
    Flattened,
    Index,
    Keyword,
    MultiSearch,
    Object,
    Q,
    Search,
    Text,
    analyzer,
    connections,
)

from portal.access import rule

from ..registry import SearchType, search_types
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

#: Values counted per facet (the database counts them all; no facet has more).
FACET_SIZE = 250

#: English stems with accents folded, like the PostgreSQL configuration.
portal_text = analyzer(
    "portal_text",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", "porter_stem"],
)


def client():
    """The connection named ``default`` (created once from ``ELASTICSEARCH_URL``)."""
    try:
        return connections.get_connection()
    except KeyError:
        return connections.create_connection(hosts=[settings.ELASTICSEARCH_URL], timeout=10)


def alias_name(search_type: SearchType) -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{search_type.slug}"


def document_class(search_type: SearchType) -> type[Document]:
    """The Document of one content type (same fields for every type)."""

    class Meta:
        index = alias_name(search_type)

    attrs: dict[str, Any] = {
        "title": Text(analyzer=portal_text, fields={"raw": Keyword()}),
        "body": Text(analyzer=portal_text),
        "type": Keyword(),
        # Every facet of every type: ``facets.<name>`` is a keyword (term and terms).
        "facets": Flattened(),
        # The item's visibility keys (``rule.item_keys``): filtered with ``terms``.
        "keys": Keyword(),
        "object_id": Keyword(),
        "url": Keyword(index=False),
        "thumbnail_url": Keyword(index=False),
        "marks": Object(enabled=False),
        "updated_at": Date(),
        "Index": type("Index", (), {"name": alias_name(search_type)}),
        "Meta": Meta,
    }
    return type(f"{search_type.slug.title()}SearchDocument", (Document,), attrs)


def document_body(search_type: SearchType, item, entry) -> dict[str, Any]:
    return {
        "title": entry.title,
        "body": entry.body,
        "type": search_type.slug,
        "facets": entry.facets,
        "keys": sorted(entry.view_keys),
        "object_id": str(item.pk),
        "url": entry.url,
        "thumbnail_url": entry.thumbnail_url,
        "marks": entry.marks,
        "updated_at": entry.updated_at,
    }


def document_write(search_type: SearchType, item, entry) -> None:
    doc = document_class(search_type)(
        meta={"id": item.pk}, **document_body(search_type, item, entry)
    )
    doc.save(using=client(), refresh=True)


def document_delete(search_type: SearchType, object_id: int) -> None:
    client().delete(index=alias_name(search_type), id=object_id, refresh=True, ignore=[404])


def rebuild(search_type: SearchType, bodies) -> str:
    """Fill a new index with ``bodies`` ((id, body) pairs), then swap the alias to it in
    one atomic ``update_aliases`` and delete the previous index."""
    from elasticsearch.helpers import bulk

    es = client()
    alias = alias_name(search_type)
    new_name = f"{alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 10**6}"
    index = Index(new_name)
    index.document(document_class(search_type))
    index.create(using=es)
    bulk(es, ({"_index": new_name, "_id": pk, "_source": body} for pk, body in bodies))
    es.indices.refresh(index=new_name)
    previous = list(es.indices.get_alias(name=alias, ignore_unavailable=True) or {})
    actions = [{"remove": {"index": old, "alias": alias}} for old in previous]
    actions.append({"add": {"index": new_name, "alias": alias}})
    es.indices.update_aliases(actions=actions)
    for old in previous:
        es.indices.delete(index=old, ignore_unavailable=True)
    return new_name


# --- queries ------------------------------------------------------------------------------


def facet_field(name: str) -> str:
    """The indexed field of a facet: the type is its own keyword, the others live in the
    flattened ``facets`` object."""
    return TYPE_FACET if name == TYPE_FACET else f"facets.{name}"


def _visible(keys: frozenset[str]) -> list[Q]:
    return [] if rule.ALL in keys else [Q("terms", keys=sorted(keys))]


def _filters(filters: dict[str, str], *, skip: str = "") -> list[Q]:
    return [Q("term", **{facet_field(n): v}) for n, v in filters.items() if n != skip]


def _words(terms: list[str], *, every: bool, needed: int | None = None) -> Q:
    """The words in title and body taken as one field (``cross_fields``: a word may be in
    either, as in the database's one vector), each word or at least ``needed`` of them."""
    options: dict[str, Any] = {"operator": "and" if every else "or"}
    if needed is not None:
        options["minimum_should_match"] = needed
    return Q(
        "multi_match",
        query=" ".join(terms),
        fields=["title^3", "body"],
        type="cross_fields",
        **options,
    )


def _matching(terms: list[str], required: tuple[str, ...]) -> Q:
    """The partial rule (``base.words_needed``): every required word, and every other word
    or all of them but one."""
    others, needed = words_needed(terms, required)
    kept = [term for term in dict.fromkeys(terms) if term in required]
    if needed == len(others):
        return _words(kept + others, every=True)
    clauses = [_words(kept, every=True)] if kept else []
    return Q("bool", must=[*clauses, _words(others, every=False, needed=needed)])


def _indices() -> list[str]:
    return [alias_name(t) for t in search_types()]


def build_counts(
    *,
    keys: frozenset[str],
    terms: list[str],
    filters: dict[str, str],
    facets: tuple[str, ...],
    required: tuple[str, ...] = (),
) -> Search:
    """Total (the hits, filters applied), complete matches and facets; no hits.

    The filters are a ``post_filter``: they narrow the total but not the aggregations,
    and each facet's aggregation applies every filter but its own."""
    search = (
        Search(index=_indices())
        .query(Q("bool", must=[_matching(terms, required)], filter=_visible(keys)))
        .extra(track_total_hits=True, size=0)
    )
    if filters:
        search = search.post_filter(Q("bool", filter=_filters(filters)))
    search.aggs.bucket(
        "complete", A("filter", Q("bool", filter=[*_filters(filters), _words(terms, every=True)]))
    )
    for name in facets:
        facet = A("filter", Q("bool", filter=_filters(filters, skip=name)))
        facet.bucket("values", A("terms", field=facet_field(name), size=FACET_SIZE))
        search.aggs.bucket(f"facet:{name}", facet)
    return search


def build_page(
    *,
    keys: frozenset[str],
    terms: list[str],
    filters: dict[str, str],
    complete: bool,
    start: int,
    size: int,
    required: tuple[str, ...] = (),
) -> Search:
    """A window of the complete matches (every word) or of the partial ones (the partial
    rule, not every word), best first, with highlights (the whole body: the engine cuts
    the snippet)."""
    if complete:
        query = Q(
            "bool", must=[_words(terms, every=True)], filter=[*_visible(keys), *_filters(filters)]
        )
    else:
        query = Q(
            "bool",
            must=[_matching(terms, required)],
            must_not=[_words(terms, every=True)],
            filter=[*_visible(keys), *_filters(filters)],
        )
    search = Search(index=_indices()).query(query).extra(track_total_hits=False)
    search = search.highlight_options(
        pre_tags=[START], post_tags=[STOP], encoder="default", number_of_fragments=2,
        fragment_size=160,
    )  # fmt: skip
    search = search.highlight("title", number_of_fragments=0).highlight(
        "body", number_of_fragments=0
    )
    return search.sort("_score", {"updated_at": "desc"})[start : start + size]


def build_suggest(*, keys: frozenset[str], terms: list[str], limit: int = 8) -> Search:
    """Every word in title or body, the last as a prefix (as one types), best first as a
    search ranks them; the title highlighted."""
    query = Q(
        "bool",
        must=[
            Q(
                "multi_match",
                query=" ".join(terms),
                fields=["title^3", "body"],
                type="bool_prefix",
                operator="and",
            )
        ],
        filter=_visible(keys),
    )
    search = (
        Search(index=_indices())
        .query(query)
        .source(["type", "title", "url"])
        .highlight_options(pre_tags=[START], post_tags=[STOP], encoder="default")
        .highlight("title", number_of_fragments=0)
    )
    return search.sort("_score", {"updated_at": "desc"})[:limit]


def _row(hit, *, complete: bool) -> Row:
    highlight = getattr(hit.meta, "highlight", None)
    title = highlight.title[0] if highlight and "title" in highlight else hit.title
    snippet = highlight.body[0] if highlight and "body" in highlight else ""
    return Row(
        type=hit.type,
        object_id=int(hit.object_id),
        title=hit.title,
        title_marked=title,
        snippet=snippet or hit.body,
        url=hit.url,
        thumbnail_url=hit.thumbnail_url or "",
        marks=hit.marks.to_dict() if hit.marks else {},
        complete=complete,
    )


class ElasticBackend(SearchBackend):
    """Searches the per-type indices through their aliases."""

    def search(self, request: Request) -> Answer:
        keys = rule.user_keys(request.user)
        es = client()
        asked = {
            "keys": keys,
            "terms": request.terms,
            "filters": request.filters,
            "required": request.required,
        }
        counts, complete_page = (
            MultiSearch(using=es)
            .add(build_counts(**asked, facets=request.facets))
            .add(build_page(**asked, complete=True, start=request.offset, size=request.limit))
            .execute()
        )
        total = counts.hits.total.value
        complete = counts.aggregations["complete"].doc_count
        rows = [_row(hit, complete=True) for hit in complete_page.hits]
        missing = request.limit - len(rows)
        if missing > 0 and request.offset + len(rows) < total:
            # The page reaches past the complete matches: the partial ones continue it.
            start = max(0, request.offset - complete)
            partial_page = (
                build_page(**asked, complete=False, start=start, size=missing).using(es).execute()
            )
            rows += [_row(hit, complete=False) for hit in partial_page.hits]
        facets = {
            name: {
                b.key: b.doc_count for b in counts.aggregations[f"facet:{name}"]["values"].buckets
            }
            for name in request.facets
        }
        return Answer(total=total, complete=complete, facets=facets_sorted(facets), rows=rows)

    def suggest(self, *, user, terms: list[str], limit: int) -> list[dict[str, str]]:
        response = build_suggest(keys=rule.user_keys(user), terms=terms, limit=limit)
        rows = []
        for hit in response.using(client()).execute():
            marked = getattr(hit.meta, "highlight", None)
            title = marked.title[0] if marked and "title" in marked else hit.title
            rows.append(
                {"type": hit.type, "title": hit.title, "title_marked": title, "url": hit.url}
            )
        return rows
