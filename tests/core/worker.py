"""Run the database backend's worker (``manage.py db_worker --batch``) inside a test."""

from __future__ import annotations

import logging
import signal

from django.core.management import call_command

#: ``settings.TASKS`` as in production: tasks are rows that a worker runs.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def db_worker_batch() -> None:
    """Run every task that is due, then return; the signal handlers and log levels the
    command sets for itself are put back, so the rest of the test run is unaffected.

    The worker closes connections it finds in a transaction, so tests calling it use
    ``django_db(transaction=True)``.
    """
    numbers = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved_signals = {number: signal.getsignal(number) for number in numbers}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    saved_loggers = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    try:
        call_command("db_worker", batch=True, startup_delay=False, interval=0, reload=False)
    finally:
        for number, handler in saved_signals.items():
            signal.signal(number, handler)
        for lg, level, handlers in saved_loggers:
            lg.setLevel(level)
            lg.handlers[:] = handlers
