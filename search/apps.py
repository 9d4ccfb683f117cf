from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The search entry point and its backends."""

    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # After the content apps (listed before this one), which register their types.
        from .indexing import connect

        connect()
