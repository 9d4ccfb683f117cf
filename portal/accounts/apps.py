from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in pages, the account page and API tokens."""

    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import locale, signal_handlers

        signal_handlers.connect()
        locale.admin_follows_the_portal()
