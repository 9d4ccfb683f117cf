from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The load_demo command and the synthetic demo data."""

    name = "portal.demo"
    label = "demo"
    verbose_name = "Demo network"
