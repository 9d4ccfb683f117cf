"""Keep a lifecycle item's bookkeeping in step with Wagtail's publication and workflow
signals, whichever path moved it (admin, API, workflow, ``publish_scheduled``)."""

from __future__ import annotations

from wagtail.signals import (
    published,
    unpublished,
    workflow_approved,
    workflow_cancelled,
    workflow_rejected,
    workflow_submitted,
)


def _published(sender, instance, revision=None, **kwargs):
    from .models import M2M_KEY, Lifecycle
    from .services import status_sync

    if not isinstance(instance, Lifecycle):
        return
    if not instance.live:  # scheduled for later: nothing reaches readers yet
        status_sync(instance)
        return
    before = getattr(revision, "_lifecycle_before", None) or {
        "keys": set(),
        "published_before": True,
        "user": None,
        "reviewed": False,
    }
    # The revision's distribution and related items (``Lifecycle.serializable_data``);
    # the keys follow by signal, in this transaction. A revision saved from the row's own
    # relations in this transaction (``services.revision_save(m2m_on_row=...)``) has
    # nothing to apply.
    applied = revision is None or getattr(revision, "_lifecycle_m2m_on_row", False)
    for name, pks in () if applied else ((revision.content or {}).get(M2M_KEY) or {}).items():
        field = next((f for f in instance._meta.many_to_many if f.name == name), None)
        if field is not None:
            getattr(instance, name).set(field.related_model._default_manager.filter(pk__in=pks))
    if before["published_before"]:
        instance.version += 1
        type(instance)._default_manager.filter(pk=instance.pk).update(version=instance.version)
    status_sync(instance)
    instance.lifecycle_published(
        previous_keys=set(before["keys"]), user=before["user"], reviewed=before["reviewed"]
    )


def _unpublished(sender, instance, **kwargs):
    from .models import Lifecycle
    from .services import status_sync

    if isinstance(instance, Lifecycle):
        status_sync(instance)


def _workflow_moved(sender, instance, **kwargs):
    """A workflow started, was approved, sent back or cancelled: the item's status."""
    from .models import Lifecycle
    from .services import status_sync

    item = instance.content_object
    if isinstance(item, Lifecycle):
        status_sync(type(item)._default_manager.get(pk=item.pk))


def connect() -> None:
    published.connect(_published, dispatch_uid="lifecycle-published")
    unpublished.connect(_unpublished, dispatch_uid="lifecycle-unpublished")
    for signal in (workflow_submitted, workflow_approved, workflow_rejected, workflow_cancelled):
        signal.connect(_workflow_moved, dispatch_uid=f"lifecycle-{id(signal)}")
