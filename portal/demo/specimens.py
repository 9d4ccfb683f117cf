"""The demo specimen library: synthetic documents of ten countries, genuine and forged.

Everything is invented: the art is drawn by ``specimen_art`` (no real person, no scan).
Loading is idempotent: a specimen that exists (same title and owner) is left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

from django.db import transaction
from tqdm import tqdm

from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country
from portal.specimens.glossary import glossary_load
from portal.specimens.models import (
    FeatureCategory,
    FraudType,
    GlossaryTerm,
    IcaoCategory,
    Kind,
    Specimen,
    SpecimenFeature,
)
from portal.specimens.services import image_store

from .specimen_art import DEFECTS, DocumentDesign, document_images

ISSUERS = ["THA", "VNM", "PHL", "MYS", "IDN", "KHM", "LAO", "MMR", "FIN", "NLD"]
ANDEX = {"THA", "VNM", "PHL", "MYS", "IDN", "KHM", "LAO", "MMR"}

#: Distributions cycled over the specimens of each owner (every level appears).
DISTRIBUTIONS = [
    {"level": "public"},
    {"level": "networks", "networks": ["andex"]},
    {"level": "members"},
    {"level": "countries", "countries": ["VNM", "PHL"]},
    {"level": "country"},
    {"level": "networks", "networks": ["rnde-europe"]},
]

#: Forgeries: (fraud type, defects) — what gives each one away.
FORGERY_PLANS = [
    (FraudType.COUNTERFEIT, ("no_uv_fibres", "blurred_guilloche")),
    (FraudType.FORGERY, ("misaligned_photo", "wrong_mrz_font")),
    (FraudType.COUNTERFEIT, ("ir_ink_visible", "uv_bright_paper")),
    (FraudType.PSEUDO_DOCUMENT, ("colour_shift", "missing_watermark")),
]

FEATURE_CATEGORIES = [
    (FeatureCategory.SUBSTRATE, "visible", "whole page"),
    (FeatureCategory.PRINTING, "visible", "data page — background"),
    (FeatureCategory.UV, "uv", "data page"),
    (FeatureCategory.IR, "ir", "data page — personal data"),
    (FeatureCategory.MRZ, "visible", "data page — machine-readable zone"),
    (FeatureCategory.WATERMARK, "transmitted", "data page — right half"),
    (FeatureCategory.PERSONALISATION, "visible", "data page — photo area"),
]

LIGHT_CAPTIONS = {
    "visible": "Data page in visible light",
    "uv": "Data page under UV light (365 nm)",
    "ir": "Data page under infrared light (IR-dropping inks vanish)",
    "transmitted": "Data page in transmitted light (watermark)",
}

#: Marked regions per defect: (light, region) in fractions of the page.
DEFECT_REGIONS = {
    "no_uv_fibres": ("uv", {"x": 0.35, "y": 0.2, "w": 0.6, "h": 0.5, "label": "No UV fibres"}),
    "uv_bright_paper": ("uv", {"x": 0.02, "y": 0.02, "w": 0.96, "h": 0.2, "label": "Paper glows"}),
    "ir_ink_visible": ("ir", {"x": 0.35, "y": 0.2, "w": 0.6, "h": 0.5, "label": "Inks stay in IR"}),
    "blurred_guilloche": (
        "visible",
        {"x": 0.35, "y": 0.25, "w": 0.55, "h": 0.4, "label": "Blurred guilloche"},
    ),
    "wrong_mrz_font": ("visible", {"x": 0.02, "y": 0.78, "w": 0.96, "h": 0.2, "label": "MRZ font"}),
    "misaligned_photo": (
        "visible",
        {"x": 0.03, "y": 0.2, "w": 0.3, "h": 0.55, "label": "Photo misaligned"},
    ),
    "missing_watermark": (
        "transmitted",
        {"x": 0.5, "y": 0.15, "w": 0.45, "h": 0.6, "label": "No watermark"},
    ),
    "colour_shift": ("visible", {"x": 0.02, "y": 0.02, "w": 0.96, "h": 0.96, "label": "Colours"}),
}


@dataclass(frozen=True)
class Plan:
    title: str
    owner: str
    issuer: str
    document_type: str
    icao: str
    series: str
    kind: str
    distribution: dict
    fraud_type: str = ""
    defects: tuple[str, ...] = ()
    reference_title: str = ""
    seed: int = 0


def _plans() -> list[Plan]:
    plans: list[Plan] = []
    for index, issuer in enumerate(ISSUERS):
        owner = issuer
        second_type, second_icao = [
            ("id_card", IcaoCategory.TD1),
            ("residence_permit", IcaoCategory.TD1),
            ("visa", IcaoCategory.MRV_A),
        ][index % 3]
        year = 2016 + index % 6
        genuine_passport = f"{issuer} passport, {year} series — data page"
        genuine_second = f"{issuer} {second_type.replace('_', ' ')}, {year + 2} series"
        levels = DISTRIBUTIONS[index % len(DISTRIBUTIONS) :] + DISTRIBUTIONS[: index % 6]
        if issuer not in ANDEX:
            # European issuers share within their network or with every member.
            levels = [DISTRIBUTIONS[5], DISTRIBUTIONS[2], DISTRIBUTIONS[0], DISTRIBUTIONS[4]]
        plan_a, plan_b = FORGERY_PLANS[index % 4], FORGERY_PLANS[(index + 1) % 4]
        plans += [
            Plan(genuine_passport, owner, issuer, "passport", IcaoCategory.TD3, str(year),
                 Kind.GENUINE, levels[0], seed=1000 + index),
            Plan(genuine_second, owner, issuer, second_type, second_icao, str(year + 2),
                 Kind.GENUINE, levels[1], seed=2000 + index),
            Plan(f"Counterfeit {issuer} passport ({', '.join(plan_a[1]).replace('_', ' ')})",
                 owner, issuer, "passport", IcaoCategory.TD3, str(year), Kind.FORGED, levels[2],
                 fraud_type=plan_a[0], defects=plan_a[1], reference_title=genuine_passport,
                 seed=1000 + index),
            Plan(f"Forged {issuer} {second_type.replace('_', ' ')} "
                 f"({', '.join(plan_b[1]).replace('_', ' ')})",
                 owner, issuer, second_type, second_icao, str(year + 2), Kind.FORGED, levels[3],
                 fraud_type=plan_b[0], defects=plan_b[1], reference_title=genuine_second,
                 seed=2000 + index),
        ]  # fmt: skip
    # The visa foil of the alerts story (issue 4): THA, missing UV fibres.
    plans += [
        Plan("THA visa foil, 2021 series", "THA", "THA", "visa", IcaoCategory.MRV_A, "2021",
             Kind.GENUINE, {"level": "networks", "networks": ["andex"]}, seed=3001),
        Plan("Counterfeit THA visa foil (no UV fibres)", "THA", "THA", "visa",
             IcaoCategory.MRV_A, "2021", Kind.FORGED, {"level": "networks", "networks": ["andex"]},
             fraud_type=FraudType.COUNTERFEIT, defects=("no_uv_fibres", "uv_bright_paper"),
             reference_title="THA visa foil, 2021 series", seed=3001),
    ]  # fmt: skip
    return plans


def _features(specimen: Specimen, rng: random.Random, terms: dict[str, list[GlossaryTerm]]):
    chosen = rng.sample(FEATURE_CATEGORIES, k=5)
    for order, (category, light, zone) in enumerate(chosen):
        candidates = terms.get(category)
        if not candidates:
            continue
        term = rng.choice(candidates)
        SpecimenFeature.objects.create(
            specimen=specimen,
            term=term,
            light_source=light,
            zone=zone,
            note=f"{term.term}: present and consistent with the genuine series."
            if specimen.kind == Kind.GENUINE
            else f"{term.term}: compare closely with the genuine reference.",
            sort_order=order,
        )


def _images(specimen: Specimen, plan: Plan, countries: dict[str, str]) -> int:
    design = DocumentDesign(
        issuing_country=plan.issuer,
        country_name=countries[plan.issuer],
        document_type=plan.document_type,
        series=plan.series,
        seed=plan.seed,
    )
    pictures = document_images(
        design,
        forged=plan.kind == Kind.FORGED,
        defects=plan.defects,
        holder_seed=plan.seed * 7 + (1 if plan.kind == Kind.FORGED else 0),
    )
    for light, picture in pictures.items():
        regions = [
            region for defect in plan.defects for region_light, region in [DEFECT_REGIONS[defect]]
            if region_light == light
        ]  # fmt: skip
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=88)
        buffer.seek(0)
        image_store(
            specimen=specimen,
            file=buffer,
            light_source=light,
            caption=LIGHT_CAPTIONS.get(light, ""),
            regions=regions,
        )
    return len(pictures)


def demo_specimens_load() -> str:
    """Create the demo specimens that are missing; returns a summary line."""
    glossary_load()  # the migration loaded it; refresh terms edited in data/glossary.csv
    plans = _plans()
    countries = dict(Country.objects.filter(code__in=ISSUERS).values_list("code", "name"))
    terms: dict[str, list[GlossaryTerm]] = {}
    for term in GlossaryTerm.objects.order_by("slug"):
        terms.setdefault(term.category, []).append(term)
    by_title = {s.title: s for s in Specimen.objects.filter(title__in=[p.title for p in plans])}
    created = images = 0
    missing = [plan for plan in plans if plan.title not in by_title]
    for plan in tqdm(missing, desc="Specimens", unit="specimen", leave=False):
        rng = random.Random(plan.title)
        with transaction.atomic():
            specimen = Specimen.objects.create(
                title=plan.title,
                owner_country_id=plan.owner,
                issuing_country_id=plan.issuer,
                document_type=plan.document_type,
                icao_category=plan.icao,
                series=f"{plan.series} series",
                first_issued=dt.date(int(plan.series), 1 + plan.seed % 12, 1),
                validity="10 years (adults), 5 years (minors)"
                if plan.document_type == "passport"
                else "5 years",
                kind=plan.kind,
                fraud_type=plan.fraud_type,
                genuine_reference=by_title.get(plan.reference_title),
                description=_description(plan, countries),
                detection_points="\n".join(DEFECTS[d] for d in plan.defects),
            )
            distribution_apply(
                item=specimen, distribution=Distribution.from_data(plan.distribution)
            )
            _features(specimen, rng, terms)
            images += _images(specimen, plan, countries)
        by_title[plan.title] = specimen
        created += 1
    return f"{created} specimens and {images} images added ({len(plans)} in the demo library)"


def _description(plan: Plan, countries: dict[str, str]) -> str:
    country = countries[plan.issuer]
    if plan.kind == Kind.GENUINE:
        return (
            f"Synthetic reference specimen of a {country} {plan.document_type.replace('_', ' ')} "
            f"({plan.series} series), drawn for the demo: fictional holder, fictional numbers."
        )
    return (
        f"Synthetic {plan.fraud_type.replace('_', ' ')} of the {country} "
        f"{plan.document_type.replace('_', ' ')} ({plan.series} series), seized in the demo "
        "network's imagination. Compare it with the genuine reference under each light."
    )
