"""Background work of the dashboards (``portal/core/tasks.py`` conventions): protecting
the tables of a new dataset version before anyone asks for them.

Protecting the tables takes seconds of LP audit and repair (~5 s for the demo's decade,
~10 s for a million cases: docs/PERFORMANCE.md), and every import or withdrawal makes a
new version. Left to the first visitor of ``/dashboards/`` after a change, that visitor
would wait for it; the worker builds them instead, right after the change commits, and
puts them in the ``dashboards`` cache where every server process finds them.
"""

from __future__ import annotations

import time

from django.db import InterfaceError, OperationalError

from portal.core.tasks import enqueue_on_commit, retrying_task

from .cube import cube_current


# A database that restarts or drops the connection under the worker is worth another try;
# the build is idempotent (the tables of one version are the same whoever builds them).
@retrying_task(retry_on=(OperationalError, InterfaceError))
def cube_rebuild() -> int:
    """Build and store the protected tables of the current dataset version (unless some
    process already did); returns the version they belong to. Run after a change, the
    version may already be a later one: its tables are the ones worth having. Never
    answered from an earlier version's tables: this is the build the others wait for."""
    return cube_current(allow_stale=False).version


def cube_rebuild_enqueue() -> None:
    """Ask for :func:`cube_rebuild` once the current transaction commits (never for a
    change that rolls back, never before the change is visible to the worker)."""
    enqueue_on_commit(cube_rebuild)


def cube_prebuild() -> str:
    """Build and store the current tables now, in this process (``load_demo``: the demo's
    first visitor must not wait); returns a summary line."""
    start = time.perf_counter()
    version = cube_current(allow_stale=False).version
    return f"dataset version {version} ready ({time.perf_counter() - start:.1f} s)"
