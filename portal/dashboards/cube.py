"""The protected tables every dashboard answer comes from, built per year of case data.

Why this shape (docs/ARCHITECTURE.md, "Protected tables", has the argument in full):

* **Fixed tables, snapped questions.** Free filters would be unlimited linked tables, and
  two answers could be subtracted (January–April minus January–March). So the data are
  published as a fixed set of tables, protected once per state of the data, and every
  answer is a sum or difference of their *published* cells (``portal.dashboards.answers``):
  what any number of answers tells is what these tables tell.
* **Tables that share only public totals.** Per year and *reporting unit* (a country, or
  small countries of that year merged — with countries of the same groups first), the
  number of fraud cases is always publishable (0 or at least the threshold, and no member
  of a merged unit can subtract its part and leave 1..4). The tables are:

  - ``outcome``: quarter × unit × result (``fraud`` = fraudulent documents and impostors);
  - ``fraud_type``: unit × ``result|fraud_type``, by year, grouped by result and by fraud
    type. An impostor's fraud type *is* its result, so its result groups are the outcome
    table's year cells: the two tables are audited together (``audit_shared``);
  - one subject table per detail of fraud cases, by year: unit × value (issuing country,
    document type, nationality, route, gender, age band; crossing points grouped by border
    type, because a crossing point fixes its border type);
  - ``scanned``: documents scanned, quarter × country (data of their own).

  A subject table's row totals are the units' fraud totals, fixed as published in the
  outcome table. Two subject tables describe the same cases of a unit by different
  details, and any values of their cells with the same public row total can be realised
  by one set of cases together (one-way margins with equal totals are always compatible),
  so their hidden cells are independent: protecting — and auditing — each table alone
  protects them together. Years are separate tables: answers over several years add
  published yearly cells.
* **Merged units.** The tables see units; each member of a merged unit still knows its own
  part of every cell, so those cells carry protection intervals of their own
  (``Table.requirements``). A year no grouping makes safe is withheld whole.

Each table is protected by :func:`portal.dashboards.disclosure.protect` (primary and
contributor rules, secondary suppression, LP audit and repair). The built cube is cached
per :class:`~portal.dashboards.models.DatasetVersion` state: in this process and in the
cache shared by the workers, so an answer never mixes two states of the data.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import product

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Count, Sum

from .disclosure import (
    TOTAL,
    CellKey,
    Dimension,
    DisclosureError,
    Protected,
    Table,
    audit_shared,
    protect,
)
from .models import CaseResult, FraudCase, ScannedCount
from .models.cases import CrossingPoint, DatasetVersion

logger = logging.getLogger(__name__)

#: Counts from 1 to ``THRESHOLD - 1`` are never published.
THRESHOLD = 5

#: The unit the small reporting countries of a year are merged into.
OTHER_UNIT = "other"
#: A blank optional attribute (no nationality, route, gender or age band given).
UNKNOWN = "unknown"
FRAUD_RESULTS = (CaseResult.FRAUDULENT_DOCUMENT.value, CaseResult.IMPOSTOR.value)
QUARTERS = ("Q1", "Q2", "Q3", "Q4")

#: Subject tables: name -> the case field counted (fraud cases only, by year). The border
#: table's leaves are crossing points, grouped by border type (see :func:`_border_leaf`).
SUBJECT_FIELDS: dict[str, str] = {
    "issuing_country": "issuing_country_id",
    "document_type": "document_type",
    "nationality": "nationality_id",
    "route": "route",
    "border": "border_type",
    "gender": "gender",
    "age_band": "age_band",
}
CACHE_KEY = "dashboards:cube:{stamp}"
LATEST_KEY = "dashboards:cube:latest"
BUILDING_KEY = "dashboards:cube:building:{stamp}"
CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class YearTables:
    """The protected tables of one year and the reporting units they are built on.

    ``unit_of`` maps each country with data that year to its unit; ``members`` is the
    inverse. ``corridors`` holds raw fraud counts per (unit, issuing country, destination):
    never published, read only by the trend flags' test of a new pair, which publishes
    nothing the tables do not (``portal.dashboards.trends``).
    """

    year: int
    unit_of: Mapping[str, str]
    members: Mapping[str, frozenset[str]]
    outcome: Protected | None
    subjects: Mapping[str, Protected]
    scanned: Protected | None
    corridors: Mapping[tuple[str, str, str], int] = field(default_factory=dict)
    #: True when no grouping of the year's countries is safe: no case count of the year is
    #: published (answers touching it are suppressed), only documents scanned.
    withheld: bool = False
    #: Subject tables that have data but could not be protected: answers from them are
    #: suppressed for the year.
    withheld_subjects: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CaseCube:
    """Every year's protected tables, for one dataset version."""

    version: int
    years: Mapping[int, YearTables]
    #: (first, last) quarter with case or scanned data, as (year, quarter); None if empty.
    first: tuple[int, int] | None
    last: tuple[int, int] | None
    #: Every value each subject table's leaves take in some year (for listings).
    vocabulary: Mapping[str, frozenset[str]]
    #: Crossing point leaf -> (country code, crossing point code, name).
    crossing_points: Mapping[str, tuple[str, str, str]]
    #: Country groups (slug -> members, complements included) as the units were built on.
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: The state's stamp and the data's lineage (``DatasetVersion``): the cache's keys.
    stamp: str = ""
    lineage: str = ""


