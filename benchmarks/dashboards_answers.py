"""Dashboard answers at 1,000,000 case rows (issue 15: p95 within 1.5× of a raw
``GROUP BY`` answering the same question), and what protecting the tables costs.

The rows are synthetic and shaped like the demo's (``portal.demo.dashboards``: its
reporting countries and weights, crossing points, routes, issuers, nationalities, document
and fraud types, bands and seasons), scaled up: ten years following the slide's yearly
series, thirteen reporting countries — one of them (TLS) with a handful of cases a year,
so that the small-country merge is on the path — and a fifth of the cases genuine. They go
in with ``COPY`` (``services._cases_insert``, as the import benchmark's baseline).

Then, in order:

1. the protected tables are built once (``cube_current(allow_stale=False)``, what the task
   runs), timed apart and profiled: reading the grouped counts, and per table kind the
   protection's time and LP calls;
2. each question of a mix — yearly series, quarter × reporting country, results by
   quarter, subject breakdowns of one year, the Mekong area — is answered as the API does
   (``question_from`` then ``case_aggregates``: the warm tables plus the version check)
   and by the raw SQL ``GROUP BY`` that counts the same thing with no protection,
   interleaved in the same run, ``BENCH_ANSWERS_N`` times in all each (default 200);
3. every published answer cell is checked against the raw count (a protected answer is a
   sum of exact published cells, so the two must agree wherever it is given).
"""

from __future__ import annotations

import importlib
import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from .harness import benchmark_database, setup_django, summary

ROWS = int(os.environ.get("BENCH_ANSWERS_ROWS", "1000000"))
ANSWERS = int(os.environ.get("BENCH_ANSWERS_N", "200"))
GOAL_RATIO = 1.5
SEED = 15
#: Reporting countries get the demo's weights; this one reports a handful of cases a year.
TINY_REPORTER = "TLS"
#: Results of secondary inspection: most cases are fraud, a fifth turned out genuine.
RESULT_WEIGHTS = {"fraudulent_document": 55, "impostor": 25, "genuine": 20}
#: Documents scanned per case met (so about 85 % of the scanned documents are genuine).
SCANNED_PER_CASE = 6
#: The year the subject breakdowns ask about.
SUBJECT_YEAR = "2021"


def _weighted(rng: random.Random, weighted: dict, k: int) -> list:
    return rng.choices(list(weighted), weights=list(weighted.values()), k=k)


