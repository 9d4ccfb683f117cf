"""The admin viewset of a lifecycle type: Wagtail's snippet views with drafts, revisions,
workflow, locking and scheduling, held to the access rule like every shared type.

On top of ``ShareableSnippetViewSet`` (every object view looks its id up through the rule):

- the edit form of a live item shows and saves the *draft's* many-to-many values (its
  distribution, related items), which live in the revision until published;
- the workflow action views accept only a task state of the object named in the URL
  (Wagtail looks the task state up by id alone).
"""

from __future__ import annotations

from django.http import Http404
from wagtail.snippets.views.snippets import (
    CollectWorkflowActionDataView,
    CreateView,
    EditView,
    WorkflowActionView,
)

from portal.access.viewsets import ShareableSnippetViewSet


class DraftRelationsMixin:
    """Create and edit views: many-to-many values travel with the revision."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        pending = getattr(self.object, "_lifecycle_m2m", None) if self.object else None
        if pending:
            kwargs["initial"] = {**(kwargs.get("initial") or {}), **pending}
        return kwargs

    def save_instance(self):
        form = self.form
        names = {field.name for field in form._meta.model._meta.many_to_many}
        form.instance._lifecycle_m2m = {
            name: [obj.pk for obj in form.cleaned_data.get(name) or []]
            for name in form.fields
            if name in names and name in form.cleaned_data
        }
        return super().save_instance()


class TaskStateOfObjectMixin:
    """A workflow action names its task state by id: it must be one of this object's."""

    def get_task_state(self):
        state = super().get_task_state()
        workflow_state = state.workflow_state
        if workflow_state.base_content_type_id != self.object.get_base_content_type().pk or (
            workflow_state.object_id != str(self.object.pk)
        ):
            raise Http404("No such task on this item.")
        return state


class LifecycleCreateView(DraftRelationsMixin, CreateView):
    pass


class LifecycleEditView(DraftRelationsMixin, EditView):
    pass


class LifecycleSnippetViewSet(ShareableSnippetViewSet):
    """Register a ``Lifecycle`` model in the admin (subclass views from this module)."""

    add_view_class = LifecycleCreateView
    edit_view_class = LifecycleEditView
    workflow_action_view_class = type(
        "LifecycleWorkflowActionView", (TaskStateOfObjectMixin, WorkflowActionView), {}
    )
    collect_workflow_action_data_view_class = type(
        "LifecycleCollectWorkflowActionDataView",
        (TaskStateOfObjectMixin, CollectWorkflowActionDataView),
        {},
    )
