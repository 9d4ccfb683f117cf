"""Per-user rate limits of costly API operations, counted in the Django cache.

ninja runs throttles right after authentication and before it reads the body, so a
refused request costs one cache increment. A refusal is a 429 with ``Retry-After``
(ninja sets the header from ``wait()``; the message comes from ``errors.py``).
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle

_PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def rate_parse(rate: str) -> tuple[int, int]:
    """``"30/minute"`` → ``(30, 60)``: requests allowed and the period in seconds."""
    count, _, period = rate.partition("/")
    try:
        return int(count), _PERIODS[period.strip().lower()]
    except (ValueError, KeyError):
        raise ValueError(
            f"Rate {rate!r} is not valid: write it as <requests>/<second|minute|hour|day>."
        ) from None


class MemberRateThrottle(BaseThrottle):
    """At most N requests per period per signed-in user, N and the period read from a setting.

    A fixed window counted with ``cache.add`` + ``cache.incr`` (atomic in Redis and in the
    local-memory cache), so concurrent requests never lose a count. The setting is read
    per request: tests and operators may change it without a restart of the router.
    """

    def __init__(self, scope: str, *, setting: str, default: str) -> None:
        self.scope = scope
        self.setting = setting
        self.default = default
        # ninja asks ``wait()`` right after a refusal, on the same instance: keep the
        # answer per thread so that concurrent requests never read each other's.
        self._local = threading.local()

    def rate(self) -> tuple[int, int]:
        return rate_parse(getattr(settings, self.setting, self.default))

    def _ident(self, request) -> str:
        user = getattr(request, "auth", None)
        if getattr(user, "pk", None) is not None:
            return f"user:{user.pk}"
        return f"address:{request.META.get('REMOTE_ADDR', '')}"

    def allow_request(self, request) -> bool:
        allowed, period = self.rate()
        now = time.time()
        window = int(now // period)
        key = f"api-rate:{self.scope}:{self._ident(request)}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            used = 1
        self._local.wait = period - (now - window * period)
        return used <= allowed

    def wait(self) -> float | None:
        wait = getattr(self._local, "wait", None)
        return None if wait is None else max(1, math.ceil(wait))
