"""The specimen library in the Wagtail admin: specimens, glossary, image access log."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.access.viewsets import ShareableSnippetViewSet

from .models import GlossaryTerm, ImageAccess, Specimen


class SpecimenViewSet(ShareableSnippetViewSet):
    model = Specimen
    icon = "doc-full"
    menu_label = "Specimens"
    list_display = ["title", "issuing_country", "document_type", "kind", "distribution_level"]
    list_filter = ["kind", "document_type", "distribution_level"]


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = "Glossary"
    list_display = ["term", "category"]
    list_filter = ["category"]
    search_fields = ["term", "definition"]


class ImageAccessViewSet(SnippetViewSet):
    model = ImageAccess
    icon = "list-ul"
    menu_label = "Image access log"
    list_display = ["at", "username", "country_code", "specimen_id", "image_id", "size"]
    list_filter = ["country_code", "size"]
    inspect_view_enabled = True


class SpecimenLibraryGroup(SnippetViewSetGroup):
    items = (SpecimenViewSet, GlossaryTermViewSet, ImageAccessViewSet)
    menu_icon = "doc-full"
    menu_label = "Specimen library"
    menu_name = "specimen-library"


register_snippet(SpecimenLibraryGroup)
