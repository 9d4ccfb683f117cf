"""Wagtail's admin asks the access rule too: a permission policy for shared items."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy

from . import rule

#: Model-level actions that creating or editing an item requires.
EDITING_ACTIONS = frozenset({"add", "change", "delete", "publish", "unpublish", "lock", "unlock"})


class ShareablePermissionPolicy(BasePermissionPolicy):
    """Admin permissions of a shared content type, answered by ``portal.access.rule``.

    Holders of the type's editing roles of a country (``rule.editor_roles``: experts
    unless the type names others, e.g. trainers for courses), and superusers, may add
    items; viewing an item follows its view keys and editing or deleting it its change
    keys, so an expert of one country never meets another country's drafts in the admin.
    """

    def user_has_permission(self, user, action):
        if not (user.is_authenticated and user.is_active):
            return False
        if action in EDITING_ACTIONS:
            return rule.can_create(user, self.model)
        return True

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if set(actions) & EDITING_ACTIONS:
            return rule.creators(self.model)
        return get_user_model().objects.filter(is_active=True)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action in EDITING_ACTIONS:
            return rule.can_change(user, instance)
        return rule.can_view(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        action = rule.VIEW if "view" in actions else rule.CHANGE
        return rule.visible_to(user=user, queryset=self.model._default_manager.all(), action=action)

    def users_with_any_permission_for_instance(self, actions, instance):
        keys = rule.item_keys(
            instance, rule.CHANGE if set(actions) & EDITING_ACTIONS else rule.VIEW
        )
        return [
            u
            for u in self.users_with_any_permission(actions)
            if rule.keys_allow(rule.user_keys(u), keys)
        ]


class SuperusersReadOnlyPolicy(BasePermissionPolicy):
    """Records that only superusers read and nobody edits, in the admin or elsewhere: the
    access log. Every admin path (listing, inspect, bulk actions, choosers) asks this."""

    def user_has_permission(self, user, action):
        return action == "view" and rule.can_read_access_log(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = rule.access_log_readers()
        return users if "view" in actions else users.none()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)
