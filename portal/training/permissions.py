"""Wagtail's admin asks the access rule about the parts of a course too.

A lesson, quiz, question or training image has no distribution of its own: it is seen
where its course is seen and changed by whoever may change its course. Every admin path
that consults a model's permission policy — listings, object views, choosers, bulk
actions, usage — meets only the parts of courses the user may change.
"""

from __future__ import annotations

from wagtail.permission_policies.base import BasePermissionPolicy

from portal.access import rule
from portal.access.permissions import EDITING_ACTIONS


class CoursePartPermissionPolicy(BasePermissionPolicy):
    """Admin permissions of a part of a course (``lookup``: from the part to its course)."""

    def __init__(self, model, *, lookup: str):
        super().__init__(model)
        self.lookup = lookup

    def _course_model(self):
        from .models import Course

        return Course

    def _course_of(self, instance):
        item = instance
        for step in self.lookup.split("__"):
            item = getattr(item, step)
        return item

    def user_has_permission(self, user, action):
        # Only those who may write courses meet their parts in the admin at all.
        return bool(user.is_authenticated and user.is_active) and rule.can_create(
            user, self._course_model()
        )

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return rule.creators(self._course_model())

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        course = self._course_of(instance)
        if action in EDITING_ACTIONS:
            return rule.can_change(user, course)
        return rule.can_view(user, course)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return rule.visible_through(
            user=user,
            queryset=self.model._default_manager.all(),
            lookup=self.lookup,
            model=self._course_model(),
            action=rule.CHANGE,
        )

    def users_with_any_permission_for_instance(self, actions, instance):
        keys = rule.item_keys(self._course_of(instance), rule.CHANGE)
        return [
            u
            for u in self.users_with_any_permission(actions)
            if rule.keys_allow(rule.user_keys(u), keys)
        ]


#: Each part of a course and the lookup from it to its course.
COURSE_PARTS = {
    "training.Lesson": "module__course",
    "training.Quiz": "module__course",
    "training.Question": "quiz__module__course",
    "training.TrainingImage": "course",
    "training.TrainingVideo": "course",
}
