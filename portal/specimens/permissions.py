"""Admin permissions of the specimen app besides the access rule's."""

from wagtail.permission_policies import ModelPermissionPolicy


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The image access log is read by superusers and never edited, in the admin or elsewhere."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.is_superuser

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)
