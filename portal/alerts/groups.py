"""Channel-layer group names of the alert push (one helper, ASCII, under 100 characters)."""

from __future__ import annotations

MEMBERS = "alerts.members"
#: Superusers hold every key: their consumers hear every push.
EVERYTHING = "alerts.all"


def country_group(code: str) -> str:
    return f"alerts.country.{code}"


def user_group(user_id: int) -> str:
    return f"alerts.user.{user_id}"


def groups_for_keys(keys: set[str]) -> set[str]:
    """The groups that can hold every user an item with these view keys is visible to.

    Over-delivery is harmless (each consumer checks the keys again); under-delivery is not.
    """
    from portal.access import rule
    from portal.access.models import NetworkMembership, User

    groups: set[str] = {EVERYTHING}
    networks = []
    group_ids = []
    for key in keys:
        kind, _, value = key.partition(":")
        if key == rule.MEMBERS:
            groups.add(MEMBERS)
        elif kind in {"country", "experts"}:
            groups.add(country_group(value))
        elif kind == "network":
            networks.append(value)
        elif kind == "user":
            groups.add(user_group(int(value)))
        elif kind == "group":
            group_ids.append(int(value))
    if networks:
        codes = NetworkMembership.objects.filter(network__slug__in=networks).values_list(
            "country_id", flat=True
        )
        groups.update(country_group(code) for code in codes)
    if group_ids:
        ids = User.objects.filter(groups__in=group_ids, is_active=True).values_list("pk", flat=True)
        groups.update(user_group(pk) for pk in ids)
    return groups


def groups_of_user(user) -> list[str]:
    """The groups a signed-in user's consumer joins."""
    groups = [MEMBERS, user_group(user.pk)]
    if user.is_superuser:
        groups.append(EVERYTHING)
    if user.country_id:
        groups.append(country_group(user.country_id))
    return groups
