"""Writing to the library: creating specimens, adding images, renditions."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from portal.access import rule
from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country, DistributionLevel
from portal.media import services as media_services

from . import imaging
from .models import (
    LightSource,
    Specimen,
    SpecimenImage,
    SpecimenImageRendition,
)


@transaction.atomic
def specimen_create(
    *,
    created_by: Any,
    title: str,
    issuing_country: str,
    document_type: str,
    kind: str,
    distribution: dict,
    fraud_type: str = "",
    description: str = "",
    genuine_reference: Specimen | None = None,
    **header: Any,
) -> Specimen:
    """Create a specimen owned by the author's country; ``ValidationError`` per field.

    :raises PermissionDenied: when the author is not an expert with a country.
    """
    if not rule.can_create(created_by):
        raise PermissionDenied(gettext("Only document experts can add specimens."))
    errors: dict[str, list[str]] = {}
    try:
        parsed = Distribution.from_data(distribution)
    except ValidationError as exc:
        errors["distribution"] = exc.messages
    country = Country.objects.filter(pk=str(issuing_country).upper()).first()
    if country is None:
        errors["issuing_country"] = [
            gettext("Unknown country code %(code)s.") % {"code": repr(issuing_country)}
        ]
    owner = created_by.country_id
    if owner is None:
        errors["owner_country"] = [
            gettext("Administrators without a country cannot own specimens.")
        ]
    if errors:
        raise ValidationError(errors)
    specimen = Specimen(
        title=title,
        issuing_country=country,
        document_type=document_type,
        kind=kind,
        fraud_type=fraud_type or "",
        description=description,
        genuine_reference=genuine_reference,
        owner_country_id=owner,
        distribution_level=DistributionLevel.COUNTRY,
        created_by=created_by,
        **header,
    )
    specimen.full_clean(exclude=["owner_country"])
    specimen.save()
    distribution_apply(item=specimen, distribution=parsed)
    return specimen


def specimen_image_add(
    *,
    specimen: Specimen,
    file: IO[bytes],
    light_source: str,
    added_by: Any,
    caption: str = "",
    zone: str = "data page",
    regions: list | None = None,
) -> SpecimenImage:
    """Check, clean and store an image of ``specimen``; nothing is stored if it fails.

    :raises ValidationError: with a person's message (bad file, unknown light ...).
    :raises PermissionDenied: when ``added_by`` may not edit the specimen.
    """
    if not rule.can_change(added_by, specimen):
        raise PermissionDenied(
            gettext("Only experts of the specimen's country can add images to it.")
        )
    return image_store(
        specimen=specimen,
        file=file,
        light_source=light_source,
        caption=caption,
        zone=zone,
        regions=regions,
        uploaded_by=added_by if getattr(added_by, "is_authenticated", False) else None,
    )


#: The fields of an image a person fills in, besides the file (admin inline form, API form).
IMAGE_FIELDS = ("light_source", "zone", "caption", "regions")


def image_fields_check(
    *, light_source: str, caption: str = "", zone: str = "data page", regions: Any = None
) -> None:
    """Check an image's own fields by the model's rules; ``ValidationError`` per field.

    The rules are ``SpecimenImage.clean_fields`` — the light-source vocabulary, caption
    and zone lengths, the marked regions — which is what the admin's inline form runs
    (through ``full_clean``), so the admin and the API refuse exactly the same input.
    """
    candidate = SpecimenImage(
        light_source=light_source,
        caption=caption,
        zone=zone,
        regions=[] if regions is None else regions,
    )
    others = [
        field.name
        for field in SpecimenImage._meta.concrete_fields
        if field.name not in IMAGE_FIELDS
    ]
    try:
        candidate.clean_fields(exclude=others)
    except ValidationError as exc:
        errors = exc.message_dict
        if "light_source" in errors:
            errors["light_source"] = [
                gettext("Unknown light source %(value)s: use one of %(values)s.")
                % {"value": repr(str(light_source)[:40]), "values": ", ".join(LightSource.values)}
            ]
        raise ValidationError(errors) from None


def image_store(
    *,
    specimen: Specimen,
    file: IO[bytes],
    light_source: str,
    caption: str = "",
    zone: str = "data page",
    regions: list | None = None,
    uploaded_by: Any = None,
) -> SpecimenImage:
    """Check, clean, hash and store an image (no permission check: callers do that).

    Every field is checked, and the file decoded, before anything is written: a refusal
    names each bad field (``file`` included) and stores nothing.
    """
    zone = zone or "data page"
    regions = regions or []
    errors: dict[str, list[str]] = {}
    try:
        image_fields_check(light_source=light_source, caption=caption, zone=zone, regions=regions)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        prepared = imaging.prepare(file)
    except ValidationError as exc:
        errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    image = SpecimenImage(
        specimen=specimen,
        light_source=light_source,
        caption=caption,
        zone=zone,
        regions=regions,
        width=prepared.width,
        height=prepared.height,
        file_size=prepared.content.size,
        hashes=prepared.hashes,
        uploaded_by=uploaded_by,
        sort_order=specimen.images.count(),
    )
    # The prepared content is committed storage content: ``save`` does not re-process it.
    image.file.save(f"image.{prepared.extension}", prepared.content, save=False)
    return media_services.saved_or_file_removed(image)


def rendition_get(*, image: SpecimenImage, name: str) -> SpecimenImageRendition:
    """The stored rendition ``name`` of ``image``, made on first request (the platform's
    ``portal.media.services.rendition_get``)."""
    return media_services.rendition_get(image=image, name=name)
