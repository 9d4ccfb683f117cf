"""The protected tables of one year (``portal.dashboards.cube``), property-based.

Small random years of case data — two to four reporting countries, four quarters, every
result with its fraud types, two subject attributes of two to four values — are protected
as ``cube_build`` protects them (``_year_tables``, falling back to one unit), with no
database. For every year:

0. its tables are built at all (a year that cannot be protected takes every dashboard down);
1. no published cell of any table is a count from 1 to 4;
2. every unit's fraud total is published in the outcome table whenever the year's is
   publishable, and each subject table's row total is that same number;
3. the linked audit: the outcome table and every subject table of the year (fraud types
   and the two drawn attributes), released together, leave every primary cell its
   protection interval over their joint table (quarter × unit × result × one dimension per
   subject table);
4. no differencing: pairs of questions answered from these tables (``case_aggregates``)
   give counts equal to the rows' true counts, none from 1 to 4, fixed by the published
   cells (the joint LP's smallest and largest values agree), and no published count minus
   another counting a subset of its cases leaves 1 to 4;
5. the contributor rule seen by each reporting country, inside a merged unit too: no
   published count minus the country's own part of it leaves 1 to 4.

In the joint table a genuine case has the subject value ``-`` (the subject tables count
fraud cases only); released "structure" cells say what the tables' layout tells anyone:
no genuine case has a subject value, no fraud case lacks one, and a fraud type's result is
the case's result. The examples named below are the failures these tests found; they stay
as explicit examples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import combinations, product

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, example, given, note, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from portal.dashboards import cube as cubes
from portal.dashboards.answers import Answer, case_aggregates
from portal.dashboards.disclosure import (
    TOTAL,
    Dimension,
    DisclosureError,
    Protected,
    Table,
    audit_linked,
)
from portal.dashboards.disclosure.tables import Cube
from portal.dashboards.queries import Question, question_check

YEAR = 2021
COUNTRIES = ("KHM", "LAO", "THA", "VNM")
#: (result, fraud type): the outcome leaves a case can have.
OUTCOMES = (
    ("genuine", ""),
    ("fraudulent_document", "forgery"),
    ("fraudulent_document", "counterfeit"),
    ("impostor", "impostor"),
)
FRAUD = ("fraudulent_document", "impostor")
#: The two subject tables of the random years, with the values they draw from.
SUBJECTS: dict[str, tuple[str, ...]] = {
    "document_type": ("id_card", "passport", "residence_permit", "visa"),
    "gender": ("f", "m", "unknown", "x"),
}
#: A genuine case's subject value in the joint table.
NO_VALUE = "-"
#: The joint subject dimension's group of real values (what a subject table's TOTAL adds).
ANY_VALUE = "any-value"
#: Every case a question could count: (quarter, country, result, fraud type, subjects).
DOMAIN = [
    (q, country, result, fraud_type, values)
    for q, country, (result, fraud_type), values in product(
        range(1, 5), COUNTRIES, OUTCOMES, product(*SUBJECTS.values())
    )
]
#: How many cases alike: many small groups, some safe ones.
MULTIPLICITY = st.sampled_from([1, 1, 1, 2, 3, 4, 6, 9, 14, 25])
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass(frozen=True)
class Case:
    """``count`` cases alike: quarter, reporting country, result, fraud type, subjects."""

    quarter: int
    country: str
    result: str
    fraud_type: str
    subject: tuple[str, str]
    count: int = 1

    @property
    def fraud(self) -> bool:
        return self.result in FRAUD


@dataclass(frozen=True)
class Year:
    """A random year of case data and its protected tables."""

    cases: tuple[Case, ...]
    scanned: Mapping[tuple[int, str], int]
    groups: Mapping[str, frozenset[str]]
    tables: cubes.YearTables | None = field(repr=False)
    merged_all: bool = False
    #: Why the tables could not be built (``cube_build`` would raise it).
    error: str = ""

    def true_count(self, keep: Callable[[Case], bool]) -> int:
        return sum(case.count for case in self.cases if keep(case))


def year_of(
    cases: Iterable[Case],
    scanned: Mapping[tuple[int, str], int] | None = None,
    groups: Mapping[str, frozenset[str]] | None = None,
) -> Year:
    """Protect a year as ``cube_build`` does: its units first, one unit for every country
    when that fails (a ``DisclosureError`` from the fallback is what the build raises)."""
    cases, scanned, groups = tuple(cases), scanned or {}, groups or {}
    outcome: Counter[tuple] = Counter()
    subjects: dict[str, Counter[tuple]] = {name: Counter() for name in SUBJECTS}
    for case in cases:
        outcome[(case.quarter, case.country, case.result, case.fraud_type)] += case.count
        if case.fraud:
            for name, value in zip(SUBJECTS, case.subject, strict=True):
                subjects[name][(case.country, value)] += case.count
    arguments = {
        "year": YEAR,
        "outcome_rows": [(*key, n) for key, n in outcome.items()],
        "subject_rows": {
            name: [(*key, n) for key, n in rows.items()] for name, rows in subjects.items()
        },
        "scanned_rows": [(q, c, n) for (q, c), n in scanned.items()],
        "corridor_rows": [],
        "groups": groups,
    }
    try:
        try:
            return Year(cases, scanned, groups, cubes._year_tables(**arguments))
        except DisclosureError:
            tables = cubes._year_tables(**arguments, merge_all=True)
            return Year(cases, scanned, groups, tables, merged_all=True)
    except DisclosureError as error:
        return Year(cases, scanned, groups, None, error=str(error))


@st.composite
def years(draw) -> Year:
    countries = draw(st.lists(st.sampled_from(COUNTRIES), min_size=2, max_size=4, unique=True))
    values = [
        draw(st.lists(st.sampled_from(options), min_size=2, max_size=4, unique=True))
        for options in SUBJECTS.values()
    ]
    outcomes = draw(st.lists(st.sampled_from(OUTCOMES), min_size=2, max_size=4, unique=True))
    cases = draw(
        st.lists(
            st.builds(
                lambda q, c, o, v1, v2, n: Case(q, c, o[0], o[1], (v1, v2), n),
                st.integers(1, 4),
                st.sampled_from(countries),
                st.sampled_from(outcomes),
                st.sampled_from(values[0]),
                st.sampled_from(values[1]),
                MULTIPLICITY,
            ),
            min_size=1,
            max_size=40,
        )
    )
    scanned = {
        (q, c): draw(st.sampled_from([0, 0, 2, 7, 40])) for q, c in product(range(1, 5), countries)
    }
    # Sometimes a country group, which the merge keeps together (as the Mekong area).
    group = draw(st.sets(st.sampled_from(countries), max_size=len(countries)))
    return year_of(cases, scanned, {"area": frozenset(group)} if group else {})


def built(year: Year) -> Year:
    """Years whose tables were built (the others fail :func:`test_every_year_is_built`)."""
    assume(year.tables is not None)
    return year


def _released(year: Year) -> list[tuple[str, Protected]]:
    tables = year.tables
    found = [("outcome", tables.outcome), *tables.subjects.items(), ("scanned", tables.scanned)]
    return [(name, table) for name, table in found if table is not None]


def _leaves(dim: Dimension, member: str) -> frozenset[str]:
    if member == TOTAL:
        return frozenset(dim.leaves)
    return frozenset(dim.groups.get(member, {member}))


#: Every fraud case of the year in one quarter and one fraud type: the year's fraud total
#: is a published fact, so its only quarter-and-fraud-type cell followed from it while
#: being fixed hidden, and the build raised (fixed in the core since).
ONE_QUARTER = year_of([Case(1, "KHM", "fraudulent_document", "forgery", ("passport", "m"), 6)])
#: Two small reporting countries merged into one unit of five fraud cases: KHM knows its
#: own four, so the unit's published five tells it that LAO had exactly one.
TWO_SMALL = year_of(
    [
        Case(1, "KHM", "fraudulent_document", "forgery", ("passport", "m"), 3),
        Case(2, "KHM", "fraudulent_document", "forgery", ("passport", "m"), 1),
        Case(1, "LAO", "fraudulent_document", "forgery", ("visa", "f"), 1),
    ]
)

#: A country group holding one small reporting country: it cannot be merged within its
#: group, and the countries outside are already merged among themselves, so LAO's single
#: fraud case is a unit of its own whose fraud total cannot be published.
LONE_IN_GROUP = year_of(
    [
        Case(1, country, "fraudulent_document", "forgery", ("id_card", "f"), n)
        for country, n in (("KHM", 3), ("LAO", 1), ("THA", 3), ("VNM", 2))
    ],
    groups={"area": frozenset({"LAO"})},
)


def withheld(year: Year) -> bool:
    """Whether no grouping of the year's countries was safe: then its case tables are
    withheld whole (checked here), and every answer about its cases is suppressed."""
    if not year.tables.withheld:
        return False
    assert year.tables.outcome is None and not year.tables.subjects
    assert case_aggregates(question=Question(), cube=cube_of(year)).total is None
    return True


# -- 0, 1, 2 ---------------------------------------------------------------------------------
@EXAMPLES
@example(ONE_QUARTER)
@given(years())
def test_every_year_is_built(year: Year) -> None:
    """``cube_build`` protects every year (with one unit for all countries at worst); a
    ``DisclosureError`` out of its fallback fails the whole build, every year's answers."""
    note(repr(year))
    assert year.error == "", f"{year.cases}: {year.error}"


