"""The access app in the Wagtail admin: networks and their member countries, countries."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Country, Network


class NetworkViewSet(SnippetViewSet):
    model = Network
    icon = "group"
    menu_label = "Networks"
    list_display = ["name", "slug", "chair"]
    search_fields = ["name", "slug"]


class CountryViewSet(SnippetViewSet):
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
