"""Search at 100,000 items: permission-filtered against unfiltered and against raw SQL.

100,000 synthetic specimens and alerts over every country and distribution level,
indexed the way the portal indexes them (``search.indexing``'s documents, the rule's keys).
Timed, for a mix of officers' queries:

- ``search(officer.vnm, q)`` — the entry point with the rule inside the query (total,
  facets, the first page with highlighted snippets);
- the same ``search(admin, q)`` — a superuser holds every key, so nothing is filtered;
- a raw SQL full-text query: the first 20 ids by rank (PostgreSQL ``@@`` / ``ts_rank_cd``).

On PostgreSQL the run also starts itself again on SQLite FTS5 (a subprocess whose test
settings fall back to SQLite, with ``BENCH_SEARCH_SQLITE_ITEMS`` items, 20,000 by default)
and reports those timings beside.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from tqdm import tqdm

from .harness import benchmark_database, setup_django, summary, timings

ITEMS = int(os.environ.get("BENCH_SEARCH_ITEMS", "100000"))
#: The SQLite FTS5 run (the embedded demo's backend) is smaller: filling 100,000 items
#: item by item through the portal's own code takes SQLite longer than the whole run's budget.
SQLITE_ITEMS = int(os.environ.get("BENCH_SEARCH_SQLITE_ITEMS", "20000"))
REPEAT = 30
QUERIES = [
    "vnm passport laminate",
    "counterfeit visa uv fibres",
    "thailand residence permit hologram",
    "guilloche",
    "ghost image id card 2019",
]
WORDS = {
    "feature": ["laminate", "hologram", "guilloche", "microprint", "watermark", "uv fibres",
                "ghost image", "kinegram", "security thread", "intaglio", "optically variable ink",
                "mrz font", "perforation", "rainbow printing"],
    "flaw": ["lifted", "blurred", "missing", "misaligned", "reprinted", "scratched", "glued",
             "substituted", "dull under uv", "wrong colour"],
}  # fmt: skip


def populate(count: int) -> dict:
    from django.db import connection

    from portal.access import rule
    from portal.access.models import Country, Network
    from portal.alerts.models import AlertBulletin
    from portal.demo.network import demo_network_load
    from portal.specimens.models import Specimen
    from search.backends.database import fulltext_write
    from search.indexing import entry_fields, entry_keys
    from search.models import SearchEntry
    from search.registry import document_for, search_type_for

    demo_network_load()
    rng = random.Random(7)
    countries = list(Country.objects.values_list("code", flat=True))
    networks = list(Network.objects.all())
    levels = ["country", "countries", "networks", "members"]
    types = ["passport", "id_card", "visa", "residence_permit"]
    frauds = ["counterfeit", "forgery", "pseudo_document", "stolen_blank"]
    lights = ["visible", "uv", "ir", "transmitted", "oblique", "coaxial"]

    def text() -> str:
        return (
            f"{rng.choice(WORDS['feature'])} {rng.choice(WORDS['flaw'])}; "
            f"{rng.choice(WORDS['feature'])} checked under "
            f"{rng.choice(['uv', 'ir', 'white'])} light"
        )

    specimens = Specimen.objects.bulk_create(
        [
            Specimen(
                issuing_country_id=(code := rng.choice(countries)),
                title=f"{code} {rng.choice(types).replace('_', ' ')} {rng.randint(2000, 2024)}",
                owner_country_id=rng.choice(countries),
                document_type=rng.choice(types),
                kind=(kind := rng.choice(["genuine", "forged"])),
                fraud_type=rng.choice(frauds) if kind == "forged" else "",
                description=text(),
                distribution_level=rng.choice(levels),
            )
            for _ in range(count * 7 // 10)
        ],
        batch_size=5000,
    )
    alerts = AlertBulletin.objects.bulk_create(
        [
            AlertBulletin(
                issuing_country_id=(code := rng.choice(countries)),
                title=f"{rng.choice(frauds).replace('_', ' ')} {rng.choice(types)} from {code}",
                summary=text(),
                body=text(),
                owner_country_id=rng.choice(countries),
                document_type=rng.choice(types),
                fraud_type=rng.choice(frauds),
                severity=rng.choice(["low", "medium", "high", "critical"]),
                tlp=rng.choice(["clear", "green", "amber"]),
                status="published",
                live=True,
                distribution_level=rng.choice(levels),
            )
            for _ in range(count - len(specimens))
        ],
        batch_size=5000,
    )
    for model, items, field in (
        (Specimen, specimens, "specimen_id"),
        (AlertBulletin, alerts, "alertbulletin_id"),
    ):
        through_countries = model.shared_countries.through
        through_networks = model.shared_networks.through
        country_rows, network_rows = [], []
        for item in items:
            if item.distribution_level == "countries":
                for code in rng.sample(countries, 3):
                    country_rows.append(through_countries(**{field: item.pk, "country_id": code}))
            elif item.distribution_level == "networks":
                network_rows.append(
                    through_networks(**{field: item.pk, "network_id": rng.choice(networks).pk})
                )
        through_countries.objects.bulk_create(country_rows, batch_size=5000, ignore_conflicts=True)
        through_networks.objects.bulk_create(network_rows, batch_size=5000, ignore_conflicts=True)
    from django.contrib.contenttypes.models import ContentType

    entries = []
    for model, items in ((Specimen, specimens), (AlertBulletin, alerts)):
        search_type = search_type_for(model)
        ct = ContentType.objects.get_for_model(model)
        loaded = model.objects.select_related("issuing_country").in_bulk([i.pk for i in items])
        label = f"Keys and entries ({search_type.slug})"
        for pk, item in tqdm(loaded.items(), desc=label, unit="item"):
            rule.sync_item_keys(item)
            fields = entry_fields(search_type, document_for(search_type, item))
            if model is Specimen:  # as if photographed under one to three light sources
                fields["facets"]["light_source"] = sorted(rng.sample(lights, rng.randint(1, 3)))
            keys = rule.keys_copy(entry_keys(search_type, item))
            entries.append(SearchEntry(content_type=ct, object_id=pk, view_keys=keys, **fields))
    SearchEntry.objects.bulk_create(entries, batch_size=5000)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        from search.backends.database import POSTGRES_CONFIG

        SearchEntry.objects.update(
            search_vector=SearchVector("title", weight="A", config=POSTGRES_CONFIG)
            + SearchVector("body", weight="B", config=POSTGRES_CONFIG)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        for entry in SearchEntry.objects.iterator():
            fulltext_write(entry)
    return {"specimens": len(specimens), "alerts": len(alerts), "entries": len(entries)}


def _raw_query(query: str):
    from django.db import connection

    from search.backends.base import words

    terms = words(query)

    def run():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT id FROM search_searchentry, plainto_tsquery('portal_search', %s) q"
                    " WHERE search_vector @@ q ORDER BY ts_rank_cd(search_vector, q) DESC LIMIT 20",
                    [" ".join(terms)],
                )
            else:
                cursor.execute(
                    "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s"
                    " ORDER BY bm25(search_entry_fts) LIMIT 20",
                    [" ".join(f'"{t}"' for t in terms)],
                )
            cursor.fetchall()

    return run


def measure() -> dict:
    from django.db import connection

    from portal.access.models import User
    from search import search

    officer = User.objects.get(username="officer.vnm")
    admin = User.objects.get(username="admin")
    per_query = {}
    all_samples = {"filtered": [], "unfiltered": [], "raw_sql": []}
    for query in QUERIES:
        filtered = timings(lambda q=query: search(officer, q), repeat=REPEAT)
        unfiltered = timings(lambda q=query: search(admin, q), repeat=REPEAT)
        raw = timings(_raw_query(query), repeat=REPEAT)
        for name, samples in (("filtered", filtered), ("unfiltered", unfiltered), ("raw_sql", raw)):
            all_samples[name].extend(samples)
        per_query[query] = {
            "officer_total": search(officer, query).total,
            "superuser_total": search(admin, query).total,
            "filtered": summary(filtered),
            "unfiltered": summary(unfiltered),
            "raw_sql": summary(raw),
        }
    overall = {name: summary(samples) for name, samples in all_samples.items()}
    return {
        "database": connection.vendor,
        "queries": per_query,
        "overall": overall,
        "ratio_p95_filtered_to_unfiltered": round(
            overall["filtered"]["p95_ms"] / overall["unfiltered"]["p95_ms"], 2
        ),
        "ratio_p95_filtered_to_raw_sql": round(
            overall["filtered"]["p95_ms"] / overall["raw_sql"]["p95_ms"], 2
        ),
    }


def run() -> dict:
    setup_django()
    from django.db import connection

    with benchmark_database():
        child = bool(os.environ.get("BENCH_SEARCH_CHILD"))
        population = populate(SQLITE_ITEMS if child else ITEMS)
        result = {"items": population, **measure()}
    if connection.vendor == "postgresql" and not os.environ.get("BENCH_SEARCH_CHILD"):
        result["sqlite_fts5"] = _sqlite_run()
    return result


def _sqlite_run() -> dict:
    """The same benchmark on SQLite FTS5, in a process whose settings fall back to SQLite."""
    env = {
        **os.environ,
        "TEST_DATABASE_URL": "postgres://127.0.0.1:1/unreachable",
        "BENCH_SEARCH_CHILD": "1",
    }
    code = "import json; from benchmarks import search; print('RESULT' + json.dumps(search.run()))"
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    for line in run.stdout.splitlines():
        if line.startswith("RESULT"):
            return json.loads(line[len("RESULT") :])
    return {"error": (run.stderr or run.stdout)[-2000:]}
