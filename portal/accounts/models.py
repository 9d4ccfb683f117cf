"""How long each API token lives (Wagtail's ``APIToken`` has no expiry of its own)."""

from django.db import models


class TokenLifetime(models.Model):
    """When one API token stops working, whatever happens to it meanwhile.

    Tokens a person gets from ``POST /api/v1/auth/token`` or their account page live
    ``API_TOKEN_TTL_HOURS`` (7 days by default); tokens an administrator issues for a
    national system (Settings → API tokens, or ``manage.py api_tokens create``) live
    ``API_TOKEN_SYSTEM_TTL_DAYS``. Revoking a token ends it at once.
    """

    token = models.OneToOneField(
        "wagtailcore.APIToken", on_delete=models.CASCADE, primary_key=True, related_name="lifetime"
    )
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"token {self.token_id} until {self.expires_at:%Y-%m-%d %H:%M}"
