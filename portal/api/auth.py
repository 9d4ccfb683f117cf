"""How API callers prove who they are: a bearer token or the browser's session."""

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer, SessionAuth
from ninja.security.http import HttpAuthBase

from portal.accounts.services import api_token_user


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token``."""

    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class MemberSession(SessionAuth):
    """The session cookie of a signed-in, active member (CSRF-checked on writes)."""

    def authenticate(self, request, key):
        user = getattr(request, "_cached_user", None) or request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


#: Every endpoint but /auth/token accepts either; anonymous callers get 401.
member_auth = [BearerToken(), MemberSession()]


class Anonymous(HttpAuthBase):
    """Last in a chain: let an anonymous caller through, holding only the public key.

    A session cookie cannot ride along: the caller is treated as anonymous.
    """

    openapi_type = "http"

    def __call__(self, request):
        request.user = AnonymousUser()
        return request.user


#: For endpoints of content that may be public (specimens, training).
member_or_anonymous_auth = [BearerToken(), MemberSession(), Anonymous()]
