"""The specimen library in the Wagtail admin: specimens and the glossary."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.access.viewsets import PortalSnippetViewSet, ShareableSnippetViewSet

from .models import GlossaryTerm, Specimen, SpecimenImage


class ThumbnailColumn(Column):
    """The specimen's first image, small, through its rule-checked private URL (the
    listing shows only specimens the expert may edit, so they may see their images)."""

    cell_template_name = "specimens/admin/thumbnail_cell.html"

    def get_value(self, instance):
        images = list(instance.images.all())  # prefetched by the viewset's queryset
        return images[0] if images else None


class SpecimenViewSet(ShareableSnippetViewSet):
    model = Specimen
    icon = "doc-full"
    menu_label = _("Specimens")
    list_display = [
        ThumbnailColumn("thumbnail", label=_("Image"), classname="portal-thumbnail-cell"),
        "title", "issuing_country", "document_type", "kind", "distribution_level",
        UpdatedAtColumn(),
    ]  # fmt: skip
    list_filter = ["kind", "document_type", "distribution_level"]
    #: Newest first: what the expert just added is on top.
    ordering = ("-created_at", "-pk")

    def get_queryset(self, request):
        first_images = SpecimenImage.objects.order_by("sort_order", "pk")
        return (
            super()
            .get_queryset(request)
            .select_related("issuing_country")
            .prefetch_related(Prefetch("images", queryset=first_images))
        )


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
