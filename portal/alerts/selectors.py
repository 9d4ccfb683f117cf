"""Reading alerts: every selector filters through the access rule first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.access import rule

from .models import AlertBulletin, AlertStatus, Receipt, Severity

BACKLOG_LIMIT = 50
SEVERITY_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO]


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


#: Most urgent first: the home page's "waiting for you" list.
SEVERITY_RANK = Case(
    *(When(severity=value, then=Value(rank)) for rank, value in enumerate(SEVERITY_ORDER)),
    default=Value(len(SEVERITY_ORDER)),
    output_field=IntegerField(),
)


def alerts_awaiting(*, user: Any, limit: int = 10) -> tuple[list[AlertBulletin], int]:
    """The user's unacknowledged alerts (the backlog's, see ``alert_backlog``), the most
    severe first and newest first within a severity, and how many there are in all.
    Two queries."""
    acknowledged = Receipt.objects.filter(
        alert=OuterRef("pk"), user=user, acknowledged_at__isnull=False
    )
    queryset = (
        alerts_visible_to(user=user)
        .filter(status=AlertStatus.PUBLISHED)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()))
        .filter(~Exists(acknowledged))
    )
    alerts = list(
        queryset.select_related("issuing_country").order_by(SEVERITY_RANK, "-published_at", "-pk")[
            :limit
        ]
    )
    count = len(alerts) if len(alerts) < limit else queryset.count()
    return alerts, count


def alert_drafts(*, user: Any, limit: int = 10) -> list[AlertBulletin]:
    """The admin dashboard's drafts: alerts the user may edit that are drafts, or live
    with changes not yet published; newest first."""
    queryset = AlertBulletin.objects.filter(
        Q(status=AlertStatus.DRAFT) | Q(live=True, has_unpublished_changes=True)
    )
    return list(
        rule.visible_to(user=user, queryset=queryset, action=rule.CHANGE)
        .select_related("owner_country")
        .order_by("-updated_at", "-pk")[:limit]
    )


def alerts_to_review(*, user: Any, limit: int = 10) -> list[AlertBulletin]:
    """Alerts in review that wait for this user's judgement: of a country they are an
    expert of (``rule.reviewable``), not submitted by themselves; oldest request first."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from wagtail.models import WorkflowState

    in_review = rule.visible_to(
        user=user,
        queryset=AlertBulletin.objects.filter(status=AlertStatus.IN_REVIEW),
        action=rule.CHANGE,
    )
    own_request = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(AlertBulletin),
        object_id=Cast(OuterRef("pk"), CharField()),
        status=WorkflowState.STATUS_IN_PROGRESS,
        requested_by=user,
    )
    return list(
        rule.reviewable(user=user, queryset=in_review)
        .exclude(Exists(own_request))
        .order_by("updated_at", "pk")[:limit]
    )


