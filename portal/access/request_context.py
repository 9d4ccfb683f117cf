"""The request being answered, for code that has no request argument.

Wagtail's reference index (usage counts) and the access log are reached from deep inside
third-party views that never pass the request along. ``RequestContextMiddleware`` binds
the request to a context variable for exactly the time it is answered; outside a
request (management commands, background tasks, the WebSocket hub) nothing is bound.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_request: ContextVar[Any] = ContextVar("portal_request", default=None)


def current_request():
    """The request being answered in this context, or ``None``."""
    return _request.get()


def current_user():
    """The user of the request being answered, or ``None`` outside a request."""
    request = _request.get()
    return getattr(request, "user", None) if request is not None else None


class RequestContextMiddleware:
    """Bind the request for its duration (after ``AuthenticationMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
