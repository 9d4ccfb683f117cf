"""Wagtail's workflow listings held to the access rule.

Wagtail lists workflow states and task states of every snippet whose *type* the user
may edit: the workflow reports (``/admin/reports/workflow/``, ``.../workflow_tasks/``)
and the dashboard's "your items in a workflow" and "awaiting your review" panels. Here
they leave out the states of shared items the user may not see, for every model at once
(``install``, from ``LifecycleConfig.ready``), as ``access.admin_guard`` does for usage
counts. ``tests/access`` probes them with every level and user.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from portal.access import rule


def _lifecycle_models() -> list:
    from django.apps import apps

    from .models import Lifecycle

    return [m for m in apps.get_models() if issubclass(m, Lifecycle)]


def states_visible(queryset: QuerySet, user, *, prefix: str = "") -> QuerySet:
    """Leave out of ``queryset`` (workflow states, or task states with ``prefix``
    ``"workflow_state__"``) those of items ``user`` may not edit: a state names the
    draft in review (its title), which the live item's readers may not see."""
    if user is None or rule.ALL in rule.user_keys(user):
        return queryset
    hidden = Q()
    for model in _lifecycle_models():
        # A state in a workflow is about a draft: its editors' business (change keys).
        visible = rule.visible_to(
            user=user, queryset=model._default_manager.all(), action=rule.CHANGE
        )
        hidden |= Q(
            **{f"{prefix}base_content_type": ContentType.objects.get_for_model(model)}
        ) & ~Q(
            **{
                f"{prefix}object_id__in": visible.annotate(id_text=Cast("pk", CharField())).values(
                    "id_text"
                )
            }
        )
    return queryset.exclude(hidden)


def _editable_item(user, item) -> bool:
    from portal.access.models import Shareable

    return item is not None and (not isinstance(item, Shareable) or rule.can_change(user, item))


def install() -> None:
    """Wrap the workflow reports' querysets and the dashboard's workflow panels (once)."""
    from wagtail.admin.views import home
    from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

    if getattr(WorkflowView, "_portal_guarded", False):
        return

    def guard_queryset(view_class, prefix):
        original = view_class.get_queryset

        def get_queryset(self):
            return states_visible(original(self), self.request.user, prefix=prefix)

        view_class.get_queryset = get_queryset

    guard_queryset(WorkflowView, "")
    guard_queryset(WorkflowTasksView, "workflow_state__")

    in_moderation = home.UserObjectsInWorkflowModerationPanel.get_context_data

    def in_moderation_context(self, parent_context):
        context = in_moderation(self, parent_context)
        user = parent_context["request"].user
        context["workflow_states"] = [
            state
            for state in context["workflow_states"]
            if _editable_item(user, state.content_object)
        ]
        return context

    to_moderate = home.WorkflowObjectsToModeratePanel.get_context_data

    def to_moderate_context(self, parent_context):
        context = to_moderate(self, parent_context)
        user = parent_context["request"].user
        context["states"] = [s for s in context["states"] if _editable_item(user, s["obj"])]
        return context

    home.UserObjectsInWorkflowModerationPanel.get_context_data = in_moderation_context
    home.WorkflowObjectsToModeratePanel.get_context_data = to_moderate_context
    WorkflowView._portal_guarded = True
