"""Search over everything a user may see (issue: full-text search).

For now this package answers the health check for the configured backend: the database
(always present) or Elasticsearch at ``ELASTICSEARCH_URL``.
"""

from django.conf import settings


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
