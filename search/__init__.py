"""Search over everything a user may see: one entry point, ``search(user, query, filters,
page)``, over every registered content type (``search.registry``: content apps register
their types, facets and marks; search imports none of them), on the database backend
(PostgreSQL full-text or SQLite FTS5) or Elasticsearch, behind one interface
(``search.backends.base``); the access rule filters inside each query."""

from django.conf import settings


def search(user, query: str, filters: dict | None = None, page: int = 1):
    """Hits, facets and total of the items ``user`` may see that match ``query``."""
    from .engine import run

    return run(user, query, filters, page)


def suggest(user, query: str, limit: int = 8) -> list[dict]:
    """Items ``user`` may see holding the words of ``query`` as one types them (the header
    box), best first, titles marked."""
    from .engine import suggest as titles

    return titles(user, query, limit)


def check() -> None:
    """Raise if the configured search backend cannot answer."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        from elasticsearch import Elasticsearch

        client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=3)
        if not client.ping():
            raise RuntimeError("Elasticsearch did not answer")
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