@EXAMPLES
@example(TWO_SMALL)
@example(LONE_IN_GROUP)
@given(years().map(built))
def test_no_published_cell_is_small(year: Year) -> None:
    note(repr(year))
    for name, protected in _released(year):
        for key, value in protected.values.items():
            published = protected.published(key)
            assert published in (None, value), (name, key)
            assert published not in {1, 2, 3, 4}, (name, key, value)


@EXAMPLES
@example(TWO_SMALL)
@example(LONE_IN_GROUP)
@given(years().map(built))
def test_unit_fraud_totals_are_published_and_shared(year: Year) -> None:
    note(repr(year))
    if withheld(year):
        return
    tables = year.tables
    fraud = year.true_count(lambda case: case.fraud)
    note(f"fraud cases: {fraud}; units: {dict(tables.members)}; merged all: {year.merged_all}")
    # Fraud types may be withheld for a year; the other subject tables are always there.
    assert set(tables.subjects) - {"fraud_type"} == (set(SUBJECTS) if fraud else set())
    for unit, members in tables.members.items():
        true = year.true_count(lambda case, m=members: case.fraud and case.country in m)
        published = tables.outcome.published((TOTAL, unit, "fraud")) if fraud else 0
        assert published in (None, true), unit
        if fraud == 0 or fraud >= cubes.THRESHOLD:
            assert published == true, f"unit {unit}: fraud total {true} is not published"
        for name, subject in tables.subjects.items():
            assert subject.published((unit, TOTAL)) == published, (name, unit)


