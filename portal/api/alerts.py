"""``/api/v1/alerts``: read, publish, change and acknowledge alerts (CONTRACT.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext_lazy
from ninja import P, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from portal.alerts import selectors, services
from portal.alerts.models import AlertBulletin, Receipt, Severity, Tlp
from portal.specimens.models import DocumentType, FraudType

from . import paging
from .access import get_visible_or_error
from .auth import expert_auth, member_auth
from .schemas import DateTimeText

router = Router(tags=["alerts"])

SeverityCode = Literal[tuple(Severity.values)]  # type: ignore[valid-type]
TlpCode = Literal[tuple(Tlp.values)]  # type: ignore[valid-type]
DocumentTypeCode = Literal[tuple(DocumentType.values)]  # type: ignore[valid-type]
FraudTypeCode = Literal[tuple(FraudType.values)]  # type: ignore[valid-type]


class AlertOut(Schema):
    id: int
    url: str
    title: str
    summary: str
    body: str
    severity: str
    tlp: str
    status: str
    version: int
    issuing_country: str | None
    document_type: str
    fraud_type: str
    owner_country: str
    distribution: dict
    published_at: dt.datetime | None
    valid_until: dt.datetime | None
    acknowledged: bool


class AlertImageOut(Schema):
    """A picture of the alert; ``shared`` false (no URLs) for an image of a related
    specimen the caller may not see."""

    role: str
    light_source: str
    caption: str
    regions: list
    shared: bool
    source: Literal["alert", "specimen"]
    specimen: int | None
    url: str | None
    thumbnail_url: str | None
    display_url: str | None
    zoom_url: str | None


class AlertDetailOut(AlertOut):
    images: list[AlertImageOut]


class AlertList(Schema):
    count: int
    results: list[AlertOut]


class AlertIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Counterfeit THA visa foils",
                    "summary": "No UV fibres in the foil.",
                    "severity": "high",
                    "tlp": "amber",
                    "issuing_country": "THA",
                    "document_type": "visa",
                    "fraud_type": "counterfeit",
                    "distribution": {"level": "networks", "networks": ["andex"]},
                }
            ]
        }
    )

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=1000)
    body: str = ""
    severity: SeverityCode
    tlp: TlpCode
    issuing_country: str | None = Field(default=None, min_length=3, max_length=3)
    document_type: DocumentTypeCode | None = None
    fraud_type: FraudTypeCode | None = None
    valid_until: DateTimeText | None = None
    distribution: dict


class AlertPatch(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "severity": "critical",
                    "distribution": {"level": "countries", "countries": ["VNM"]},
                }
            ]
        }
    )

    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, min_length=1, max_length=1000)
    body: str | None = None
    severity: SeverityCode | None = None
    tlp: TlpCode | None = None
    issuing_country: str | None = None
    document_type: DocumentTypeCode | None = None
    fraud_type: FraudTypeCode | None = None
    valid_until: DateTimeText | None = None
    distribution: dict | None = None
    status: Literal["published", "withdrawn"] | None = Field(
        default=None,
        description="`published` publishes a draft (or approves an alert in review, as a "
        "second expert); `withdrawn` withdraws a published alert.",
    )


class AcknowledgeOut(Schema):
    id: int
    acknowledged_at: dt.datetime


def _out(alert: AlertBulletin, acknowledged: bool) -> dict:
    return {
        "id": alert.pk,
        "url": alert.get_absolute_url(),
        "title": alert.title,
        "summary": alert.summary,
        "body": alert.body,
        "severity": alert.severity,
        "tlp": alert.tlp,
        "status": alert.status,
        "version": alert.version,
        "issuing_country": alert.issuing_country_id,
        "document_type": alert.document_type,
        "fraud_type": alert.fraud_type,
        "owner_country": alert.owner_country_id,
        "distribution": alert.distribution,
        "published_at": alert.published_at,
        "valid_until": alert.valid_until,
        "acknowledged": acknowledged,
    }


def _acknowledged(user, ids) -> set[int]:
    return set(
        Receipt.objects.filter(
            user=user, alert_id__in=ids, acknowledged_at__isnull=False
        ).values_list("alert_id", flat=True)
    )


def _detail(request, pk: int) -> AlertBulletin:
    queryset = AlertBulletin.objects.prefetch_related("shared_countries", "shared_networks")
    return get_visible_or_error(request, queryset, pk=pk)


@router.get("/alerts", response=AlertList, auth=member_auth, summary="List alerts")
def alerts_list(
    request,
    severity: str = "",
    tlp: str = "",
    issuing_country: str = "",
    document_type: str = "",
    unacknowledged: bool = False,
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
    page_size: Query[int, P(description=paging.PAGE_SIZE_DESCRIPTION)] = 25,
):
    """The alerts shared with the caller, newest first."""
    filters = {
        "severity": severity,
        "tlp": tlp,
        "issuing_country": issuing_country,
        "document_type": document_type,
        "unacknowledged": unacknowledged,
    }
    queryset = selectors.alerts_list(user=request.auth, filters=filters).prefetch_related(
        "shared_countries", "shared_networks"
    )
    count, items = paging.page_of(queryset, page, page_size)
    seen = _acknowledged(request.auth, [a.pk for a in items])
    return {"count": count, "results": [_out(a, a.pk in seen) for a in items]}


@router.post(
    "/alerts",
    response={201: AlertOut},
    auth=expert_auth(gettext_lazy("publish alerts")),
    summary="Publish an alert",
)
def alerts_create(request, payload: AlertIn):
    """Experts publish at once, or submit for review where their country requires it."""
    data = payload.dict(exclude={"distribution"})
    alert = services.alert_create(author=request.auth, distribution=payload.distribution, **data)
    return Status(201, _out(_detail(request, alert.pk), False))


def _images_out(alert: AlertBulletin, user) -> list[dict]:
    """The alert's pictures in display order, each through its own rule (the alert's, or
    the related specimen's for an image picked from it)."""
    figures = selectors.alert_figures(alert=alert, user=user)
    return [
        {
            "role": figure.role,
            "light_source": figure.light_source,
            "caption": figure.caption,
            "regions": figure.regions,
            "shared": figure.shared,
            "source": "alert" if figure.specimen is None and figure.shared else "specimen",
            "specimen": figure.specimen.pk if figure.specimen is not None else None,
            "url": figure.original_url or None,
            "thumbnail_url": figure.thumbnail_url or None,
            "display_url": figure.display_url or None,
            "zoom_url": figure.zoom_url or None,
        }
        for figure in (*figures.comparison, *figures.others)
    ]


