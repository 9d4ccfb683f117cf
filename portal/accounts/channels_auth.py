"""WebSocket authentication: the session cookie, or an ``Authorization: Bearer`` header."""

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware

from .services import api_token_lookup


@database_sync_to_async
def _token(token: str):
    return api_token_lookup(token)


class BearerTokenMiddleware(BaseMiddleware):
    """Replace the session user by the token's user when a bearer header is sent.

    National systems have no browser session; they open the socket with the same token
    they use for the API. An unknown, revoked or expired token leaves the scope's user
    anonymous; a socket opened with a token records it, and closes when it ends.
    """

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            from django.contrib.auth.models import AnonymousUser

            scope = dict(scope)
            row = await _token(token.strip())
            scope["user"] = row.user if row else AnonymousUser()
            # The socket lives only as long as this token (portal/push/hub.py).
            scope["api_token_id"] = row.pk if row else None
        return await super().__call__(scope, receive, send)


def PortalAuthMiddlewareStack(inner):
    """Session authentication first, then a bearer token if one is sent."""
    return AuthMiddlewareStack(BearerTokenMiddleware(inner))
