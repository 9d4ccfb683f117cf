"""Waiting for the push without sleeping (tests, the access matrix)."""

from __future__ import annotations

import asyncio
import uuid

from .hub import PING, hub

#: How long a test waits for a WebSocket handshake: the communicator's default of one
#: second is exceeded now and then by a loaded two-worker run with browsers beside it.
HANDSHAKE_SECONDS = 10


async def hub_settled(*, timeout: float = 10.0) -> None:
    """Return once this event loop's hub has handled every message that reached its
    channel before now: the sends this process handed to the channel layer are waited
    for, then a ping travels behind them through the layer and the hub answers it after
    their deliveries."""
    from .services import sends_wait

    await asyncio.to_thread(sends_wait, timeout)
    local = hub()
    if local.channel is None:
        return  # no socket here, nothing to wait for
    ping = uuid.uuid4().hex
    waiter = local.pings[ping] = asyncio.get_running_loop().create_future()
    try:
        await local.layer.send(local.channel, {"type": PING, "id": ping})
        await asyncio.wait_for(waiter, timeout)
    finally:
        local.pings.pop(ping, None)