# -- 3: the linked audit over the joint table ----------------------------------------------
@dataclass(frozen=True)
class Joint:
    """A year's joint table and the released tables restated over its dimensions."""

    table: Table
    released: list[Protected]

    @property
    def grid(self) -> np.ndarray:
        """One row per joint leaf: the position of its member on each dimension."""
        sizes = [len(dim.leaves) for dim in self.table.dims]
        return np.indices(sizes).reshape(len(sizes), -1).T


def _outcome_member(dim: Dimension, result: str) -> str | None:
    """The outcome dimension's member counting one result (a leaf, or a result group)."""
    if result in dim.leaves:
        return result
    return f"result:{result}" if f"result:{result}" in dim.groups else None


def case_value(case: Case, name: str) -> str:
    """A case's value in a subject table (``-`` for a genuine case, which none counts)."""
    if not case.fraud:
        return NO_VALUE
    if name == "fraud_type":
        return cubes.outcome_leaf(case.result, case.fraud_type)
    return case.subject[list(SUBJECTS).index(name)]


def _subject_dim(name: str, protected: Protected) -> Dimension:
    value = protected.table.dims[1]
    return Dimension(
        name, (*value.leaves, NO_VALUE), {**value.groups, ANY_VALUE: frozenset(value.leaves)}
    )


