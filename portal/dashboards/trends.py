"""Trend flags (issue 15): what the programme calls "AI-driven" — spikes and emerging
routes pointed out automatically, for every member.

Every flag is computed from *published* cells of the protected tables
(:mod:`portal.dashboards.cube`), read through :mod:`portal.dashboards.answers`, so a flag
tells nothing an answer does not, and its count is a published count of at least
:data:`~portal.dashboards.cube.THRESHOLD`. The one exception is the test of a new
issuing-country → destination pair, which looks at raw corridor counts under conditions
that make it disclose nothing (see :func:`_new_pairs`).

Three kinds of flag:

* a reporting country's fraud cases in one of the latest four quarters, far above its
  own trend (quarters are where the outcome table publishes a country's totals);
* a document type's or a route's fraud cases in the latest year, far above the years
  before (the subject tables are published per whole year, network-wide here);
* a new pair: documents of one issuing country met on the way to one destination in the
  latest year, and never before.

"Far above its trend" is one rule for both spikes (:func:`is_spike`).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .answers import case_aggregates, dimension_labels
from .cube import FRAUD_RESULTS, THRESHOLD, UNKNOWN, CaseCube, YearTables, cube_current
from .disclosure import TOTAL, Protected
from .queries import Quarter, Question, quarter_label

__all__ = ["Flag", "is_spike", "trend_flags"]

#: Quarters of data looked at for spikes: this is an alerting view, not a history.
ALERT_QUARTERS = 4
#: A quarter's trend: the published quarters among the eight before it, at least four.
TREND_QUARTERS = 8
TREND_QUARTERS_NEEDED = 4
#: A year's trend: the published years among the five before it, at least three.
TREND_YEARS = 5
TREND_YEARS_NEEDED = 3
#: Subject tables checked for yearly spikes.
YEARLY_DIMENSIONS = ("document_type", "route")


@dataclass(frozen=True)
class Flag:
    """One thing that stands out, in the users' words.

    ``count`` is a published count (never 1 to 4); ``expected`` the trend it is compared
    with (the mean of the published counts before), ``None`` for a new pair.
    """

    kind: str  # "spike" | "new_pair"
    dim: str  # reported_by | document_type | route | corridor
    value: str
    label: str
    period: str
    count: int
    expected: float | None
    message: str


def is_spike(count: int | None, before: Iterable[int], *, needed: int) -> bool:
    """Whether ``count`` is far above the published counts ``before`` it.

    The rule: ``count`` is published and at least the publication threshold (5), there are
    at least ``needed`` published counts before it, and ``count >= max(2 × mean, mean +
    3 × std)`` of them (population standard deviation). The doubling keeps a flat series
    with little spread from flagging every small rise; the three deviations keep a noisy
    one from flagging its ordinary peaks. A series of published zeros flags any count of
    at least 5 (something appeared where nothing was).
    """
    before = list(before)
    if count is None or count < THRESHOLD or len(before) < needed:
        return False
    mean = statistics.fmean(before)
    return count >= max(2 * mean, mean + 3 * statistics.pstdev(before))


def _shift(quarter: Quarter, by: int) -> Quarter:
    index = quarter[0] * 4 + quarter[1] - 1 + by
    return (index // 4, index % 4 + 1)


def _parse_quarter(label: str) -> Quarter:
    year, quarter = label.split("-Q")
    return (int(year), int(quarter))


def _has_cases(cube: CaseCube, year: int) -> bool:
    tables = cube.years.get(year)
    return tables is not None and tables.outcome is not None


def _reported(cube: CaseCube, country: str, year: int) -> bool:
    """Whether a country sent data for a year: before that it has no trend, and its
    zeros there are not observations."""
    tables = cube.years.get(year)
    if tables is None:
        return False
    if country in tables.unit_of:
        return True
    if tables.scanned is None:
        return False
    unit = next(d for d in tables.scanned.table.dims if d.name == "unit")
    return country in unit.leaves


def _expected(mean: float) -> str:
    return number_format(round(mean, 1), decimal_pos=1)


# -- spikes: a reporting country by quarter -----------------------------------------------
def _quarter_spikes(cube: CaseCube, label: Callable[[str, str], str]) -> list[Flag]:
    """A country's published fraud cases in each of the latest quarters against the
    published quarters among the eight before it (from the quarters it sent data for)."""
    assert cube.first is not None and cube.last is not None
    alerted = [q for q in (_shift(cube.last, -i) for i in range(ALERT_QUARTERS)) if q >= cube.first]
    start = max(cube.first, _shift(min(alerted), -TREND_QUARTERS))
    answer = case_aggregates(
        question=Question(
            group_by=("quarter", "reported_by"),
            filters={"result": FRAUD_RESULTS},
            first=start,
            last=cube.last,
        ),
        cube=cube,
    )
    series: dict[str, dict[Quarter, int | None]] = {}
    for cell in answer.cells:
        country = cell.members["reported_by"]
        series.setdefault(country, {})[_parse_quarter(cell.members["quarter"])] = cell.count
    flags = []
    for country, counts in sorted(series.items()):
        for quarter in sorted(alerted, reverse=True):
            count = counts.get(quarter)
            before = [
                counts[q]
                for q in (_shift(quarter, -i) for i in range(1, TREND_QUARTERS + 1))
                if q >= cube.first and _reported(cube, country, q[0]) and counts.get(q) is not None
            ]
            if not is_spike(count, before, needed=TREND_QUARTERS_NEEDED):
                continue
            mean = statistics.fmean(before)
            name = label("reported_by", country)
            period = quarter_label(quarter)
            if mean:
                message = _(
                    "%(label)s reported %(count)s fraud cases in %(period)s, far above its "
                    "trend (about %(expected)s a quarter before)."
                ) % {"label": name, "count": count, "period": period, "expected": _expected(mean)}
            else:
                message = _(
                    "%(label)s reported %(count)s fraud cases in %(period)s, none in the "
                    "quarters before."
                ) % {"label": name, "count": count, "period": period}
            flags.append(
                Flag("spike", "reported_by", country, name, period, count, round(mean, 1), message)
            )
    return flags


# -- spikes: a document type or a route by year ---------------------------------------------
def _year_spikes(cube: CaseCube, dim: str, label: Callable[[str, str], str]) -> list[Flag]:
    """The latest year's published fraud cases of each value of ``dim`` (all reporting
    countries together) against the published years among the five before it. A year
    still in progress counts what it has so far: it can be flagged late, never early."""
    assert cube.first is not None and cube.last is not None
    year = cube.last[0]
    start = max(cube.first[0], year - TREND_YEARS)
    answer = case_aggregates(
        question=Question(group_by=("year", dim), first=(start, 1), last=(year, 4)),
        cube=cube,
    )
    series: dict[str, dict[int, int | None]] = {}
    for cell in answer.cells:
        series.setdefault(cell.members[dim], {})[int(cell.members["year"])] = cell.count
    earlier = [y for y in range(start, year) if _has_cases(cube, y)]
    flags = []
    for value, counts in sorted(series.items()):
        if value == UNKNOWN:
            continue
        # A value left out of a year's breakdown is a published zero (answers.py).
        count = counts.get(year, 0)
        before = [counts.get(y, 0) for y in earlier if counts.get(y, 0) is not None]
        if not is_spike(count, before, needed=TREND_YEARS_NEEDED):
            continue
        mean = statistics.fmean(before)
        name = label(dim, value)
        if mean:
            message = _(
                "%(label)s: %(count)s fraud cases in %(period)s, far above the trend (about "
                "%(expected)s a year before)."
            ) % {"label": name, "count": count, "period": year, "expected": _expected(mean)}
        else:
            message = _(
                "%(label)s: %(count)s fraud cases in %(period)s, none in the years before."
            ) % {"label": name, "count": count, "period": year}
        flags.append(Flag("spike", dim, value, name, str(year), count, round(mean, 1), message))
    return flags


# -- new issuing-country → destination pairs ------------------------------------------------
def _published(table: Protected | None, unit: str, value: str) -> int | None:
    """A subject table's published cell (unit, value); a value the table never met (or a
    table that does not exist: no fraud case that year) is a published zero."""
    if table is None:
        return 0
    values = next(d for d in table.table.dims if d.name == "value")
    if value not in values.leaves:
        return 0
    return table.published((unit, value))


def _routes_to(table: Protected | None, destination: str) -> list[str]:
    """The route table's values ending at ``destination`` (``EMB>…>DEST``)."""
    if table is None:
        return []
    values = next(d for d in table.table.dims if d.name == "value")
    return [v for v in values.leaves if v != UNKNOWN and v.rsplit(">", 1)[-1] == destination]


