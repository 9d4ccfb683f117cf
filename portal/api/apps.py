from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The /api/v1 routers and schemas."""

    name = "portal.api"
    label = "portal_api"
    verbose_name = "API"