def _restated_subject(protected: Protected, dim: Dimension) -> Protected:
    """A subject table over the joint's subject dimension: its TOTAL is the group of real
    values; cells holding ``-`` (genuine cases, which it does not count) are not released.
    The member-part intervals go along: without them a cell of a merged unit would be
    audited for (0, 5) and capped below its own true count (an infeasible audit LP)."""
    unit = protected.table.dims[0]

    def renamed(key) -> tuple[str, str]:
        return (key[0], ANY_VALUE if key[1] == TOTAL else key[1])

    unreleased = {(u, v) for u in (*unit.leaves, TOTAL) for v in (NO_VALUE, TOTAL)}
    requirements = {renamed(key): need for key, need in protected.table.requirements.items()}
    return Protected(
        table=Table(
            (unit, dim),
            dict(protected.table.counts),
            contributor_dim="unit",
            requirements=requirements,
        ),
        values={},
        suppressed=frozenset({renamed(key) for key in protected.suppressed} | unreleased),
        primary=frozenset(renamed(key) for key in protected.primary),
    )


def _structure(outcome: Dimension, dim: Dimension, counts: Mapping) -> Protected:
    """What the layout tells anyone, as released zeros: no genuine case has a subject
    value, no fraud case lacks one, and a fraud type's result is the case's result."""
    released = set()
    genuine = _outcome_member(outcome, "genuine")
    if genuine and ANY_VALUE in dim.groups:
        released.add((genuine, ANY_VALUE))
    if "fraud" in outcome.groups:
        released.add(("fraud", NO_VALUE))
    for result in FRAUD:
        member = _outcome_member(outcome, result)
        for other in FRAUD:
            if member and other != result and f"result:{other}" in dim.groups:
                released.add((member, f"result:{other}"))
    every = product((*outcome.leaves, *outcome.groups, TOTAL), (*dim.leaves, *dim.groups, TOTAL))
    return Protected(
        table=Table((outcome, dim), dict(counts)),
        values={},
        suppressed=frozenset(key for key in every if key not in released),
        primary=frozenset(),
    )


def _outcome_leaf(dim: Dimension, case: Case) -> str:
    """A case's leaf on the outcome table's outcome dimension."""
    if case.result in dim.leaves:
        return case.result
    return cubes.outcome_leaf(case.result, case.fraud_type)


def joint_of(year: Year) -> Joint:
    """The joint table of a year (quarter × unit × outcome × each subject table present)
    and every table released, restated over it."""
    tables = year.tables
    quarter, unit, outcome = tables.outcome.table.dims
    names = sorted(tables.subjects)
    dims = [_subject_dim(name, tables.subjects[name]) for name in names]
    counts: Counter[tuple] = Counter()
    by_subject: list[Counter[tuple]] = [Counter() for _name in names]
    for case in year.cases:
        leaf = _outcome_leaf(outcome, case)
        values = [case_value(case, name) for name in names]
        q = cubes.QUARTERS[case.quarter - 1]
        counts[(q, tables.unit_of[case.country], leaf, *values)] += case.count
        for i, value in enumerate(values):
            by_subject[i][(leaf, value)] += case.count
    released: list[Protected] = [tables.outcome]
    for name, dim, subject_counts in zip(names, dims, by_subject, strict=True):
        released.append(_restated_subject(tables.subjects[name], dim))
        released.append(_structure(outcome, dim, subject_counts))
    joint = Table((quarter, unit, outcome, *dims), dict(counts), contributor_dim="unit")
    return Joint(joint, released)


def joint_fields(joint: Joint, positions) -> tuple[int, str, dict[str, str]]:
    """A joint leaf as (quarter, unit, the case fields answers filter on)."""
    members = {dim.name: dim.leaves[p] for dim, p in zip(joint.table.dims, positions, strict=True)}
    fields = {"result": members["outcome"].split("|", 1)[0], "fraud_type": ""}
    for name in SUBJECTS:
        fields[name] = members.get(name, NO_VALUE)
    if members.get("fraud_type", NO_VALUE) != NO_VALUE:
        fields["fraud_type"] = members["fraud_type"].split("|", 1)[1]
    if "|" in members["outcome"]:
        fields["fraud_type"] = members["outcome"].split("|", 1)[1]
    return int(members["quarter"][1]), members["unit"], fields


