from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in pages and API tokens."""

    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
