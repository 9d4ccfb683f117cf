from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Network meetings: agendas, minutes, decisions, action items and calendars."""

    name = "portal.meetings"
    label = "meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.media import registry as media_registry

        from . import signal_handlers
        from .models import MeetingDocument

        media_registry.register(slug="meeting-documents", model=MeetingDocument, item="meeting")
        signal_handlers.connect()
        # === meetings: pages ===
        from portal.core.whats_new import Panel, panel_register

        from .panels import meetings_upcoming

        panel_register(
            Panel(
                key="meetings",
                title=_("Upcoming meetings"),
                template="meetings/_whats_new.html",
                items=meetings_upcoming,
                more_url_name="meetings:list",
                order=40,
            )
        )
        # === end meetings: pages ===
        # === meetings: api-search ===
        from .push import register as push_register
        from .search import register as search_register

        search_register()
        push_register()
        # === end meetings: api-search ===