#: One unit of all three countries: THA's six of the unit's ten women make the gender cell
#: primary with the member-part interval (6, 11); restated without it, the audit capped the
#: cell at 5 under a published total of 11 (an infeasible LP, the test's mistake).
ONE_UNIT = year_of(
    [
        Case(1, "KHM", "genuine", "", ("id_card", "f"), 1),
        Case(1, "KHM", "fraudulent_document", "forgery", ("id_card", "f"), 1),
        Case(1, "KHM", "fraudulent_document", "forgery", ("id_card", "m"), 1),
        Case(1, "LAO", "fraudulent_document", "forgery", ("id_card", "f"), 3),
        Case(1, "THA", "fraudulent_document", "forgery", ("id_card", "f"), 6),
    ]
)


@EXAMPLES
@example(TWO_SMALL)
@example(LONE_IN_GROUP)
@example(ONE_UNIT)
@given(years().map(built))
def test_tables_released_together_protect_every_primary_cell(year: Year) -> None:
    note(repr(year))
    if withheld(year):
        return
    joint = joint_of(year)
    note(f"units: {dict(year.tables.members)}; joint leaves: {joint.grid.shape[0]}")
    primary = sum(len(protected.primary) for protected in joint.released)
    event(f"primary cells: {min(primary // 10 * 10, 50)}+")
    assert audit_linked(joint.released, joint.table, max_unknowns=5_000) == []


#: KHM's two visas, counterfeit, held by men: the one small cell of its row in the document
#: type, fraud type and gender tables.
SMALL_ROWS = year_of(
    [
        Case(1, "KHM", "fraudulent_document", "forgery", ("passport", "f"), 6),
        Case(2, "KHM", "fraudulent_document", "forgery", ("passport", "f"), 6),
        Case(1, "KHM", "fraudulent_document", "counterfeit", ("visa", "m"), 2),
        Case(1, "THA", "fraudulent_document", "forgery", ("passport", "f"), 9),
        Case(2, "THA", "fraudulent_document", "forgery", ("visa", "f"), 8),
    ]
)


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("document_type", ("KHM", "visa")),
        ("fraud_type", ("KHM", "fraudulent_document|counterfeit")),
        ("gender", ("KHM", "m")),
    ],
)
def test_the_joint_audit_sees_a_subject_cell_left_unprotected(name: str, cell) -> None:
    """The restated tables do reach the audit: publishing a subject table's secondary
    cells, leaving its small cell alone in its row, is a finding."""
    joint = joint_of(SMALL_ROWS)
    assert audit_linked(joint.released, joint.table, max_unknowns=5_000) == []
    subject = SMALL_ROWS.tables.subjects[name]
    assert cell in subject.primary
    exposed = replace(subject, suppressed=subject.primary)
    dim = next(dim for dim in joint.table.dims if dim.name == name)
    position = next(
        i
        for i, table in enumerate(joint.released)
        if table.table.dims[0].name == "unit" and table.table.dims[-1] == dim
    )
    joint.released[position] = _restated_subject(exposed, dim)
    findings = audit_linked(joint.released, joint.table, max_unknowns=5_000)
    assert cell in {finding.cell for finding in findings}


# -- 4: answers, in pairs ------------------------------------------------------------------
def cube_of(year: Year) -> cubes.CaseCube:
    quarters = [(YEAR, c.quarter) for c in year.cases]
    quarters += [(YEAR, q) for (q, _c), n in year.scanned.items() if n]
    return cubes.CaseCube(
        version=0,
        years={YEAR: year.tables},
        first=min(quarters),
        last=max(quarters),
        vocabulary={
            name: frozenset(case_value(case, name) for case in year.cases if case.fraud)
            for name in (*SUBJECTS, "fraud_type")
        },
        crossing_points={},
    )


PERIOD = st.one_of(st.none(), st.integers(1, 4).map(lambda q: (YEAR, q)))


def some_countries(members: Mapping[str, frozenset[str]]) -> st.SearchStrategy[tuple[str, ...]]:
    """Countries to filter by: mostly whole units of the year (what can be answered), or
    any countries at all."""
    units = st.lists(st.sampled_from(sorted(members)), min_size=1, unique=True).map(
        lambda chosen: tuple(sorted(c for unit in chosen for c in members[unit]))
    )
    anyhow = st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3, unique=True)
    return st.one_of(units, units, anyhow.map(tuple))


