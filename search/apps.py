from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The search entry point and its backends."""

    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # After the content apps (listed before this one), which register their types.
        from .indexing import connect

        connect()
