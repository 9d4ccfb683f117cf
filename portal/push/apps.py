from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    """WebSocket push of events about shared items, for every content type that registers
    (``portal.push.registry``); closes sockets whose credential ended."""

    name = "portal.push"
    label = "push"
    verbose_name = _("Real-time push")

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
