"""``/api/v1/specimens``: the library for national systems and scripts (CONTRACT.md)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from ninja import File, Form, P, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field, WithJsonSchema

from portal.media.api import DocumentOut, documents_out
from portal.specimens import imaging, selectors, services
from portal.specimens.models import (
    DocumentType,
    FraudType,
    IcaoCategory,
    LightSource,
    Specimen,
    SpecimenImage,
)
from portal.specimens.models import (
    Status as DocumentStatus,
)

from . import paging
from .access import get_visible_or_error
from .auth import expert_auth, member_auth, member_or_anonymous_auth
from .schemas import DateText
from .throttling import MemberRateThrottle

router = Router(tags=["specimens"])

#: Each photo costs a full decode and ten hashes: a per-user budget (SIMILAR_IMAGE_RATE).
similar_throttle = MemberRateThrottle(
    "similar-images", setting="SIMILAR_IMAGE_RATE", default="30/minute"
)


def _image_form_text(name: str, *, default=..., description: str, **schema):
    """A form field of an image, documented with the model's rules.

    Not checked here: ``services.image_fields_check`` checks it, as for the admin's form,
    so that both refuse the same input with the same messages.
    """
    field = SpecimenImage._meta.get_field(name)
    documented = {"type": "string", "maxLength": field.max_length, **schema}
    if default is not ...:
        documented["default"] = default
    return Annotated[str, WithJsonSchema(documented), Form(default, description=description)]


LightSourceForm = _image_form_text(
    "light_source", description="The light the photo was taken under.", enum=LightSource.values
)
CaptionForm = _image_form_text("caption", default="", description="A caption for readers.")
ZoneForm = _image_form_text("zone", default="data page", description="Page or zone shown.")

DocumentTypeCode = Literal[tuple(DocumentType.values)]  # type: ignore[valid-type]
FraudTypeCode = Literal[tuple(FraudType.values)]  # type: ignore[valid-type]
LightSourceCode = Literal[tuple(LightSource.values)]  # type: ignore[valid-type]
IcaoCategoryCode = Literal[tuple(IcaoCategory.values)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(DocumentStatus.values)]  # type: ignore[valid-type]


class ImageOut(Schema):
    id: int
    light_source: str
    zone: str
    caption: str
    width: int
    height: int
    regions: list[dict]
    url: str
    thumbnail_url: str
    display_url: str
    zoom_url: str


class FeatureOut(Schema):
    term: str
    slug: str
    category: str
    zone: str
    light_source: str
    note: str


class SpecimenSummary(Schema):
    id: int
    url: str
    title: str
    issuing_country: str
    document_type: str
    kind: str
    fraud_type: str
    thumbnail_url: str | None


class SpecimenOut(Schema):
    id: int
    url: str
    title: str
    issuing_country: str
    issuing_country_name: str
    document_type: str
    icao_category: str
    series: str
    first_issued: dt.date | None
    validity: str
    status: str
    kind: str
    fraud_type: str
    genuine_reference: int | None
    detection_points: list[str]
    description: str
    owner_country: str
    distribution: dict
    features: list[FeatureOut]
    images: list[ImageOut]
    documents: list[DocumentOut]
    created_at: dt.datetime


class SpecimenList(Schema):
    count: int
    results: list[SpecimenSummary]


class SpecimenIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "THA passport 2024",
                    "issuing_country": "THA",
                    "document_type": "passport",
                    "kind": "genuine",
                    "series": "2024",
                    "distribution": {"level": "networks", "networks": ["andex"]},
                }
            ]
        }
    )

    title: str = Field(min_length=1, max_length=200)
    issuing_country: str = Field(min_length=3, max_length=3, description="ISO 3166-1 alpha-3")
    document_type: DocumentTypeCode
    kind: Literal["genuine", "forged"]
    fraud_type: FraudTypeCode | None = None
    description: str = ""
    detection_points: list[str] = Field(default_factory=list)
    genuine_reference: int | None = None
    icao_category: IcaoCategoryCode = IcaoCategory.TD3.value
    series: str = Field(default="", max_length=80)
    first_issued: DateText | None = None
    validity: str = Field(default="", max_length=120)
    status: StatusCode = DocumentStatus.IN_CIRCULATION.value
    distribution: dict = Field(
        description='CONTRACT.md\'s distribution, e.g. {"level": "networks", "networks": ["andex"]}'
    )


class SimilarOut(Schema):
    image_id: int
    specimen_id: int
    specimen_title: str
    specimen_url: str
    issuing_country: str
    light_source: str
    thumbnail_url: str
    distance: int = Field(description="Bits that differ between the perceptual hashes (of 256).")
    similarity: Literal["identical", "very close", "close", "related"] = Field(
        description="The distance in words: "
        + ", ".join(f"{value} up to {bound}" for bound, value, _ in imaging.SIMILARITY_SCALE)
        + f", {imaging.SIMILARITY_BEYOND[0]} beyond."
    )


class SimilarList(Schema):
    results: list[SimilarOut]


def _image_out(image: SpecimenImage) -> dict:
    return {
        "id": image.pk,
        "light_source": image.light_source,
        "zone": image.zone,
        "caption": image.caption,
        "width": image.width,
        "height": image.height,
        "regions": image.regions,
        "url": image.url("original"),
        "thumbnail_url": image.thumbnail_url,
        "display_url": image.display_url,
        "zoom_url": image.zoom_url,
    }


def _specimen_out(specimen: Specimen, user) -> dict:
    reference = selectors.reference_visible(user=user, specimen=specimen)
    return {
        "id": specimen.pk,
        "url": specimen.get_absolute_url(),
        "title": specimen.title,
        "issuing_country": specimen.issuing_country_id,
        "issuing_country_name": specimen.issuing_country.name,
        "document_type": specimen.document_type,
        "icao_category": specimen.icao_category,
        "series": specimen.series,
        "first_issued": specimen.first_issued,
        "validity": specimen.validity,
        "status": specimen.status,
        "kind": specimen.kind,
        "fraud_type": specimen.fraud_type,
        # A reference the caller may not see is not even named by its id.
        "genuine_reference": reference.pk if reference else None,
        "detection_points": specimen.detection_point_list,
        "description": specimen.description,
        "owner_country": specimen.owner_country_id,
        "distribution": specimen.distribution,
        "features": [
            {
                "term": feature.term.term,
                "slug": feature.term.slug,
                "category": feature.term.category,
                "zone": feature.zone,
                "light_source": feature.light_source,
                "note": feature.note,
            }
            for feature in specimen.features.all()
        ],
        "images": [_image_out(image) for image in specimen.images.all()],
        "documents": documents_out(specimen.documents.all()),
        "created_at": specimen.created_at,
    }


@router.get("/specimens", response=SpecimenList, auth=member_auth, summary="List specimens")
def specimens_list(
    request,
    q: str = "",
    issuing_country: str = "",
    document_type: str = "",
    kind: str = "",
    fraud_type: str = "",
    feature: str = "",
    light_source: str = "",
    page: Query[int, P(description=paging.PAGE_DESCRIPTION)] = 1,
    page_size: Query[int, P(description=paging.PAGE_SIZE_DESCRIPTION)] = 24,
):
    """The specimens shared with the caller, newest first, filtered and paginated."""
    filters = selectors.LibraryFilters(
        q=q,
        issuing_country=issuing_country,
        document_type=document_type,
        kind=kind,
        fraud_type=fraud_type,
        feature=feature,
        light_source=light_source,
    )
    queryset = selectors.specimens_library(user=request.auth, filters=filters)
    count, rows = paging.page_of(queryset, page, page_size)
    items = selectors.library_cards(rows, light=light_source)
    return {
        "count": count,
        "results": [
            {
                "id": specimen.pk,
                "url": specimen.get_absolute_url(),
                "title": specimen.title,
                "issuing_country": specimen.issuing_country_id,
                "document_type": specimen.document_type,
                "kind": specimen.kind,
                "fraud_type": specimen.fraud_type,
                "thumbnail_url": specimen.card_image.thumbnail_url if specimen.card_image else None,
            }
            for specimen in items
        ],
    }


@router.post(
    "/specimens",
    response={201: SpecimenOut},
    auth=expert_auth(gettext_lazy("add specimens")),
    summary="Add a specimen",
)
def specimens_create(request, payload: SpecimenIn):
    """Experts add a specimen owned by their country, with its distribution."""
    user = request.auth
    reference = None
    if payload.genuine_reference is not None:
        reference = (
            selectors.specimens_visible_to(user=user).filter(pk=payload.genuine_reference).first()
        )
        if reference is None:
            raise ValidationError(
                {
                    "genuine_reference": [
                        gettext("No genuine specimen with this id is shared with you.")
                    ]
                }
            )
    specimen = services.specimen_create(
        created_by=user,
        title=payload.title,
        issuing_country=payload.issuing_country,
        document_type=payload.document_type,
        kind=payload.kind,
        fraud_type=payload.fraud_type or "",
        description=payload.description,
        genuine_reference=reference,
        distribution=payload.distribution,
        detection_points="\n".join(payload.detection_points),
        icao_category=payload.icao_category,
        series=payload.series,
        first_issued=payload.first_issued,
        validity=payload.validity,
        status=payload.status,
    )
    specimen = selectors.specimen_detail(user=user, pk=specimen.pk)
    return Status(201, _specimen_out(specimen, user))


@router.get(
    "/specimens/{int:pk}",
    response=SpecimenOut,
    auth=member_or_anonymous_auth,
    summary="One specimen",
)
def specimens_detail(request, pk: int):
    """A specimen with its features, images and documents; ``404`` if it is not shared
    with you."""
    queryset = Specimen.objects.select_related("issuing_country").prefetch_related(
        "features__term", "images", "documents", "shared_countries", "shared_networks"
    )
    specimen = get_visible_or_error(request, queryset, pk=pk)
    return _specimen_out(specimen, request.user)


@router.post(
    "/specimens/{int:pk}/images",
    response={201: ImageOut},
    auth=expert_auth(gettext_lazy("add images to specimens"), item_model=Specimen),
    summary="Add an image",
)
def specimens_image_add(
    request,
    pk: int,
    file: File[UploadedFile],
    light_source: LightSourceForm,
    caption: CaptionForm = "",
    zone: ZoneForm = "data page",
    regions: Form[str] = "",
):
    """Upload a JPEG, PNG, WebP or TIFF photo of the specimen under one light source.

    The file is checked by its content and re-encoded (no metadata survives); anything
    else is a ``400`` saying what is wrong, and nothing is stored.
    """
    specimen = get_visible_or_error(request, Specimen.objects.all(), pk=pk)
    try:
        parsed_regions = json.loads(regions) if regions.strip() else []
    except (ValueError, RecursionError):  # not JSON, or nested past any real list
        raise ValidationError(
            {"regions": [gettext("Give the regions as JSON, e.g. [].")]}
        ) from None
    try:
        imaging.regions_check(parsed_regions)
    except ValidationError as exc:
        raise ValidationError({"regions": exc.messages}) from None
    image = services.specimen_image_add(
        specimen=specimen,
        file=file,
        light_source=light_source,
        caption=caption,
        zone=zone,
        regions=parsed_regions,
        added_by=request.auth,
    )
    return Status(201, _image_out(image))


@router.post(
    "/specimens/similar",
    response=SimilarList,
    auth=member_auth,
    throttle=similar_throttle,
    summary="Find similar images",
)
def specimens_similar(request, file: File[UploadedFile], limit: Form[int] = 5):
    """Upload a photo: the closest specimen images shared with you (perceptual hash).

    The photo is only compared, never stored. Its pixels are limited (a lower limit than
    for library images; a 400 says it), and each member may run a limited number of
    searches a minute (beyond, 429 with ``Retry-After``).
    """
    try:
        # Only compared, never kept: a small crop of the document in hand is a fair query.
        image = imaging.image_check(file, pixel_limit=imaging.similar_max_pixels(), shortest_side=0)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    found = selectors.images_similar(
        user=request.auth, hashes=imaging.hashes(image), limit=max(1, min(limit, 50))
    )
    return {
        "results": [
            {
                "image_id": hit.image.pk,
                "specimen_id": hit.image.specimen_id,
                "specimen_title": hit.image.specimen.title,
                "specimen_url": hit.image.specimen.get_absolute_url(),
                "issuing_country": hit.image.specimen.issuing_country_id,
                "light_source": hit.image.light_source,
                "thumbnail_url": hit.image.thumbnail_url,
                "distance": hit.distance,
                "similarity": hit.similarity,
            }
            for hit in found
        ]
    }
