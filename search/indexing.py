"""Keep search entries in step with their items, after each commit.

Saving or deleting an item of a registered type (or one of its dependents, e.g. a
specimen's image) schedules its entry's update with ``transaction.on_commit``: readers
never find text that was rolled back. Who may see an entry is a copy of the item's view
keys, rewritten in the very transaction that changes them (``rule.item_keys_changed``):
a narrowed distribution hides the entry in the same commit, with nothing to wait for.
"""

from __future__ import annotations

import logging

import elasticsearch
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, transaction
from django.db.models.signals import post_delete, post_save

import portal.core.batching as batching
from portal.access import rule
from portal.core.tasks import enqueue_on_commit, retrying_task

from .backends.database import fulltext_delete, fulltext_write
from .models import SearchEntry
from .registry import (
    SearchDocument,
    SearchType,
    document_for,
    keys_item,
    keys_model,
    search_type_for,
    search_types,
)

logger = logging.getLogger(__name__)


def entry_sync(*, content_type: str, object_id: int) -> SearchEntry | None:
    """Bring the index in step with one item: its database entry and, where configured,
    its Elasticsearch document — written from the item's current state, or removed when
    the item is gone or no longer indexable.

    Plain arguments (``"specimens.specimen"``, a pk) and no request state: it runs after
    a commit, and may run later, elsewhere and again (a background task with retry)."""
    model = apps.get_model(content_type)
    item = model._default_manager.filter(pk=object_id).first()
    if item is None:
        entry_delete(
            content_type_id=ContentType.objects.get_for_model(model).pk, object_id=object_id
        )
        return None
    return entry_update(item)


def entry_update(item) -> SearchEntry | None:
    """Write (or remove) the entry of ``item`` from its current state."""
    search_type = search_type_for(type(item))
    if search_type is None:
        return None
    ct = ContentType.objects.get_for_model(item)
    if not search_type.indexable(item):
        entry_delete(content_type_id=ct.pk, object_id=item.pk)
        return None
    document = document_for(search_type, item)
    holder = keys_item(search_type, item)
    with transaction.atomic():
        # Keys read under the item's lock are no older than the last committed sync, and
        # a sync still to come waits for this write, then rewrites the copy itself. A
        # part's keys are its holder's (``keys_from``): the holder's lock.
        if holder is not None:
            rule.item_lock(ContentType.objects.get_for_model(holder).pk, holder.pk)
        entry, _ = SearchEntry.objects.update_or_create(
            content_type=ct,
            object_id=item.pk,
            defaults={
                **entry_fields(search_type, document),
                "view_keys": rule.keys_copy(entry_keys(search_type, item)),
            },
        )
        fulltext_write(entry)
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
        "facets": document.facets,
        "thumbnail_url": document.thumbnail_url,
        "marks": document.marks,
    }


def entry_keys(search_type: SearchType, item) -> set[str]:
    """Who may find the item: its stored view keys; every member for reference types."""
    if search_type.open_to_members:
        return {rule.MEMBERS}
    holder = keys_item(search_type, item)
    return rule.item_keys(holder) if holder is not None else set()


def _parts_of(model) -> list[SearchType]:
    """The registered types whose entries carry the keys of items of ``model``
    (``keys_from``: a course's lessons)."""
    return [t for t in search_types() if t.keys_from and issubclass(model, keys_model(t))]


def _part_ids(part: SearchType, holder_pk):
    return part.model._default_manager.filter(**{part.keys_from: holder_pk}).values("pk")


def _keys_changed(sender, content_type_id, object_id, view_keys, **kwargs):
    """Rewrite the copy of an item's keys in the transaction that changed them (and of
    its parts' entries, which carry its keys)."""
    if search_type_for(sender) is not None:
        SearchEntry.objects.filter(content_type_id=content_type_id, object_id=object_id).update(
            view_keys=rule.keys_copy(view_keys)
        )
    for part in _parts_of(sender):
        SearchEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(part.model),
            object_id__in=_part_ids(part, object_id),
        ).update(view_keys=rule.keys_copy(view_keys))


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
    fulltext_delete(ids)


def _transient(error: BaseException) -> bool:
    """Worth another try: a lost connection, a timeout, a lock, an overloaded cluster;
    not a mapping or query the server refuses (those are bugs)."""
    if isinstance(error, elasticsearch.ApiError):
        return error.status in {408, 429, 502, 503, 504}
    return True


@retrying_task(
    retry_on=(
        elasticsearch.ConnectionError,
        elasticsearch.ConnectionTimeout,
        elasticsearch.ApiError,
        OperationalError,
    ),
    retry_if=_transient,
)
def entry_sync_task(content_type: str, object_id: int) -> None:
    """``entry_sync`` as a background task (portal/core/tasks.py): the item is saved
    whatever happens here; an Elasticsearch server that is down or busy is tried again
    with backoff, and a rebuild (``rebuild_search_index``) catches up on what gave up."""
    entry_sync(content_type=content_type, object_id=object_id)


def _update_later(model, pk) -> None:
    """Sync the item's entry by a task enqueued on commit (never for a rollback): once per
    item in a ``portal.core.batching`` block (the task reads the item when it runs)."""
    label = model._meta.label_lower
    batching.once(
        ("search.entry", label, pk), lambda: enqueue_on_commit(entry_sync_task, label, pk)
    )


def _parts_later(model, pk) -> None:
    """Sync the entries of the parts that carry this item's keys (its lessons), as the
    item changed: their documents may quote it, and Elasticsearch's copies of the keys."""
    for part in _parts_of(model):
        for part_pk in _part_ids(part, pk).values_list("pk", flat=True):
            _update_later(part.model, part_pk)


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _update_later(sender, instance.pk)


def _holder_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _parts_later(sender, instance.pk)


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
    if item is not None:
        _parts_later(type(item), item.pk)


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
        if search_type.keys_from:
            # A deleted holder deletes its parts, each with its own signal.
            post_save.connect(
                _holder_saved, sender=keys_model(search_type), dispatch_uid=f"{uid}-holder"
            )
        for index, (model, getter) in enumerate(search_type.dependents):
            handler = _dependent_changed(search_type, getter)
            post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}-dep{index}")
            post_delete.connect(
                handler, sender=model, weak=False, dispatch_uid=f"{uid}-dep{index}-d"
            )
