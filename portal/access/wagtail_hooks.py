"""The access app in the Wagtail admin: networks and their member countries, countries,
the access log."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .models import AccessRecord, Country, Network
from .viewsets import PortalSnippetViewSet


class NetworkViewSet(PortalSnippetViewSet):
    model = Network
    icon = "group"
    menu_label = "Networks"
    list_display = ["name", "slug", "chair"]
    search_fields = ["name", "slug"]


class CountryViewSet(PortalSnippetViewSet):
    model = Country
    icon = "globe"
    menu_label = "Countries"
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


class AccessViewSetGroup(SnippetViewSetGroup):
    items = (NetworkViewSet, CountryViewSet)
    menu_icon = "globe"
    menu_label = "Network"
    menu_name = "network"


register_snippet(AccessViewSetGroup)


class AccessLogViewSet(ModelViewSet):
    """The access log (Settings → Access log): superusers read it, nobody edits it
    (``SuperusersReadOnlyPolicy``)."""

    model = AccessRecord
    icon = "list-ul"
    menu_label = "Access log"
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["detail"]  # never used: the policy allows no add or edit
    list_display = [
        "at", "username", "country_code", "outcome", "channel", "item_type", "object_id",
    ]  # fmt: skip
    list_filter = ["outcome", "channel", "item_type", "country_code"]
    search_fields = ["username", "object_id", "path"]


@hooks.register("register_admin_viewset")
def register_access_log():
    return AccessLogViewSet("access_log")


@hooks.register("construct_main_menu")
def hide_switched_off_sections(request, menu_items):
    """Wagtail's image and document libraries are switched off (``admin_guard``)."""
    menu_items[:] = [item for item in menu_items if item.name not in {"images", "documents"}]


@hooks.register("construct_homepage_summary_items", order=1000)
def hide_switched_off_summaries(request, summary_items):
    """No "0 Images" / "0 Documents" on the dashboard for libraries that are switched off."""
    summary_items[:] = [
        item
        for item in summary_items
        if type(item).__name__ not in {"ImagesSummaryItem", "DocumentsSummaryItem"}
    ]
