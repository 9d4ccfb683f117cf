"""How API callers prove who they are: a bearer token or the browser's session.

An operation that needs a role says so in its ``auth`` (``expert_auth(...)``). The role is
checked as part of authentication, which ninja runs before it reads any parameter or body:
a caller without the role gets 403 whatever they send (permission before validation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, SessionAuth
from ninja.security.http import HttpAuthBase

from portal.access import rule
from portal.accounts.locale import locale_activate
from portal.accounts.services import api_token_user

from .access import get_visible_or_error


@dataclass(frozen=True)
class RoleRequired:
    """A role an operation needs, checked right after the caller is authenticated.

    :param allows: the access module's predicate, e.g. ``rule.can_create``.
    :param message: the 403 message, in words a person understands (a lazy translation:
        it is read in the caller's language when refused).
    :param item_model: for operations on one item (``{pk}`` in the path): a caller who
        may not see that item gets the same 404 as for a missing one, never a 403 that
        would confirm it exists.
    """

    allows: Callable[[Any], bool]
    message: str
    item_model: type[Model] | None = None

    def check(self, request, user) -> None:
        if self.allows(user):
            return
        match = getattr(request, "resolver_match", None)
        pk = match.kwargs.get("pk") if match is not None else None
        if self.item_model is not None and pk is not None:
            get_visible_or_error(request, self.item_model._default_manager.all(), pk=pk)
        raise PermissionDenied(self.message)


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token``."""

    def __init__(self, requires: RoleRequired | None = None) -> None:
        super().__init__()
        self.requires = requires

    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is None:
            return None
        request.user = user
        locale_activate(user=user)  # messages in the token owner's language
        if self.requires is not None:
            self.requires.check(request, user)
        return user


class MemberSession(SessionAuth):
    """The session cookie of a signed-in, active member (CSRF-checked on writes)."""

    def __init__(self, requires: RoleRequired | None = None) -> None:
        super().__init__()
        self.requires = requires

    @staticmethod
    def _member(request):
        user = getattr(request, "_cached_user", None) or request.user
        return user if user.is_authenticated and user.is_active else None

    def _get_key(self, request):
        # Only a session that signs someone in needs the CSRF check: without one the
        # caller is simply not authenticated here (401), not refused as a forgery (403).
        if self._member(request) is None:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = self._member(request)
        if user is not None and self.requires is not None:
            self.requires.check(request, user)
        return user


#: Every endpoint but /auth/token accepts either; anonymous callers get 401.
member_auth = [BearerToken(), MemberSession()]


def expert_auth(action: str, *, item_model: type[Model] | None = None) -> list:
    """Authentication for a write that only document experts may make.

    A member without the role (``rule.can_create``, the one access rule) gets 403 before
    the body is read; see ``RoleRequired`` for operations on one item.

    :param action: what is refused, completing "Only document experts can ...", marked
        for translation (``_("publish alerts")``).
    """
    requires = RoleRequired(
        allows=rule.can_create,
        message=format_lazy(_("Only document experts can {action}."), action=action),
        item_model=item_model,
    )
    return [BearerToken(requires=requires), MemberSession(requires=requires)]


def role_required(operation) -> bool:
    """Whether an operation's authentication also checks a role (so it may answer 403)."""
    return any(getattr(auth, "requires", None) for auth in operation.auth_callbacks)


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
