"""Dashboard answers for every member: sums and differences of published cells only.

An answer cell is a set of cases (a period, a set of countries, an outcome or a subject
value). It is written, year by year, as a signed combination of cells of that year's
protected tables — the table's own margin when the set is one, else the sum of its parts,
else a margin minus the published rest — and given only when every cell used is published.
So any number of answers, to any filters, tells nothing the protected tables do not: no
two answers can be subtracted to reveal a suppressed count. A count from 1 to
``THRESHOLD - 1`` is never given, whatever it was computed from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product

from django.utils.translation import gettext as _

from portal.access.models import Country
from portal.specimens.models.vocabularies import DocumentType, FraudType

from .cube import (
    FRAUD_RESULTS,
    QUARTERS,
    THRESHOLD,
    CaseCube,
    YearTables,
    cube_current,
)
from .disclosure import TOTAL, Protected
from .models.vocabularies import AgeBand, BorderType, CaseResult, Gender
from .queries import (
    SUBJECT_TABLE,
    UNKNOWN,
    CountryGroup,
    Quarter,
    Question,
    country_group,
    country_groups,
    quarter_label,
    question_check,
)

__all__ = [
    "Answer",
    "Cell",
    "CountryGroup",
    "Tile",
    "case_aggregates",
    "country_groups",
    "data_period",
    "dimension_labels",
    "quarter_tiles",
    "scanned_aggregates",
]

#: One term of a cover: (sign, member of the dimension).
Term = tuple[int, str]


@dataclass(frozen=True)
class Cell:
    """One cell of an answer: its members on the grouped dimensions, and its count
    (``None``: suppressed)."""

    members: Mapping[str, str]
    count: int | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Answer:
    group_by: tuple[str, ...]
    cells: list[Cell]
    total: int | None
    first: Quarter | None
    last: Quarter | None
    whole_years: bool
    fraud_only: bool
    notes: list[str]


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    count: int | None
    previous: int | None
    change_percent: float | None
    quarter: Quarter


# -- covers: one dimension's set of leaves as published members ---------------------------
def _covers(target: frozenset[str], leaves: Sequence[str], groups: Mapping[str, frozenset[str]]):
    """Ways to write the sum over ``target`` (leaves of one dimension) with the dimension's
    members, best first: the margin itself, a group, the parts, the margin minus the rest."""
    every = frozenset(leaves)
    target = target & every
    if not target:
        return [[]]
    found: list[list[Term]] = []
    if target == every:
        found.append([(1, TOTAL)])
    found.extend([(1, name)] for name, members in groups.items() if members == target)

    def parts(wanted: frozenset[str], *, use_groups: bool) -> list[Term]:
        rest = set(wanted)
        terms: list[Term] = []
        if use_groups:
            for name, members in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
                if members and members <= rest:
                    terms.append((1, name))
                    rest -= members
        terms.extend((1, leaf) for leaf in sorted(rest))
        return terms

    found.append(parts(target, use_groups=True))
    found.append(parts(target, use_groups=False))
    if target != every:
        for rest in (
            parts(every - target, use_groups=True),
            parts(every - target, use_groups=False),
        ):
            found.append([(1, TOTAL), *((-sign, m) for sign, m in rest)])
    unique: list[list[Term]] = []
    for cover in found:
        if cover not in unique:
            unique.append(cover)
    return unique


def _dimension(protected: Protected, name: str):
    dim = next(d for d in protected.table.dims if d.name == name)
    return dim.leaves, dim.groups


def _evaluate(protected: Protected, targets: Sequence[frozenset[str]]) -> int | None:
    """The sum of a table over one leaf set per dimension, from published cells only."""
    options = [
        _covers(target, *_dimension(protected, dim.name))
        for dim, target in zip(protected.table.dims, targets, strict=True)
    ]
    for choice in product(*options):
        if any(not cover for cover in choice):
            return 0
        total = 0
        for terms in product(*choice):
            value = protected.published(tuple(member for _sign, member in terms))
            if value is None:
                break
            sign = 1
            for term_sign, _member in terms:
                sign *= term_sign
            total += sign * value
        else:
            return total
    return None


def _units(year: YearTables, countries: frozenset[str] | None) -> frozenset[str] | None:
    """The units making up ``countries`` in a year (None: all); ``None`` when a merged
    unit is only partly inside them (its parts are not published)."""
    if countries is None:
        return frozenset(year.members)
    units: set[str] = set()
    for unit, members in year.members.items():
        inside = members & countries
        if inside and inside != members:
            return None
        if inside:
            units.add(unit)
    return frozenset(units)


def _safe(count: int | None) -> int | None:
    """The last guard: never give a count from 1 to THRESHOLD - 1."""
    if count is None or 0 < count < THRESHOLD or count < 0:
        return None
    return count


# -- the question's parts ---------------------------------------------------------------
def _scope(question: Question, cube: CaseCube) -> frozenset[str] | None:
    """The reporting countries a question covers (None: all). A country group's members
    are those the tables were built on (a group the tables predate is looked up)."""
    scope: frozenset[str] | None = None
    if "reported_by" in question.filters:
        scope = frozenset(question.filters["reported_by"])
    if question.network:
        members = cube.groups.get(question.network)
        if members is None:
            group = country_group(question.network)
            members = group.members if group else frozenset()
        scope = members if scope is None else scope & members
    return scope


def _period(
    cube: CaseCube, question: Question, *, whole_years: bool
) -> tuple[list[Quarter], list[str]]:
    notes: list[str] = []
    if cube.first is None or cube.last is None:
        return [], notes
    first = question.first or cube.first
    last = question.last or cube.last
    if whole_years:
        snapped = ((first[0], 1), (last[0], 4))
        if snapped != (first, last):
            notes.append(
                _("Published per whole year: the period was widened to %(first)s–%(last)s.")
                % {"first": snapped[0][0], "last": snapped[1][0]}
            )
        first, last = snapped
    quarters = [
        (y, q)
        for y in range(max(first[0], cube.first[0]), min(last[0], cube.last[0]) + 1)
        for q in range(1, 5)
        if first <= (y, q) <= last
    ]
    years = set(question.filters.get("year", ()))
    wanted = set(question.filters.get("quarter", ()))
    quarters = [
        q
        for q in quarters
        if (not years or str(q[0]) in years) and (not wanted or quarter_label(q) in wanted)
    ]
    return quarters, notes


def _time_buckets(question: Question, quarters: list[Quarter]) -> list[tuple[dict, list[Quarter]]]:
    if "quarter" in question.group_by:
        with_year = "year" in question.group_by
        return [
            ({"quarter": quarter_label(q), **({"year": str(q[0])} if with_year else {})}, [q])
            for q in quarters
        ]
    if "year" in question.group_by:
        years = sorted({y for y, _q in quarters})
        return [({"year": str(y)}, [q for q in quarters if q[0] == y]) for y in years]
    return [({}, quarters)]


def _country_buckets(
    cube: CaseCube, question: Question, scope: frozenset[str] | None, quarters: list[Quarter]
) -> list[tuple[dict, frozenset[str] | None]]:
    if "reported_by" not in question.group_by:
        return [({}, scope)]
    years = {y for y, _q in quarters}
    seen = sorted(
        {c for y in years if y in cube.years for c in cube.years[y].unit_of}
        | {
            c
            for y in years
            if y in cube.years and cube.years[y].scanned is not None
            for c in _dimension(cube.years[y].scanned, "unit")[0]
        }
    )
    return [({"reported_by": c}, frozenset({c})) for c in seen if scope is None or c in scope]


Buckets = tuple[Callable[[str], bool], list[tuple[dict, Callable[[str], bool]]]]


def _buckets(question: Question, dims: Sequence[str], leaves: Iterable[str], value_of) -> Buckets:
    """The question's filter on one table's value leaves, and one bucket per combination of
    the grouped ``dims`` (``value_of(dim, leaf)`` reads a leaf's value on a dimension)."""

    def base(leaf: str) -> bool:
        for dim in dims:
            wanted = question.filters.get(dim)
            if wanted is not None and value_of(dim, leaf) not in wanted:
                return False
        return True

    leaves = sorted(leaves)
    buckets: list[tuple[dict, Callable[[str], bool]]] = [({}, base)]
    for dim in dims:
        if dim not in question.group_by:
            continue
        values = sorted({value_of(dim, leaf) for leaf in leaves})
        buckets = [
            (
                {**members, dim: value},
                (lambda leaf, keep=keep, value=value, dim=dim: keep(leaf)
                 and value_of(dim, leaf) == value),
            )
            for members, keep in buckets
            for value in values
        ]  # fmt: skip
    return base, buckets


def _outcome_buckets(cube: CaseCube, question: Question) -> Buckets:
    """Buckets of the outcome table's leaves (results)."""
    leaves = {
        leaf
        for y in cube.years.values()
        if y.outcome
        for leaf in _dimension(y.outcome, "outcome")[0]
    }
    return _buckets(question, ["result"], leaves, lambda _dim, leaf: leaf)


def _subject_buckets(cube: CaseCube, question: Question, table: str) -> Buckets:
    """Buckets of a subject table's leaves."""
    dims = [d for d, t in SUBJECT_TABLE.items() if t == table]
    if table == "fraud_type":
        dims.append("result")

    def value_of(dim: str, leaf: str) -> str:
        if dim in ("border_type", "result"):
            return leaf.split("|", 1)[0]
        if dim == "fraud_type":
            return leaf.split("|", 1)[1]
        if dim == "crossing_point":
            info = cube.crossing_points.get(leaf) if not leaf.endswith("|") else None
            return f"{info[0]}:{info[1]}" if info else UNKNOWN
        return leaf

    return _buckets(question, dims, cube.vocabulary.get(table, ()), value_of)


def _count(
    cube: CaseCube,
    *,
    table: str,
    quarters: Iterable[Quarter],
    countries: frozenset[str] | None,
    keep: Callable[[str], bool] | None,
) -> int | None:
    """The count of one answer cell: year by year, from published cells only."""
    by_year: dict[int, set[str]] = {}
    for year, quarter in quarters:
        by_year.setdefault(year, set()).add(QUARTERS[quarter - 1])
    total = 0
    for year, quarter_names in sorted(by_year.items()):
        tables = cube.years.get(year)
        if tables is None:
            continue
        if table != "scanned" and (tables.withheld or table in tables.withheld_subjects):
            return None
        if table == "scanned":
            protected = tables.scanned
            if protected is None:
                continue
            units = frozenset(_dimension(protected, "unit")[0])
            unit_target = units if countries is None else units & countries
            targets = [frozenset(quarter_names), unit_target]
        else:
            unit_target = _units(tables, countries)
            if unit_target is None:
                return None
            if table == "outcome":
                protected = tables.outcome
                if protected is None:
                    continue
                leaves = _dimension(protected, "outcome")[0]
                targets = [
                    frozenset(quarter_names),
                    unit_target,
                    frozenset(leaf for leaf in leaves if keep is None or keep(leaf)),
                ]
            else:
                protected = tables.subjects.get(table)
                if protected is None:
                    continue
                if len(quarter_names) != len(QUARTERS):
                    return None  # published per whole year only (questions are snapped)
                leaves = _dimension(protected, "value")[0]
                targets = [
                    unit_target,
                    frozenset(leaf for leaf in leaves if keep is None or keep(leaf)),
                ]
        value = _evaluate(protected, targets)
        if value is None:
            return None
        total += value
    return total


def _answer(
    cube: CaseCube, question: Question, *, table: str, whole_years: bool, fraud_only: bool
) -> Answer:
    quarters, notes = _period(cube, question, whole_years=whole_years)
    scope = _scope(question, cube)
    base: Callable[[str], bool] | None = None
    value_buckets: list[tuple[dict, Callable[[str], bool] | None]] = [({}, None)]
    if table == "outcome":
        base, value_buckets = _outcome_buckets(cube, question)
    elif table != "scanned":
        base, value_buckets = _subject_buckets(cube, question, table)
    cells: list[Cell] = []
    grouped_values = any(d not in ("quarter", "year", "reported_by") for d in question.group_by)
    for (time_members, time_quarters), (country_members, countries), (
        value_members,
        keep,
    ) in product(
        _time_buckets(question, quarters),
        _country_buckets(cube, question, scope, quarters),
        value_buckets,
    ):
        count = _safe(
            _count(cube, table=table, quarters=time_quarters, countries=countries, keep=keep)
        )
        if count == 0 and grouped_values:
            continue  # an empty value of a breakdown is left out (its zero is published)
        members = {**time_members, **country_members, **value_members}
        cells.append(Cell({d: members[d] for d in question.group_by}, count))
    total = _safe(_count(cube, table=table, quarters=quarters, countries=scope, keep=base))
    return Answer(
        group_by=question.group_by,
        cells=cells,
        total=total,
        first=quarters[0] if quarters else None,
        last=quarters[-1] if quarters else None,
        whole_years=whole_years,
        fraud_only=fraud_only,
        notes=notes,
    )


def case_aggregates(*, question: Question, cube: CaseCube | None = None) -> Answer:
    """Case counts for any member: by quarter and every result from the outcome table;
    by a subject (issuing country, route, …) per whole year and for fraud cases only.

    :raises QuestionError: for a question the tables do not answer (a question built in
        code, not read by :func:`~portal.dashboards.queries.question_from`).
    """
    question_check(question)
    cube = cube or cube_current()
    table = question.subject_table
    if table is None:
        return _answer(cube, question, table="outcome", whole_years=False, fraud_only=False)
    return _answer(cube, question, table=table, whole_years=True, fraud_only=True)


def scanned_aggregates(*, question: Question, cube: CaseCube | None = None) -> Answer:
    """Documents scanned, by quarter, year and reporting country (other dimensions do not
    apply to scanned counts and are ignored)."""
    cube = cube or cube_current()
    kept = tuple(d for d in question.group_by if d in ("quarter", "year", "reported_by"))
    scanned_question = Question(
        group_by=kept,
        filters={
            k: v for k, v in question.filters.items() if k in ("reported_by", "quarter", "year")
        },
        network=question.network,
        first=question.first,
        last=question.last,
    )
    return _answer(cube, scanned_question, table="scanned", whole_years=False, fraud_only=False)


def data_period(cube: CaseCube | None = None) -> tuple[Quarter, Quarter] | None:
    cube = cube or cube_current()
    if cube.first is None or cube.last is None:
        return None
    return cube.first, cube.last


def _previous(quarter: Quarter) -> Quarter:
    year, q = quarter
    return (year, q - 1) if q > 1 else (year - 1, 4)


def quarter_tiles(*, question: Question, cube: CaseCube | None = None) -> list[Tile]:
    """The quarter's totals for the question's countries, each with the previous
    quarter's: documents scanned, fraud cases, fraudulent documents, impostors, and
    genuine documents (scanned minus fraud cases)."""
    cube = cube or cube_current()
    if cube.last is None:
        return []
    quarter = min(question.last or cube.last, cube.last)
    scope = _scope(question, cube)

    def figures(at: Quarter) -> dict[str, int | None]:
        def outcome(results: Iterable[str]) -> int | None:
            wanted = set(results)
            return _count(
                cube,
                table="outcome",
                quarters=[at],
                countries=scope,
                keep=lambda leaf: leaf in wanted,
            )

        scanned = _count(cube, table="scanned", quarters=[at], countries=scope, keep=None)
        fraud = outcome(FRAUD_RESULTS)
        genuine = scanned - fraud if scanned is not None and fraud is not None else None
        return {
            "scanned": _safe(scanned),
            "fraud_cases": _safe(fraud),
            "fraudulent_document": _safe(outcome([CaseResult.FRAUDULENT_DOCUMENT])),
            "impostor": _safe(outcome([CaseResult.IMPOSTOR])),
            "genuine": _safe(genuine),
        }

    now, before = figures(quarter), figures(_previous(quarter))
    labels = {
        "scanned": _("Documents scanned"),
        "fraud_cases": _("Fraud cases"),
        "fraudulent_document": _("Fraudulent documents"),
        "impostor": _("Impostors"),
        "genuine": _("Genuine documents"),
    }
    tiles = []
    for key, label in labels.items():
        count, previous = now[key], before[key]
        change = None
        if count is not None and previous:
            change = round((count - previous) * 100 / previous, 1)
        tiles.append(Tile(key, label, count, previous, change, quarter))
    return tiles


def dimension_labels(dim: str, cube: CaseCube | None = None) -> dict[str, str]:
    """Labels for a dimension's values, in the user's language."""
    if dim in ("reported_by", "issuing_country", "nationality"):
        labels = dict(Country.objects.values_list("code", "name"))
        labels[UNKNOWN] = _("Not given")
        return labels
    choices = {
        "result": CaseResult,
        "fraud_type": FraudType,
        "document_type": DocumentType,
        "border_type": BorderType,
        "gender": Gender,
        "age_band": AgeBand,
    }
    if dim in choices:
        labels = {value: str(label) for value, label in choices[dim].choices}
        labels[UNKNOWN] = _("Not given")
        return labels
    if dim == "crossing_point":
        cube = cube or cube_current()
        labels = {f"{c}:{code}": name for c, code, name in cube.crossing_points.values()}
        labels[UNKNOWN] = _("Not given")
        return labels
    if dim == "route":
        cube = cube or cube_current()
        labels = {
            value: " → ".join(part or "?" for part in value.split(">"))
            for value in cube.vocabulary.get("route", ())
            if value != UNKNOWN
        }
        labels[UNKNOWN] = _("Not given")
        return labels
    return {}
