"""Demo case statistics (issue 15): synthetic, anonymized fraud cases 2014–2023 and the
documents scanned beside them, so that the dashboards reproduce the programme's slide.

The published series (DESIGN.md, "Dashboards") hold exactly: fraud cases per year
2014–2021 of 384, 557, 201, 541, 977, 621, 119, 107 (2022: 236, 2023: 263, so 4,006 over
2014–2023), each year's fraudulent documents and impostors split by the published
percentages rounded to whole cases, and 24,687 documents scanned over 2014–2023 (about
84 % genuine). Cases are spread over the andex countries (most in THA, VNM, KHM, MYS, PHL)
and two rnde-europe countries, their crossing points, regional routes, document types
(health documents included, more of them in 2020–2022), fraud types, nationalities,
genders and age bands. Two patterns for the trend flags: a spike of health documents
reported by Cambodia in the latest quarter, and a new issuing-country → destination pair
(Nigeria → Australia, through Singapore) in the same quarter.

Everything is drawn from one seeded generator: the same data on every machine. Written
with bulk inserts (a few thousand rows), one audited import per reporting country named
``demo``, and the dataset version raised once. Idempotent: a country that already has a
demo import gets nothing more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from collections.abc import Sequence

from django.db import transaction

from portal.access.models import Country
from portal.dashboards.models import (
    BorderType,
    CaseResult,
    CrossingPoint,
    DatasetVersion,
    FraudCase,
    ImportBatch,
    ScannedCount,
)
from portal.specimens.models.vocabularies import DocumentType, FraudType

SEED = 15
FILENAME = "demo"
FIRST_YEAR, LAST_YEAR = 2014, 2023

#: Fraud cases per year (fraudulent documents + impostors): the slide's 2014–2021 series,
#: then 2022–2023 so that 2014–2023 add up to the slide's 4,006.
YEARLY_FRAUD = {
    2014: 384,
    2015: 557,
    2016: 201,
    2017: 541,
    2018: 977,
    2019: 621,
    2020: 119,
    2021: 107,
    2022: 236,
    2023: 263,
}
#: Percentage of fraudulent documents in each year's fraud cases (the rest: impostors).
FRAUDULENT_DOCUMENT_PERCENT = {
    2014: 78,
    2015: 80,
    2016: 92,
    2017: 58,
    2018: 55,
    2019: 60,
    2020: 65,
    2021: 84,
    2022: 80,
    2023: 78,
}
SCANNED_TOTAL = 24_687

#: Reporting countries and their weight in the cases.
REPORTERS = {
    "THA": 22,
    "VNM": 17,
    "KHM": 12,
    "MYS": 12,
    "PHL": 10,
    "IDN": 8,
    "LAO": 5,
    "MMR": 4,
    "SGP": 4,
    "BRN": 1,
    "TLS": 1,
    "FIN": 2,
    "NLD": 2,
}

AIR, LAND, SEA = BorderType.AIR, BorderType.LAND, BorderType.SEA
#: Crossing points (the programme's "workstations"): country, code, name, border type.
CROSSING_POINTS = [
    ("THA", "bkk-airport", "Suvarnabhumi Airport", AIR),
    ("THA", "dmk-airport", "Don Mueang Airport", AIR),
    ("THA", "aranyaprathet", "Aranyaprathet land crossing", LAND),
    ("THA", "laem-chabang", "Laem Chabang seaport", SEA),
    ("VNM", "sgn-airport", "Tan Son Nhat Airport", AIR),
    ("VNM", "han-airport", "Noi Bai Airport", AIR),
    ("VNM", "moc-bai", "Moc Bai land crossing", LAND),
    ("VNM", "hai-phong", "Hai Phong seaport", SEA),
    ("KHM", "pnh-airport", "Phnom Penh Airport", AIR),
    ("KHM", "poipet", "Poipet land crossing", LAND),
    ("KHM", "bavet", "Bavet land crossing", LAND),
    ("MYS", "kul-airport", "Kuala Lumpur International Airport", AIR),
    ("MYS", "bukit-kayu-hitam", "Bukit Kayu Hitam land crossing", LAND),
    ("MYS", "johor-bahru", "Johor Bahru land crossing", LAND),
    ("MYS", "port-klang", "Port Klang seaport", SEA),
    ("PHL", "mnl-airport", "Ninoy Aquino International Airport", AIR),
    ("PHL", "ceb-airport", "Mactan-Cebu International Airport", AIR),
    ("PHL", "manila-port", "Port of Manila", SEA),
    ("IDN", "cgk-airport", "Soekarno-Hatta Airport", AIR),
    ("IDN", "dps-airport", "Ngurah Rai Airport", AIR),
    ("IDN", "batam-ferry", "Batam Centre ferry terminal", SEA),
    ("LAO", "vte-airport", "Wattay Airport", AIR),
    ("LAO", "friendship-bridge", "Thanaleng (Friendship Bridge)", LAND),
    ("MMR", "rgn-airport", "Yangon Airport", AIR),
    ("MMR", "myawaddy", "Myawaddy land crossing", LAND),
    ("SGP", "sin-airport", "Changi Airport", AIR),
    ("SGP", "woodlands", "Woodlands Checkpoint", LAND),
    ("SGP", "tanah-merah", "Tanah Merah ferry terminal", SEA),
    ("BRN", "bwn-airport", "Brunei International Airport", AIR),
    ("BRN", "kuala-lurah", "Kuala Lurah land crossing", LAND),
    ("TLS", "dil-airport", "Presidente Nicolau Lobato Airport", AIR),
    ("TLS", "batugade", "Batugade land crossing", LAND),
    ("FIN", "hel-airport", "Helsinki Airport", AIR),
    ("FIN", "vaalimaa", "Vaalimaa land crossing", LAND),
    ("FIN", "helsinki-port", "Port of Helsinki", SEA),
    ("NLD", "ams-airport", "Amsterdam Airport Schiphol", AIR),
    ("NLD", "rotterdam-port", "Port of Rotterdam", SEA),
]

#: Routes met in the region (embarkation, transits, destination), each with a weight; a
#: case takes one that passes through its reporting country.
ROUTES: list[tuple[str, tuple[str, ...], str, int]] = [
    ("VNM", ("KHM",), "THA", 8),
    ("VNM", ("THA",), "MYS", 6),
    ("VNM", ("QAT",), "GBR", 4),
    ("VNM", (), "KOR", 3),
    ("KHM", (), "THA", 8),
    ("KHM", ("THA",), "MYS", 3),
    ("LAO", (), "THA", 6),
    ("LAO", ("THA",), "MYS", 2),
    ("MMR", (), "THA", 7),
    ("MMR", ("THA",), "MYS", 3),
    ("BGD", ("THA",), "MYS", 5),
    ("BGD", ("MYS",), "IDN", 2),
    ("LKA", ("THA",), "AUS", 3),
    ("LKA", ("SGP",), "AUS", 2),
    ("IRN", ("MYS",), "AUS", 3),
    ("IRN", ("MYS", "IDN"), "AUS", 2),
    ("CHN", ("THA",), "GBR", 3),
    ("CHN", ("VNM",), "KHM", 2),
    ("THA", ("ARE",), "NLD", 2),
    ("THA", (), "JPN", 3),
    ("THA", ("MYS",), "SGP", 3),
    ("PHL", ("ARE",), "ITA", 3),
    ("PHL", ("MYS",), "KOR", 2),
    ("PHL", (), "JPN", 2),
    ("IDN", (), "AUS", 3),
    ("IDN", ("SGP",), "JPN", 2),
    ("MYS", (), "SGP", 3),
    ("MYS", ("SGP",), "AUS", 2),
    ("BRN", ("MYS",), "SGP", 1),
    ("TLS", ("IDN",), "AUS", 1),
    ("TLS", (), "IDN", 1),
    ("RUS", (), "FIN", 3),
    ("TUR", ("FIN",), "SWE", 2),
    ("THA", ("FIN",), "DEU", 1),
    ("SYR", ("TUR",), "NLD", 2),
    ("NLD", (), "GBR", 2),
    ("VNM", ("NLD",), "GBR", 1),
]

#: Issuers of the documents met (a counterfeit often imitates a European passport).
ISSUERS = {
    "THA": 8, "VNM": 8, "CHN": 8, "MYS": 7, "IDN": 5, "PHL": 5, "KHM": 4, "LAO": 3, "MMR": 4,
    "SGP": 4, "JPN": 4, "KOR": 5, "IND": 4, "BGD": 3, "LKA": 2, "PAK": 2, "IRN": 2,
    "TUR": 2, "GBR": 4, "FRA": 3, "DEU": 3, "ITA": 3, "ESP": 3, "NLD": 2, "FIN": 1,
    "USA": 3, "CAN": 3, "AUS": 3,
}  # fmt: skip
NATIONALITIES = {
    "VNM": 12, "CHN": 10, "MMR": 7, "KHM": 6, "LAO": 4, "THA": 5, "BGD": 6, "LKA": 4,
    "IND": 5, "PAK": 4, "IRN": 4, "IDN": 5, "PHL": 5, "MYS": 3, "SYR": 2, "TUR": 2,
    "RUS": 2, "AFG": 2,
}  # fmt: skip
DOCUMENT_TYPES = {
    DocumentType.PASSPORT: 55,
    DocumentType.VISA: 12,
    DocumentType.ID_CARD: 8,
    DocumentType.RESIDENCE_PERMIT: 7,
    DocumentType.HEALTH_DOCUMENT: 4,
    DocumentType.TRAVEL_DOCUMENT: 4,
    DocumentType.BREEDER_DOCUMENT: 3,
    DocumentType.DRIVING_LICENCE: 3,
    DocumentType.SEAMAN_BOOK: 2,
}
#: In the pandemic years forged vaccination and test certificates were common.
HEALTH_YEARS = {2020: 30, 2021: 30, 2022: 15}
DOCUMENT_FRAUD_TYPES = {
    FraudType.COUNTERFEIT: 35,
    FraudType.FORGERY: 30,
    FraudType.FRAUDULENTLY_OBTAINED_GENUINE: 12,
    FraudType.STOLEN_BLANK: 10,
    FraudType.PSEUDO_DOCUMENT: 8,
}
GENDERS = {"m": 62, "f": 35, "x": 3}
AGE_BANDS = {"0-17": 4, "18-25": 22, "26-35": 35, "36-45": 22, "46-60": 12, "60+": 5}
#: Quarters' share of a year's cases (travel peaks in the third quarter).
SEASON = (0.9, 1.0, 1.15, 0.95)

#: The latest quarter's patterns for the trend flags.
SPIKE = {"reported_by": "KHM", "document_type": DocumentType.HEALTH_DOCUMENT, "cases": 45}
NEW_PAIR = {
    "reported_by": "SGP",
    "issuing_country": "NGA",
    "route": ("NGA", ("ARE", "SGP"), "AUS"),
    "cases": 8,
}


def fraudulent_document_count(year: int) -> int:
    """The year's fraudulent documents: its published share rounded to whole cases."""
    total, percent = YEARLY_FRAUD[year], FRAUDULENT_DOCUMENT_PERCENT[year]
    return (total * percent + 50) // 100


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainder),
    so the parts add up exactly."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    parts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - shares[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _pick(rng: random.Random, weighted: dict) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _route_fields(route: tuple[str, tuple[str, ...], str] | None) -> dict:
    if route is None:
        return {"embarkation_id": None, "transit": [], "destination_id": None, "route": ""}
    embarkation, transit, destination = route
    return {
        "embarkation_id": embarkation,
        "transit": list(transit),
        "destination_id": destination,
        "route": ">".join([embarkation, *transit, destination]),
    }


