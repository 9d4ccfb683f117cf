"""Run the access matrix for every registered content type and channel."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from . import content_types  # noqa: F401  (registers the content types)
from .matrix import LEVELS, USERS, cases, expected

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(users):
    """One item per distribution level for a content type, owned by THA."""

    def build(content_type):
        made = {}
        for level in content_type.levels:
            distribution, released = LEVELS[level]
            item = content_type.make(f"{content_type.name} {level}", "THA", distribution, released)
            content_type.grant(item, users["analyst.nld"])
            made[level] = item
        return made

    return build


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(
    ("content_type", "probe"), cases(), ids=[f"{ct.name}-{p.name}" for ct, p in cases()]
)
def test_matrix(content_type, probe, username, users, items, client):
    made = items(content_type)
    if username == "anonymous":
        user = AnonymousUser()
    else:
        user = users[username]
        client.force_login(user)
    wrong = []
    for level, item in made.items():
        seen = probe.see(client, item, user)
        if username != "anonymous":
            client.force_login(user)  # a probe may have signed the client out
        if seen is not expected(level, username, probe):
            wrong.append(f"{level}: {'shown' if seen else 'hidden'}")
    assert not wrong, f"{content_type.name} via {probe.name} as {username}: {wrong}"
