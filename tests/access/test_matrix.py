"""Run the access matrix for every registered content type and channel.

The demo network, its users and one item per content type and distribution level are
built once for this module, inside a transaction rolled back when the module ends; each
test runs in a savepoint of it (pytest-django's ``db``), so a probe that changes
something (a timestamp, a search entry, a twin specimen) leaves nothing for the next.
Building them for every case cost most of the matrix's time.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from tests.conftest import demo_users_make

from . import content_types  # noqa: F401  (registers the content types)
from .matrix import LEVELS, REGISTRY, USERS, cases, wrong_answer

pytestmark = pytest.mark.django_db


def _build(content_type, users) -> dict:
    """One item per distribution level for a content type, owned by THA."""
    made = {}
    for level in content_type.levels:
        distribution, released = LEVELS[level]
        item = content_type.make(f"{content_type.name} {level}", "THA", distribution, released)
        content_type.grant(item, users["analyst.nld"])
        made[level] = item
    return made


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """``(users, items by content type name)``, made once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = demo_users_make()
        items = {ct.name: _build(ct, users) for ct in REGISTRY}
        yield users, items
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(
    ("content_type", "probe"), cases(), ids=[f"{ct.name}-{p.name}" for ct, p in cases()]
)
def test_matrix(content_type, probe, username, world, client):
    users, items = world
    if username == "anonymous":
        user = AnonymousUser()
    else:
        user = users[username]
        client.force_login(user)
    wrong = []
    for level, item in items[content_type.name].items():
        seen = probe.see(client, item, user)
        if username != "anonymous":
            client.force_login(user)  # a probe may have signed the client out
        if wrong_answer(seen, level, username, probe):
            wrong.append(f"{level}: {'shown' if seen else 'hidden'}")
    assert not wrong, f"{content_type.name} via {probe.name} as {username}: {wrong}"
