"""Run the access matrix for every registered content type and channel.

One test class per content type (``TestMatrixSpecimen``, ``TestMatrixAlert`` ...): the
demo network and its users are built once for this module, and a type's items (one per
distribution level) once for its class, each inside a transaction rolled back afterwards;
each test runs in a savepoint of it (pytest-django's ``db``), so a probe that changes
something (a timestamp, a search entry, a twin specimen) leaves nothing for the next.
Building them for every case cost most of the matrix's time, and a class per type lets
``make test`` run the types in parallel.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from tests.conftest import demo_users_make

# content_types registers the content types; push_probes and email_probes then add the
# push and e-mail channels to the types that push or mail their items.
from . import content_types, email_probes, push_probes  # noqa: F401
from .matrix import LEVELS, REGISTRY, USERS, wrong_answer

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
    """The users by name, made once for the module (rolled back when it ends)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_users_make()
        transaction.set_rollback(True)


@pytest.fixture(scope="class")
def items(request, world, django_db_blocker):
    """The items of the class's content type, one per level: made once for its cases, in
    a savepoint rolled back after them. ``make test`` runs each type's class in whichever
    test process is free (tests/conftest.py), so a process builds only the types it runs."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build(request.cls.content_type, world)
        transaction.set_rollback(True)


def _matrix_case(self, probe, username, world, items, client):
    if username == "anonymous":
        user = AnonymousUser()
    else:
        user = world[username]
        client.force_login(user)
    wrong = []
    for level, item in items.items():
        if not probe.applies(item):
            continue
        seen = probe.see(client, item, user)
        if username != "anonymous" and client.session.get(SESSION_KEY) != str(user.pk):
            client.force_login(user)  # the probe signed the client out (or in as another)
        if wrong_answer(seen, level, username, probe):
            wrong.append(f"{level}: {'shown' if seen else 'hidden'}")
    assert not wrong, f"{self.content_type.name} via {probe.name} as {username}: {wrong}"


def _matrix_class(content_type):
    """``TestMatrix<Type>``: every probe of the type × every user, over its items."""

    @pytest.mark.parametrize("username", USERS)
    @pytest.mark.parametrize(
        "probe", content_type.probes, ids=[p.name for p in content_type.probes]
    )
    def case(self, probe, username, world, items, client):
        _matrix_case(self, probe, username, world, items, client)

    name = "TestMatrix" + "".join(part.title() for part in content_type.name.split("-"))
    return type(name, (), {"content_type": content_type, "test_matrix": case})


for _content_type in REGISTRY:
    _class = _matrix_class(_content_type)
    globals()[_class.__name__] = _class
