from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site's frame: base template, home page, health check, deploy checks."""

    name = "portal.core"
    label = "core"
    verbose_name = "Portal"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
