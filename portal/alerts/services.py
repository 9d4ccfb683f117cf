"""Writing alerts: create, review, publish, update, withdraw, acknowledge, sightings.

The lifecycle (drafts, revisions, review, publication) is ``portal.lifecycle`` on
Wagtail's mixins: these services are the page's and the API's entries into it, and
``alert_published`` runs whenever a version goes live, whichever path published it.

The database is the truth; after each commit the alert's id and visibility keys are sent
to the channel-layer groups that can hold permitted users (``fanout``), and every
consumer checks the keys against its own user before sending anything.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import rule
from portal.access.distribution import (
    Distribution,
    distribution_apply,
    distribution_relations_add,
)
from portal.access.models import Country, DistributionLevel, Network
from portal.lifecycle import services as lifecycle

from .images import images_known_empty
from .models import AlertBulletin, AlertStatus, AlertVersion, Receipt, Sighting

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
    """Whether alerts of ``country_code`` wait for a second expert's review."""
    return AlertBulletin.review_required_for(country_code)


def _set_fields(alert: AlertBulletin, fields: dict) -> None:
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name == "issuing_country":
            if value in (None, ""):
                alert.issuing_country = None
                continue
            country = Country.objects.filter(pk=str(value).upper()).first()
            if country is None:
                errors["issuing_country"] = [_("Unknown country code %(code)r.") % {"code": value}]
            alert.issuing_country = country
        elif name in EDITABLE:
            setattr(alert, name, "" if value is None and name != "valid_until" else value)
    if errors:
        raise ValidationError(errors)


def _distribution(data: dict | None) -> Distribution | None:
    if data is None:
        return None
    try:
        return Distribution.from_data(data, allows_public=False)
    except ValidationError as exc:
        raise ValidationError({"distribution": exc.messages}) from None


def _distribution_m2m(parsed: Distribution) -> dict[str, list]:
    """A distribution's countries and networks as a revision stores them (primary keys)."""
    return {
        "shared_countries": sorted(
            Country.objects.filter(code__in=parsed.countries).values_list("pk", flat=True)
        ),
        "shared_networks": sorted(
            Network.objects.filter(slug__in=parsed.networks).values_list("pk", flat=True)
        ),
    }


@rule.keys_sync_deferred()
def alert_create(*, author: Any, distribution: dict, **fields: Any) -> AlertBulletin:
    """Create an alert of the author's country: published at once, or in review where the
    country requires a second expert. ``ValidationError`` names each bad field."""
    if not rule.can_create(author) or not author.country_id:
        raise PermissionDenied(_("Only document experts of a member country can publish alerts."))
    parsed = _distribution(distribution)
    alert = AlertBulletin(
        owner_country_id=author.country_id,
        distribution_level=parsed.level if parsed is not None else DistributionLevel.COUNTRY,
        created_by=author,
    )
    _set_fields(alert, fields)
    # The owner and author are the author's own; the issuing country was looked up by
    # ``_set_fields``: no second query to check each of them again.
    alert.full_clean(exclude=["owner_country", "created_by", "issuing_country"])
    alert.save()  # a draft: its keys and entry are written once, at the block's end
    m2m = {"shared_countries": [], "shared_networks": [], "related_specimens": []}
    if parsed is not None:
        m2m.update(distribution_relations_add(item=alert, distribution=parsed))
    with images_known_empty(alert):  # a new alert: its revision need not read them
        lifecycle.revision_save(item=alert, user=author, m2m_on_row=m2m)
    return lifecycle.item_submit(item=alert, user=author)


def alert_published(*, alert: AlertBulletin, previous_keys: set[str], user: Any, reviewed: bool):
    """A version of the alert went live (``Lifecycle.lifecycle_published``, inside the
    publishing transaction, whichever path published it: the admin, the API, a review's
    approval, ``publish_scheduled``): record the version and push it after commit."""
    changes: dict[str, Any] = {}
    if alert.published_at is None:
        changes["published_at"] = alert.first_published_at or timezone.now()
    if reviewed and user is not None:
        changes["reviewed_by"] = user
    if changes:
        for name, value in changes.items():
            setattr(alert, name, value)
        AlertBulletin.objects.filter(pk=alert.pk).update(**changes)
    values = {
        "title": alert.title,
        "summary": alert.summary,
        "body": alert.body,
        "severity": alert.severity,
        "tlp": alert.tlp,
        "status": alert.status,
        "changed_by": user if getattr(user, "is_authenticated", False) else None,
    }
    # An insert, or an update of the version's row where there is one: one statement.
    AlertVersion.objects.bulk_create(
        [AlertVersion(alert=alert, number=alert.version, **values)],
        update_conflicts=True,
        unique_fields=["alert", "number"],
        update_fields=list(values),
    )
    if alert.status == AlertStatus.PUBLISHED:
        _fanout_on_commit(alert, previous_keys=previous_keys)