def outcome_leaf(result: str, fraud_type: str) -> str:
    """The fraud-type table's leaf for a case: ``result|fraud_type``."""
    return f"{result}|{fraud_type}"


def border_leaf(border_type: str, crossing_point: int | None) -> str:
    """The border table's leaf: ``border_type|crossing point id`` (empty when none)."""
    return f"{border_type}|{crossing_point or ''}"


def is_publishable(count: int) -> bool:
    return count == 0 or count >= THRESHOLD


def _merge(
    counts: Mapping[str, int],
    start: set[str],
    pool: Iterable[str],
    *,
    cost: Callable[[str], int] | None = None,
) -> set[str] | None:
    """Countries to merge: ``start`` plus the fewest of ``pool`` (cheapest, then smallest
    first) for the merged count to be publishable with no member able to subtract its own
    part and leave a small remainder (the contributor rule); ``None`` when the pool runs
    out first."""
    merged = set(start)
    cost = cost or (lambda code: 0)
    pool = sorted((cost(c), counts[c], c) for c in pool if c not in merged and counts[c] > 0)

    def fine() -> bool:
        if not merged:
            return True
        total = sum(counts[c] for c in merged)
        if len(merged) < 2 or not is_publishable(total):
            return False
        return all(is_publishable(total - counts[c]) for c in merged)

    while not fine():
        if not pool:
            return None
        merged.add(pool.pop(0)[2])
    return merged


def reporting_units(
    fraud_by_country: Mapping[str, int], *, groups: Mapping[str, frozenset[str]] | None = None
) -> dict[str, str] | None:
    """Country -> unit for one year; ``None`` when no merging makes every unit safe (a year
    of a handful of cases: its case tables are withheld).

    Countries whose fraud count is 1..THRESHOLD-1 are merged. Countries that sit in the same
    country groups (``groups``: networks and presets) are merged together first, into a unit
    named after those groups, so that a group's answers (the Mekong area, or outside it) can
    still add up whole units; only what cannot be merged within its groups goes into one
    :data:`OTHER_UNIT`. Every unit's count is then 0 or at least THRESHOLD, so the fraud
    totals all tables share are published facts.
    """
    groups = groups or {}
    unit_of = {code: code for code in fraud_by_country}
    small = {code for code, n in fraud_by_country.items() if not is_publishable(n)}

    def signature(code: str) -> tuple[str, ...]:
        return tuple(sorted(g for g, members in groups.items() if code in members))

    classes: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for code in fraud_by_country:
        classes[signature(code)].add(code)
    leftover: set[str] = set()
    for shared, members in sorted(classes.items()):
        start = small & members
        if not start:
            continue
        merged = _merge(fraud_by_country, start, members)
        if merged is None:
            leftover |= start
            continue
        for code in merged:
            unit_of[code] = f"{OTHER_UNIT}:{'+'.join(shared) or '-'}"
    if leftover:
        taken = {code for code, unit in unit_of.items() if unit != code}
        pool = [code for code in fraud_by_country if code not in taken]
        # Take first the countries that split the fewest groups when merged with these.
        split = {g for code in leftover for g in signature(code)}
        merged = _merge(
            fraud_by_country,
            leftover,
            pool,
            cost=lambda code: len(split.symmetric_difference(signature(code))),
        )
        if merged is None:
            return None
        for code in merged:
            unit_of[code] = OTHER_UNIT
    return unit_of