@st.composite
def questions(draw, members: Mapping[str, frozenset[str]]) -> Question:
    """Questions the API accepts: over the outcome table (by quarter, result) or over one
    subject table (by year, fraud cases only; fraud types with their results)."""
    subject = draw(st.sampled_from([None, "fraud_type", *SUBJECTS]))
    first, last = sorted([draw(PERIOD), draw(PERIOD)], key=lambda p: p or (0, 0))
    if first is None and last is not None and draw(st.booleans()):
        first, last = last, None
    filters: dict[str, tuple[str, ...]] = {}
    if draw(st.booleans()):
        filters["reported_by"] = draw(some_countries(members))
    results = [r for r, _f in OUTCOMES]
    if subject is None:
        group_by = sorted(draw(st.sets(st.sampled_from(["reported_by", "result"]))))
        time = draw(st.sampled_from([None, "quarter", "year"]))
        if draw(st.booleans()):
            filters["result"] = tuple(draw(st.lists(st.sampled_from(results), min_size=1)))
        if draw(st.booleans()):
            quarters = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True))
            filters["quarter"] = tuple(f"{YEAR}-Q{q}" for q in quarters)
    else:
        by = ["reported_by", subject, *(["result"] if subject == "fraud_type" else [])]
        group_by = sorted(draw(st.sets(st.sampled_from(by))))
        time = draw(st.sampled_from([None, "year"]))
        options = [f for _r, f in OUTCOMES if f] if subject == "fraud_type" else SUBJECTS[subject]
        if subject not in group_by or draw(st.booleans()):
            filters[subject] = tuple(draw(st.lists(st.sampled_from(options), min_size=1)))
        if subject == "fraud_type" and draw(st.booleans()):
            filters["result"] = tuple(draw(st.lists(st.sampled_from(FRAUD), min_size=1)))
        elif draw(st.booleans()):
            filters["result"] = FRAUD
    filters = {dim: tuple(dict.fromkeys(values)) for dim, values in filters.items()}
    dims = tuple(group_by) if time is None else (time, *group_by)
    question = Question(group_by=dims, filters=filters, first=first, last=last)
    question_check(question)  # the API would take it
    return question


@st.composite
def question_pairs(draw, members: Mapping[str, frozenset[str]]) -> tuple[Question, Question]:
    """A question and a neighbour someone would subtract from it: another period, other
    countries, or any other question."""
    first = draw(questions(members))
    change = draw(st.sampled_from(["period", "countries", "any"]))
    if change == "period":
        start, end = sorted([draw(PERIOD), draw(PERIOD)], key=lambda p: p or (0, 0))
        second = replace(first, first=start, last=end)
    elif change == "countries":
        filters = {**first.filters, "reported_by": draw(some_countries(members))}
        second = replace(first, filters=filters)
    else:
        second = draw(questions(members))
    return first, second


def _quarters(question: Question, cube: cubes.CaseCube, *, whole_years: bool) -> set[int]:
    """The quarters a question covers, read from the question itself."""
    first = question.first or cube.first
    last = question.last or cube.last
    if whole_years:
        first, last = (first[0], 1), (last[0], 4)
    wanted = set(question.filters.get("quarter", ()))
    return {
        q
        for q in range(1, 5)
        if first <= (YEAR, q) <= last and (not wanted or f"{YEAR}-Q{q}" in wanted)
    }


#: Which cases a cell counts: (quarter, test of the reporting countries, fields) -> bool.
#: The countries test gets the set of wanted countries (a unit's test: any or all of its
#: members in it).
Rule = Callable[[int, Callable[[set[str]], bool], Mapping[str, str]], bool]


def cell_rule(question: Question, cube: cubes.CaseCube, members: Mapping[str, str]) -> Rule:
    """The cases an answer cell counts (with no members: the answer's total)."""
    subject = question.subject_table
    quarters = _quarters(question, cube, whole_years=subject is not None)
    if "quarter" in members:
        quarters &= {int(members["quarter"][-1])}
    countries = set(question.filters.get("reported_by", COUNTRIES))
    if "reported_by" in members:
        countries &= {members["reported_by"]}
    wanted: dict[str, set[str]] = {}
    for dim in ("result", "fraud_type", *SUBJECTS):
        chosen = set(question.filters.get(dim, ())) or None
        if dim in members:
            chosen = {members[dim]} if chosen is None else chosen & {members[dim]}
        if chosen is not None:
            wanted[dim] = chosen

    def keep(quarter: int, inside: Callable[[set[str]], bool], fields: Mapping[str, str]) -> bool:
        if quarter not in quarters or not inside(countries):
            return False
        if subject is not None and fields["result"] not in FRAUD:
            return False
        return all(fields[dim] in values for dim, values in wanted.items())

    return keep


