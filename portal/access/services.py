"""Writes of the access app: roles, memberships, grants."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import rule
from .models import ROLE_GROUP_NAMES, Role, User


def role_groups_ensure() -> dict[str, Group]:
    """Create the role groups if missing and let admin roles into the Wagtail admin."""
    groups = {}
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for role, name in ROLE_GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if access_admin and role in rule.ADMIN_ROLES:
            group.permissions.add(access_admin)
        groups[role] = group
    return groups


@transaction.atomic
def user_roles_set(*, user: User, roles: list[str]) -> None:
    """Give ``user`` exactly these roles (slugs of ``Role``)."""
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise ValueError(f"Unknown roles: {', '.join(sorted(unknown))}")
    groups = role_groups_ensure()
    role_groups = set(groups.values())
    keep = [g for g in user.groups.all() if g not in role_groups]
    user.groups.set(keep + [groups[role] for role in roles])
    rule.forget_user_keys(user)