def case_rows(*, rows: int, points: dict[str, list[tuple[int, str]]]) -> Iterator[tuple]:
    """``(reporter, year, rows)`` chunks of ``rows`` synthetic cases in ``CASE_COLUMNS``
    order (seeded: the same rows every run), drawn column by column — a Python loop of
    draws per row would take longer than the ``COPY``.

    :param points: reporting country -> its crossing points as (id, border type)
    """
    from portal.demo import dashboards as demo

    rng = random.Random(SEED)
    years = list(demo.YEARLY_FRAUD)
    per_year = demo._allocate(rows, [demo.YEARLY_FRAUD[y] for y in years])
    routes = {
        reporter: [r for r in demo.ROUTES if reporter in (r[0], *r[1], r[2])]
        for reporter in demo.REPORTERS
    }
    doc_fraud = {str(k): v for k, v in demo.DOCUMENT_FRAUD_TYPES.items()}
    for year, year_rows in zip(years, per_year, strict=True):
        tiny = rng.randint(1, 6)
        reporters = [r for r in demo.REPORTERS if r != TINY_REPORTER]
        weights = [demo.REPORTERS[r] * rng.uniform(0.8, 1.2) for r in reporters]
        counts = dict(zip(reporters, demo._allocate(year_rows - tiny, weights), strict=True))
        counts[TINY_REPORTER] = tiny
        types = {str(k): v for k, v in demo.DOCUMENT_TYPES.items()}
        types["health_document"] += demo.HEALTH_YEARS.get(year, 0)
        for reporter, n in counts.items():
            quarters = rng.choices((1, 2, 3, 4), weights=demo.SEASON, k=n)
            months = rng.choices((1, 2, 3), k=n)
            own_points = points[reporter]
            point_draws = rng.choices(own_points, k=n)
            has_point = [rng.random() < 0.9 for _ in range(n)]
            nationalities = _weighted(rng, demo.NATIONALITIES, n)
            has_nationality = [rng.random() < 0.9 for _ in range(n)]
            issuers = _weighted(rng, demo.ISSUERS, n)
            own_issuer = [rng.random() < 0.45 for _ in range(n)]
            documents = _weighted(rng, types, n)
            results = _weighted(rng, RESULT_WEIGHTS, n)
            fraud_types = _weighted(rng, doc_fraud, n)
            options = routes[reporter]
            route_draws = rng.choices(options, weights=[r[3] for r in options], k=n)
            has_route = [rng.random() < 0.85 for _ in range(n)]
            genders = _weighted(rng, demo.GENDERS, n)
            ages = _weighted(rng, demo.AGE_BANDS, n)
            has_gender = [rng.random() < 0.9 for _ in range(n)]
            has_age = [rng.random() < 0.88 for _ in range(n)]
            chunk = []
            for i in range(n):
                quarter = quarters[i]
                point, border = point_draws[i]
                nationality = nationalities[i] if has_nationality[i] else None
                result = results[i]
                if has_route[i]:
                    embarkation, transit, destination, _w = route_draws[i]
                    transit = list(transit)
                    route = ">".join([embarkation, *transit, destination])
                else:
                    embarkation, transit, destination, route = None, [], None, ""
                chunk.append(
                    (
                        reporter,
                        f"{year}-{(quarter - 1) * 3 + months[i]:02d}-01",
                        year,
                        quarter,
                        border,
                        point if has_point[i] else None,
                        nationality if nationality and own_issuer[i] else issuers[i],
                        documents[i],
                        result,
                        {"impostor": "impostor", "genuine": ""}.get(result, fraud_types[i]),
                        [],
                        nationality,
                        embarkation,
                        transit,
                        destination,
                        route,
                        genders[i] if has_gender[i] else "",
                        ages[i] if has_age[i] else "",
                    )
                )
            yield reporter, year, chunk


#: The tables the raw SQL reads (checked against the models when the run starts).
CASES_TABLE, POINTS_TABLE = "dashboards_fraudcase", "dashboards_crossingpoint"

#: (label, query parameters, raw SQL counting the same thing with its parameters, how a
#: SQL row names its answer cell)
Asked = tuple[str, dict[str, str], str, tuple, Callable[[tuple], tuple]]


