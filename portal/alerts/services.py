"""Writing alerts: create, review, publish, update, withdraw, acknowledge, sightings.

The database is the truth; after each commit the alert's id and visibility keys are sent
to the channel-layer groups that can hold permitted users (``fanout``), and every
consumer checks the keys against its own user before sending anything.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.access import rule
from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country, DistributionLevel, Role

from . import groups
from .models import (
    AlertBulletin,
    AlertStatus,
    AlertVersion,
    CountryAlertPolicy,
    Receipt,
    Sighting,
)

logger = logging.getLogger(__name__)

#: Fields an expert may change with ``alert_update`` (PATCH).
EDITABLE = {
    "title",
    "summary",
    "body",
    "severity",
    "tlp",
    "issuing_country",
    "document_type",
    "fraud_type",
    "valid_until",
}


def review_required(country_code: str | None) -> bool:
    if not country_code:
        return False
    return CountryAlertPolicy.objects.filter(country_id=country_code, requires_review=True).exists()


def _version_record(alert: AlertBulletin, user: Any) -> None:
    AlertVersion.objects.update_or_create(
        alert=alert,
        number=alert.version,
        defaults={
            "title": alert.title,
            "summary": alert.summary,
            "body": alert.body,
            "severity": alert.severity,
            "tlp": alert.tlp,
            "status": alert.status,
            "changed_by": user if getattr(user, "is_authenticated", False) else None,
        },
    )


def _set_fields(alert: AlertBulletin, fields: dict) -> None:
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name == "issuing_country":
            if value in (None, ""):
                alert.issuing_country = None
                continue
            country = Country.objects.filter(pk=str(value).upper()).first()
            if country is None:
                errors["issuing_country"] = [f"Unknown country code {value!r}."]
            alert.issuing_country = country
        elif name in EDITABLE:
            setattr(alert, name, "" if value is None and name != "valid_until" else value)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def alert_create(*, author: Any, distribution: dict, **fields: Any) -> AlertBulletin:
    """Create an alert of the author's country: published at once, or in review where the
    country requires a second expert. ``ValidationError`` names each bad field."""
    if not rule.can_create(author) or not author.country_id:
        raise PermissionDenied("Only document experts of a member country can publish alerts.")
    try:
        parsed = Distribution.from_data(distribution, allows_public=False)
    except ValidationError as exc:
        raise ValidationError({"distribution": exc.messages}) from None
    alert = AlertBulletin(
        owner_country_id=author.country_id,
        distribution_level=DistributionLevel.COUNTRY,
        created_by=author,
    )
    _set_fields(alert, fields)
    alert.full_clean(exclude=["owner_country"])
    _submission_status_set(alert)  # before the first save: one save less per publication
    alert.save()
    distribution_apply(item=alert, distribution=parsed)
    return _submission_recorded(alert, author)


def _submitted(alert: AlertBulletin, editor: Any) -> AlertBulletin:
    """A finished draft goes to review where its country requires it, else is published
    (a publication is announced to every reader, its country's experts included)."""
    _submission_status_set(alert)
    alert.save()
    return _submission_recorded(alert, editor)


def _submission_status_set(alert: AlertBulletin) -> None:
    if review_required(alert.owner_country_id):
        alert.status = AlertStatus.IN_REVIEW
    else:
        alert.status = AlertStatus.PUBLISHED
        alert.published_at = timezone.now()


def _submission_recorded(alert: AlertBulletin, editor: Any) -> AlertBulletin:
    _version_record(alert, editor)
    if alert.status == AlertStatus.PUBLISHED:
        _fanout_on_commit(alert, previous_keys=set())
    return alert


@transaction.atomic
def alert_submit(*, alert: AlertBulletin, editor: Any) -> AlertBulletin:
    """Publish a draft (one made in the admin), or send it to review."""
    if not rule.can_change(editor, alert):
        raise PermissionDenied("Only experts of the alert's country can publish it.")
    if alert.status != AlertStatus.DRAFT:
        raise ValidationError({"status": ["Only drafts can be submitted."]})
    return _submitted(alert, editor)


@transaction.atomic
def alert_return_to_draft(*, alert: AlertBulletin, reviewer: Any) -> AlertBulletin:
    """The reviewer sends an alert in review back to its author as a draft."""
    if alert.status != AlertStatus.IN_REVIEW:
        raise ValidationError({"status": ["Only alerts in review can be sent back."]})
    if not rule.can_change(reviewer, alert):
        raise PermissionDenied("Only experts of the alert's country review it.")
    alert.status = AlertStatus.DRAFT
    alert.save()
    _version_record(alert, reviewer)
    return alert


def alert_admin_saved(
    *, alert: AlertBulletin, editor: Any, created: bool, previous_keys: set[str]
) -> None:
    """After the Wagtail admin saved an alert (inside its transaction): new alerts are
    drafts of their author, to be published from the alert page; a change to a published
    alert is a new version, and a widened distribution is pushed like the API's."""
    if created:
        alert.created_by = alert.created_by or editor
        alert.status = AlertStatus.DRAFT
        alert.save(update_fields=["created_by", "status"])
    elif alert.status == AlertStatus.PUBLISHED:
        alert.version += 1
        alert.save(update_fields=["version"])
    _version_record(alert, editor)
    if alert.status == AlertStatus.PUBLISHED:
        _fanout_on_commit(alert, previous_keys=previous_keys)


@transaction.atomic
def alert_approve(*, alert: AlertBulletin, reviewer: Any) -> AlertBulletin:
    """A second expert of the owner country publishes an alert that is in review."""
    if alert.status != AlertStatus.IN_REVIEW:
        raise ValidationError({"status": ["Only alerts in review can be approved."]})
    if (
        not reviewer.has_role(Role.EXPERT)
        or reviewer.country_id != alert.owner_country_id
        or reviewer.pk == alert.created_by_id
    ):
        raise PermissionDenied("A second expert of the alert's country must review it.")
    alert.status = AlertStatus.PUBLISHED
    alert.published_at = timezone.now()
    alert.reviewed_by = reviewer
    alert.save()
    _version_record(alert, reviewer)
    _fanout_on_commit(alert, previous_keys=set())
    return alert


@transaction.atomic
def alert_update(
    *, alert: AlertBulletin, editor: Any, fields: dict, distribution: dict | None = None
) -> AlertBulletin:
    """Change any field, distribution included; a widened distribution is pushed to the
    newly permitted, a narrowed one disappears from every view at once."""
    if not rule.can_change(editor, alert):
        raise PermissionDenied("Only experts of the alert's country can change it.")
    parsed = None
    if distribution is not None:
        try:
            parsed = Distribution.from_data(distribution, allows_public=False)
        except ValidationError as exc:
            raise ValidationError({"distribution": exc.messages}) from None
    previous = rule.item_keys(alert)
    _set_fields(alert, fields)
    alert.full_clean(exclude=["owner_country"])
    if alert.status == AlertStatus.PUBLISHED:
        alert.version += 1
    alert.save()
    if parsed is not None:
        distribution_apply(item=alert, distribution=parsed)
    _version_record(alert, editor)
    if alert.status == AlertStatus.PUBLISHED:
        _fanout_on_commit(alert, previous_keys=previous)
    return alert


@transaction.atomic
def alert_withdraw(*, alert: AlertBulletin, editor: Any) -> AlertBulletin:
    """Withdrawn alerts stay readable by their recipients, marked so, and leave backlogs."""
    if not rule.can_change(editor, alert):
        raise PermissionDenied("Only experts of the alert's country can withdraw it.")
    if alert.status != AlertStatus.PUBLISHED:
        raise ValidationError({"status": ["Only published alerts can be withdrawn."]})
    alert.status = AlertStatus.WITHDRAWN
    alert.version += 1
    alert.save()
    _version_record(alert, editor)
    return alert


def alert_status_set(*, alert: AlertBulletin, user: Any, status: str) -> AlertBulletin:
    """One entry for the lifecycle's moves (API ``PATCH {"status"}`` and the alert page)."""
    if status == AlertStatus.PUBLISHED and alert.status == AlertStatus.IN_REVIEW:
        return alert_approve(alert=alert, reviewer=user)
    if status == AlertStatus.PUBLISHED and alert.status == AlertStatus.DRAFT:
        return alert_submit(alert=alert, editor=user)
    if status == AlertStatus.WITHDRAWN:
        return alert_withdraw(alert=alert, editor=user)
    if status == AlertStatus.DRAFT:
        return alert_return_to_draft(alert=alert, reviewer=user)
    if status == alert.status:
        return alert
    raise ValidationError(
        {"status": [f"A {alert.get_status_display().lower()} alert cannot become {status}."]}
    )


def alert_acknowledge(*, alert: AlertBulletin, user: Any) -> Receipt:
    """The user has read the alert (it leaves their backlog)."""
    now = timezone.now()
    receipt, _ = Receipt.objects.get_or_create(
        alert=alert, user=user, defaults={"country_code": user.country_id or ""}
    )
    changed = []
    if receipt.delivered_at is None:
        receipt.delivered_at = now
        changed.append("delivered_at")
    if receipt.acknowledged_at is None:
        receipt.acknowledged_at = now
        changed.append("acknowledged_at")
    if changed:
        receipt.save(update_fields=changed)
    return receipt


def receipts_delivered(*, alert_ids: list[int], user: Any) -> None:
    """Record that these alerts reached the user's screen (push or backlog)."""
    now = timezone.now()
    existing = set(
        Receipt.objects.filter(alert_id__in=alert_ids, user=user).values_list("alert_id", flat=True)
    )
    Receipt.objects.bulk_create(
        [
            Receipt(alert_id=pk, user=user, country_code=user.country_id or "", delivered_at=now)
            for pk in alert_ids
            if pk not in existing
        ],
        ignore_conflicts=True,
    )
    Receipt.objects.filter(alert_id__in=alert_ids, user=user, delivered_at__isnull=True).update(
        delivered_at=now
    )


def receipts_delivered_to(*, alert_id: int, user_ids: list[int]) -> None:
    """Record that one alert reached these users' screens: three queries for any number."""
    from django.contrib.auth import get_user_model

    now = timezone.now()
    countries = dict(
        get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "country_id")
    )
    Receipt.objects.bulk_create(
        [
            Receipt(alert_id=alert_id, user_id=uid, country_code=country or "", delivered_at=now)
            for uid, country in countries.items()
        ],
        ignore_conflicts=True,
    )
    Receipt.objects.filter(
        alert_id=alert_id, user_id__in=user_ids, delivered_at__isnull=True
    ).update(delivered_at=now)