def _with_member_parts(table: Table, leaves: Iterable[tuple[CellKey, str, int]]) -> Table:
    """The table, with the contributor rule seen from inside merged units: a protection
    interval for every cell (leaf, group or margin) where one *country* of a merged unit
    could subtract its own part and learn the others' 1..THRESHOLD-1 — the table itself
    sees units only.

    :param leaves: (leaf cell, country, count): each leaf's count split by country.
    """
    ancestors = [
        {
            leaf: [leaf, *(g for g, members in dim.groups.items() if leaf in members), TOTAL]
            for leaf in dim.leaves
        }
        for dim in table.dims
    ]
    parts: dict[CellKey, Counter[str]] = defaultdict(Counter)
    for key, country, n in leaves:
        for cell in product(*(ancestors[d][member] for d, member in enumerate(key))):
            parts[cell][country] += n
    found: dict[CellKey, tuple[int, int]] = {}
    for cell, by_country in parts.items():
        if len(by_country) < 2:
            continue
        largest = max(by_country.values())
        if 0 < sum(by_country.values()) - largest < THRESHOLD:
            found[cell] = (largest, largest + THRESHOLD)
    return replace(table, requirements=found)


def _scanned_table(rows: Iterable[tuple[int, str, int]]) -> Protected | None:
    """Documents scanned: quarter × country (data of their own, linked to no case table)."""
    rows = [row for row in rows if row[2]]
    if not rows:
        return None
    countries = tuple(sorted({country for _q, country, _n in rows}))
    return protect(
        Table(
            dims=(Dimension("quarter", QUARTERS, {}), Dimension("unit", countries, {})),
            counts={(QUARTERS[q - 1], country): n for q, country, n in rows},
            contributor_dim="unit",
        ),
        threshold=THRESHOLD,
    )


def _withheld(year: int, scanned_rows) -> YearTables:
    """A year whose cases cannot be published safely at all: only its scanned counts."""
    scanned = _scanned_table(list(scanned_rows))
    return YearTables(
        year=year, unit_of={}, members={}, outcome=None, subjects={}, scanned=scanned,
        withheld=True,
    )  # fmt: skip


def _fraud_type_table(
    *,
    outcome: Protected,
    units: tuple[str, ...],
    rows: Iterable[tuple[str, str, int, str]],
    published_units: Iterable[str],
) -> Protected | None:
    """Fraud cases by fraud type (per unit, whole year), protected *with* the outcome table.

    The table is unit × ``result|fraud_type``, grouped by result and by fraud type (an
    impostor's fraud type is its result). Its result groups count the same cases as the
    outcome table's year cells by result: those cells are shared, so they are fixed to the
    outcome table's pattern and the two tables are audited together
    (:func:`~portal.dashboards.disclosure.audit_shared`). Where the joint audit still finds a
    primary cell narrowed, the unit's whole row (or the all-units row) of fraud types is
    hidden and the table protected again; ``None`` (fraud types withheld for the year) if
    that does not end.
    """
    rows = list(rows)
    counts: Counter[tuple[str, str]] = Counter()
    for unit, leaf, n, _country in rows:
        counts[(unit, leaf)] += n
    if not counts:
        return None
    leaves = tuple(sorted({leaf for _u, leaf in counts}))
    groups: dict[str, set[str]] = defaultdict(set)
    for leaf in leaves:
        result, fraud_type = leaf.split("|", 1)
        groups[f"result:{result}"].add(leaf)
        groups[f"fraud_type:{fraud_type}"].add(leaf)
    table = _with_member_parts(
        Table(
            dims=(
                Dimension("unit", units, {}),
                Dimension("value", leaves, {name: frozenset(v) for name, v in groups.items()}),
            ),
            counts=dict(counts),
            contributor_dim="unit",
        ),
        [((unit, leaf), country, n) for unit, leaf, n, country in rows],
    )
    shared = [
        ((0, (TOTAL, unit, result)), (1, (unit, f"result:{result}")))
        for unit in (*units, TOTAL)
        for result in FRAUD_RESULTS
        if f"result:{result}" in groups
    ]
    fixed: dict[CellKey, bool] = {(u, TOTAL): False for u in published_units}
    for (_, outcome_key), (_, key) in shared:
        count = sum(
            n for (u, leaf), n in counts.items() if key[0] in (TOTAL, u) and leaf in groups[key[1]]
        )
        if count:
            fixed[key] = outcome.published(outcome_key) is None
    members = [*leaves, *groups]
    for _round in range(len(units) + 3):
        try:
            protected = protect(table, threshold=THRESHOLD, fixed=fixed)
        except DisclosureError:
            return None
        findings = audit_shared([outcome, protected], shared, threshold=THRESHOLD)
        if not findings:
            return protected
        for finding in findings:
            unit = finding.cell[1] if finding.table == 0 else finding.cell[0]
            for member in members:
                key = (unit, member)
                if fixed.get(key) is False or not protected.values.get(key, 0):
                    continue
                fixed[key] = True
    return None


