"""Loading the glossary of security-feature terms from ``data/glossary.csv``."""

from __future__ import annotations

import csv
from pathlib import Path

GLOSSARY_CSV = Path(__file__).resolve().parent / "data" / "glossary.csv"


def glossary_rows(path: Path = GLOSSARY_CSV) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "slug": row["slug"].strip(),
                "term": row["term"].strip(),
                "category": row["category"].strip(),
                "light_sources": row["light_sources"].split(),
                "definition": row["definition"].strip(),
                "how_to_check": row["how_to_check"].strip(),
            }
            for row in csv.DictReader(handle)
        ]


def glossary_load(model=None) -> int:
    """Create or update every term of the CSV (idempotent); returns the number of terms.

    :param model: the ``GlossaryTerm`` model (a migration passes its historical one).
    """
    if model is None:
        from .models import GlossaryTerm as model
    rows = glossary_rows()
    for row in rows:
        model.objects.update_or_create(slug=row.pop("slug"), defaults=row)
    return len(rows)