@transaction.atomic
def alert_submit(*, alert: AlertBulletin, editor: Any) -> AlertBulletin:
    """Publish a draft (one made in the admin), or send it to review."""
    if not rule.can_change(editor, alert):
        raise PermissionDenied(_("Only experts of the alert's country can publish it."))
    if alert.status != AlertStatus.DRAFT:
        raise ValidationError({"status": [_("Only drafts can be submitted.")]})
    return lifecycle.item_submit(item=alert, user=editor)


@transaction.atomic
def alert_return_to_draft(*, alert: AlertBulletin, reviewer: Any) -> AlertBulletin:
    """A reviewer sends an alert in review back to its author; its author may take it
    back out of review as well."""
    if alert.status != AlertStatus.IN_REVIEW:
        raise ValidationError({"status": [_("Only alerts in review can be sent back.")]})
    if not rule.can_change(reviewer, alert):
        raise PermissionDenied(_("Only experts of the alert's country review it."))
    submitter = getattr(alert.current_workflow_state, "requested_by_id", None)
    if rule.can_review(reviewer, alert, submitted_by_id=submitter):
        return lifecycle.item_review(item=alert, user=reviewer, approve=False)
    return lifecycle.item_review_cancel(item=alert, user=reviewer)


@transaction.atomic
def alert_approve(*, alert: AlertBulletin, reviewer: Any) -> AlertBulletin:
    """A second expert of the owner country publishes an alert that is in review."""
    if alert.status != AlertStatus.IN_REVIEW:
        raise ValidationError({"status": [_("Only alerts in review can be approved.")]})
    return lifecycle.item_review(item=alert, user=reviewer, approve=True)


@rule.keys_sync_deferred()
def alert_update(
    *, alert: AlertBulletin, editor: Any, fields: dict, distribution: dict | None = None
) -> AlertBulletin:
    """Change any field, distribution included. A published alert gets a new published
    version at once (a widened distribution is pushed to the newly permitted, a narrowed
    one disappears from every view in the same commit); a draft stays a draft."""
    if not rule.can_change(editor, alert):
        raise PermissionDenied(_("Only experts of the alert's country can change it."))
    parsed = _distribution(distribution)
    alert = AlertBulletin.objects.get(pk=alert.pk)  # the row, never a draft in memory
    _set_fields(alert, fields)
    if parsed is not None:
        alert.distribution_level = parsed.level
    alert.full_clean(exclude=["owner_country"])
    if alert.live:
        m2m = _distribution_m2m(parsed) if parsed is not None else None
        return lifecycle.item_live_change(item=alert, user=editor, m2m=m2m)
    alert.save()
    if parsed is not None:
        distribution_apply(item=alert, distribution=parsed)
    lifecycle.revision_save(item=alert, user=editor)
    return AlertBulletin.objects.get(pk=alert.pk)


@transaction.atomic
def alert_withdraw(*, alert: AlertBulletin, editor: Any) -> AlertBulletin:
    """Withdrawn alerts stay readable by their recipients, marked so, and leave backlogs."""
    if not rule.can_change(editor, alert):
        raise PermissionDenied(_("Only experts of the alert's country can withdraw it."))
    if alert.status != AlertStatus.PUBLISHED:
        raise ValidationError({"status": [_("Only published alerts can be withdrawn.")]})
    return lifecycle.item_withdraw(item=alert, user=editor)


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
        {
            "status": [
                _("A %(status)s alert cannot become %(new)s.")
                % {"status": alert.get_status_display().lower(), "new": status}
            ]
        }
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
        raise ValidationError(
            {"country": [_("Only officers of a member country report sightings.")]}
        )
    sighting, _created = Sighting.objects.update_or_create(
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
    """The entry point of alerts code: push the alert after the current transaction
    commits (nothing if it rolls back), and mail its subscribers.

    The e-mail task is queued inside the transaction (with the database task backend
    its row commits with the publication: one commit less in the publishing call, and
    no mail lost between a commit and an enqueue); it runs in the worker after the push,
    reading the alert and each recipient's keys again (``emails``)."""
    from portal.push.services import on_commit_read

    from .emails import alert_emails_enqueue

    alert_id = alert.pk
    on_commit_read(lambda: fanout(alert_id=alert_id, previous_keys=previous_keys))
    alert_emails_enqueue(alert=alert, previous_keys=previous_keys)


def fanout(*, alert_id: int, previous_keys: set[str]) -> int:
    """Push a published alert through the platform's push service (``portal.push``) to
    those who may see it now and could not with ``previous_keys`` (the keys before this
    change); returns 1 when pushed, 0 when the alert is not published (its e-mail task
    was queued with the publication: ``_fanout_on_commit``).

    The channel-layer sends leave the request (``push.services``); the screens are
    pushed before the mail, so a slow mail server never delays them.
    """
    from portal.push import services as push

    alert = AlertBulletin.objects.filter(pk=alert_id, status=AlertStatus.PUBLISHED).first()
    if alert is None:
        return 0
    push.notify_now(item=alert, event="published", previous_keys=previous_keys)
    return 1
