"""The portal's conventions for background work (django-tasks).

Work that talks to an outside service — the mail server, Elasticsearch — or that is slow
— large renditions — does not belong in a request or in its after-commit callback: a slow
or failing server would delay or fail the officer's page, and nothing would try again.
It runs as a *task* instead. Production stores tasks in the database
(``django_tasks_db.DatabaseBackend``) and one or more ``manage.py db_worker`` processes
run them; the tests use the immediate backend (a task runs as soon as it is enqueued, so
tests see its effects synchronously); ``make demo`` starts a worker beside the server
(``TASKS`` in ``portal/settings/base.py``, ``TASKS_BACKEND`` in the environment).

How to write one::

    from portal.core.tasks import enqueue_on_commit, retrying_task

    @retrying_task(retry_on=(smtplib.SMTPException, OSError))
    def alert_emails_task(alert_id: int, previous_keys: list[str]) -> int:
        '''Load what it needs by id and check it again: the item may have changed.'''
        ...

    # in a service, inside the transaction that made the change:
    enqueue_on_commit(alert_emails_task, alert.pk, sorted(previous_keys))

Rules that follow from the backends:

- A task is a **module-level function** taking **JSON values** (ids and strings, never
  model instances): the database backend stores the arguments and a worker in another
  process imports the function by its dotted path. Load the objects inside the task, and
  re-check anything that may have changed since it was enqueued (the access rule above
  all: an item may have been withdrawn or narrowed in between).
- **Enqueue on commit** (``enqueue_on_commit``): a task enqueued by a transaction that
  rolls back never runs, and a task never reads data older than the change that asked for
  it. With the database backend inside a transaction the task row is written in that same
  transaction (it exists if and only if the change commits, and no worker sees it before);
  otherwise the enqueue waits for ``transaction.on_commit``.
- **Retry** (``retrying_task``): an exception listed in ``retry_on`` is transient. The
  attempt is logged (WARNING) and, where the backend can defer (the database backend), the
  task is enqueued again with ``run_after`` = now + backoff (``TASK_RETRY_BACKOFF_SECONDS``
  × 2^(attempt−1), at most ``TASK_RETRY_MAX_BACKOFF_SECONDS``, with up to 10 % jitter)
  and the attempt number in the keyword argument ``retry_attempt``; this run then ends
  normally. A backend that cannot defer (immediate) retries in place, sleeping at most
  ``TASK_RETRY_INLINE_MAX_SECONDS`` between attempts. After ``max_attempts``
  (``TASK_RETRY_MAX_ATTEMPTS``) the task gives up: an ERROR log line names it and the
  error, and the error is raised so the backend records the task as failed. Any other
  exception fails the task at once (a bug is not fixed by trying again).
- A retried task runs again from the start, so make it **idempotent**: record what was
  done (a receipt, a stored rendition) and skip it on the next attempt.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger("portal.tasks")

#: The keyword argument that carries the attempt number of a retried task.
ATTEMPT_KWARG = "retry_attempt"


def _setting(name: str, default: float) -> float:
    return getattr(settings, name, default)


def backoff_seconds(*, attempt: int, base: float | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): doubling from
    ``base``, capped, with up to 10 % jitter so that tasks failing together (a mail
    server down for everyone) do not all come back in the same second."""
    base = _setting("TASK_RETRY_BACKOFF_SECONDS", 30) if base is None else base
    cap = _setting("TASK_RETRY_MAX_BACKOFF_SECONDS", 3600)
    delay = min(base * 2 ** (attempt - 1), cap)
    return delay * (1 + random.random() / 10)


