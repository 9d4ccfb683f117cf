"""System checks that keep an unsafe configuration from serving in production."""

from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError


@register("portal", deploy=True)
def no_demo_accounts(app_configs, **kwargs):
    """Production refuses demo accounts (their password is public)."""
    if not getattr(settings, "PORTAL_PRODUCTION", False):
        return []
    from portal.access.models import User

    try:
        demo = list(User.objects.filter(is_demo=True).values_list("username", flat=True)[:10])
    except DatabaseError:
        return []  # Not migrated yet: nothing to refuse.
    if not demo:
        return []
    return [
        Error(
            f"Demo accounts exist in a production database: {', '.join(demo)}.",
            hint="Delete them (manage.py remove_demo_accounts) before serving.",
            id="portal.E001",
        )
    ]
