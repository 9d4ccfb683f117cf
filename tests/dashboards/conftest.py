"""Shared fixtures of the dashboards tests."""

from __future__ import annotations

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def demo_cases(django_db_setup, django_db_blocker):
    """The demo network and its case statistics, loaded once per test module and rolled
    back at its end; the protected tables are rebuilt from them (not a cached copy)."""
    from django.core.cache import caches

    from portal.dashboards.cube import cube_forget
    from portal.demo.dashboards import demo_dashboards_load
    from portal.demo.network import demo_network_load

    with django_db_blocker.unblock(), transaction.atomic():
        demo_network_load()
        demo_dashboards_load()
        cube_forget()
        yield
        transaction.set_rollback(True)
    cube_forget()
    caches["dashboards"].clear()
