"""One row per searchable item, kept in step with it after each commit."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    """The searchable text and facets of one item, with a copy of its view keys.

    The copy is rewritten inside the transaction that changes the item's keys
    (``rule.item_keys_changed``), so a narrowed distribution hides the entry at once; the
    rule filters on it (``rule.visible_rows``) as Elasticsearch filters its documents' keys."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    type = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    #: Facet name → the item's values, as its type declares them: ``{"issuing_country":
    #: ["VNM"], "light_source": ["ir", "uv"]}`` (on PostgreSQL a GIN index answers ``@>``).
    facets = models.JSONField(default=dict, blank=True)
    thumbnail_url = models.CharField(max_length=300, blank=True)
    marks = models.JSONField(default=dict, blank=True)
    #: ``rule.keys_copy`` of the item's view keys: ``{"country:THA": true, ...}``.
    view_keys = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL only (title weighted A, body B, unaccented English stems); the SQLite
    # backend keeps an FTS5 table beside this one instead.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_entry")
        ]
        # The GIN indexes on search_vector and facets (PostgreSQL) and the FTS5 table
        # (SQLite) are made by migrations 0002 and 0004 for the database in use.
        indexes = [models.Index(fields=["type"])]

    def __str__(self) -> str:
        return f"{self.type}: {self.title}"
