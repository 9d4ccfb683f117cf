"""Keep search entries in step with their items, after each commit.

Saving or deleting an item of a registered type (or one of its dependents, e.g. a
specimen's image) schedules its entry's update with ``transaction.on_commit``: readers
never find text that was rolled back. Who may see an entry is a copy of the item's view
keys, rewritten in the very transaction that changes them (``rule.item_keys_changed``):
a narrowed distribution hides the entry in the same commit, with nothing to wait for.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from portal.access import rule

from .models import SearchEntry
from .registry import SearchDocument, SearchType, search_type_for, search_types

logger = logging.getLogger(__name__)

#: PostgreSQL text-search configuration (English stems, accents removed): migration 0002.
POSTGRES_CONFIG = "portal_search"


def entry_update(item) -> SearchEntry | None:
    """Write (or remove) the entry of ``item`` from its current state."""
    search_type = search_type_for(type(item))
    if search_type is None:
        return None
    ct = ContentType.objects.get_for_model(item)
    if not search_type.indexable(item):
        entry_delete(content_type_id=ct.pk, object_id=item.pk)
        return None
    document = search_type.document(item)
    with transaction.atomic():
        # Keys read under the item's lock are no older than the last committed sync, and
        # a sync still to come waits for this write, then rewrites the copy itself.
        rule.item_lock(ct.pk, item.pk)
        entry, _ = SearchEntry.objects.update_or_create(
            content_type=ct,
            object_id=item.pk,
            defaults={
                **entry_fields(search_type, document),
                "view_keys": rule.keys_copy(entry_keys(search_type, item)),
            },
        )
        _fulltext_write(entry)
    if settings.SEARCH_BACKEND == "elasticsearch":
        from .backends import elastic

        elastic.document_write(search_type, item, entry)
    return entry


def entry_fields(search_type: SearchType, document: SearchDocument) -> dict:
    """The stored fields of an entry, from its item's document."""
    return {
        "type": search_type.slug,
        "title": document.title[:300],
        "body": document.body,
        "url": document.url,
        "issuing_country": document.issuing_country or "",
        "document_type": document.document_type or "",
        "fraud_type": document.fraud_type or "",
        "light_sources": sorted(set(document.light_sources)),
        "thumbnail_url": document.thumbnail_url,
        "marks": document.marks,
    }


def entry_keys(search_type: SearchType, item) -> set[str]:
    """Who may find the item: its stored view keys; every member for reference types."""
    if search_type.open_to_members:
        return {rule.MEMBERS}
    return rule.item_keys(item)


def _keys_changed(sender, content_type_id, object_id, view_keys, **kwargs):
    """Rewrite the copy of an item's keys in the transaction that changed them."""
    if search_type_for(sender) is not None:
        SearchEntry.objects.filter(content_type_id=content_type_id, object_id=object_id).update(
            view_keys=rule.keys_copy(view_keys)
        )


def entry_delete(*, content_type_id: int, object_id: int) -> None:
    ids = list(
        SearchEntry.objects.filter(
            content_type_id=content_type_id, object_id=object_id
        ).values_list("pk", flat=True)
    )
    if settings.SEARCH_BACKEND == "elasticsearch":
        from .backends import elastic

        model = ContentType.objects.get_for_id(content_type_id).model_class()
        search_type = search_type_for(model) if model else None
        if search_type is not None:
            elastic.document_delete(search_type, object_id)
    if not ids:
        return
    SearchEntry.objects.filter(pk__in=ids).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_entry_fts WHERE rowid = %s", [[i] for i in ids])


def _fulltext_write(entry: SearchEntry) -> None:
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


def _update_later(model, pk) -> None:
    def run() -> None:
        item = model._default_manager.filter(pk=pk).first()
        try:
            if item is None:
                entry_delete(
                    content_type_id=ContentType.objects.get_for_model(model).pk, object_id=pk
                )
            else:
                entry_update(item)
        except Exception:  # the item is saved; search catches up on the next save or rebuild
            logger.exception("The search entry of %s %s could not be written", model.__name__, pk)

    transaction.on_commit(run)


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _update_later(sender, instance.pk)


def _deleted(sender, instance, **kwargs):
    _update_later(sender, instance.pk)


def _dependent_changed(search_type: SearchType, getter):
    def handler(sender, instance, raw=False, **kwargs):
        if raw:
            return
        item = getter(instance)
        if item is not None and item.pk:
            _update_later(search_type.model, item.pk)

    return handler


def _grant_changed(sender, instance, raw=False, **kwargs):
    """A guardian grant changes an item's keys without saving the item: Elasticsearch
    documents carry the keys, so the entry is written again (the database entries' copy
    was rewritten with the keys, by ``_keys_changed``)."""
    if raw or settings.SEARCH_BACKEND != "elasticsearch":
        return
    item = getattr(instance, "content_object", None)
    if item is not None and search_type_for(type(item)) is not None:
        _update_later(type(item), item.pk)


def connect() -> None:
    """Wire the signals of every registered type (called once the apps have registered)."""
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    rule.item_keys_changed.connect(_keys_changed, dispatch_uid="search-keys")

    for model in apps.get_models():
        if issubclass(model, UserObjectPermissionBase | GroupObjectPermissionBase):
            post_save.connect(_grant_changed, sender=model, dispatch_uid=f"search-grant-{model}")
            post_delete.connect(
                _grant_changed, sender=model, dispatch_uid=f"search-ungrant-{model}"
            )
    for search_type in search_types():
        uid = f"search-{search_type.slug}"
        post_save.connect(_saved, sender=search_type.model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=search_type.model, dispatch_uid=uid)
        for index, (model, getter) in enumerate(search_type.dependents):
            handler = _dependent_changed(search_type, getter)
            post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}-dep{index}")
            post_delete.connect(
                handler, sender=model, weak=False, dispatch_uid=f"{uid}-dep{index}-d"
            )
