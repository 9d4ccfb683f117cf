"""The ISO 3166-1 country list shipped with the portal (data/countries.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

COUNTRIES_CSV = Path(__file__).parent / "data" / "countries.csv"


def read_countries() -> list[dict[str, str]]:
    """Rows of ``code, name, region`` for every ISO 3166-1 country."""
    with COUNTRIES_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def countries_load(country_model) -> int:
    """Insert or update every country; ``country_model`` may be a migration's model."""
    rows = read_countries()
    country_model.objects.bulk_create(
        [country_model(code=r["code"], name=r["name"], region=r["region"]) for r in rows],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "region"],
    )
    return len(rows)
