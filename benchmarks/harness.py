"""Timing helpers and a throwaway PostgreSQL database for benchmarks."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()


@contextmanager
def benchmark_database():
    """A fresh database (PostgreSQL when reachable), dropped afterwards.

    It is named apart from the test suite's, so a benchmark and ``make test`` can run at
    the same time on one machine.
    """
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("postgresql"):
        # BENCH_DATABASE_NAME: two benchmarks at once on one server need two names.
        name = os.environ.get("BENCH_DATABASE_NAME", "benchmark_portal")
        default.setdefault("TEST", {})["NAME"] = name

    old = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(old, verbosity=0)


def timings(func: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 3),
        "n": len(ordered),
    }


def write_result(name: str, result: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
