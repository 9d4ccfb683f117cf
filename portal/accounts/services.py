"""Issuing, checking, listing and ending credentials: API tokens, and what ends them.

Tokens are Wagtail 8's ``APIToken`` rows: only an HMAC of the token is stored, and
administrators list and revoke them under Settings → API tokens in the admin. The portal
adds a lifetime (``TokenLifetime``): a token a person gets for themselves lives
``API_TOKEN_TTL_HOURS`` (7 days); one an administrator issues for a national system
lives ``API_TOKEN_SYSTEM_TTL_DAYS``. Revoking a token, expiry, a password change and
signing out end a credential everywhere at once: later requests are refused, and
``credentials_ended`` (after commit) closes the sockets opened with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import APIToken

from .models import TokenLifetime
from .signals import credentials_ended


def api_token_lifetime() -> timedelta:
    """How long a token a person gets for themselves lives."""
    return timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def api_token_system_lifetime() -> timedelta:
    """How long a token an administrator issues (for a national system) lives."""
    return timedelta(days=settings.API_TOKEN_SYSTEM_TTL_DAYS)


def api_token_expires_at(token: APIToken) -> datetime:
    return token.lifetime.expires_at


@transaction.atomic
def api_token_issue(*, user, name: str) -> tuple[APIToken, str]:
    """A personal token for ``user`` (``POST /auth/token``, the account page), living
    ``API_TOKEN_TTL_HOURS``; returns the row and the token, shown only this once."""
    row, value = APIToken.create_token(user=user, name=name)
    # Saving the token gave it an administrator's lifetime (signal_handlers): shorten it.
    row.lifetime, _ = TokenLifetime.objects.update_or_create(
        token=row, defaults={"expires_at": row.created + api_token_lifetime()}
    )
    return row, value


def api_token_lifetime_ensure(token: APIToken) -> None:
    """Give a token created anywhere else (the admin, ``manage.py api_tokens``) the
    lifetime of administrator-issued tokens."""
    TokenLifetime.objects.get_or_create(
        token=token, defaults={"expires_at": token.created + api_token_system_lifetime()}
    )


def api_token_lookup(token: str) -> APIToken | None:
    """The usable token row for ``token``: known, not revoked, not expired, user active."""
    if not token or not APIToken.validate_token_format(token):
        return None
    now = timezone.now()
    row = (
        APIToken.objects.select_related("user", "user__country", "lifetime")
        .filter(
            key_hash__in=APIToken.candidate_key_hashes(token),
            revoked_at__isnull=True,
            lifetime__expires_at__gt=now,
        )
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    # Record use at most once a minute, so busy clients don't write on every call.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        APIToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def api_token_user(token: str):
    """The active user a usable token belongs to, or ``None``."""
    row = api_token_lookup(token)
    return row.user if row else None


def api_tokens_usable(token_ids) -> set[int]:
    """Which of these tokens still work (not revoked, not expired, user active): one
    query, for the sockets of a whole server process."""
    return set(
        APIToken.objects.filter(
            pk__in=list(token_ids),
            revoked_at__isnull=True,
            lifetime__expires_at__gt=timezone.now(),
            user__is_active=True,
        ).values_list("pk", flat=True)
    )


def api_tokens_of(*, user):
    """The user's tokens, newest first, with their lifetimes (the account page)."""
    return APIToken.objects.filter(user=user).select_related("lifetime").order_by("-created", "-pk")


def api_token_revoke(*, user, token_id: int) -> APIToken | None:
    """Revoke one of ``user``'s own tokens; ``None`` if they have no such usable token.

    Saving ``revoked_at`` ends it everywhere (``signal_handlers``), as when an
    administrator revokes it in the admin.
    """
    row = APIToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if row is not None:
        row.revoke()
    return row


def credentials_of_user_end(*, user_id: int, reason: str) -> None:
    """Every credential of a user ends (a new password): tokens are revoked, and after
    commit every socket of theirs closes. Sessions end by Django's session hash."""
    APIToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    credentials_end_after_commit(user_id=user_id, reason=reason)


def credentials_end_after_commit(
    *, user_id: int, reason: str, session_key: str | None = None, token_id: int | None = None
) -> None:
    """Announce, once the transaction commits, that a credential ended: one session, one
    token, or (neither given) every credential of the user."""
    transaction.on_commit(
        lambda: credentials_ended.send(
            sender=None,
            user_id=user_id,
            session_key=session_key,
            token_id=token_id,
            reason=reason,
        )
    )
