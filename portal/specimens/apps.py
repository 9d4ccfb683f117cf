from django.apps import AppConfig


class SpecimensConfig(AppConfig):
    """Specimens, the glossary of security features, and private specimen images."""

    name = "portal.specimens"
    label = "specimens"
    verbose_name = "Specimen library"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.core.whats_new import Panel, panel_register

        from .search import register as search_register
        from .selectors import specimens_newest

        search_register()
        panel_register(
            Panel(
                key="specimens",
                title="New in the specimen library",
                template="specimens/_whats_new.html",
                items=specimens_newest,
                more_url_name="specimens:library",
                order=20,
            )
        )
