"""Fixtures of the meetings tests: the demo users made once per module, meetings
scheduled through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from portal.access.models import Network
from portal.meetings import services
from tests.conftest import demo_users_make

MANILA = ZoneInfo("Asia/Manila")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo users by name, made once for the module (rolled back when it ends)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_users_make()
        transaction.set_rollback(True)


@pytest.fixture
def andex(world, db):
    return Network.objects.get(slug="andex")


def at(days: float, hour: int = 9) -> datetime:
    """A Manila time ``days`` from today at ``hour`` (aware)."""
    base = timezone.now().astimezone(MANILA).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days)


def schedule(world, *, days: float = 10, network="andex", user="chair.andex", title="ANDEX 1"):
    """A two-hour meeting in Manila time, scheduled by ``user``."""
    return services.meeting_schedule(
        user=world[user],
        title=title,
        network=Network.objects.get(slug=network),
        starts_at=at(days),
        ends_at=at(days) + timedelta(hours=2),
        timezone_name="Asia/Manila",
        location="Manila",
    )
