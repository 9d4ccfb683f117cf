from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccessConfig(AppConfig):
    """Countries, networks, users and the access rule."""

    # This module also holds PortalUsersAppConfig: say which config "portal.access" means.
    default = True
    name = "portal.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from . import admin_guard, signal_handlers
        from .models import AccessRecord
        from .permissions import ShareablePermissionPolicy, SuperusersReadOnlyPolicy
        from .services import role_groups_ensure

        signal_handlers.connect()
        # Registered here, before any admin view builds a fallback policy (Wagtail 8).
        for model in signal_handlers.shareable_models():
            register_permission_policy(model, ShareablePermissionPolicy(model))
        register_permission_policy(AccessRecord, SuperusersReadOnlyPolicy(AccessRecord))
        admin_guard.install()
        post_migrate.connect(
            lambda **kwargs: role_groups_ensure(), sender=self, dispatch_uid="role-groups"
        )


class PortalUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with the portal's user form (the country field)."""

    default = False
    user_viewset = "portal.access.users_admin.UserViewSet"
