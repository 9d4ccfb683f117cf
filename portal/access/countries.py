"""The ISO 3166-1 country list shipped with the portal (data/countries.csv: the codes, and
the names as ICAO Doc 9303 Part 3 writes them, e.g. "Viet Nam"), each
country's default language and time zone (data/country_locales.csv), and the countries
a user's networks hold (country choosers list them first)."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path
from typing import Any

COUNTRIES_CSV = Path(__file__).parent / "data" / "countries.csv"
COUNTRY_LOCALES_CSV = Path(__file__).parent / "data" / "country_locales.csv"


def read_countries() -> list[dict[str, str]]:
    """Rows of ``code, name, region`` for every ISO 3166-1 country."""
    with COUNTRIES_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_country_locales() -> dict[str, tuple[str, str]]:
    """``code → (ISO 639-1 language, IANA time zone)`` of the countries that have them."""
    with COUNTRY_LOCALES_CSV.open(newline="", encoding="utf-8") as handle:
        return {r["code"]: (r["language"], r["time_zone"]) for r in csv.DictReader(handle)}


def countries_load(country_model) -> int:
    """Insert or update every country; ``country_model`` may be a migration's model.

    The default language and time zone are written too when the model has them (the
    migrations before 0004 do not), so a flushed test database gets them back as well.
    """
    rows = read_countries()
    fields = ["name", "region"]
    locales: dict[str, tuple[str, str]] = {}
    if any(f.name == "time_zone" for f in country_model._meta.get_fields()):
        fields += ["default_language", "time_zone"]
        locales = read_country_locales()

    def make(row: dict[str, str]):
        country = country_model(code=row["code"], name=row["name"], region=row["region"])
        if locales:
            country.default_language, country.time_zone = locales.get(row["code"], ("", ""))
        return country

    country_model.objects.bulk_create(
        [make(r) for r in rows],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=fields,
    )
    return len(rows)


def network_country_codes(*, user: Any) -> frozenset[str]:
    """Codes of the countries that share a network with the user's country today.

    Not an access decision (``rule`` makes those): choosers offer these first because
    they are the countries a user names most. Cached on the user object per request.
    """
    cached = getattr(user, "_portal_network_countries", None)
    if cached is not None:
        return cached
    from .models import NetworkMembership

    codes: frozenset[str] = frozenset()
    country_id = getattr(user, "country_id", None)
    if getattr(user, "is_authenticated", False) and country_id:
        codes = frozenset(
            NetworkMembership.objects.filter(network__memberships__country_id=country_id)
            .values_list("country_id", flat=True)
            .distinct()
        )
    with contextlib.suppress(AttributeError):  # an object that takes no attributes
        user._portal_network_countries = codes
    return codes
