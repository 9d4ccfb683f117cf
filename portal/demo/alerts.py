"""Demo alerts: every severity, TLP mark and distribution level, linked to demo specimens."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.access.models import User
from portal.alerts.models import AlertBulletin, AlertStatus, AlertSubscription
from portal.alerts.services import alert_create
from portal.specimens.models import Specimen

#: (title, severity, tlp, distribution, issuing country, document type, specimen title part)
ALERTS = [
    ("Counterfeit THA visa foils without UV fibres", "critical", "amber",
     {"level": "networks", "networks": ["andex"]}, "THA", "visa", "visa foil (no UV"),
    ("Altered THA passports: photo substituted", "high", "amber+strict",
     {"level": "countries", "countries": ["VNM", "PHL"]}, "THA", "passport",
     "Counterfeit THA passport"),
    ("Stolen blank THA ID cards series 2018", "high", "red",
     {"level": "country"}, "THA", "id_card", "THA id card"),
    ("Look-alike impostors with genuine THA passports", "medium", "green",
     {"level": "members"}, "THA", "passport", "THA passport"),
    ("New THA visa foil design from 2021", "info", "clear",
     {"level": "members"}, "THA", "visa", "THA visa foil, 2021"),
    ("Forged MYS ID cards: blurred guilloche", "low", "green",
     {"level": "networks", "networks": ["rnde-europe"]}, "MYS", "id_card", "MYS"),
]  # fmt: skip


def demo_alerts_load() -> str:
    """Publish the demo alerts that are missing, as expert.tha; returns a summary line."""
    author = User.objects.filter(username="expert.tha").first()
    if author is None:
        return "skipped: expert.tha is missing"
    existing = set(AlertBulletin.objects.values_list("title", flat=True))
    created = 0
    for number, (title, severity, tlp, distribution, issuer, doc_type, specimen_part) in enumerate(
        ALERTS
    ):
        if title in existing:
            continue
        alert = alert_create(
            author=author,
            distribution=distribution,
            title=title,
            summary=f"{title}. Check the document against the reference under UV and IR light.",
            body="Compare the suspect document with the genuine specimen in the library: "
            "fibres and planchettes under UV, IR-dropping inks, the MRZ font.",
            severity=severity,
            tlp=tlp,
            issuing_country=issuer,
            document_type=doc_type,
            valid_until=timezone.now() + dt.timedelta(days=180),
        )
        alert.related_specimens.set(Specimen.objects.filter(title__contains=specimen_part)[:2])
        AlertBulletin.objects.filter(pk=alert.pk).update(
            published_at=timezone.now() - dt.timedelta(hours=6 * (len(ALERTS) - number))
        )
        created += 1
    # Officers subscribe after the demo alerts went out: new ones show in the console.
    for username in ("officer.tha", "officer.vnm"):
        user = User.objects.filter(username=username).first()
        if user is not None:
            AlertSubscription.objects.get_or_create(user=user, defaults={"high_and_critical": True})
    published = AlertBulletin.objects.filter(status=AlertStatus.PUBLISHED).count()
    from portal.demo.alert_images import demo_alert_images_load

    images = demo_alert_images_load()
    return f"{created} alerts added ({published} published); {images}"
