"""Channel-layer group names of the push, built from parsed visibility keys.

One function turns an item's keys into the groups that can hold every user who may see it
(``groups_for_keys``); one lists the groups a user's socket joins (``groups_of_user``).
Every group name comes from the helpers below: ASCII, under 100 characters.

An unknown key kind is an error, never silence: a kind the rule learns later (and that
this module does not know how to reach) would otherwise leave its users without pushes.
Over-delivery to a group is harmless — each hub checks the item's keys against every
user before sending — under-delivery is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from portal.access import rule

#: Every signed-in member's socket joins it.
MEMBERS = "push.members"
#: Superusers hold every key: their sockets hear every push.
EVERYTHING = "push.all"

# What may follow "push.country." in a group name (channels allows ``[A-Za-z0-9._-]``).
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class UnknownKeyKind(ValueError):
    """A visibility key this module cannot turn into groups (a new kind, or malformed)."""


class ParsedKey(NamedTuple):
    kind: str
    value: str


def key_parse(key: str) -> ParsedKey:
    """``"country:THA"`` → ``("country", "THA")``; raises ``UnknownKeyKind`` for a kind the
    push does not know or a malformed value."""
    if key in {rule.PUBLIC, rule.MEMBERS}:
        return ParsedKey(key, "")
    kind, separator, value = key.partition(":")
    valid = {
        "country": _CODE.match,
        "experts": _CODE.match,
        # Editors of another role of a country (``rule.EDITOR_KEY_PREFIXES``: trainers).
        "trainers": _CODE.match,
        "chairs": _CODE.match,
        "network": bool,  # expanded to its member countries, never a group name
        "user": str.isdigit,
        "group": str.isdigit,
    }.get(kind)
    if not separator or valid is None:
        raise UnknownKeyKind(f"The push cannot reach the visibility key {key!r}: unknown kind.")
    if not valid(value):
        raise UnknownKeyKind(f"The visibility key {key!r} has a malformed value.")
    return ParsedKey(kind, value)


def country_group(code: str) -> str:
    return f"push.country.{code}"


def user_group(user_id: int) -> str:
    return f"push.user.{user_id}"


def groups_for_keys(keys: Iterable[str]) -> set[str]:
    """The groups that can hold every user an item with these view keys is visible to.

    At most two queries (networks expanded to their member countries *now*; guardian
    groups to their active users), none when the keys name neither.
    """
    from portal.access.models import NetworkMembership, User

    parsed = [key_parse(key) for key in keys]  # every key, so that a bad one always raises
    if any(kind in {rule.PUBLIC, rule.MEMBERS} for kind, _ in parsed):
        # Every signed-in socket (superusers' included) is in the members' group.
        return {MEMBERS}
    groups = {EVERYTHING}
    networks, group_ids = [], []
    for kind, value in parsed:
        if kind in {"country", "experts", "trainers", "chairs"}:
            groups.add(country_group(value))
        elif kind == "network":
            networks.append(value)
        elif kind == "user":
            groups.add(user_group(int(value)))
        else:  # "group"
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


def groups_of_user(user: Any) -> list[str]:
    """The groups a signed-in user's socket joins."""
    groups = [MEMBERS, user_group(user.pk)]
    if rule.ALL in rule.user_keys(user):  # network administrators hear every push
        groups.append(EVERYTHING)
    if user.country_id:
        groups.append(country_group(user.country_id))
    return groups
