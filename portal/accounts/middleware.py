"""Bearer tokens on the portal's own URLs: every URL the API returns works with the token.

The API (``/api/v1``) authenticates tokens itself; the URLs it hands out — image files
and renditions, item pages, later certificates and calendar files — are ordinary Django
views behind the session. A national system has no session: with this middleware the same
``Authorization: Bearer`` header signs its request in, for that request only (no session
is created). A token that is unknown, revoked or expired is a 401, never a silent
anonymous request that would be sent to the login page. The admin takes sessions only.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext

from .services import api_token_lookup

#: Paths that authenticate tokens themselves (the API) or never accept them (the admin).
EXCLUDED_PREFIXES = ("/api/", "/admin/")


def bearer_token(request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, or ``None``."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class BearerTokenMiddleware:
    """After ``AuthenticationMiddleware``: the token's user replaces the session's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bearer_token(request)
        if token is None or request.path.startswith(EXCLUDED_PREFIXES):
            return self.get_response(request)
        row = api_token_lookup(token)
        if row is None:
            response = JsonResponse(
                {
                    "detail": gettext(
                        "This API token is not valid: it is unknown, revoked or "
                        "expired. Get a new one from POST /api/v1/auth/token."
                    )
                },
                status=401,
            )
            response["WWW-Authenticate"] = "Bearer"
            return response
        request.user = row.user
        request.api_token = row
        response = self.get_response(request)
        patch_vary_headers(response, ["Authorization"])
        return response
