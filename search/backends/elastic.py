"""The Elasticsearch 8 backend (``SEARCH_BACKEND=elasticsearch``), through elasticsearch-dsl.

One index per content type, reached through an alias (``<prefix>-<type>``) that a rebuild
swaps atomically to a freshly filled index. Each document carries its item's visibility
keys as a keyword field; every query filters them with a ``terms`` filter on the user's
keys *inside* the query, so totals, aggregations (facets) and highlights (snippets) only
come from visible documents. Facet filters are post-filters, and each facet's
aggregation applies every facet filter but its own (as the database backend does).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from elasticsearch_dsl import (
    A,
    Date,
    Document,
    Index,
    Keyword,
    Object,
    Q,
    Search,
    Text,
    analyzer,
    connections,
)

from portal.access import rule

from ..registry import SearchType, search_types
from .database import FACETS, LIST_FACET, START, STOP

#: The indexed field behind each facet (the light-source facet reads the list field).
FACET_FIELDS = {**{name: name for name in FACETS}, LIST_FACET: "light_sources"}
PER_PAGE = 20

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
        "issuing_country": Keyword(),
        "document_type": Keyword(),
        "fraud_type": Keyword(),
        "light_sources": Keyword(),
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
        "issuing_country": entry.issuing_country,
        "document_type": entry.document_type,
        "fraud_type": entry.fraud_type,
        "light_sources": entry.light_sources,
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


def _visible(keys: frozenset[str]) -> list[Q]:
    return [] if rule.ALL in keys else [Q("terms", keys=sorted(keys))]


def build_search(
    *, keys: frozenset[str], terms: list[str], filters: dict[str, str], every: bool, page: int
) -> Search:
    """The search request for one user's query (unit-tested without a server)."""
    indices = [alias_name(t) for t in search_types()]
    text = " ".join(terms)
    query = Q(
        "bool",
        must=[
            Q(
                "multi_match",
                query=text,
                fields=["title^3", "body"],
                operator="and" if every else "or",
            )
        ],
        filter=_visible(keys),
    )
    search = Search(index=indices).query(query).extra(track_total_hits=True)
    active = {name: value for name, value in filters.items() if name in FACETS and value}
    if active:
        search = search.post_filter(
            Q(
                "bool",
                filter=[Q("term", **{FACET_FIELDS[name]: value}) for name, value in active.items()],
            )
        )
    for name in FACETS:
        others = [Q("term", **{FACET_FIELDS[n]: v}) for n, v in active.items() if n != name]
        facet = A("filter", Q("bool", filter=others))
        facet.bucket("values", A("terms", field=FACET_FIELDS[name], size=50))
        search.aggs.bucket(name, facet)
    search = search.highlight_options(
        pre_tags=[START], post_tags=[STOP], encoder="default", number_of_fragments=2,
        fragment_size=160,
    )  # fmt: skip
    search = search.highlight("title", number_of_fragments=0).highlight("body")
    start = (max(page, 1) - 1) * PER_PAGE
    return search.sort("_score", {"updated_at": "desc"})[start : start + PER_PAGE]


def build_suggest(*, keys: frozenset[str], terms: list[str], limit: int = 8) -> Search:
    indices = [alias_name(t) for t in search_types()]
    query = Q(
        "bool",
        must=[Q("match_bool_prefix", title={"query": " ".join(terms), "operator": "and"})],
        filter=_visible(keys),
    )
    return Search(index=indices).query(query).source(["type", "title", "url"])[:limit]


def search(user, query: str, filters: dict[str, str], page: int):
    from ..engine import SearchResults, _hit, words

    terms = words(query)
    if not terms:
        return SearchResults(query=query, hits=[], total=0, facets={}, page=1, pages=0)
    keys = rule.user_keys(user)
    es = client()
    partial = False
    response = (
        build_search(keys=keys, terms=terms, filters=filters, every=True, page=page)
        .using(es)
        .execute()
    )
    if response.hits.total.value == 0 and len(terms) > 1:
        partial = True
        response = (
            build_search(keys=keys, terms=terms, filters=filters, every=False, page=page)
            .using(es)
            .execute()
        )
    total = response.hits.total.value
    hits = []
    for hit in response.hits:
        highlight = getattr(hit.meta, "highlight", None)
        title = highlight.title[0] if highlight and "title" in highlight else hit.title
        snippet = " … ".join(highlight.body) if highlight and "body" in highlight else ""
        hits.append(
            _hit(
                type=hit.type,
                object_id=int(hit.object_id),
                title=hit.title,
                title_marked=title,
                url=hit.url,
                snippet=snippet or hit.body[:200],
                thumbnail_url=hit.thumbnail_url or "",
                marks=hit.marks.to_dict() if hit.marks else {},
            )
        )
    facets = {
        name: {b.key: b.doc_count for b in response.aggregations[name]["values"].buckets}
        for name in FACETS
    }
    pages = max(1, -(-total // PER_PAGE))
    return SearchResults(
        query=query, hits=hits, total=total, facets=facets, page=min(max(page, 1), pages),
        pages=pages, partial=partial,
    )  # fmt: skip


def suggest(user, query: str, limit: int = 8) -> list[dict[str, str]]:
    from ..engine import words

    terms = words(query)
    if not terms:
        return []
    labels = {t.slug: t.label for t in search_types()}
    response = build_suggest(keys=rule.user_keys(user), terms=terms, limit=limit).using(client())
    return [
        {"type": h.type, "type_label": labels.get(h.type, h.type), "title": h.title, "url": h.url}
        for h in response.execute()
    ]