def _members(unit_of: Mapping[str, str]) -> dict[str, frozenset[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for code, unit in unit_of.items():
        grouped[unit].add(code)
    return {unit: frozenset(codes) for unit, codes in grouped.items()}


def _year_tables(
    *,
    year: int,
    outcome_rows: Iterable[tuple[int, str, str, str, int]],
    subject_rows: Mapping[str, Iterable[tuple[str, str, int]]],
    scanned_rows: Iterable[tuple[int, str, int]],
    corridor_rows: Iterable[tuple[str, str, str, int]],
    groups: Mapping[str, frozenset[str]] | None = None,
    merge_all: bool = False,
) -> YearTables:
    """Protect one year's tables from its grouped counts.

    :param outcome_rows: (quarter, country, result, fraud_type, count)
    :param subject_rows: table name -> (country, value, count) over fraud cases
    :param scanned_rows: (quarter, country, documents)
    :param corridor_rows: (country, issuing country, destination, count) over fraud cases
    :param groups: country groups to keep whole units for (see :func:`reporting_units`)
    :param merge_all: one unit for every country (the fallback when protection cannot keep
        the units' fraud totals published; not met in practice, logged when it is)
    """
    outcome_rows = list(outcome_rows)
    subject_rows = {name: list(rows) for name, rows in subject_rows.items()}
    scanned_rows = list(scanned_rows)
    corridor_rows = list(corridor_rows)
    fraud_by_country: Counter[str] = Counter()
    for _q, country, result, _ft, n in outcome_rows:
        if result in FRAUD_RESULTS:
            fraud_by_country[country] += n
        else:
            fraud_by_country.setdefault(country, 0)
    unit_of = None if merge_all else reporting_units(fraud_by_country, groups=groups)
    if unit_of is None:
        everyone = set(fraud_by_country)
        if len(everyone) > 1 and _merge(fraud_by_country, everyone, ()) is None:
            return _withheld(year, scanned_rows)
        unit_of = {code: OTHER_UNIT for code in fraud_by_country}
    members = _members(unit_of)
    units = tuple(sorted(members))

    outcome = None
    subjects: dict[str, Protected] = {}
    withheld_subjects: set[str] = set()
    if units:
        counts: Counter[tuple[str, str, str]] = Counter()
        for quarter, country, result, _fraud_type, n in outcome_rows:
            counts[(QUARTERS[quarter - 1], unit_of[country], result)] += n
        results = tuple(sorted({key[2] for key in counts}))
        fraud = frozenset(r for r in results if r in FRAUD_RESULTS)
        table = _with_member_parts(
            Table(
                dims=(
                    Dimension("quarter", QUARTERS, {}),
                    Dimension("unit", units, {}),
                    Dimension("outcome", results, {"fraud": fraud} if fraud else {}),
                ),
                counts=dict(counts),
                contributor_dim="unit",
            ),
            [((QUARTERS[q - 1], unit_of[c], r), c, n) for q, c, r, _ft, n in outcome_rows],
        )
        unit_fraud = Counter()
        for country, n in fraud_by_country.items():
            unit_fraud[unit_of[country]] += n
        fixed = {
            (TOTAL, unit, "fraud"): False
            for unit, n in unit_fraud.items()
            if n and is_publishable(n)
        }
        outcome = protect(table, threshold=THRESHOLD, fixed=fixed)
        fraud_types = _fraud_type_table(
            outcome=outcome,
            units=units,
            rows=[
                (unit_of[country], outcome_leaf(result, fraud_type), n, country)
                for _q, country, result, fraud_type, n in outcome_rows
                if result in FRAUD_RESULTS
            ],
            published_units=[u for u in units if unit_fraud[u] and is_publishable(unit_fraud[u])],
        )
        if fraud_types is not None:
            subjects["fraud_type"] = fraud_types
        elif fraud:
            withheld_subjects.add("fraud_type")
        published_units = [u for u in units if is_publishable(unit_fraud[u])]
        for name, rows in subject_rows.items():
            subject_counts: Counter[tuple[str, str]] = Counter()
            for country, value, n in rows:
                subject_counts[(unit_of[country], value)] += n
            if not subject_counts:
                continue
            values = sorted({value for _u, value in subject_counts})
            value_groups: dict[str, frozenset[str]] = {}
            if name == "border":
                by_type: dict[str, set[str]] = defaultdict(set)
                for value in values:
                    by_type[value.split("|", 1)[0]].add(value)
                value_groups = {kind: frozenset(v) for kind, v in by_type.items()}
            subject = _with_member_parts(
                Table(
                    dims=(
                        Dimension("unit", units, {}),
                        Dimension("value", tuple(values), value_groups),
                    ),
                    counts=dict(subject_counts),
                    contributor_dim="unit",
                ),
                [((unit_of[country], value), country, n) for country, value, n in rows],
            )
            subjects[name] = protect(
                subject,
                threshold=THRESHOLD,
                fixed={(u, TOTAL): False for u in published_units if unit_fraud[u]},
            )

    scanned = _scanned_table(scanned_rows)
    corridors: Counter[tuple[str, str, str]] = Counter()
    for country, issuer, destination, n in corridor_rows:
        corridors[(unit_of.get(country, OTHER_UNIT), issuer, destination)] += n
    return YearTables(
        year=year,
        unit_of=unit_of,
        members=members,
        outcome=outcome,
        subjects=subjects,
        scanned=scanned,
        corridors=dict(corridors),
        withheld_subjects=frozenset(withheld_subjects),
    )


def _grouped(queryset, fields: list[str], *, measure=None) -> list[tuple]:
    measure = measure or Count("id")
    return list(queryset.order_by().values_list(*fields).annotate(n=measure).order_by())


def _read_counts() -> tuple[tuple[int, str, str], dict[int, dict]]:
    """The dataset version and every year's grouped counts, read as one snapshot."""
    per_year: dict[int, dict] = defaultdict(
        lambda: {"outcome": [], "subjects": defaultdict(list), "scanned": [], "corridors": []}
    )
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every query below: an import committing meanwhile must not
            # give tables from two states of the data. (Inside a caller's transaction the
            # caller's isolation holds; it cannot be changed there.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        state = DatasetVersion.state()
        cases = FraudCase.objects.all()
        for year, quarter, country, result, fraud_type, n in _grouped(
            cases, ["year", "quarter", "reported_by_id", "result", "fraud_type"]
        ):
            per_year[year]["outcome"].append((quarter, country, result, fraud_type, n))
        fraud = cases.filter(result__in=FRAUD_RESULTS)
        for name, column in SUBJECT_FIELDS.items():
            fields = ["year", "reported_by_id", column]
            if name == "border":
                fields.append("crossing_point_id")
            for year, country, value, *rest in _grouped(fraud, fields):
                n = rest[-1]
                if name == "border":
                    value = border_leaf(value, rest[0])
                per_year[year]["subjects"][name].append((country, value or UNKNOWN, n))
        for year, country, issuer, destination, n in _grouped(
            fraud, ["year", "reported_by_id", "issuing_country_id", "destination_id"]
        ):
            per_year[year]["corridors"].append((country, issuer, destination or UNKNOWN, n))
        for year, quarter, country, n in _grouped(
            ScannedCount.objects.all(),
            ["year", "quarter", "reported_by_id"],
            measure=Sum("documents"),
        ):
            per_year[year]["scanned"].append((quarter, country, n))
    return state, dict(per_year)


def cube_build() -> CaseCube:
    """Read the case data and protect every year's tables (a few seconds at most for a
    million cases: the tables are small whatever the row count)."""
    from .queries import country_groups

    (version, stamp, lineage), per_year = _read_counts()
    every_group = {g.slug: g.members for g in country_groups()}
    groups = {g.slug: g.members for g in country_groups(complements=False)}
    years: dict[int, YearTables] = {}
    quarters: list[tuple[int, int]] = []
    vocabulary: dict[str, set[str]] = defaultdict(set)
    for year in sorted(per_year):
        data = per_year[year]
        arguments = {
            "year": year,
            "outcome_rows": data["outcome"],
            "subject_rows": data["subjects"],
            "scanned_rows": data["scanned"],
            "corridor_rows": data["corridors"],
            "groups": groups,
        }
        try:
            years[year] = _year_tables(**arguments)
        except DisclosureError:
            logger.warning("Year %s: the units' fraud totals could not stay published.", year)
            years[year] = _year_tables(**arguments, merge_all=True)
        quarters.extend((year, row[0]) for row in data["outcome"])
        quarters.extend((year, row[0]) for row in data["scanned"] if row[2])
        for name, rows in data["subjects"].items():
            vocabulary[name].update(value for _c, value, _n in rows)
        vocabulary["fraud_type"].update(
            outcome_leaf(result, fraud_type)
            for _q, _c, result, fraud_type, _n in data["outcome"]
            if result in FRAUD_RESULTS
        )
    points = {
        border_leaf(kind, pk): (country, code, name)
        for pk, country, code, name, kind in CrossingPoint.objects.values_list(
            "pk", "country_id", "code", "name", "border_type"
        )
    }
    return CaseCube(
        version=version,
        stamp=stamp,
        lineage=lineage,
        groups=every_group,
        years=years,
        first=min(quarters) if quarters else None,
        last=max(quarters) if quarters else None,
        vocabulary={name: frozenset(values) for name, values in vocabulary.items()},
        crossing_points=points,
    )


_memo: dict[int, CaseCube] = {}
_memo_lock = threading.Lock()


def cube_current(*, allow_stale: bool | None = None) -> CaseCube:
    """The protected tables of the current dataset version: from this process's memory,
    else the ``dashboards`` cache the workers share, else built now (and shared).

    :param allow_stale: when the current version is not built yet but an earlier one is,
        answer from the earlier one (one consistent state, a few seconds old) and have the
        worker build the new one, rather than keep the visitor waiting for the LP; the
        default is ``settings.DASHBOARDS_SERVE_STALE``. The worker itself passes ``False``.
    """
    version, stamp, lineage = DatasetVersion.state()
    found = _memo.get(stamp)
    if found is not None:
        return found
    store = caches["dashboards"]
    with _memo_lock:
        found = _memo.get(stamp) or store.get(CACHE_KEY.format(stamp=stamp))
        if found is None or found.stamp != stamp:
            stale = settings.DASHBOARDS_SERVE_STALE if allow_stale is None else allow_stale
            latest = store.get(LATEST_KEY) if stale else None
            if latest is not None and latest.lineage == lineage and latest.version < version:
                if store.add(BUILDING_KEY.format(stamp=stamp), True, 600):
                    from .tasks import cube_rebuild_enqueue

                    cube_rebuild_enqueue()
                return latest
            found = cube_build()
            store.set(CACHE_KEY.format(stamp=found.stamp), found, CACHE_SECONDS)
            latest = store.get(LATEST_KEY)
            if latest is None or latest.lineage != found.lineage or latest.version <= found.version:
                store.set(LATEST_KEY, found, CACHE_SECONDS)
        _memo.clear()  # one state at a time: an old one is never answered from again
        _memo[found.stamp] = found
        return found


def cube_forget() -> None:
    """Drop this process's copy (tests that change data in place)."""
    with _memo_lock:
        _memo.clear()
