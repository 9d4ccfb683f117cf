"""The access app in the Wagtail admin: networks and their member countries, countries,
the access log."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.core.widgets import CountrySelect, CountrySelectMultiple, SearchableSelectMultiple

from .models import AccessRecord, Country, Network
from .viewsets import PortalChooserViewSet, PortalSnippetViewSet


class NetworkViewSet(PortalSnippetViewSet):
    model = Network
    icon = "group"
    menu_label = _("Networks")
    list_display = ["name", "slug", "chair"]
    search_fields = ["name", "slug"]


class CountryChooserViewSet(PortalChooserViewSet):
    """Countries are chosen in the form itself (a searchable select, below), not in a
    modal: Wagtail's snippet chooser widget is not registered for them."""

    register_widget = False


class CountryViewSet(PortalSnippetViewSet):
    model = Country
    chooser_viewset_class = CountryChooserViewSet
    icon = "globe"
    menu_label = _("Countries")
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


class AccessViewSetGroup(SnippetViewSetGroup):
    items = (NetworkViewSet, CountryViewSet)
    menu_icon = "globe"
    menu_label = _("Network")
    menu_name = "network"


register_snippet(AccessViewSetGroup)

# Every admin form field that names countries (an owner, an issuing country, shared
# countries, a network's members ...) and shared networks is a searchable select.
register_form_field_override(models.ForeignKey, to=Country, override={"widget": CountrySelect})


def _many_to_many_widget(db_field) -> dict:
    if issubclass(db_field.related_model, Country):
        return {"widget": CountrySelectMultiple}
    if issubclass(db_field.related_model, Network):
        return {"widget": SearchableSelectMultiple}
    return {}


register_form_field_override(models.ManyToManyField, override=_many_to_many_widget)


class AccessLogViewSet(ModelViewSet):
    """The access log (Settings → Access log): superusers read it, nobody edits it
    (``SuperusersReadOnlyPolicy``)."""

    model = AccessRecord
    icon = "list-ul"
    menu_label = _("Access log")
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
