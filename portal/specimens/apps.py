from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpecimensConfig(AppConfig):
    """Specimens, the glossary of security features, and private specimen images."""

    name = "portal.specimens"
    label = "specimens"
    verbose_name = _("Specimen library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.core.whats_new import Panel, panel_register
        from portal.media import registry as media_registry

        from .models import SpecimenDocument, SpecimenImage
        from .search import register as search_register
        from .selectors import specimens_newest

        search_register()
        media_registry.register(slug="specimen-images", model=SpecimenImage, item="specimen")
        media_registry.register(slug="specimen-documents", model=SpecimenDocument, item="specimen")
        panel_register(
            Panel(
                key="specimens",
                title=_("New in the specimen library"),
                template="specimens/_whats_new.html",
                items=specimens_newest,
                more_url_name="specimens:library",
                order=20,
            )
        )
