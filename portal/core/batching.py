"""Work that a block of changes needs once, done at the block's end, inside its transaction.

A service that saves an item several times in one transaction (create it, set its
distribution, save a revision, publish it) used to have every save's signal handlers
redo the same work: rewrite the item's visibility keys and their copies, enqueue its
search entry's update. Inside ``batched()`` those handlers call ``once(key, func)``
instead, and each key's work runs once when the block ends — still inside the block's
transaction, so what commits is exactly what the immediate work would have committed::

    with batched():
        item.save()                      # handlers: once(("keys", ct, pk), sync)
        item.shared_networks.set(...)    # the same key: recorded once
    # here the item's keys were written once, before the commit

Outside a block ``once`` runs ``func`` at once: every path that does not open a block
(the admin's own saves, a shell) behaves as before.

Rules that keep it correct:

- ``func`` reads the state it writes from the database when it runs (never from an object
  held by the caller), so running it later can only be more up to date.
- A block is a ``transaction.atomic`` block: if it raises, its changes roll back with the
  pending work, which is dropped. Work recorded in an inner savepoint that rolls back runs
  anyway at the end (redoing it from the database state is harmless).
- Readers that must see the work of the block (the access rule reading an item's stored
  keys) call ``run_now(key)`` first: the work is deferred, never skipped.
- Blocks nest: only the outermost runs the work, at its end, and only it opens a
  savepoint (when it is itself inside a transaction): an error in an inner block rolls
  the whole outer block back.

Wagtail's reference index (which the admin's usage counts read) is kept the same way:
inside a block Wagtail's own save handler is off, and each saved object of a model Wagtail
tracks has its references indexed once, at the block's end, by Wagtail's own task
(``update_reference_index_task``, which reads the object when it runs); a deletion
removes its references at once, as Wagtail's handler does.

The pending work belongs to the database connection (Django gives each thread its own),
as the transaction does.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

from django.db import transaction

_ATTR = "_portal_batched_work"
_REFERENCES_ATTR = "_portal_batched_references"
_MEMO_ATTR = "_portal_batched_memo"
_DEPTH_ATTR = "_portal_batched_depth"


def _pending() -> dict[Hashable, Callable[[], object]] | None:
    return getattr(transaction.get_connection(), _ATTR, None)


@contextmanager
def batched() -> Iterator[None]:
    """A transaction in which ``once`` work is recorded and run once per key at its end."""
    connection = transaction.get_connection()
    if getattr(connection, _ATTR, None) is not None:  # an outer block runs the work
        # No savepoint of its own (two round trips each, and a publication nests three
        # blocks): an error inside rolls back the outer block's transaction with it.
        with transaction.atomic(savepoint=False):
            yield
        return
    from wagtail.signal_handlers import reference_index_auto_update_disabled as references_off

    pending: dict[Hashable, Callable[[], object]] = {}
    # Wagtail's reference index: its own handler is off in the block (unless someone
    # switched it off already), ours records the saves (``_references_saved``).
    own_references = not getattr(references_off, "value", False)
    if own_references:
        _references_connect()
    with transaction.atomic():
        # Savepoints opened below this depth may roll back what work run early wrote.
        setattr(connection, _DEPTH_ATTR, len(connection.savepoint_ids))
        setattr(connection, _ATTR, pending)
        setattr(connection, _MEMO_ATTR, {})
        setattr(connection, _REFERENCES_ATTR, own_references)
        if own_references:
            references_off.value = True
        try:
            yield
            # Work may record more work (in order of first record); run until none is left.
            while pending:
                key = next(iter(pending))
                pending.pop(key)()
        finally:
            setattr(connection, _ATTR, None)
            setattr(connection, _MEMO_ATTR, None)
            setattr(connection, _DEPTH_ATTR, 0)
            setattr(connection, _REFERENCES_ATTR, False)
            if own_references:
                del references_off.value


def in_block() -> bool:
    return _pending() is not None


def once(key: Hashable, func: Callable[[], object]) -> None:
    """Run ``func`` at the end of the open block, once for ``key`` (the first ``func``
    recorded for it), or now when no block is open."""
    pending = _pending()
    if pending is None:
        func()
    else:
        pending.setdefault(key, func)


def memo(key: Hashable, func: Callable[[], object]) -> object:
    """``func()``, computed once per open block (a policy read several times by one
    move); computed every time outside a block."""
    cache = getattr(transaction.get_connection(), _MEMO_ATTR, None)
    if cache is None:
        return func()
    if key not in cache:
        cache[key] = func()
    return cache[key]


def _run_early(pending: dict, key: Hashable) -> None:
    """Run ``key``'s work before the block ends. Inside a savepoint opened in the block,
    what it writes may yet be rolled back with that savepoint: the work then stays
    pending too, and the block's end does it again (it reads the database, so doing it
    twice is harmless; skipping it would leave stale keys)."""
    connection = transaction.get_connection()
    inner = len(connection.savepoint_ids) > getattr(connection, _DEPTH_ATTR, 0)
    func = pending[key] if inner else pending.pop(key)
    func()


def run_now(key: Hashable) -> None:
    """Run the pending work of ``key`` now, if any (for a reader that must see it)."""
    pending = _pending()
    if pending and key in pending:
        _run_early(pending, key)


def run_matching(predicate: Callable[[Hashable], bool]) -> None:
    """Run now the pending work of every key ``predicate`` accepts."""
    pending = _pending()
    if not pending:
        return
    for key in [key for key in pending if predicate(key)]:
        if key in pending:
            _run_early(pending, key)


# --- Wagtail's reference index, once per object and block -----------------------------


def _references_deferred() -> bool:
    return bool(getattr(transaction.get_connection(), _REFERENCES_ATTR, False))


def _references_saved(sender, instance, raw=False, **kwargs):
    if raw or not _references_deferred():
        return
    from wagtail.tasks import update_reference_index_task

    app_label, model_name, pk = sender._meta.app_label, sender._meta.model_name, str(instance.pk)
    once(
        ("wagtail.references", app_label, model_name, pk),
        lambda: update_reference_index_task.enqueue(app_label, model_name, pk),
    )


def _references_deleted(sender, instance, **kwargs):
    if not _references_deferred():
        return
    from wagtail.models import ReferenceIndex

    with transaction.atomic():
        ReferenceIndex.remove_for_object(instance)
        ReferenceIndex.remove_references_to(instance)


def _references_connect() -> None:
    """Listen to the models Wagtail tracks (the set grows as apps register models), each
    by name: a receiver for every model would make every ``QuerySet.delete()`` fetch its
    rows to send signals, where Django otherwise deletes them in one statement."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import ReferenceIndex

    for model in ReferenceIndex.tracked_models:
        uid = f"batching-references-{model._meta.label_lower}"
        post_save.connect(_references_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_references_deleted, sender=model, dispatch_uid=uid)