def questions(*, mekong: list[str]) -> list[Asked]:
    """The mix of questions: each as the dashboards ask it and as raw SQL."""
    year = int(SUBJECT_YEAR)

    def quarter(row):
        return f"{row[0]}-Q{row[1]}"

    def value(raw):
        return raw or "unknown"

    return [
        (
            "yearly series",
            {"group_by": "year"},
            "SELECT year, COUNT(*) FROM dashboards_fraudcase GROUP BY year",
            (),
            lambda row: (str(row[0]),),
        ),
        (
            "quarter × reporting country",
            {"group_by": "quarter,reported_by"},
            "SELECT year, quarter, reported_by_id, COUNT(*) FROM dashboards_fraudcase "
            "GROUP BY 1, 2, 3",
            (),
            lambda row: (quarter(row), row[2]),
        ),
        (
            "result by quarter",
            {"group_by": "quarter,result"},
            "SELECT year, quarter, result, COUNT(*) FROM dashboards_fraudcase GROUP BY 1, 2, 3",
            (),
            lambda row: (quarter(row), row[2]),
        ),
        (
            f"issuing country, {SUBJECT_YEAR}",
            {"group_by": "issuing_country", "year": SUBJECT_YEAR},
            "SELECT issuing_country_id, COUNT(*) FROM dashboards_fraudcase "
            "WHERE year = %s AND result IN ('fraudulent_document', 'impostor') GROUP BY 1",
            (year,),
            lambda row: (row[0],),
        ),
        (
            f"document type, {SUBJECT_YEAR}",
            {"group_by": "document_type", "year": SUBJECT_YEAR},
            "SELECT document_type, COUNT(*) FROM dashboards_fraudcase "
            "WHERE year = %s AND result IN ('fraudulent_document', 'impostor') GROUP BY 1",
            (year,),
            lambda row: (row[0],),
        ),
        (
            f"route, {SUBJECT_YEAR}",
            {"group_by": "route", "year": SUBJECT_YEAR},
            "SELECT route, COUNT(*) FROM dashboards_fraudcase "
            "WHERE year = %s AND result IN ('fraudulent_document', 'impostor') GROUP BY 1",
            (year,),
            lambda row: (value(row[0]),),
        ),
        (
            f"crossing point, {SUBJECT_YEAR}",
            {"group_by": "crossing_point", "year": SUBJECT_YEAR},
            "SELECT p.country_id, p.code, COUNT(*) FROM dashboards_fraudcase c "
            "LEFT JOIN dashboards_crossingpoint p ON p.id = c.crossing_point_id "
            "WHERE c.year = %s AND c.result IN ('fraudulent_document', 'impostor') "
            "GROUP BY 1, 2",
            (year,),
            lambda row: (f"{row[0]}:{row[1]}" if row[0] else "unknown",),
        ),
        (
            "Mekong area, yearly",
            {"group_by": "year", "network": "mekong"},
            "SELECT year, COUNT(*) FROM dashboards_fraudcase WHERE reported_by_id = ANY(%s) "
            "GROUP BY year",
            (mekong,),
            lambda row: (str(row[0]),),
        ),
        (
            "Mekong area, result by quarter",
            {"group_by": "quarter,result", "network": "mekong"},
            "SELECT year, quarter, result, COUNT(*) FROM dashboards_fraudcase "
            "WHERE reported_by_id = ANY(%s) GROUP BY 1, 2, 3",
            (mekong,),
            lambda row: (quarter(row), row[2]),
        ),
        (
            f"Mekong area, nationality, {SUBJECT_YEAR}",
            {"group_by": "nationality", "year": SUBJECT_YEAR, "network": "mekong"},
            "SELECT nationality_id, COUNT(*) FROM dashboards_fraudcase "
            "WHERE year = %s AND result IN ('fraudulent_document', 'impostor') "
            "AND reported_by_id = ANY(%s) GROUP BY 1",
            (year, mekong),
            lambda row: (value(row[0]),),
        ),
    ]


