"""The access matrix: content type × distribution × user × channel → visible or not.

Every shared content type registers here a way to create an item and the channels a
user can reach it by (page, list, API, search, WebSocket, file URL ...). The expected
outcome comes from ``EXPECTED`` below, written out by hand from CONTRACT.md — never from
the code under test — so a bug in the rule cannot make its own test pass.

Items are owned by THA. ``analyst.nld`` holds a django-guardian view grant on every item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: Distribution cases: (distribution, released).
LEVELS: dict[str, tuple[dict, bool]] = {
    "country": ({"level": "country"}, True),
    "countries-vnm": ({"level": "countries", "countries": ["VNM"]}, True),
    "networks-andex": ({"level": "networks", "networks": ["andex"]}, True),
    "networks-rnde": ({"level": "networks", "networks": ["rnde-europe"]}, True),
    "members": ({"level": "members"}, True),
    "public": ({"level": "public"}, True),
    "draft-members": ({"level": "members"}, False),
}

USERS = [
    "anonymous",
    "officer.tha",
    "expert.tha",
    "officer.vnm",
    "officer.fin",
    "trainer.phl",
    "chair.andex",
    "analyst.nld",
    "admin",
]

Y, N = True, False
# Who sees an item owned by THA, per level. Columns follow USERS.
# Columns: anonymous, officer.tha, expert.tha, officer.vnm, officer.fin, trainer.phl,
#          chair.andex, analyst.nld, admin
EXPECTED: dict[str, list[bool]] = {
    "country":        [N, Y, Y, N, N, N, N, Y, Y],
    "countries-vnm":  [N, Y, Y, Y, N, N, N, Y, Y],
    "networks-andex": [N, Y, Y, Y, N, Y, Y, Y, Y],
    "networks-rnde":  [N, Y, Y, N, Y, N, N, Y, Y],
    "members":        [N, Y, Y, Y, Y, Y, Y, Y, Y],
    "public":         [Y, Y, Y, Y, Y, Y, Y, Y, Y],
    "draft-members":  [N, N, Y, N, N, N, N, Y, Y],
}  # fmt: skip

# Who may edit (admin channel): THA's experts and superusers, at every level.
EDITORS = {"expert.tha", "admin"}
# Who works in the Wagtail admin at all (experts, trainers, chairs, superusers).
ADMIN_USERS = {"expert.tha", "trainer.phl", "chair.andex", "admin"}
# Who may add shared items (experts of any country — chair.andex is PHL's — and superusers).
ADDERS = {"expert.tha", "chair.andex", "admin"}


def signed_in(username: str) -> bool:
    return username != "anonymous"


def channel_headers(client, users, username: str, channel: str) -> dict:
    """Sign ``username`` in on the test client over ``channel`` (``session``, or a bearer
    ``token``); returns the headers to send (none for ``anonymous``)."""
    from portal.accounts.services import api_token_issue

    if username == "anonymous":
        return {}
    user = users[username]
    if channel == "session":
        client.force_login(user)
        return {}
    _row, token = api_token_issue(user=user, name="matrix")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def admin_user(username: str) -> bool:
    return username in ADMIN_USERS


def adder(username: str) -> bool:
    return username in ADDERS


def expected(level: str, username: str, probe: Probe | None = None) -> bool:
    if probe is not None and not probe.reaches(username):
        return False
    return EXPECTED[level][USERS.index(username)]


def wrong_answer(seen: bool, level: str, username: str, probe: Probe) -> bool:
    """Whether ``seen`` contradicts the table (for inexact probes: only a leak does)."""
    should = expected(level, username, probe)
    return seen is not should and (probe.exact or seen)


@dataclass
class Probe:
    """What one user meets through one channel: ``see(client, item, user) -> bool``.

    ``client`` is a Django test client already signed in as the user (or anonymous).
    A probe returns True when the item is shown and raises AssertionError when the
    channel answers in a way that is wrong whatever the visibility (a 403, a 500, an
    anonymous caller not sent to sign in ...).
    """

    name: str
    see: Callable
    #: Who reaches the channel at all: lists need signing in, the admin an admin role.
    #: Those who don't reach it meet no item there (the probe asserts they are turned
    #: away), public items included.
    reaches: Callable[[str], bool] = lambda username: True
    #: False for channels that show a selection (a report, a dashboard): a visible item
    #: may be absent there, an invisible one never present.
    exact: bool = True
    #: Which items the channel carries at all (the push: released ones — a draft is
    #: pushed to nobody, tested in tests/push); the others are not probed.
    applies: Callable = lambda item: True


@dataclass
class ContentType:
    """A shared content type in the matrix."""

    name: str
    #: The model, as "app_label.ModelName" (every shared model must be in the matrix).
    model: str
    #: make(title, owner_code, distribution, released) -> saved item
    make: Callable
    #: grant(item, user) gives ``user`` a django-guardian view grant on ``item``.
    grant: Callable
    probes: list[Probe] = field(default_factory=list)
    #: The cases of ``LEVELS`` this type has (types without drafts skip "draft-members").
    levels: tuple[str, ...] = tuple(LEVELS)


REGISTRY: list[ContentType] = []


def register(content_type: ContentType) -> ContentType:
    REGISTRY.append(content_type)
    return content_type


def cases():
    """(content type, probe) pairs for pytest's parametrize."""
    return [(ct, probe) for ct in REGISTRY for probe in ct.probes]