class _Generator:
    """Draws the demo cases and scanned counts from one seeded generator."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.points: dict[str, list[tuple[str, str]]] = {}
        for code, slug, _name, border in CROSSING_POINTS:
            self.points.setdefault(code, []).append((slug, border))
        self.routes = {
            reporter: [r for r in ROUTES if reporter in (r[0], *r[1], r[2])]
            for reporter in REPORTERS
        }

    def case(self, *, year: int, quarter: int, result: str, reporter: str | None = None,
             document_type: str | None = None, issuer: str | None = None,
             route: tuple | None = None) -> dict:  # fmt: skip
        rng = self.rng
        reporter = reporter or _pick(rng, REPORTERS)
        month = (quarter - 1) * 3 + rng.randint(1, 3)
        point = rng.choice(self.points[reporter]) if rng.random() < 0.9 else None
        border = point[1] if point else rng.choice(self.points[reporter])[1]
        if document_type is None:
            types = dict(DOCUMENT_TYPES)
            types[DocumentType.HEALTH_DOCUMENT] += HEALTH_YEARS.get(year, 0)
            document_type = _pick(rng, types)
        if route is None and rng.random() < 0.85:
            options = self.routes[reporter]
            route = rng.choices(options, weights=[r[3] for r in options])[0][:3]
        nationality = _pick(rng, NATIONALITIES) if rng.random() < 0.9 else None
        if issuer is None:
            # Impostors carry someone else's genuine document, often of their own region;
            # fraudulent documents are as often their own nationality's as a foreign one.
            issuer = nationality if nationality and rng.random() < 0.45 else _pick(rng, ISSUERS)
        return {
            "reported_by_id": reporter,
            "detected_on": dt.date(year, month, 1),
            "year": year,
            "quarter": quarter,
            "border_type": border,
            "crossing_point": point[0] if point else None,
            "issuing_country_id": issuer,
            "document_type": document_type,
            "result": result,
            "fraud_type": (
                FraudType.IMPOSTOR
                if result == CaseResult.IMPOSTOR
                else _pick(rng, DOCUMENT_FRAUD_TYPES)
            ),
            "nationality_id": nationality,
            "gender": _pick(rng, GENDERS) if rng.random() < 0.9 else "",
            "age_band": _pick(rng, AGE_BANDS) if rng.random() < 0.88 else "",
            **_route_fields(route),
        }

    def cases(self) -> list[dict]:
        rows: list[dict] = []
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            fraudulent = fraudulent_document_count(year)
            results = [CaseResult.FRAUDULENT_DOCUMENT] * fraudulent + [CaseResult.IMPOSTOR] * (
                YEARLY_FRAUD[year] - fraudulent
            )
            if year == LAST_YEAR:
                # The flags' patterns come first, out of the year's fraudulent documents.
                for _ in range(SPIKE["cases"]):
                    rows.append(
                        self.case(
                            year=year,
                            quarter=4,
                            result=CaseResult.FRAUDULENT_DOCUMENT,
                            reporter=SPIKE["reported_by"],
                            document_type=SPIKE["document_type"],
                        )
                    )
                for _ in range(NEW_PAIR["cases"]):
                    rows.append(
                        self.case(
                            year=year,
                            quarter=4,
                            result=CaseResult.FRAUDULENT_DOCUMENT,
                            reporter=NEW_PAIR["reported_by"],
                            document_type=DocumentType.PASSPORT,
                            issuer=NEW_PAIR["issuing_country"],
                            route=NEW_PAIR["route"],
                        )
                    )
                results = results[SPIKE["cases"] + NEW_PAIR["cases"] :]
            self.rng.shuffle(results)
            weights = [s * self.rng.uniform(0.85, 1.15) for s in SEASON]
            quarters = _allocate(len(results), weights)
            start = 0
            for quarter, count in enumerate(quarters, start=1):
                for result in results[start : start + count]:
                    rows.append(self.case(year=year, quarter=quarter, result=result))
                start += count
        return rows

    def scanned(self, cases: list[dict]) -> dict[tuple[str, int, int], int]:
        """Documents scanned per country and quarter: every case was scanned, plus the
        genuine documents spread by the country's weight (seasonal), so that the whole
        decade adds up to ``SCANNED_TOTAL``."""
        met = Counter((c["reported_by_id"], c["year"], c["quarter"]) for c in cases)
        keys = [
            (code, year, quarter)
            for code in REPORTERS
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
            for quarter in range(1, 5)
        ]
        weights = [
            REPORTERS[code] * SEASON[quarter - 1] * self.rng.uniform(0.8, 1.2)
            for code, _year, quarter in keys
        ]
        genuine = _allocate(SCANNED_TOTAL - len(cases), weights)
        return {key: met[key] + extra for key, extra in zip(keys, genuine, strict=True)}


@transaction.atomic
def demo_dashboards_load() -> str:
    """Create the demo crossing points, cases and scanned counts of every reporting
    country that has no demo import yet; returns a summary line."""
    wanted = set(REPORTERS) | {code for code, *_ in CROSSING_POINTS}
    known = set(Country.objects.filter(code__in=wanted).values_list("code", flat=True))
    if known != wanted:
        return f"skipped: countries missing ({', '.join(sorted(wanted - known))})"
    for code, slug, name, border in CROSSING_POINTS:
        CrossingPoint.objects.get_or_create(
            country_id=code, code=slug, defaults={"name": name, "border_type": border}
        )
    points = {
        (country, code): pk
        for pk, country, code in CrossingPoint.objects.values_list("pk", "country_id", "code")
    }
    done = set(
        ImportBatch.objects.filter(filename=FILENAME, withdrawn_at__isnull=True).values_list(
            "reported_by_id", flat=True
        )
    )
    todo = [code for code in REPORTERS if code not in done]
    if not todo:
        return "0 cases added"
    generator = _Generator()
    cases = generator.cases()  # always all of them: the same draws whoever is missing
    scanned = generator.scanned(cases)
    added = 0
    for code in todo:
        own = [c for c in cases if c["reported_by_id"] == code]
        counts = {k: v for k, v in scanned.items() if k[0] == code}
        batch = ImportBatch.objects.create(
            reported_by_id=code,
            source=ImportBatch.Source.JSON,
            filename=FILENAME,
            case_count=len(own),
            scanned_count=len(counts),
            content_hash=hashlib.sha256(f"demo:{SEED}:{code}".encode()).hexdigest(),
        )
        FraudCase.objects.bulk_create(
            [
                FraudCase(
                    batch=batch,
                    **{k: v for k, v in case.items() if k != "crossing_point"},
                    crossing_point_id=(
                        points[(code, case["crossing_point"])] if case["crossing_point"] else None
                    ),
                )
                for case in own
            ],
            batch_size=1000,
        )
        ScannedCount.objects.bulk_create(
            [
                ScannedCount(batch=batch, reported_by_id=code, year=y, quarter=q, documents=n)
                for (_c, y, q), n in counts.items()
            ]
        )
        added += len(own)
    DatasetVersion.bump()
    return f"{added} cases added"