@router.get("/alerts/{int:pk}", response=AlertDetailOut, auth=member_auth, summary="One alert")
def alerts_detail(request, pk: int):
    """The alert with its pictures: ``images`` (forgery beside genuine first)."""
    alert = _detail(request, pk)
    out = _out(alert, bool(_acknowledged(request.auth, [alert.pk])))
    return {**out, "images": _images_out(alert, request.auth)}


@router.patch(
    "/alerts/{int:pk}",
    response=AlertOut,
    auth=expert_auth(gettext_lazy("change alerts"), item_model=AlertBulletin),
    summary="Change an alert",
)
def alerts_update(request, pk: int, payload: AlertPatch):
    """Experts of the owner country change any field, the distribution included."""
    alert = _detail(request, pk)
    fields = payload.dict(exclude_unset=True)
    distribution = fields.pop("distribution", None)
    status = fields.pop("status", None)
    with transaction.atomic():
        if fields or distribution is not None:
            alert = services.alert_update(
                alert=alert, editor=request.auth, fields=fields, distribution=distribution
            )
        if status is not None:
            services.alert_status_set(alert=alert, user=request.auth, status=status)
    alert = _detail(request, pk)
    return _out(alert, bool(_acknowledged(request.auth, [alert.pk])))


@router.post(
    "/alerts/{int:pk}/acknowledge",
    response=AcknowledgeOut,
    auth=member_auth,
    summary="Acknowledge an alert",
)
def alerts_acknowledge(request, pk: int):
    """This user has read the alert: it leaves their backlog."""
    alert = _detail(request, pk)
    receipt = services.alert_acknowledge(alert=alert, user=request.auth)
    return {"id": alert.pk, "acknowledged_at": receipt.acknowledged_at}
