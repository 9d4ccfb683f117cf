"""Alerts in the Wagtail admin, through the access rule like every shared type."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.compare import ForeignObjectComparison, register_comparison_class
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet

from portal.access import rule
from portal.access.viewsets import PortalSnippetViewSet
from portal.lifecycle.viewsets import LifecycleSnippetViewSet
from portal.specimens.models import Specimen, SpecimenImage

from . import selectors
from .admin_views import AlertCreateView, AlertEditView
from .models import AlertBulletin, CountryAlertPolicy


class AlertViewSet(LifecycleSnippetViewSet):
    model = AlertBulletin
    icon = "warning"
    menu_label = _("Fraud alerts")
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["title", "severity", "tlp", "status", "distribution_level", "published_at"]
    list_filter = ["severity", "tlp", "status"]
    #: Newest first, so that a new draft is on top (not among the unpublished, last).
    ordering = ("-created_at", "-pk")
    add_view_class = AlertCreateView
    edit_view_class = AlertEditView


class CountryAlertPolicyViewSet(PortalSnippetViewSet):
    model = CountryAlertPolicy
    icon = "cog"
    menu_label = _("Alert review policy")
    list_display = ["country", "requires_review"]


class ExpertDeskPanel(Component):
    """The dashboard as the experts' workplace: their country's drafts, the reviews
    waiting for them and the latest alerts, every list through the access rule."""

    name = "portal_expert_desk"
    template_name = "alerts/admin/desk_panel.html"
    order = 10

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        context = super().get_context_data(parent_context)
        context.update(
            {
                "drafts": selectors.alert_drafts(user=user),
                "reviews": selectors.alerts_to_review(user=user),
                "recent": selectors.alerts_recent(user=user),
                "country": user.country if user.country_id else None,
                "can_create": rule.can_create(user),
            }
        )
        return context


@hooks.register("construct_homepage_panels")
def expert_desk_panel(request, panels):
    panels.insert(0, ExpertDeskPanel())


class VisibleSpecimenImageComparison(ForeignObjectComparison):
    """A picked specimen image in the revision compare view: named only if the editor
    may see its specimen (its name holds the specimen's title)."""

    def get_objects(self):
        from portal.access.admin_forms import HIDDEN_LABEL
        from portal.access.request_context import current_user

        objects = super().get_objects()
        user = current_user()
        ids = {obj.specimen_id for obj in objects if obj is not None}
        shared = (
            set(
                rule.visible_to(
                    user=user, queryset=Specimen.objects.filter(pk__in=ids)
                ).values_list("pk", flat=True)
            )
            if user is not None and ids
            else set()
        )
        return tuple(
            obj if obj is None or obj.specimen_id in shared else str(HIDDEN_LABEL)
            for obj in objects
        )


register_comparison_class(
    models.ForeignKey, to=SpecimenImage, comparison_class=VisibleSpecimenImageComparison
)
register_snippet(AlertViewSet)
register_snippet(CountryAlertPolicyViewSet)
