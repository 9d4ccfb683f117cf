"""Issuing and checking API tokens.

Tokens are Wagtail 8's ``APIToken`` rows: only an HMAC of the token is stored, and
administrators list and revoke them under Settings → API tokens in the admin. The portal
adds expiry: a token stops working ``API_TOKEN_TTL_HOURS`` after it was issued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from wagtail.models import APIToken


def api_token_lifetime() -> timedelta:
    return timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def api_token_expires_at(token: APIToken) -> datetime:
    return token.created + api_token_lifetime()


def api_token_issue(*, user, name: str) -> tuple[APIToken, str]:
    """Create a token for ``user``; returns the row and the token, shown only this once."""
    return APIToken.create_token(user=user, name=name)


def api_token_lookup(token: str) -> APIToken | None:
    """The usable token row for ``token``: known, not revoked, not expired, user active."""
    if not token or not APIToken.validate_token_format(token):
        return None
    row = (
        APIToken.objects.select_related("user", "user__country")
        .filter(
            key_hash__in=APIToken.candidate_key_hashes(token),
            revoked_at__isnull=True,
            created__gt=timezone.now() - api_token_lifetime(),
        )
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute, so busy clients don't write on every call.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        APIToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def api_token_user(token: str):
    """The active user a usable token belongs to, or ``None``."""
    row = api_token_lookup(token)
    return row.user if row else None
