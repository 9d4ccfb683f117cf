"""Alerts' registration with the push service (``portal.push``): the ``/ws/alerts/`` feed
of CONTRACT.md — ``alert.backlog`` on connect, ``alert.published`` when an alert becomes
visible to the user — with a ``Receipt`` per user and alert recording each delivery."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.push.registry import PushType, push_type_register

from .models import AlertBulletin, Receipt
from .selectors import alert_backlog
from .services import alert_message
from .wording import alert_kind


def alert_push_message(alert: AlertBulletin) -> dict:
    """CONTRACT.md's ``alert`` object, and what the toast's one-line summary needs:
    codes only (``kind``, ``issuing_country``, ``document_type``, ``fraud_type``), which
    the page puts in the reader's language (``alert_wording.live_labels``)."""
    return {
        **alert_message(alert),
        "kind": alert_kind(alert).value,
        "issuing_country": alert.issuing_country_id or "",
        "document_type": alert.document_type,
        "fraud_type": alert.fraud_type,
    }


def deliveries_record(*, deliveries: dict[int, set[int]]) -> None:
    """Receipts for alerts that reached users' screens (pushed or in a backlog): one
    query for the users' countries, one insert, and one update per distinct set of users
    (a push: one per alert; a backlog: one for all its alerts)."""
    pairs = [(alert_id, uid) for alert_id, uids in deliveries.items() for uid in uids]
    if not pairs:
        return
    now = timezone.now()
    countries = dict(
        get_user_model()
        .objects.filter(pk__in={uid for _, uid in pairs})
        .values_list("pk", "country_id")
    )
    Receipt.objects.bulk_create(
        [
            Receipt(alert_id=aid, user_id=uid, country_code=countries[uid] or "", delivered_at=now)
            for aid, uid in pairs
            if uid in countries
        ],
        ignore_conflicts=True,
    )
    by_users: dict[frozenset[int], list[int]] = {}
    for alert_id, uids in deliveries.items():
        by_users.setdefault(frozenset(uids), []).append(alert_id)
    for uids, alert_ids in by_users.items():
        # Receipts made earlier without a delivery (an acknowledgement first) are completed.
        Receipt.objects.filter(
            alert_id__in=alert_ids, user_id__in=uids, delivered_at__isnull=True
        ).update(delivered_at=now)


def register() -> None:
    push_type_register(
        PushType(
            name="alert",
            model=AlertBulletin,
            message=alert_push_message,
            backlog=alert_backlog,
            delivered=deliveries_record,
            route="ws/alerts/",
        )
    )