def _absent(tables: YearTables, issuer: str, destination: str) -> bool:
    """Whether the published cells of a year show that no unit met the pair: per unit,
    its cell of the issuing country is a published 0, or every one of its routes to the
    destination is."""
    issuing = tables.subjects.get("issuing_country")
    routes = tables.subjects.get("route")
    to_destination = _routes_to(routes, destination)
    return all(
        _published(issuing, unit, issuer) == 0
        or all(_published(routes, unit, route) == 0 for route in to_destination)
        for unit in tables.members
    )


def _new_pairs(cube: CaseCube, label: Callable[[str, str], str]) -> list[Flag]:
    """Issuing country X → destination D met in the latest year Y, and never before.

    Flagged when, for one reporting unit u of Y, the raw count of fraud cases of u with a
    document of X and destination D is at least 5, u's cell of X and u's total in the
    issuing-country table of Y are published, every cell of u in the route table of Y
    whose route ends at D is published, and for every earlier year and every unit the
    pair's absence follows from published zeros (the unit's cell of X is 0, or all its
    routes to D are).

    Why this discloses nothing the tables do not: the corridor (u, X, D) crosses two
    tables that are published separately with the same row total (u's fraud cases,
    published). With that total n, u's cell of X (a) and u's routes to D (b) published,
    a corridor value c is possible exactly when max(0, a + b − n) ≤ c ≤ min(a, b) — a
    condition on published numbers only — and for any such c and any values of the
    tables' hidden cells consistent with what is published, a joint table exists (a
    transportation problem with equal margins stays feasible once its blocks' totals are).
    So neither the flag nor its absence narrows a suppressed cell. "None before" is read
    from published zeros. No corridor count is shown: the flag's count is u's published
    cell of X, which is at least the corridor's, so at least 5.
    """
    assert cube.last is not None
    year = cube.last[0]
    tables = cube.years.get(year)
    earlier = [cube.years[y] for y in sorted(cube.years) if y < year and _has_cases(cube, y)]
    if tables is None or not earlier:
        return []
    issuing = tables.subjects.get("issuing_country")
    routes = tables.subjects.get("route")
    if issuing is None or routes is None:
        return []
    shown: dict[tuple[str, str], int] = {}
    for (unit, issuer, destination), raw in sorted(tables.corridors.items()):
        if raw < THRESHOLD or UNKNOWN in (issuer, destination):
            continue
        count = _published(issuing, unit, issuer)
        if count is None or count < THRESHOLD or issuing.published((unit, TOTAL)) is None:
            continue
        if any(_published(routes, unit, r) is None for r in _routes_to(routes, destination)):
            continue
        if not all(_absent(before, issuer, destination) for before in earlier):
            continue
        shown[(issuer, destination)] = max(count, shown.get((issuer, destination), 0))
    flags = []
    for (issuer, destination), count in sorted(shown.items()):
        issuer_name = label("issuing_country", issuer)
        destination_name = label("issuing_country", destination)
        message = _(
            "New: documents issued by %(issuer)s met on the way to %(destination)s "
            "(%(year)s), none before."
        ) % {"issuer": issuer_name, "destination": destination_name, "year": year}
        flags.append(
            Flag(
                "new_pair",
                "corridor",
                f"{issuer}>{destination}",
                f"{issuer_name} → {destination_name}",
                str(year),
                count,
                None,
                message,
            )
        )
    return flags


def _labeller(cube: CaseCube) -> Callable[[str, str], str]:
    found: dict[str, Mapping[str, str]] = {}

    def label(dim: str, value: str) -> str:
        if dim not in found:
            found[dim] = dimension_labels(dim, cube)
        return found[dim].get(value, value)

    return label


def trend_flags(*, cube: CaseCube | None = None) -> list[Flag]:
    """Everything that stands out in the latest data, in the user's language: quarter
    spikes by reporting country (latest quarter first), yearly spikes by document type
    and route, then new issuing-country → destination pairs."""
    cube = cube or cube_current()
    if cube.first is None or cube.last is None:
        return []
    label = _labeller(cube)
    flags = _quarter_spikes(cube, label)
    flags.sort(key=lambda flag: flag.period, reverse=True)
    for dim in YEARLY_DIMENSIONS:
        flags.extend(_year_spikes(cube, dim, label))
    flags.extend(_new_pairs(cube, label))
    # The last guard, as in answers._safe: never a count from 1 to 4.
    return [flag for flag in flags if flag.count >= THRESHOLD]
