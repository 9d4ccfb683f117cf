"""Reading alerts: every selector filters through the access rule first."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.access import rule

from .models import AlertBulletin, AlertStatus, Receipt

BACKLOG_LIMIT = 50


def alerts_visible_to(*, user: Any) -> QuerySet[AlertBulletin]:
    """Every alert ``user`` may see (drafts and reviews only for their country's experts)."""
    return rule.visible_to(user=user, queryset=AlertBulletin.objects.all())


def alerts_list(*, user: Any, filters: dict | None = None) -> QuerySet[AlertBulletin]:
    """Visible alerts newest first, with the list page's and API's filters."""
    filters = filters or {}
    queryset = alerts_visible_to(user=user).select_related("issuing_country")
    for name in ("severity", "tlp", "document_type", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("issuing_country"):
        queryset = queryset.filter(issuing_country_id=str(filters["issuing_country"]).upper())
    if filters.get("unacknowledged") and getattr(user, "is_authenticated", False):
        acknowledged = Receipt.objects.filter(
            alert=OuterRef("pk"), user=user, acknowledged_at__isnull=False
        )
        queryset = queryset.filter(~Exists(acknowledged))
    return queryset.order_by("-published_at", "-created_at", "-pk")


def alert_backlog(*, user: Any, limit: int = BACKLOG_LIMIT) -> list[AlertBulletin]:
    """Published, unexpired alerts the user may see and has not acknowledged, newest first
    (withdrawn and expired alerts stay readable but nobody is asked to act on them)."""
    acknowledged = Receipt.objects.filter(
        alert=OuterRef("pk"), user=user, acknowledged_at__isnull=False
    )
    return list(
        alerts_visible_to(user=user)
        .filter(status=AlertStatus.PUBLISHED)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()))
        .filter(~Exists(acknowledged))
        .order_by("-published_at", "-pk")[:limit]
    )


def alerts_newest(*, user: Any, limit: int = 5) -> list[AlertBulletin]:
    """The home page's panel: newest first; experts also see their country's drafts and
    alerts in review (marked so), which is where a reviewer finds them."""
    return list(
        alerts_visible_to(user=user).order_by(Coalesce("published_at", "created_at").desc(), "-pk")[
            :limit
        ]
    )
