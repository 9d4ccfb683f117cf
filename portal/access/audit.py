"""Writing the access log (``AccessRecord``): restricted reads and denied attempts.

The rule's single-item lookup (``rule.get_visible_or_404``, used by item pages, the API
and the admin's object views) records every answer given inside a request; the file views
record with the image and size as detail. Lists, counts and search results are not
logged (they show what a user may see, and would bury the log); public items are not
logged when read, denied attempts always are.
"""

from __future__ import annotations

from typing import Any

from .models import AccessRecord, DistributionLevel
from .request_context import current_request

Channel = AccessRecord.Channel


def channel_of(request) -> str:
    """The channel a request came through, from its path."""
    path = request.path
    if path.startswith("/api/"):
        return Channel.API
    if path.startswith("/admin/"):
        return Channel.ADMIN
    return Channel.PAGE


def _write(*, request, user: Any, channel: str | None, **fields) -> AccessRecord:
    signed_in = bool(getattr(user, "is_authenticated", False))
    return AccessRecord.objects.create(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        country_code=(getattr(user, "country_id", None) or "") if signed_in else "",
        channel=channel or channel_of(request),
        method=request.method[:8],
        path=request.get_full_path()[:300],
        **fields,
    )


def is_restricted(item) -> bool:
    """Whether reading ``item`` is logged: anything not public, and anything unreleased."""
    return item.distribution_level != DistributionLevel.PUBLIC or not item.is_released()


def item_read(*, user: Any, item, detail: str = "", channel: str | None = None) -> None:
    """Record that ``user`` was shown restricted ``item`` in the request being answered."""
    request = current_request()
    if request is None or not is_restricted(item):
        return
    _write(
        request=request,
        user=user,
        channel=channel,
        outcome=AccessRecord.Outcome.READ,
        item_type=item._meta.label_lower,
        object_id=str(item.pk)[:40],
        distribution_level=item.distribution_level,
        detail=detail[:200],
    )


def item_denied(
    *, user: Any, model, object_id: Any, detail: str = "", channel: str | None = None
) -> None:
    """Record that ``user`` asked for ``model`` #``object_id`` and was refused (404)."""
    request = current_request()
    if request is None:
        return
    try:
        exists = model._default_manager.filter(pk=object_id).exists()
    except (ValueError, TypeError, OverflowError):
        exists = False
    reason = "not shared with the user" if exists else "no such item"
    detail = f"{reason}; {detail}" if detail else reason
    _write(
        request=request,
        user=user,
        channel=channel,
        outcome=AccessRecord.Outcome.DENIED,
        item_type=model._meta.label_lower,
        object_id=str(object_id)[:40],
        detail=detail[:200],
    )


# === training: quiz === personal records (a certificate) have no distribution.
def record_read(*, user: Any, record, detail: str = "", channel: str | None = None) -> None:
    """Record that ``user`` was shown a personal record (their certificate's PDF): not a
    shared item, so no distribution level; always logged (it names a person)."""
    request = current_request()
    if request is None:
        return
    _write(
        request=request,
        user=user,
        channel=channel,
        outcome=AccessRecord.Outcome.READ,
        item_type=record._meta.label_lower,
        object_id=str(record.pk)[:40],
        detail=detail[:200],
    )


# === end training: quiz ===
