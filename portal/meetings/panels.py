"""The home page's "upcoming meetings" panel (``portal.core.whats_new``)."""

from __future__ import annotations

from typing import Any

from .models import Meeting
from .selectors import meetings_visible_to


def meetings_upcoming(*, user: Any, limit: int = 5) -> list[Meeting]:
    """The next meetings ``user`` may see (not yet ended, soonest first), through the rule."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(meetings_visible_to(user=user, when="upcoming")[:limit])
