"""Rebuild every search entry from the items (``manage.py rebuild_search_index``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .indexing import entry_delete, entry_update
from .models import SearchEntry
from .registry import search_types


def index_rebuild(progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write the entry of every item of every registered type and remove entries whose
    item is gone; returns the number of entries per type (and ``removed``)."""
    summary: dict[str, int] = {}
    for search_type in search_types():
        model = search_type.model
        ct = ContentType.objects.get_for_model(model)
        written = 0
        for item in model._default_manager.order_by("pk").iterator(chunk_size=500):
            with transaction.atomic():
                if entry_update(item) is not None:
                    written += 1
            if progress:
                progress(1)
        summary[search_type.slug] = written
        if settings.SEARCH_BACKEND == "elasticsearch":
            _elastic_rebuild(search_type, ct)
        stale = SearchEntry.objects.filter(content_type=ct).exclude(
            object_id__in=model._default_manager.values("pk")
        )
        removed = 0
        for object_id in stale.values_list("object_id", flat=True):
            entry_delete(content_type_id=ct.pk, object_id=object_id)
            removed += 1
        summary["removed"] = summary.get("removed", 0) + removed
    return summary


def _elastic_rebuild(search_type, ct) -> None:
    """A new Elasticsearch index filled from the entries, swapped in by alias at once."""
    from .backends import elastic

    items = search_type.model._default_manager.in_bulk(
        list(SearchEntry.objects.filter(content_type=ct).values_list("object_id", flat=True))
    )
    entries = SearchEntry.objects.filter(content_type=ct, object_id__in=list(items))
    elastic.rebuild(
        search_type,
        (
            (entry.object_id, elastic.document_body(search_type, items[entry.object_id], entry))
            for entry in entries.iterator()
        ),
    )


def items_count() -> int:
    return sum(t.model._default_manager.count() for t in search_types())
