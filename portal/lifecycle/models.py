"""The lifecycle every shared type with a publication step inherits, and its review task.

``Lifecycle`` puts Wagtail's ``WorkflowMixin``, ``DraftStateMixin``, ``LockableMixin`` and
``RevisionMixin`` on top of ``Shareable``: the row of an item is what its readers see
(its *live* version, once published); a draft of a live item lives only in a revision
until it is published. ``Shareable.is_released()`` follows ``live``, so the access rule
gives a draft to its owner country's experts only.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    ModelLogEntry,
    RevisionMixin,
    Task,
    TaskState,
    WorkflowMixin,
)

from portal.access import rule
from portal.access.models import Shareable

#: Key of a revision's content holding the item's many-to-many values (its distribution,
#: related items): Wagtail's revisions store only columns and parental relations.
M2M_KEY = "_m2m"

#: Set while a review task approves an item: the publication that follows is the
#: reviewed one (``Lifecycle.publish`` refuses an unreviewed first publication).
_approving: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "lifecycle_approving", default=None
)
#: While a revision becomes an object (``with_content_json``): the foreign keys the item
#: being revised holds, ``{name: (value, cached object or None)}``.
_fks_held: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "lifecycle_fks_held", default=None
)


class LifecycleStatus(models.TextChoices):
    """Where an item stands, in CONTRACT.md's words (the API's ``status``)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Lifecycle(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, Shareable):
    """A shared item that is written, perhaps reviewed, published, changed and withdrawn.

    - Drafts (``live`` false) are seen by the owner country's experts only.
    - A country that asks for a second expert's review (``review_required_for``) sends
      its items through the "second expert" workflow; others publish directly.
    - Publishing a revision (admin, API, workflow approval, ``publish_scheduled``) writes
      the row, applies the revision's distribution, counts a version and calls
      ``lifecycle_published`` (alerts push there).
    - Withdrawal is a published revision with ``withdrawn`` set: readers keep the item,
      marked withdrawn. Unpublishing takes it away from readers altogether.

    ``status`` and ``version`` are bookkeeping kept by ``portal.lifecycle`` for queries
    (the API, filters, the fan-out); nothing else writes them.
    """

    # A new row is a draft until a revision of it is published (Wagtail's default is
    # live): an item made in code is never shown to readers by accident.
    live = models.BooleanField(verbose_name=_("live"), default=False, editable=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=LifecycleStatus.choices,
        default=LifecycleStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Counts publications.")
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False, editable=False)

    #: Columns that are the item's bookkeeping, not its content (``save`` below).
    BOOKKEEPING_FIELDS = frozenset(
        {
            "latest_revision",
            "has_unpublished_changes",
            "locked",
            "locked_by",
            "locked_at",
            "status",
            "version",
        }
    )

    class Meta:
        abstract = True

    # --- the access rule ---------------------------------------------------------------

    def is_released(self) -> bool:
        return self.live

    # --- review policy -------------------------------------------------------------------

    @classmethod
    def review_required_for(cls, country_code: str | None) -> bool:
        """Whether items of this type owned by ``country_code`` need a second expert's
        review before their first publication. Types override this with their policy."""
        return False

    def review_required(self) -> bool:
        from portal.core.batching import memo

        # Asked by the submission and again by the publication it leads to: read once
        # per ``batching`` block (one move of the item).
        model, owner = type(self), self.owner_country_id
        key = ("lifecycle.review", model._meta.label_lower, owner)
        return bool(memo(key, lambda: model.review_required_for(owner)))

    @classmethod
    def get_default_workflow(cls):
        # Workflows follow the owner country's policy (``get_workflow``), never an
        # assignment of the whole content type in Wagtail's workflow settings.
        return None

    def get_workflow(self):
        if not self.review_required():
            return None
        from .services import review_workflow

        return review_workflow()

    def lifecycle_status(self) -> str:
        """The status the item's state says, in CONTRACT.md's words."""
        if self.live:
            return LifecycleStatus.WITHDRAWN if self.withdrawn else LifecycleStatus.PUBLISHED
        if self.pk and self.workflow_in_progress:
            return LifecycleStatus.IN_REVIEW
        return LifecycleStatus.DRAFT

    # --- writing the row -----------------------------------------------------------------

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk and update_fields is not None and set(update_fields) <= self.BOOKKEEPING_FIELDS:
            # Wagtail saves these on the object it holds, which for a live item being
            # edited carries the *draft's* values in memory: a full save, or the save
            # signals (visibility keys, search), would let readers see the draft.
            # Only these columns are written, without signals.
            values = {}
            for name in update_fields:
                attname = self._meta.get_field(name).attname
                values[attname] = getattr(self, attname)
            type(self)._default_manager.filter(pk=self.pk).update(**values)
            return
        super().save(*args, **kwargs)

    # --- revisions -----------------------------------------------------------------------

    def _m2m_values(self) -> dict[str, list]:
        pending = getattr(self, "_lifecycle_m2m", None) or {}
        values = {}
        for field in self._meta.many_to_many:
            if isinstance(field, ParentalManyToManyField):
                continue  # modelcluster stores these in the revision already
            if field.name in pending:
                values[field.name] = sorted(pending[field.name])
            elif self.pk:
                values[field.name] = sorted(getattr(self, field.name).values_list("pk", flat=True))
        return values

    def serializable_data(self):
        data = super().serializable_data()
        data[M2M_KEY] = self._m2m_values()
        return data

    @classmethod
    def from_serializable_data(cls, data, check_fks=True, strict_fks=False):
        """Wagtail's, but a foreign key whose value the item being revised holds is not
        looked up again (a query each): it exists — the item's row or a validated form
        holds it. The others are checked as Wagtail does."""
        held = _fks_held.get() if check_fks else None
        if not held:
            return super().from_serializable_data(data, check_fks, strict_fks)
        same = {name: held[name] for name in held if name in data and data[name] == held[name][0]}
        obj = super().from_serializable_data(
            {key: value for key, value in data.items() if key not in same}, check_fks, strict_fks
        )
        if obj is not None:
            for name, (value, cached) in same.items():
                field = cls._meta.get_field(name)
                setattr(obj, field.attname, value)
                if cached is not None:
                    field.set_cached_value(obj, cached)
        return obj

    def with_content_json(self, content):
        held = {}
        for field in self._meta.concrete_fields:
            value = field.value_from_object(self) if field.many_to_one else None
            if value is not None:
                held[field.name] = (value, field.get_cached_value(self, None))
        token = _fks_held.set(held)
        try:
            obj = super().with_content_json(content)
        finally:
            _fks_held.reset(token)
        # Bookkeeping of the item as a whole, not of one revision.
        obj.status = self.status
        obj.version = self.version
        # The revision's distribution, applied when it is published (and shown by the
        # edit form, ``portal.lifecycle.viewsets``).
        obj._lifecycle_m2m = content.get(M2M_KEY)
        return obj

    # --- publication ---------------------------------------------------------------------

    def publish(self, revision, user=None, *args, **kwargs):
        """Publish ``revision`` (Wagtail's entry for every path: admin, workflow,
        ``publish_scheduled``, the portal's services). A first publication of an item
        whose country requires review passes only through the review task's approval.
        """
        if user is not None and not self.live and self.review_required() and not _approving.get():
            raise PermissionDenied(
                _("A second expert of the owner country must approve it before it is published.")
            )
        # Read by the ``published`` signal handler, which receives this revision object.
        revision._lifecycle_before = {
            "keys": rule.item_keys(self) if self.live else set(),
            "published_before": self.first_published_at is not None,
            "user": user,
            "reviewed": bool(_approving.get()),
        }
        # Wagtail saves the row, then the ``published`` handler applies the revision's
        # distribution: the keys and search entry are written once, at the block's end.
        with rule.keys_sync_deferred():
            return super().publish(revision, user, *args, **kwargs)

    def lifecycle_published(self, *, previous_keys: set[str], user: Any, reviewed: bool) -> None:
        """Called inside the publishing transaction once a revision went live.

        :param previous_keys: the view keys before (empty for a first publication):
            readers who held one of them had the item already.
        :param user: who published (the approving reviewer, or None for a schedule).
        :param reviewed: whether a review task's approval published it.
        """