def alerts_recent(*, user: Any, limit: int = 5) -> list[AlertBulletin]:
    """The newest published alerts the user may read (the admin dashboard's list)."""
    return list(
        alerts_visible_to(user=user)
        .filter(status=AlertStatus.PUBLISHED)
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


@dataclass(frozen=True)
class Figure:
    """One picture of an alert as a reader sees it (``shared`` false: a placeholder)."""

    role: str
    role_label: str
    light_source: str
    light_label: str
    caption: str
    regions: list
    shared: bool = True
    original_url: str = ""
    display_url: str = ""
    zoom_url: str = ""
    thumbnail_url: str = ""
    specimen: Any = None
    #: The number of this figure's first marked region (regions are numbered across the
    #: figures shown side by side, so a key check names one mark).
    first_number: int = 1

    @property
    def numbered_regions(self) -> list[dict]:
        numbered = []
        for offset, region in enumerate(self.regions or []):
            entry = {"number": self.first_number + offset, "label": region.get("label", "")}
            if "points" in region:
                points = [(float(x), float(y)) for x, y in region["points"]]
                entry["points"] = " ".join(f"{x * 100:.2f},{y * 100:.2f}" for x, y in points)
                entry["left"] = min(x for x, _ in points) * 100
                entry["top"] = min(y for _, y in points) * 100
            else:
                entry.update(
                    x=float(region["x"]) * 100,
                    y=float(region["y"]) * 100,
                    w=float(region["w"]) * 100,
                    h=float(region["h"]) * 100,
                    left=float(region["x"]) * 100,
                    top=float(region["y"]) * 100,
                )
            numbered.append(entry)
        return numbered


@dataclass
class AlertFigures:
    """An alert's pictures for one reader: the forgery beside the genuine under the light
    that tells (``comparison``), then the others."""

    comparison: list[Figure]
    others: list[Figure]
    telling_light: str = ""
    telling_light_label: str = ""

    def __bool__(self) -> bool:
        return bool(self.comparison or self.others)

    @property
    def key_regions(self) -> list[dict]:
        return [region for figure in self.comparison for region in figure.numbered_regions]


def alert_figures(*, alert: AlertBulletin, user: Any) -> AlertFigures:
    """The alert's own images (seen by whoever sees the alert) and the images picked from
    its related specimens, each shown only if ``user`` may see *that specimen* (else a
    placeholder saying it is not shared with their country).

    The comparison pairs the first forgery with a genuine under the same light (else the
    first genuine): the forgery's light is the one that tells. Two queries, three with
    picked images.
    """
    from portal.specimens.models import LightSource, Specimen

    from .images import ImageRole

    roles, lights = dict(ImageRole.choices), dict(LightSource.choices)
    entries: list[tuple[int, int, Figure]] = []
    for image in alert.images.all():
        entries.append(
            (
                image.sort_order or 0,
                0,
                Figure(
                    role=image.role,
                    role_label=str(roles.get(image.role, image.role)),
                    light_source=image.light_source,
                    light_label=str(lights.get(image.light_source, image.light_source)),
                    caption=image.caption,
                    regions=image.regions or [],
                    original_url=image.private_url("original"),
                    display_url=image.private_url("display"),
                    zoom_url=image.private_url("zoom"),
                    thumbnail_url=image.private_url("thumbnail"),
                ),
            )
        )
    picked = list(alert.specimen_images.select_related("specimen_image__specimen"))
    if picked:
        specimen_ids = {row.specimen_image.specimen_id for row in picked}
        shared = set(
            rule.visible_to(
                user=user, queryset=Specimen.objects.filter(pk__in=specimen_ids)
            ).values_list("pk", flat=True)
        )
        for row in picked:
            image = row.specimen_image
            visible = image.specimen_id in shared
            # A specimen image the reader may not see says nothing of itself (not even its
            # light): only the alert's own words about it, its role.
            light = image.light_source if visible else ""
            figure = Figure(
                role=row.role,
                role_label=str(roles.get(row.role, row.role)),
                light_source=light,
                light_label=str(lights.get(light, light)),
                caption=(row.caption or image.caption) if visible else "",
                regions=(image.regions or []) if visible else [],
                shared=visible,
                original_url=image.url("original") if visible else "",
                display_url=image.display_url if visible else "",
                zoom_url=image.zoom_url if visible else "",
                thumbnail_url=image.thumbnail_url if visible else "",
                specimen=image.specimen if visible else None,
            )
            entries.append((row.sort_order or 0, 1, figure))
    figures = [figure for *_, figure in sorted(entries, key=lambda entry: entry[:2])]
    return figures_arrange(figures)


def figures_arrange(figures: list[Figure]) -> AlertFigures:
    """Put the forgery beside the genuine under the telling light; number the regions."""
    forgery = next((f for f in figures if f.role == "forgery" and f.shared), None)
    genuine = None
    if forgery is not None:
        genuines = [f for f in figures if f.role == "genuine" and f.shared]
        genuine = next((f for f in genuines if f.light_source == forgery.light_source), None)
        genuine = genuine or (genuines[0] if genuines else None)
    comparison = [f for f in (forgery, genuine) if f is not None]
    others = [f for f in figures if all(f is not chosen for chosen in comparison)]
    numbered, number = [], 1
    for figure in comparison:
        numbered.append(replace(figure, first_number=number))
        number += len(figure.regions)
    others = [replace(figure, first_number=1) for figure in others]
    light = forgery or (numbered[0] if numbered else None)
    return AlertFigures(
        comparison=numbered,
        others=others,
        telling_light=light.light_source if light else "",
        telling_light_label=light.light_label if light else "",
    )
