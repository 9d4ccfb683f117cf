"""Sign-in throttling: which address an attempt comes from, when it is refused, what it says.

django-axes counts wrong passwords per username and client address together and refuses
further attempts for a while (the ``AXES_*`` settings in ``portal/settings/base.py``
say how many and how long). This module holds the portal's three pieces of it:

- :func:`client_ip_address`, the address axes counts (``AXES_CLIENT_IP_CALLABLE``);
- :class:`LoginThrottleHandler`, axes' database handler with the lock starting *after*
  the last allowed wrong password (``AXES_HANDLER``);
- :func:`lockout_response`, the 429 a person reads: a page, or JSON under ``/api/``
  (``AXES_LOCKOUT_CALLABLE``).

An administrator lifts a lock with ``manage.py axes_reset_username <username>`` (or
``axes_reset_ip``, ``axes_reset_ip_username``, ``axes_reset``).
"""

from __future__ import annotations

import ipaddress
import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

#: Whom a locked-out person can ask, in every lockout message.
WHOM_TO_ASK = _(
    "If you have forgotten your password, did not make these attempts or cannot wait, "
    "ask your country's administrator."
)


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a sign-in attempt comes from, as the outermost trusted proxy saw it.

    Each trusted proxy appends the address it was reached from to ``X-Forwarded-For``
    (nginx: ``$proxy_add_x_forwarded_for``), so with ``TRUSTED_PROXY_COUNT`` proxies the
    entry that many places from the right is the client's; entries further left are what
    the client sent and prove nothing. Without trusted proxies (the demo, the tests) it is
    ``REMOTE_ADDR``, as it is when the header is missing, too short or not an address.
    """
    remote_addr = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote_addr
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < trusted:
        return remote_addr
    try:
        # axes stores the address in a GenericIPAddressField: only a real one may pass.
        return str(ipaddress.ip_address(forwarded[-trusted]))
    except ValueError:
        return remote_addr


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler, with the lock starting after the last allowed wrong password.

    Stock axes answers the failure that reaches ``AXES_FAILURE_LIMIT`` with the lockout
    response. The portal answers that attempt like any other wrong password (its password
    was checked) and refuses every later attempt, the right password included, until the
    cool-off has passed: ``AXES_FAILURE_LIMIT`` wrong passwords are allowed, not one fewer.
    """

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        # An attempt refused before its password was checked is counted too, so it is
        # always past the limit; exactly at the limit means this attempt reached it.
        if request.axes_failures_since_start == get_failure_limit(request, credentials):
            request.axes_locked_out = False


def sign_in_refused(request: HttpRequest) -> bool:
    """Whether the throttle refused the sign-in attempt just made with ``request``."""
    return bool(getattr(request, "axes_locked_out", False))


def sign_in_succeeded(request: HttpRequest, *, user) -> None:
    """Clear the count of ``user``'s failures at this address after a sign-in.

    axes does this itself when ``django.contrib.auth.login()`` starts a session; a sign-in
    that issues an API token instead starts none, so its view calls this.
    """
    if not (settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS):
        return
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    handler.reset_user_attempts(request, get_credentials(user.get_username()))


def lockout_wait(request: HttpRequest) -> timedelta:
    """How long a refused person must wait: the full cool-off, since every refused attempt
    starts it again (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``)."""
    return get_cool_off(request) or timedelta(0)


def retry_after_seconds(request: HttpRequest) -> int:
    """The ``Retry-After`` value of a refused attempt, in whole seconds."""
    return max(1, math.ceil(lockout_wait(request).total_seconds()))


def _duration_words(wait: timedelta) -> str:
    minutes = math.ceil(wait.total_seconds() / 60)
    if minutes >= 120 and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def lockout_message(request: HttpRequest) -> str:
    """The sentence a refused person reads: what happened, how long to wait, whom to ask."""
    return gettext(
        "Too many wrong passwords were tried for this account from your connection, so "
        "signing in is paused for %(wait)s. Wait, then try again; each attempt before then "
        "starts the wait again. %(whom_to_ask)s"
    ) % {"wait": _duration_words(lockout_wait(request)), "whom_to_ask": WHOM_TO_ASK}


def lockout_response(
    request: HttpRequest, original_response: object = None, credentials: object = None
) -> HttpResponse:
    """The answer to a sign-in attempt the throttle refused: 429 with ``Retry-After``.

    Under ``/api/`` it is JSON ``{"detail": ...}`` as every API error; elsewhere (the
    sign-in page, the admin's, Wagtail's page-privacy login) the site's page.

    axes calls this with ``(request, original_response, credentials)`` from a synchronous
    middleware and ``(request, credentials)`` from an asynchronous one (daphne); neither
    extra argument is used.
    """
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": lockout_message(request)}, status=429)
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"wait": _duration_words(lockout_wait(request)), "whom_to_ask": WHOM_TO_ASK},
            status=429,
        )
    response["Retry-After"] = str(retry_after_seconds(request))
    return response