class SecondExpertTask(Task):
    """A workflow step: a second expert of the item's owner country approves the item
    (publishing it) or sends it back to its author. Who may is ``rule.can_review``: an
    expert of the owner country other than the one who submitted it."""

    class Meta:
        verbose_name = _("second expert of the owner country")
        verbose_name_plural = _("second expert of the owner country")

    @staticmethod
    def _may_review(obj, user, workflow_state=None) -> bool:
        state = workflow_state or getattr(obj, "current_workflow_state", None)
        submitter = state.requested_by_id if state is not None else None
        return rule.can_review(user, obj, submitted_by_id=submitter)

    def get_actions(self, obj, user):
        if not self._may_review(obj, user):
            return []
        return [
            ("reject", _("Send back to its author"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        # The task state named by an admin URL is not tied to the object of that URL by
        # Wagtail: the decision is taken again on the task state's own object.
        state = task_state.workflow_state
        if not self._may_review(state.content_object, user, state):
            raise PermissionDenied(_("A second expert of the owner country reviews it."))
        token = _approving.set(user if action_name == "approve" else None)
        try:
            return super().on_action(task_state, user, action_name, **kwargs)
        finally:
            _approving.reset(token)

    def locked_for_user(self, obj, user):
        # While in review only reviewers change it; its author may cancel the review.
        return not self._may_review(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """Task states of items the user may review (the dashboard's "awaiting your
        review"): never an item of a country they are not an expert of."""
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).exclude(
            workflow_state__requested_by=user
        )
        keep = Q(pk__in=[])
        type_ids = states.values_list("workflow_state__base_content_type_id", flat=True)
        for type_id in set(type_ids):
            model = ContentType.objects.get_for_id(type_id).model_class()
            if model is None or not issubclass(model, Shareable):
                continue
            ids = rule.reviewable(user=user, queryset=model._default_manager.all())
            keep |= Q(
                workflow_state__base_content_type_id=type_id,
                workflow_state__object_id__in=ids.annotate(id_text=Cast("pk", CharField())).values(
                    "id_text"
                ),
            )
        return states.filter(keep)

    @classmethod
    def get_description(cls):
        return _(
            "An expert of the item's owner country, other than the one who submitted it, "
            "approves or sends it back."
        )


class LifecycleLogEntry(ModelLogEntry):
    """Wagtail's history entry of a shared item with a lifecycle (the same table and
    views as ``ModelLogEntry``: a proxy).

    Wagtail's log entries run ``full_clean`` on save, which asks the database whether the
    content type, the user and the revision they name exist: three queries per entry, six
    per publication, for rows the caller holds, just written or read. An entry given those
    objects (as Wagtail's ``log_action`` always gives them) is not asked again; one given
    a bare id is checked as before, and so is everything else (a registered action).
    """

    HELD_RELATIONS = ("content_type", "user", "revision")

    class Meta:
        proxy = True

    def _held(self, name: str) -> bool:
        """Whether the entry holds the row its ``name`` field points at, as a saved
        object (read from, or written to, the database in this process)."""
        field = self._meta.get_field(name)
        if not field.is_cached(self):
            return False
        related = field.get_cached_value(self)
        return related is not None and related.pk is not None and not related._state.adding

    def save(self, *args, **kwargs):
        self.full_clean(exclude=[name for name in self.HELD_RELATIONS if self._held(name)])
        # ``BaseLogEntry.save`` would clean everything again.
        return models.Model.save(self, *args, **kwargs)