def _fields(result: str, fraud_type: str, subject: Iterable[str]) -> dict[str, str]:
    return {"result": result, "fraud_type": fraud_type, **dict(zip(SUBJECTS, subject, strict=True))}


def _counts_case(keep: Rule, case: Case) -> bool:
    fields = _fields(case.result, case.fraud_type, case.subject)
    return keep(case.quarter, lambda wanted: case.country in wanted, fields)


def _domain_vector(keep: Rule) -> np.ndarray:
    """Which of every possible case a cell counts (to tell when one cell's cases are
    among another's)."""
    return np.asarray(
        [
            keep(q, lambda wanted, c=country: c in wanted, _fields(result, fraud_type, values))
            for q, country, result, fraud_type, values in DOMAIN
        ]
    )


@dataclass(frozen=True)
class Published:
    """A count an answer gave, and which cases it counts."""

    where: str
    keep: Rule
    count: int
    cases: np.ndarray


def published_counts(
    year: Year, cube: cubes.CaseCube, question: Question, answer: Answer
) -> tuple[list[Published], Published | None]:
    """An answer's given cells and total, each checked: never 1..4, the rows' own count."""
    found: list[Published | None] = []
    for members, count in [*((c.members, c.count) for c in answer.cells), ({}, answer.total)]:
        where = f"{question} {dict(members) or 'total'}"
        assert count is None or count == 0 or count >= cubes.THRESHOLD, (where, count)
        if count is None:
            found.append(None)
            continue
        keep = cell_rule(question, cube, members)
        true = year.true_count(partial(_counts_case, keep))
        assert count == true, (where, count, true)
        found.append(Published(where, keep, count, _domain_vector(keep)))
    return [cell for cell in found[:-1] if cell is not None], found[-1]