class _BuildProfile:
    """Time and LP calls of the cube build, per table kind: wraps the functions the build
    calls by their module names (``cube.protect``, ``cube._fraud_type_table``,
    ``audit._solve``, ``cube._read_counts``, those present), undone by :meth:`close`."""

    def __init__(self) -> None:
        from portal.dashboards import cube

        # The package exports a function named ``audit``: take the module by its path.
        audit = importlib.import_module("portal.dashboards.disclosure.audit")
        self.seconds: Counter[str] = Counter()
        self.lp_calls: Counter[str] = Counter()
        self.tables: Counter[str] = Counter()
        self.read_seconds = 0.0
        self._current: str | None = None
        self._subject = 0
        subject_names = list(cube.SUBJECT_FIELDS)
        self._patched: list[tuple[object, str, object]] = []

        def labelled(kind: str, call, *args, **kwargs):
            if self._current is not None:  # inside a labelled step: counted there
                return call(*args, **kwargs)
            self._current = kind
            start = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.seconds[kind] += time.perf_counter() - start
                self.tables[kind] += 1
                self._current = None

        def kind_of(table) -> str:
            names = [d.name for d in table.dims]
            if "outcome" in names:
                self._subject = 0
                return "outcome"
            if "value" in names:
                # Subject tables are protected in SUBJECT_FIELDS order after the outcome.
                name = subject_names[min(self._subject, len(subject_names) - 1)]
                self._subject += 1
                return f"subject:{name}"
            return "scanned"

        def patch(module, name: str, make) -> None:
            original = getattr(module, name, None)
            if original is not None:
                self._patched.append((module, name, original))
                setattr(module, name, make(original))

        def label_protect(protect):
            def protect_labelled(table, **kwargs):
                if self._current is not None:  # a table protected inside a labelled step
                    return protect(table, **kwargs)
                return labelled(kind_of(table), protect, table, **kwargs)

            return protect_labelled

        patch(cube, "protect", label_protect)
        patch(
            cube,
            "_fraud_type_table",
            lambda build: lambda **kw: labelled("fraud_type (with the joint audit)", build, **kw),
        )

        def count_solve(solve):
            def counted(*args, **kwargs):
                self.lp_calls[self._current or "other"] += 1
                return solve(*args, **kwargs)

            return counted

        def time_read(read):
            def timed():
                start = time.perf_counter()
                try:
                    return read()
                finally:
                    self.read_seconds += time.perf_counter() - start

            return timed

        patch(audit, "_solve", count_solve)
        patch(cube, "_read_counts", time_read)

    def close(self) -> None:
        for module, name, original in reversed(self._patched):
            setattr(module, name, original)

    def report(self) -> dict:
        return {
            kind: {
                "tables": self.tables[kind],
                "seconds": round(self.seconds[kind], 2),
                "lp_calls": self.lp_calls[kind],
            }
            for kind in sorted(self.seconds, key=lambda k: -self.seconds[k])
        }


def _answer_cells(answer) -> dict[tuple, int | None]:
    return {tuple(cell.members[d] for d in answer.group_by): cell.count for cell in answer.cells}


