"""Alerts in the Wagtail admin, through the access rule like every shared type."""

from wagtail.snippets.models import register_snippet

from portal.access.viewsets import PortalSnippetViewSet, ShareableSnippetViewSet

from .admin_views import AlertCreateView, AlertEditView
from .models import AlertBulletin, CountryAlertPolicy


class AlertViewSet(ShareableSnippetViewSet):
    model = AlertBulletin
    icon = "warning"
    menu_label = "Fraud alerts"
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["title", "severity", "tlp", "status", "distribution_level", "published_at"]
    list_filter = ["severity", "tlp", "status"]
    add_view_class = AlertCreateView
    edit_view_class = AlertEditView


class CountryAlertPolicyViewSet(PortalSnippetViewSet):
    model = CountryAlertPolicy
    icon = "cog"
    menu_label = "Alert review policy"
    list_display = ["country", "requires_review"]


register_snippet(AlertViewSet)
register_snippet(CountryAlertPolicyViewSet)
