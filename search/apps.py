from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The search entry point and its backends."""

    name = "search"
    verbose_name = "Search"
