"""Alerts in the Wagtail admin, through the access rule like every shared type."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet

from portal.access.viewsets import PortalSnippetViewSet
from portal.lifecycle.viewsets import LifecycleSnippetViewSet

from .admin_views import AlertCreateView
from .models import AlertBulletin, CountryAlertPolicy


class AlertViewSet(LifecycleSnippetViewSet):
    model = AlertBulletin
    icon = "warning"
    menu_label = _("Fraud alerts")
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["title", "severity", "tlp", "status", "distribution_level", "published_at"]
    list_filter = ["severity", "tlp", "status"]
    add_view_class = AlertCreateView


class CountryAlertPolicyViewSet(PortalSnippetViewSet):
    model = CountryAlertPolicy
    icon = "cog"
    menu_label = _("Alert review policy")
    list_display = ["country", "requires_review"]


register_snippet(AlertViewSet)
register_snippet(CountryAlertPolicyViewSet)
