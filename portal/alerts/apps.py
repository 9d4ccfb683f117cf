from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Alert bulletins shared through the access rule and pushed over Channels."""

    name = "portal.alerts"
    label = "alerts"
    verbose_name = _("Fraud alerts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.core.whats_new import DeskPanel, Panel, desk_register, panel_register
        from portal.media import registry as media_registry

        from . import signal_handlers
        from .images import AlertImage
        from .push import register as push_register
        from .search import register as search_register
        from .selectors import alerts_awaiting, alerts_newest

        signal_handlers.connect()
        search_register()
        push_register()
        media_registry.register(slug="alert-images", model=AlertImage, item="alert")
        desk_register(
            DeskPanel(
                key="alerts-awaiting",
                title=_("Waiting for your acknowledgement"),
                template="alerts/_desk.html",
                items=alerts_awaiting,
                more_url="/alerts/?unacknowledged=1",
                order=10,
            )
        )
        panel_register(
            Panel(
                key="alerts",
                title=_("Latest alerts"),
                template="alerts/_whats_new.html",
                items=alerts_newest,
                more_url_name="alerts:list",
                order=10,
            )
        )
