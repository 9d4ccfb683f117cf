"""How API endpoints ask the access rule (CONTRACT.md: 404 never confirms an item)."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404
from ninja.errors import AuthenticationError

from portal.access import rule


def api_user(request):
    """The caller: the token's or session's user, or an anonymous user."""
    return request.user


def get_visible_or_error(
    request, queryset: QuerySet, *, action: str = rule.VIEW, **lookup
) -> Model:
    """The item if the caller may see it; otherwise 401 for anonymous callers, 404 for members.

    Anonymous callers reach only public items: anything else asks them to sign in,
    without saying whether the item exists.
    """
    user = api_user(request)
    try:
        return rule.get_visible_or_404(user=user, queryset=queryset, action=action, **lookup)
    except Http404:
        if not user.is_authenticated:
            raise AuthenticationError() from None
        raise