def enqueue_on_commit(task_: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task_(*args, **kwargs)`` once the current transaction commits; never if
    it rolls back. Outside a transaction it is enqueued at once.

    With the database backend inside a transaction, the task row is written now, in the
    same transaction: it commits or rolls back with the change (no task lost between the
    commit and the enqueue, none run for a change that never happened), and no worker can
    see it before the commit.
    """
    if _enqueues_transactionally(task_):
        task_.enqueue(*args, **kwargs)
        return
    transaction.on_commit(functools.partial(task_.enqueue, *args, **kwargs))


def _enqueues_transactionally(task_: Task) -> bool:
    return (
        isinstance(task_.get_backend(), DatabaseBackend)
        and transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block
    )


def retrying_task(
    *,
    retry_on: tuple[type[BaseException], ...],
    retry_if: Callable[[BaseException], bool] | None = None,
    max_attempts: int | None = None,
    backoff: float | None = None,
    **task_options: Any,
) -> Callable[[Callable[..., Any]], Task]:
    """Make ``func`` a task that retries with backoff on the transient errors ``retry_on``.

    :param retry_on: exception classes that mean "try again later" (SMTP errors, a
        connection refused, a timeout) — not bugs.
    :param retry_if: optional test of such an exception, for classes that mix transient
        and permanent cases (an HTTP error: retry a 503, not a 400).
    :param max_attempts: attempts in all, first one included (default
        ``TASK_RETRY_MAX_ATTEMPTS``, 5).
    :param backoff: seconds before the first retry, doubled each time (default
        ``TASK_RETRY_BACKOFF_SECONDS``).
    :param task_options: passed to django-tasks' ``task()`` (``priority``,
        ``queue_name``, ``backend``).
    """
    if not retry_on:
        raise ValueError("retrying_task needs the exceptions that are worth retrying")

    def decorate(func: Callable[..., Any]) -> Task:
        # ``wraps`` keeps the function's module and name: the worker imports the task by
        # that path and finds the Task object this decorator returns.
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            return _run_with_retry(
                own_task=own_task,
                func=func,
                args=args,
                kwargs=kwargs,
                attempt=attempt,
                retry_on=retry_on,
                retry_if=retry_if,
                max_attempts=max_attempts or int(_setting("TASK_RETRY_MAX_ATTEMPTS", 5)),
                backoff=backoff,
            )

        own_task = task(**task_options)(run)
        return own_task

    return decorate


def _run_with_retry(
    *,
    own_task: Task,
    func: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    attempt: int,
    retry_on: tuple[type[BaseException], ...],
    retry_if: Callable[[BaseException], bool] | None,
    max_attempts: int,
    backoff: float | None,
) -> Any:
    name = own_task.module_path
    while True:
        try:
            return func(*args, **kwargs)
        except retry_on as error:
            if retry_if is not None and not retry_if(error):
                raise
            if attempt >= max_attempts:
                logger.error(
                    "Task %s gave up after %d attempts: %s: %s",
                    name,
                    attempt,
                    type(error).__name__,
                    error,
                )
                raise
            delay = backoff_seconds(attempt=attempt, base=backoff)
            if own_task.get_backend().supports_defer:
                run_after = timezone.now() + timedelta(seconds=delay)
                own_task.using(run_after=run_after).enqueue(
                    *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1}
                )
                logger.warning(
                    "Task %s attempt %d of %d failed (%s: %s); retrying at %s",
                    name,
                    attempt,
                    max_attempts,
                    type(error).__name__,
                    error,
                    run_after.isoformat(timespec="seconds"),
                )
                return None
            # The backend cannot defer (immediate): try again here, briefly.
            pause = min(delay, _setting("TASK_RETRY_INLINE_MAX_SECONDS", 2))
            logger.warning(
                "Task %s attempt %d of %d failed (%s: %s); retrying in %.1f s",
                name,
                attempt,
                max_attempts,
                type(error).__name__,
                error,
                pause,
            )
            if pause > 0:
                time.sleep(pause)
            attempt += 1


def round_schedule(task_: Task, *, after=None) -> bool:
    """Queue a self-rescheduling round (a task that, when it runs, queues itself again a
    day later: the training certificates, the meeting action reminders) at ``after`` (now
    when ``None``), unless one is already waiting; ``False`` when one was. Backends that
    cannot defer work (the tests' immediate backend) only run a round asked for now.

    A management command starts it (``make demo`` and the release step run them), then
    each round keeps it going, with no cron."""
    if after is not None and not task_.get_backend().supports_defer:
        return False
    if _round_waiting(task_):
        return False
    if after is not None:
        task_ = task_.using(run_after=after)
    task_.enqueue()
    return True


def _round_waiting(task_: Task) -> bool:
    """Whether a round of ``task_`` is queued and not yet run (the database backend's rows)."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_.module_path, status="READY").exists()
