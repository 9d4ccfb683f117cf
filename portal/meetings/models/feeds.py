"""Personal calendar feeds: a secret URL a calendar client polls."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's personal feed at ``/meetings/feed/<token>.ics``: the meetings they may
    see, checked again at every fetch.

    The URL must be shown again on the owner's account page, so the token is kept (in
    ``token``, shown to its owner only); lookups go through ``token_sha256`` (a unique
    index on the hash, compared whole: no prefix of the secret is ever a query key).
    Rotating is revoking and making a new one; a revoked feed, or one whose owner is
    deactivated, answers nothing. One active feed per user.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, editable=False)
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_calendar_feed_per_user",
            )
        ]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.user.is_active
