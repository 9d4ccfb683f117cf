from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in pages, the account page and API tokens."""

    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