def sighting_add(*, alert: AlertBulletin, user: Any, note: str = "") -> Sighting:
    """ "Seen here too": the officer's country met this forgery as well."""
    if not user.country_id:
        raise ValidationError({"country": ["Only officers of a member country report sightings."]})
    sighting, _ = Sighting.objects.update_or_create(
        alert=alert, user=user, defaults={"country_code": user.country_id, "note": note[:500]}
    )
    return sighting


# --- real-time push --------------------------------------------------------------------


def alert_message(alert: AlertBulletin) -> dict:
    """The ``alert`` object of CONTRACT.md's WebSocket messages."""
    return {
        "id": alert.pk,
        "title": alert.title,
        "severity": alert.severity,
        "tlp": alert.tlp,
        "url": alert.get_absolute_url(),
        "published_at": alert.published_at.isoformat() if alert.published_at else None,
    }


def _fanout_on_commit(alert: AlertBulletin, *, previous_keys: set[str]) -> None:
    alert_id = alert.pk
    transaction.on_commit(lambda: fanout(alert_id=alert_id, previous_keys=previous_keys))


def fanout(*, alert_id: int, previous_keys: set[str]) -> int:
    """Wake the consumers that may hold permitted users; returns the number of groups.

    ``previous_keys``: the keys before this change; consumers whose user already held
    one of them got the alert before and are not pushed it again.
    """
    alert = AlertBulletin.objects.filter(pk=alert_id, status=AlertStatus.PUBLISHED).first()
    if alert is None:
        return 0
    keys = rule.item_keys(alert)
    event = {
        "type": "alert.published",
        "alert": alert_message(alert),
        "keys": sorted(keys),
        "previous_keys": sorted(previous_keys),
    }
    targets = groups.groups_for_keys(keys)
    _group_send(sorted(targets), event)
    # After the push, so a slow mail server never delays the screens.
    from .emails import alert_emails_send

    try:
        alert_emails_send(alert=alert, previous_keys=previous_keys)
    except Exception:  # the alert is published and pushed; mail is best effort
        logger.exception("E-mails about alert %s could not be sent", alert.pk)
    return len(targets)


def sockets_close(
    *, user_id: int, reason: str, session_key: str | None = None, token_id: int | None = None
) -> None:
    """Close a user's alert sockets: those opened with one session or one API token, or
    (neither given) all of them — signed out, token revoked or expired, new password,
    deactivated, country changed."""
    _group_send(
        [groups.user_group(user_id)],
        {
            "type": "session.closed",
            "reason": reason,
            "session_key": session_key,
            "token_id": token_id,
        },
    )


def _group_send(names: list[str], message: dict) -> None:
    """Send to these groups in one event loop (one Redis connection for them all), from
    synchronous code, also when this thread already runs an event loop (a browser driver
    in the tests), where ``async_to_sync`` refuses to run."""
    layer = get_channel_layer()

    async def send_all() -> None:
        for name in names:  # the group named in the message: the hub's local members
            await layer.group_send(name, {**message, "group": name})

    send = async_to_sync(send_all)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send()
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(send).result()
