"""Notify the audience of a shared item of an event: ``notify`` (on commit) and
``notify_now``; close a user's sockets when a credential ends (``sockets_close``).

The database is the truth; the channel layer only wakes the hubs. After the publishing
transaction commits, the reading (the item again, its stored keys, its message, the
groups: a few milliseconds) is done on a reader thread of the process
(``on_commit_read``) and the sending on a background event loop (``_Sender``), so
neither those reads, nor Redis round trips, nor a busy channel layer lengthen the
request. Every hub checks the keys against each user again before writing anything.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import functools
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import InMemoryChannelLayer, channel_layers, get_channel_layer
from django import db
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from portal.access import rule

from . import groups
from .hub import EVENT, SESSION_CLOSED
from .registry import push_type_for

logger = logging.getLogger(__name__)


def notify(*, item: Any, event: str, previous_keys: Iterable[str] = ()) -> None:
    """After the current transaction commits, push ``event`` about ``item`` to the users
    who may see it and could not see it with ``previous_keys`` (its keys before this
    change: a widening reaches only the newly permitted).

    The item is read again after commit: a rolled-back change pushes nothing, and an item
    no longer released by then is not pushed.
    """
    model, pk, previous = type(item), item.pk, frozenset(previous_keys)

    def send() -> None:
        fresh = model._default_manager.filter(pk=pk).first()
        if fresh is not None:
            notify_now(item=fresh, event=event, previous_keys=previous)

    on_commit_read(send)


def on_commit_read(func: Callable[[], object]) -> None:
    """Run ``func`` — reads of what the current transaction commits, then a push — once it
    has committed, on this process's push reader thread: the request that committed
    returns without waiting for those reads.

    It runs in the committing thread instead (still after the commit) where another thread
    could not see the rows (a transaction is still open on this connection: a test's) or
    could not reach the channel layer (the in-memory layer of the demo belongs to the
    server's event loop).
    """
    transaction.on_commit(functools.partial(_read_after_commit, func))


def _read_after_commit(func: Callable[[], object]) -> None:
    if transaction.get_connection().in_atomic_block or isinstance(
        get_channel_layer(), InMemoryChannelLayer
    ):
        func()
        return
    future = _reader().submit(_read, func)
    _reads_pending.add(future)
    future.add_done_callback(_reads_pending.discard)


def _read(func: Callable[[], object]) -> None:
    try:
        func()
    except Exception:
        logger.exception("A push could not be prepared (the backlog will carry it)")
    finally:
        db.close_old_connections()  # this thread's connection: back to its pool, or kept


_reads_pending: set[concurrent.futures.Future] = set()


def notify_now(
    *, item: Any, event: str, previous_keys: Iterable[str] = ()
) -> concurrent.futures.Future | None:
    """Push ``event`` about ``item`` (committed, as it is now); returns the sending's
    future (done when every group has the event), or None when nothing is sent: an item
    that is not released (a draft) is pushed to nobody.

    Two queries at most besides the registration's message: the item's stored keys and,
    for networks or guardian groups, their members now.
    """
    registration = push_type_for(type(item))
    if not item.is_released():
        return None
    keys = rule.item_keys(item)
    names = sorted(groups.groups_for_keys(keys))
    text = json.dumps(
        {"type": registration.event_type(event), registration.name: registration.message(item)}
    )
    message = {
        "type": EVENT,
        "id": uuid.uuid4().hex,
        "push_type": registration.name,
        "content_type_id": ContentType.objects.get_for_model(item).pk,
        "item_id": item.pk,
        "groups": names,
        "keys": sorted(keys),
        "previous_keys": sorted(previous_keys),
        "text": text,  # encoded once here, written as is to every admitted socket
    }
    return groups_send(names=names, message=message)


def sockets_close(
    *, user_id: int, reason: str, session_key: str | None = None, token_id: int | None = None
) -> concurrent.futures.Future:
    """Close a user's push sockets: those opened with one session or one API token, or
    (neither given) all of them — signed out, token revoked or expired, new password,
    deactivated, country changed."""
    group = groups.user_group(user_id)
    return groups_send(
        names=[group],
        message={
            "type": SESSION_CLOSED,
            "group": group,
            "reason": reason,
            "session_key": session_key,
            "token_id": token_id,
        },
    )


def groups_send(*, names: list[str], message: dict) -> concurrent.futures.Future:
    """Send ``message`` to these groups without waiting for it (see ``_Sender``).

    The in-memory layer of the demo lives in the server's event loop and cannot be reached
    from another one: there the message is sent at once, as before.
    """
    if isinstance(get_channel_layer(), InMemoryChannelLayer):
        return _send_in_this_process(names, message)
    return _sender().submit(names, message)


def _send_in_this_process(names: list[str], message: dict) -> concurrent.futures.Future:
    """From synchronous code, also when this thread already runs an event loop (a browser
    driver in the tests), where ``async_to_sync`` refuses to run."""
    layer = get_channel_layer()

    async def send_all() -> None:
        for name in names:
            await layer.group_send(name, message)

    done: concurrent.futures.Future = concurrent.futures.Future()
    send = async_to_sync(send_all)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send()
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(send).result()
    done.set_result(None)
    return done


class _Sender:
    """A thread of this process running one event loop that sends to the channel layer.

    It has its own layer instance (connection pools belong to one event loop), made again
    when the settings change (tests). Sends of one event go to its groups concurrently.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.layer = None
        self.config: dict | None = None
        self.pending: set[concurrent.futures.Future] = set()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="push-sender", daemon=True
        )
        self.thread.start()

    def submit(self, names: list[str], message: dict) -> concurrent.futures.Future:
        future = asyncio.run_coroutine_threadsafe(self._send(names, message), self.loop)
        self.pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: concurrent.futures.Future) -> None:
        self.pending.discard(future)
        _log_failure(future)

    def _layer(self):
        config = settings.CHANNEL_LAYERS.get(DEFAULT_CHANNEL_LAYER)
        if self.layer is None or config != self.config:
            self.layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
            self.config = copy.deepcopy(config)
        return self.layer

    async def _send(self, names: list[str], message: dict) -> None:
        layer = self._layer()
        await asyncio.gather(*(layer.group_send(name, message) for name in names))


def _log_failure(future: concurrent.futures.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error(
            "A push could not reach the channel layer (the backlog will carry it)",
            exc_info=future.exception(),
        )


_state: dict[str, _Sender] = {}
_state_lock = threading.Lock()


def _sender() -> _Sender:
    with _state_lock:
        if "sender" not in _state:
            _state["sender"] = _Sender()
        return _state["sender"]


def _reader() -> concurrent.futures.ThreadPoolExecutor:
    """One thread of this process that does the reads of pushes after their commit, in
    the order of the commits."""
    with _state_lock:
        if "reader" not in _state:
            _state["reader"] = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="push-reader"
            )
        return _state["reader"]


def sends_wait(timeout: float = 10.0) -> None:
    """Block until every push committed so far has been read and handed to this process's
    sender, and every send is in the channel layer (tests and benchmarks; a request never
    waits)."""
    concurrent.futures.wait(list(_reads_pending), timeout=timeout)
    sender = _state.get("sender")
    if sender is not None:
        concurrent.futures.wait(list(sender.pending), timeout=timeout)


def _forget_sender() -> None:
    global _state_lock
    _state.clear()
    _reads_pending.clear()
    _state_lock = threading.Lock()


# A forked server process (benchmarks, browser tests) makes its own: the parent's thread
# does not follow into the child.
os.register_at_fork(after_in_child=_forget_sender)
