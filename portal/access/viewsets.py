"""A Wagtail snippet viewset for shared content types, filtered by the access rule.

Every view of the viewset finds its object among the items the user may view, so an
item of another country that is not shared with the user is a 404 in the admin too;
the listing shows what the user may edit, and the chooser modal (foreign keys to the
model, e.g. a forgery's genuine reference) offers only what the user may view, and its
widget names only such items. Generic admin paths outside the viewset (bulk actions,
usage counts) are guarded in ``admin_guard``; form fields in ``admin_forms``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail.models import DraftStateMixin
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from . import rule
from .admin_forms import VisibleSnippetChooser
from .admin_guard import clean_ids

#: Views that only show an object; every other object view changes it.
READ_ONLY_VIEWS = {"inspect", "history", "usage", "revisions_compare", "preview_revision"}
#: Of those, the ones that show only the live row of an item with drafts: history, usage
#: and revisions name and show the latest revision — a draft its readers may not see (a
#: new title, a narrower distribution) — so for those items they are its editors' views.
LIVE_VIEWS = {"inspect"}


class VisibleObjectMixin:
    """Look objects up only among the items the requesting user may view.

    Every object view of the viewset (edit, delete, copy, history, usage, inspect, and
    whatever a Wagtail upgrade adds: revisions, lock, workflow ...) receives the object's
    id as ``pk``: before the view does anything with it, an item the user may not see is
    a 404, exactly like an id that does not exist, and the answer goes to the access log.
    """

    def setup(self, request, *args, **kwargs):
        if "pk" in kwargs:
            from django.contrib.admin.utils import unquote

            rule.get_visible_or_404(
                user=request.user,
                queryset=self.model._default_manager.all(),
                pk=unquote(str(kwargs["pk"])),
            )
        super().setup(request, *args, **kwargs)

    def get_queryset(self):
        # Listing views build their queryset from the viewset (below); object views
        # come through here from Django's SingleObjectMixin.
        queryset = super().get_queryset()
        listing = getattr(self, "view_name", "") in {"list", "list_results"}
        # History and usage views list log entries and references, not items.
        model = getattr(queryset, "model", None)
        if listing or model is None or not issubclass(model, self.model):
            return queryset
        return self._restrict(queryset)

    def _restrict(self, queryset):
        return rule.visible_to(user=self.request.user, queryset=queryset)

    def get_base_object_queryset(self):
        return self._restrict(super().get_base_object_queryset())

    def get_object(self, *args, **kwargs):
        item = super().get_object(*args, **kwargs)
        # Wagtail checks model-level permissions; the instance's change keys decide here.
        read_only = LIVE_VIEWS if isinstance(item, DraftStateMixin) else READ_ONLY_VIEWS
        changes = getattr(self, "view_name", "") not in read_only
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
        return rule.get_visible_or_404(
            user=self.request.user, queryset=self.model_class.objects.all(), pk=pk
        )

    def get_objects(self, pks):
        queryset = self.model_class.objects.filter(pk__in=clean_ids(self.model_class, pks))
        return rule.visible_to(user=self.request.user, queryset=queryset)


class WellFormedChosenMixin:
    """An id that is not a well-formed key of the model is not found, like a missing one
    (Wagtail's chooser answers ``chosen/not-a-number/`` with a server error)."""

    def get_object(self, pk):
        if not clean_ids(self.model_class, [pk]):
            raise self.model_class.DoesNotExist
        return super().get_object(pk)

    def get_objects(self, pks):
        return super().get_objects(clean_ids(self.model_class, pks))


class PortalChooserViewSet(SnippetChooserViewSet):
    """The chooser of every snippet type of the portal."""

    chosen_view_class = type("WellFormedChosenView", (WellFormedChosenMixin, SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "WellFormedChosenMultipleView", (WellFormedChosenMixin, SnippetChosenMultipleView), {}
    )


class PortalSnippetViewSet(SnippetViewSet):
    """Every snippet type of the portal registers with this (or ``ShareableSnippetViewSet``)."""

    chooser_viewset_class = PortalChooserViewSet


class ShareableChooserViewSet(PortalChooserViewSet):
    """Wagtail's snippet chooser, asking the access rule like every other admin view."""

    base_widget_class = VisibleSnippetChooser
    choose_view_class = type("VisibleChooseView", (VisibleChoicesMixin, ChooseView), {})
    choose_results_view_class = type(
        "VisibleChooseResultsView", (VisibleChoicesMixin, ChooseResultsView), {}
    )
    chosen_view_class = type("VisibleChosenView", (VisibleChosenMixin, SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "VisibleChosenMultipleView", (VisibleChosenMixin, SnippetChosenMultipleView), {}
    )


class ShareableSnippetViewSet(PortalSnippetViewSet):
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
