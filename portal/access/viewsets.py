"""A Wagtail snippet viewset for shared content types, filtered by the access rule.

Every view of the viewset finds its object among the items the user may view, so an
item of another country that is not shared with the user is a 404 in the admin too;
the listing shows what the user may edit, and the chooser modal (foreign keys to the
model, e.g. a forgery's genuine reference) offers only what the user may view.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from . import rule

#: Views that only show an object; every other object view changes it.
READ_ONLY_VIEWS = {"inspect", "history", "usage", "revisions_compare", "preview_revision"}


class VisibleObjectMixin:
    """Look objects up only among the items the requesting user may view."""

    def _restrict(self, queryset):
        return rule.visible_to(user=self.request.user, queryset=queryset)

    def get_queryset(self):
        # Listing views build their queryset from the viewset (below); object views
        # come through here from Django's SingleObjectMixin.
        view_name = getattr(self, "view_name", "")
        if view_name == "usage":
            return self._visible_references()
        queryset = super().get_queryset()
        if view_name in {"list", "list_results"}:
            return queryset
        return self._restrict(queryset)

    def _visible_references(self):
        """The usage view's list of items referring to this one, without invisible ones
        (another country's forgery citing this genuine specimen must not be named)."""
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import CharField
        from django.db.models.functions import Cast
        from wagtail.models import ReferenceIndex

        from .signal_handlers import shareable_models

        references = ReferenceIndex.get_references_to(self.object)
        for model in shareable_models():
            visible = rule.visible_to(user=self.request.user, queryset=model.objects.all())
            visible_ids = visible.annotate(id_text=Cast("pk", CharField())).values("id_text")
            references = references.exclude(
                content_type=ContentType.objects.get_for_model(model)
            ) | references.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=visible_ids
            )
        return references.group_by_source_object()

    def get_base_object_queryset(self):
        return self._restrict(super().get_base_object_queryset())

    def get_object(self, *args, **kwargs):
        item = super().get_object(*args, **kwargs)
        # Wagtail checks model-level permissions; the instance's change keys decide here.
        changes = getattr(self, "view_name", "") not in READ_ONLY_VIEWS
        if item is not None and changes and not rule.can_change(self.request.user, item):
            raise PermissionDenied
        return item


class VisibleChoicesMixin:
    """The chooser modal (used by foreign keys to the model) lists only visible items."""

    def get_object_list(self):
        return rule.visible_to(user=self.request.user, queryset=super().get_object_list())


class VisibleChosenMixin:
    """Choosing an item by id answers only for visible items (404 otherwise)."""

    def get_object(self, pk):
        queryset = rule.visible_to(user=self.request.user, queryset=self.model_class.objects.all())
        return queryset.get(pk=pk)

    def get_objects(self, pks):
        return rule.visible_to(user=self.request.user, queryset=super().get_objects(pks))


class ShareableChooserViewSet(SnippetChooserViewSet):
    """Wagtail's snippet chooser, asking the access rule like every other admin view."""

    choose_view_class = type("VisibleChooseView", (VisibleChoicesMixin, ChooseView), {})
    choose_results_view_class = type(
        "VisibleChooseResultsView", (VisibleChoicesMixin, ChooseResultsView), {}
    )
    chosen_view_class = type("VisibleChosenView", (VisibleChosenMixin, SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "VisibleChosenMultipleView", (VisibleChosenMixin, SnippetChosenMultipleView), {}
    )


class ShareableSnippetViewSet(SnippetViewSet):
    """Register a ``Shareable`` model in the admin with the access rule in every view."""

    chooser_viewset_class = ShareableChooserViewSet

    def get_queryset(self, request):
        return rule.visible_to(
            user=request.user, queryset=self.model._default_manager.all(), action=rule.CHANGE
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for attr in dir(type(self)):
            if not attr.endswith("_view_class") or attr.startswith("index"):
                continue
            view_class = getattr(self, attr, None)
            if isinstance(view_class, type) and not issubclass(view_class, VisibleObjectMixin):
                restricted = type(
                    f"Visible{view_class.__name__}", (VisibleObjectMixin, view_class), {}
                )
                setattr(self, attr, restricted)
