"""Demo alert images: the critical visa-foil alert shows the forgery beside the genuine
under UV, the telling region marked (issue 12). Idempotent: an alert that has images
already is left alone."""

from __future__ import annotations

import io

from django.db import transaction

from portal.access.models import Country
from portal.alerts.models import AlertBulletin, AlertImage, AlertSpecimenImage, ImageRole
from portal.demo.specimen_art import DocumentDesign, document_images
from portal.media.services import saved_or_file_removed
from portal.specimens.models import SpecimenImage

ALERT_TITLE = "Counterfeit THA visa foils without UV fibres"
GENUINE_TITLE = "THA visa foil, 2021 series"
#: The forged foil as met at the border: the demo specimen's design and defects.
FORGERY = {"seed": 3001, "defects": ("no_uv_fibres", "uv_bright_paper")}
FORGERY_REGIONS = [
    {"x": 0.35, "y": 0.2, "w": 0.6, "h": 0.5, "label": "No UV fibres in the background"},
    {
        "points": [[0.02, 0.02], [0.98, 0.02], [0.98, 0.16], [0.5, 0.2], [0.02, 0.16]],
        "label": "Paper glows blue-white (optical brighteners)",
    },
]


def _forgery_photo() -> io.BytesIO:
    country = Country.objects.filter(pk="THA").first()
    design = DocumentDesign(
        issuing_country="THA",
        country_name=country.name if country else "Thailand",
        document_type="visa",
        series="2021",
        seed=FORGERY["seed"],
    )
    picture = document_images(
        design, forged=True, defects=FORGERY["defects"], holder_seed=FORGERY["seed"] * 7 + 1
    )["uv"]
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    buffer.seek(0)
    return buffer


def demo_alert_images_load() -> str:
    """Give the visa-foil alert its forgery (uploaded) and genuine (picked from the
    genuine specimen) under UV; returns a summary line."""
    alert = AlertBulletin.objects.filter(title=ALERT_TITLE).first()
    if alert is None:
        return "alert images skipped: the visa-foil alert is missing"
    if alert.images.exists() or alert.specimen_images.exists():
        return "alert images: already there"
    genuine = (
        SpecimenImage.objects.filter(specimen__title=GENUINE_TITLE, light_source="uv")
        .order_by("pk")
        .first()
    )
    with transaction.atomic():
        image = AlertImage(
            alert=alert,
            role=ImageRole.FORGERY,
            light_source="uv",
            caption="Seized foil under UV (365 nm): no fibres, the paper glows",
            regions=FORGERY_REGIONS,
            sort_order=0,
            uploaded_by=alert.created_by,
        )
        image.prepared_store(image.prepare_upload(_forgery_photo()))
        saved_or_file_removed(image)
        if genuine is not None:
            alert.related_specimens.add(genuine.specimen)
            AlertSpecimenImage.objects.create(
                alert=alert,
                specimen_image=genuine,
                role=ImageRole.GENUINE,
                caption="Genuine foil under UV: fibres in red, blue and yellow",
                sort_order=1,
            )
        # The images belong to the live version: its revision must hold them too, or an
        # editor's next publication (made from the latest revision) would drop them.
        revision = alert.save_revision(user=alert.created_by, log_action=False, clean=False)
        AlertBulletin.objects.filter(pk=alert.pk).update(
            live_revision=revision, has_unpublished_changes=False
        )
    return "alert images: the visa-foil alert shows forgery and genuine under UV"