def joint_system(joint: Joint) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Every released cell, zeros too, as an equation over the joint's leaves (what
    ``audit_linked`` solves, written out again to bound answers)."""
    grid = joint.grid
    names = [dim.name for dim in joint.table.dims]
    rows: list[np.ndarray] = []
    rhs: list[int] = []
    for protected in joint.released:
        table = protected.table
        cube = Cube(table)
        columns = [names.index(dim.name) for dim in table.dims]
        members = [_positions(dim) for dim in table.dims]
        for key in product(*[list(m) for m in members]):
            if key in protected.suppressed:
                continue
            mask = np.ones(grid.shape[0], dtype=bool)
            for column, positions, member in zip(columns, members, key, strict=True):
                mask &= np.isin(grid[:, column], positions[member])
            rows.append(mask)
            rhs.append(cube.value.get(cube.index.encode(key), 0))
    return sparse.csr_matrix(np.asarray(rows, dtype=float)), np.asarray(rhs, dtype=float)


def _positions(dim: Dimension) -> dict[str, list[int]]:
    leaves = list(dim.leaves)
    return {
        **{leaf: [i] for i, leaf in enumerate(leaves)},
        **{name: [leaves.index(v) for v in group] for name, group in dim.groups.items()},
        TOTAL: list(range(len(leaves))),
    }


def joint_mask(year: Year, joint: Joint, keep: Rule) -> np.ndarray:
    """The joint leaves a cell counts; a merged unit is counted whole or not at all."""
    mask = np.zeros(joint.grid.shape[0], dtype=bool)
    for i, positions in enumerate(joint.grid):
        quarter, unit, fields = joint_fields(joint, positions)
        members = year.tables.members[unit]
        some = keep(quarter, lambda wanted, m=members: bool(m & wanted), fields)
        every = keep(quarter, lambda wanted, m=members: m <= wanted, fields)
        assert some == every, f"unit {unit} ({sorted(members)}) is split by the answer"
        mask[i] = some
    return mask


def lp_range(target: np.ndarray, a_eq, b_eq) -> tuple[float, float]:
    """The smallest and largest value of the target's sum over everything consistent with
    the released cells."""
    bounds = []
    for sign in (1.0, -1.0):
        result = linprog(sign * target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert result.status == 0, result.message
        bounds.append(sign * result.fun)
    return bounds[0], bounds[1]


@settings(EXAMPLES, max_examples=100)
@given(years().map(built), st.data())
def test_answers_are_true_and_fixed_by_published_cells(year: Year, data) -> None:
    note(repr(year))
    if withheld(year):
        return
    pair = data.draw(question_pairs(year.tables.members), label="questions")
    note(f"questions: {pair}")
    rng = data.draw(st.randoms(use_true_random=False))
    cube = cube_of(year)
    given_counts: list[Published] = []
    hidden = 0
    for question in pair:
        answer = case_aggregates(question=question, cube=cube)
        hidden += sum(cell.count is None for cell in answer.cells) + (answer.total is None)
        cells, total = published_counts(year, cube, question, answer)
        given_counts.extend([*cells, *([total] if total else [])])
        covered = sum((cell.cases.astype(int) for cell in cells), np.zeros(len(DOMAIN), int))
        assert covered.max(initial=0) <= 1, f"{question}: cells overlap"
        if total is not None:
            assert np.all(covered <= total.cases), f"{question}: a cell outside the total"
            # The total minus the cells given: the hidden cells' sum (and unlisted cases').
            rest = total.count - sum(cell.count for cell in cells)
            assert not 0 < rest < cubes.THRESHOLD, (total.where, rest)
    nested = 0
    for a, b in combinations(given_counts, 2):
        for small, large in ((a, b), (b, a)):
            if np.all(small.cases <= large.cases):
                nested += 1
                difference = large.count - small.count
                assert not 0 < difference < cubes.THRESHOLD, (large.where, small.where)
    event(f"published counts: {min(len(given_counts), 9)}")
    event(f"nested pairs: {min(nested, 9)}")
    event(f"hidden cells: {min(hidden, 3)}+")
    joint = joint_of(year)
    a_eq, b_eq = joint_system(joint)
    for cell in rng.sample(given_counts, min(4, len(given_counts))):
        target = joint_mask(year, joint, cell.keep).astype(float)
        low, high = lp_range(target, a_eq, b_eq)
        assert abs(low - cell.count) < 1e-6 and abs(high - cell.count) < 1e-6, (
            cell.where,
            low,
            high,
        )


# -- 5: what a reporting country knows -------------------------------------------------------
def _own_part(year: Year, name: str, protected: Protected, key, country: str) -> int:
    """A reporting country's own cases in a cell of a released table."""
    sets = [_leaves(dim, member) for dim, member in zip(protected.table.dims, key, strict=True)]
    unit = year.tables.unit_of.get(country, country)
    if name == "scanned":
        return sum(
            n
            for (q, c), n in year.scanned.items()
            if c == country and cubes.QUARTERS[q - 1] in sets[0] and c in sets[1]
        )
    own = 0
    for case in year.cases:
        if case.country != country:
            continue
        if name == "outcome":
            leaf = _outcome_leaf(protected.table.dims[2], case)
            where = (cubes.QUARTERS[case.quarter - 1], unit, leaf)
        elif case.fraud:
            where = (unit, case_value(case, name))
        else:
            continue
        if all(part in members for part, members in zip(where, sets, strict=True)):
            own += case.count
    return own


@EXAMPLES
@example(TWO_SMALL)
@example(LONE_IN_GROUP)
@given(years().map(built))
def test_no_country_learns_a_small_count_of_the_others(year: Year) -> None:
    """A reporting country knows its own cases: a published count minus its own part is
    the other countries' part, which must be 0 or at least 5 — in a unit merged from
    small countries as well (the contributor rule, country by country)."""
    note(repr(year))
    note(f"units: {dict(year.tables.members)}; merged all: {year.merged_all}")
    countries = {case.country for case in year.cases} | {c for _q, c in year.scanned}
    for name, protected in _released(year):
        for key, value in protected.values.items():
            if protected.published(key) is None:
                continue
            for country in sorted(countries):
                others = value - _own_part(year, name, protected, key, country)
                assert not 0 < others < cubes.THRESHOLD, (
                    f"{name} {key} = {value}: {country} knows the others' part is {others}"
                )
