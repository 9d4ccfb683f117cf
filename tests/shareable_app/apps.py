from django.apps import AppConfig


class ShareableAppConfig(AppConfig):
    name = "tests.shareable_app"
    label = "shareable_app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .push import register as push_register

        push_register()
