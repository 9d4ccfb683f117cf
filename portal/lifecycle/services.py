"""Moving shared items through their lifecycle, on Wagtail's revisions and workflows.

The Wagtail admin does the same through its own views (publish, submit, approve, send
back, unpublish, schedule); these are the entries of the portal's pages and API. Who
may do what is asked of ``portal.access.rule``; the review task decides again itself.
Each runs in one ``rule.keys_sync_deferred()`` block (a transaction): however many
times a move saves the item, its visibility keys and search entry are written once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Revision, Workflow, WorkflowState, WorkflowTask

from portal.access import rule

from .models import Lifecycle, LifecycleStatus, SecondExpertTask

#: The name of the workflow that countries requiring review send their items through.
REVIEW_WORKFLOW_NAME = "Second expert of the owner country"


def review_workflow() -> Workflow:
    """The active workflow with the second-expert task, made again if an administrator
    deactivated or deleted it: a country that requires review never publishes unreviewed.
    """
    workflow = (
        Workflow.objects.filter(
            active=True,
            workflow_tasks__task__active=True,
            workflow_tasks__task__content_type__model="secondexperttask",
        )
        .order_by("pk")
        .first()
    )
    if workflow is not None:
        return workflow
    with transaction.atomic():
        task = SecondExpertTask.objects.filter(active=True).first()
        if task is None:
            task = SecondExpertTask.objects.create(name=REVIEW_WORKFLOW_NAME)
        workflow = Workflow.objects.create(name=REVIEW_WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def status_sync(item: Lifecycle) -> str:
    """Write the item's ``status`` from its state (live, withdrawn, in a workflow)."""
    status = item.lifecycle_status()
    if status != item.status:
        item.status = status
        type(item)._default_manager.filter(pk=item.pk).update(status=status)
    return status


def revision_save(
    *, item: Lifecycle, user: Any, m2m_on_row: dict[str, list] | None = None
) -> Revision:
    """Record the item as it is in memory as its latest revision (a draft).

    :param m2m_on_row: the item's many-to-many values (primary keys) exactly as its row
        holds them now — an item created in this transaction, whose relations were just
        written. The revision stores them without reading them back, and publishing this
        revision object in the same transaction does not write them again.
    """
    user = user if _is_user(user) else None
    if m2m_on_row is None:
        return item.save_revision(user=user, log_action=True, clean=False)
    pending = getattr(item, "_lifecycle_m2m", None)
    item._lifecycle_m2m = m2m_on_row
    try:
        revision = item.save_revision(user=user, log_action=True, clean=False)
    finally:
        item._lifecycle_m2m = pending
    revision._lifecycle_m2m_on_row = True
    return revision


def _is_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _fresh(item: Lifecycle) -> Lifecycle:
    return type(item)._default_manager.get(pk=item.pk)


@rule.keys_sync_deferred()
def item_publish(*, item: Lifecycle, user: Any, revision: Revision | None = None) -> Lifecycle:
    """Publish ``revision`` (by default the latest, saved first if there is none)."""
    revision = revision or item.latest_revision or revision_save(item=item, user=user)
    revision.publish(user=user if _is_user(user) else None)
    return _fresh(item)


@rule.keys_sync_deferred()
def item_submit(*, item: Lifecycle, user: Any) -> Lifecycle:
    """A finished draft goes to review where its country requires it, else is published."""
    workflow = item.get_workflow()
    if workflow is None:
        return item_publish(item=item, user=user)
    state = item.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
    elif state is not None:
        raise ValidationError({"status": [_("It is in review already.")]})
    else:
        if item.latest_revision is None:
            revision_save(item=item, user=user)
        workflow.start(item, user)
    fresh = _fresh(item)
    status_sync(fresh)
    return fresh


@rule.keys_sync_deferred()
def item_review(*, item: Lifecycle, user: Any, approve: bool, comment: str = "") -> Lifecycle:
    """The current review task approves (and so publishes) or sends back the item, if
    ``user`` is one of its reviewers (the task asks ``rule.can_review``)."""
    task_state = item.current_workflow_task_state
    if task_state is None:
        raise ValidationError({"status": [_("Only items in review can be approved or sent back.")]})
    task = task_state.task.specific
    action = "approve" if approve else "reject"
    if action not in {name for name, _label, _modal in task.get_actions(item, user)}:
        raise PermissionDenied(_("A second expert of the owner country must review it."))
    task.on_action(task_state, user, action, comment=comment)
    fresh = _fresh(item)
    status_sync(fresh)
    return fresh


@rule.keys_sync_deferred()
def item_review_cancel(*, item: Lifecycle, user: Any) -> Lifecycle:
    """Take an item out of review (its author or a reviewer): it is a draft again."""
    state = item.current_workflow_state
    if state is None:
        raise ValidationError({"status": [_("Only items in review can be sent back.")]})
    if not state.user_can_cancel(user):
        raise PermissionDenied(_("Only its author or a reviewer can take it out of review."))
    state.cancel(user=user)
    fresh = _fresh(item)
    status_sync(fresh)
    return fresh


@rule.keys_sync_deferred()
def item_withdraw(*, item: Lifecycle, user: Any) -> Lifecycle:
    """Withdraw a published item: a new published version marked withdrawn, which its
    readers keep seeing (never an unpublication, which would take it from them)."""
    live = _fresh(item)
    if not live.live or live.withdrawn:
        raise ValidationError({"status": [_("Only published items can be withdrawn.")]})
    live.withdrawn = True
    revision = revision_save(item=live, user=user)
    return item_publish(item=live, user=user, revision=revision)


@rule.keys_sync_deferred()
def item_live_change(
    *, item: Lifecycle, user: Any, m2m: dict[str, list] | None = None
) -> Lifecycle:
    """Publish the changes made in memory to a live item at once, as a new version (the
    API's ``PATCH``): readers get it in the same commit, search and push included.

    :param m2m: many-to-many values to publish with it (field name → primary keys).
    """
    if m2m:
        item._lifecycle_m2m = {**(getattr(item, "_lifecycle_m2m", None) or {}), **m2m}
    revision = revision_save(item=item, user=user)
    return item_publish(item=item, user=user, revision=revision)


def published_status(item: Lifecycle) -> bool:
    return item.status in {LifecycleStatus.PUBLISHED, LifecycleStatus.WITHDRAWN}
