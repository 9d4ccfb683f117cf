"""The specimen library in the Wagtail admin: specimens and the glossary."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.access.viewsets import PortalSnippetViewSet, ShareableSnippetViewSet

from .models import GlossaryTerm, Specimen


class SpecimenViewSet(ShareableSnippetViewSet):
    model = Specimen
    icon = "doc-full"
    menu_label = _("Specimens")
    list_display = ["title", "issuing_country", "document_type", "kind", "distribution_level"]
    list_filter = ["kind", "document_type", "distribution_level"]


class GlossaryTermViewSet(PortalSnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = _("Glossary")
    list_display = ["term", "category"]
    list_filter = ["category"]
    search_fields = ["term", "definition"]


class SpecimenLibraryGroup(SnippetViewSetGroup):
    items = (SpecimenViewSet, GlossaryTermViewSet)
    menu_icon = "doc-full"
    menu_label = _("Specimen library")
    menu_name = "specimen-library"


register_snippet(SpecimenLibraryGroup)