def run() -> dict:
    setup_django()
    from django.db import connection

    run_start = time.perf_counter()
    with benchmark_database():
        from portal.dashboards import services
        from portal.dashboards.answers import case_aggregates
        from portal.dashboards.cube import cube_current, cube_forget
        from portal.dashboards.models import (
            CrossingPoint,
            DatasetVersion,
            FraudCase,
            ImportBatch,
            ScannedCount,
        )
        from portal.dashboards.queries import PRESET_GROUPS, question_from
        from portal.demo import dashboards as demo
        from portal.demo.network import demo_network_load

        assert (FraudCase._meta.db_table, CrossingPoint._meta.db_table) == (
            CASES_TABLE,
            POINTS_TABLE,
        )
        demo_network_load()
        CrossingPoint.objects.bulk_create(
            CrossingPoint(country_id=code, code=slug, name=name, border_type=border)
            for code, slug, name, border in demo.CROSSING_POINTS
        )
        points: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, country, border in CrossingPoint.objects.values_list(
            "pk", "country_id", "border_type"
        ):
            points[country].append((pk, border))
        batches = {
            code: ImportBatch.objects.create(
                reported_by_id=code, source="csv", filename="bench", content_hash=f"bench:{code}"
            )
            for code in demo.REPORTERS
        }

        # The rows: generated per reporting country and year, written with COPY.
        start = time.perf_counter()
        per_quarter: Counter[tuple[str, int, int]] = Counter()
        written = 0
        generate_seconds = 0.0
        generated = case_rows(rows=ROWS, points=points)
        while True:
            tick = time.perf_counter()
            chunk = next(generated, None)
            generate_seconds += time.perf_counter() - tick
            if chunk is None:
                break
            reporter, year, rows = chunk
            services._cases_insert(batch=batches[reporter], rows=rows)
            for row in rows:
                per_quarter[(reporter, year, row[3])] += 1
            written += len(rows)
        ScannedCount.objects.bulk_create(
            ScannedCount(
                batch=batches[code],
                reported_by_id=code,
                year=year,
                quarter=quarter,
                documents=n * SCANNED_PER_CASE,
            )
            for (code, year, quarter), n in per_quarter.items()
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dashboards_fraudcase")
        DatasetVersion.bump()
        load_seconds = time.perf_counter() - start
        assert FraudCase.objects.count() == ROWS == written
        print(f"{ROWS:,} rows written in {load_seconds:.1f} s ({generate_seconds:.1f} s drawing)")

        # The protected tables, once (what the background task does after an import).
        cube_forget()
        profile = _BuildProfile()
        start = time.perf_counter()
        try:
            cube = cube_current(allow_stale=False)
        finally:
            profile.close()
        build_seconds = time.perf_counter() - start
        print(f"protected tables built in {build_seconds:.1f} s")
        units = {
            year: sorted(unit for unit, members in tables.members.items() if len(members) > 1)
            for year, tables in cube.years.items()
        }

        mix = questions(mekong=sorted(PRESET_GROUPS["mekong"][1]))

        def answer(params: dict[str, str]):
            return case_aggregates(question=question_from(params))

        def raw(sql: str, sql_params: tuple) -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql, sql_params)
                return cursor.fetchall()

        # Correctness first (and the warm-up): every published cell equals the raw count.
        checked = mismatched = suppressed = 0
        for label, params, sql, sql_params, key in mix:
            given = _answer_cells(answer(params))
            counts: Counter[tuple] = Counter()
            for row in raw(sql, sql_params):
                counts[key(row)] += row[-1]
            for cell_key, count in given.items():
                if count is None:
                    suppressed += 1
                    continue
                checked += 1
                if count != counts.get(cell_key, 0):
                    mismatched += 1
                    print(f"  mismatch in {label}: {cell_key} {count} != {counts[cell_key]}")

        answer_samples: dict[str, list[float]] = defaultdict(list)
        raw_samples: dict[str, list[float]] = defaultdict(list)
        rounds = max(1, ANSWERS // len(mix))
        for _ in range(rounds):
            for label, params, sql, sql_params, _key in mix:
                tick = time.perf_counter()
                answer(params)
                answer_samples[label].append(time.perf_counter() - tick)
                tick = time.perf_counter()
                raw(sql, sql_params)
                raw_samples[label].append(time.perf_counter() - tick)

        every_answer = [s for samples in answer_samples.values() for s in samples]
        every_raw = [s for samples in raw_samples.values() for s in samples]
        answers_summary, raw_summary = summary(every_answer), summary(every_raw)
        ratio = answers_summary["p95_ms"] / raw_summary["p95_ms"]
        return {
            "benchmark": "dashboards_answers",
            "database": connection.vendor,
            "rows": ROWS,
            "load_seconds": round(load_seconds, 1),
            "cube_build_seconds": round(build_seconds, 1),
            "cube_read_seconds": round(profile.read_seconds, 1),
            "cube_build_profile": profile.report(),
            "merged_units": {str(y): u for y, u in units.items() if u},
            "answers": answers_summary,
            "raw_group_by": raw_summary,
            "ratio_p95": round(ratio, 3),
            "goal_ratio_p95": GOAL_RATIO,
            "meets_goal": ratio <= GOAL_RATIO,
            "per_question_p50_ms": {
                label: {
                    "answer": summary(answer_samples[label])["p50_ms"],
                    "raw": summary(raw_samples[label])["p50_ms"],
                }
                for label, *_rest in mix
            },
            "cells_checked_against_raw": checked,
            "cells_suppressed": suppressed,
            "cells_mismatched": mismatched,
            "run_seconds": round(time.perf_counter() - run_start, 1),
        }
