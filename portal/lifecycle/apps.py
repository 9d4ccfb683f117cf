from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    """The publication lifecycle of shared items on Wagtail's mixins: drafts, revisions,
    review by a second expert of the owner country, scheduled publication, locking."""

    name = "portal.lifecycle"
    label = "lifecycle"
    verbose_name = _("Publication lifecycle")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import admin_guard, signal_handlers

        signal_handlers.connect()
        admin_guard.install()
