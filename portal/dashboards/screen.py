"""What the ``/dashboards/`` page shows for a question: the quarter's tiles and one panel
per chart, each with the table a screen reader (or a page without JavaScript) reads, and
the chart data ``charts.js`` draws.

The page and its CSV export are built from the same :class:`Screen`, so the file holds
exactly the numbers on screen. Every number comes from ``answers`` (published cells only):
this module arranges answers, it never computes a count of its own, except sums of
published counts for the routes' flow chart, which anyone could add up from the table.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .answers import (
    Answer,
    Tile,
    case_aggregates,
    data_period,
    dimension_labels,
    quarter_tiles,
    scanned_aggregates,
)
from .cube import FRAUD_RESULTS, CaseCube, cube_current
from .models.vocabularies import AgeBand, CaseResult, Gender
from .queries import (
    DIMENSIONS,
    SUBJECT_TABLE,
    UNKNOWN,
    Quarter,
    Question,
    QuestionError,
    quarter_label,
    question_check,
)

#: Bars shown in a "top" chart; its table lists every value.
TOP = 10
#: The filters the tiles take into account (the quarter's totals are for countries only).
TILE_FILTERS = frozenset({"reported_by"})


@dataclass(frozen=True)
class Row:
    """A table row: its member on the row dimension, its label, and one count per column
    (``None``: hidden)."""

    value: str
    label: str
    counts: tuple[int | None, ...]


@dataclass(frozen=True)
class Panel:
    """One chart and its table."""

    key: str
    title: str
    description: str
    dims: tuple[str, ...]
    row_head: str
    columns: tuple[tuple[str, str], ...] = ()  # (member, label) of the column dimension
    rows: tuple[Row, ...] = ()
    total: int | None = None
    notes: tuple[str, ...] = ()
    chart: Mapping = field(default_factory=dict)
    error: str = ""

    @property
    def has_data(self) -> bool:
        return any(count for row in self.rows for count in row.counts)

    @property
    def has_hidden(self) -> bool:
        return any(count is None for row in self.rows for count in row.counts)

    def records(self) -> Iterable[tuple[dict[str, str], int | None]]:
        """The table's cells as (members, count), for the CSV export."""
        for row in self.rows:
            for (member, _label), count in zip(self.columns, row.counts, strict=True):
                members = {self.dims[0]: row.value}
                if len(self.dims) > 1:
                    members[self.dims[1]] = member
                yield members, count


@dataclass(frozen=True)
class TileView:
    """A tile: the quarter's count and how it changed against the previous quarter, in
    words and with an arrow (never by colour alone)."""

    key: str
    label: str
    count: int | None
    previous: int | None
    quarter: str
    previous_quarter: str
    direction: str  # up | down | same | "" (no comparison)
    change: str


@dataclass(frozen=True)
class Screen:
    question: Question
    tiles: tuple[TileView, ...]
    tiles_quarter: str
    tiles_error: str
    tiles_note: str
    panels: tuple[Panel, ...]


def _previous(quarter: Quarter) -> Quarter:
    year, number = quarter
    return (year, number - 1) if number > 1 else (year - 1, 4)


def _percent(value: float) -> str:
    return f"{abs(value):.0f}" if abs(value) >= 10 else f"{abs(value):.1f}".rstrip("0").rstrip(".")


def _tile_view(tile: Tile) -> TileView:
    quarter = quarter_label(tile.quarter)
    before = quarter_label(_previous(tile.quarter))
    direction, change = "", ""
    if tile.count is None or tile.previous is None:
        change = _("No comparison with %(quarter)s: a count is hidden.") % {"quarter": before}
    elif tile.previous == 0:
        change = _("None in %(quarter)s.") % {"quarter": before}
    elif tile.change_percent is not None and tile.change_percent > 0:
        direction = "up"
        change = _("Up %(percent)s%% from %(quarter)s (%(previous)s).") % {
            "percent": _percent(tile.change_percent), "quarter": before, "previous": tile.previous,
        }  # fmt: skip
    elif tile.change_percent is not None and tile.change_percent < 0:
        direction = "down"
        change = _("Down %(percent)s%% from %(quarter)s (%(previous)s).") % {
            "percent": _percent(tile.change_percent), "quarter": before, "previous": tile.previous,
        }  # fmt: skip
    else:
        direction = "same"
        change = _("No change from %(quarter)s.") % {"quarter": before}
    return TileView(
        key=tile.key, label=tile.label, count=tile.count, previous=tile.previous,
        quarter=quarter, previous_quarter=before, direction=direction, change=change,
    )  # fmt: skip


# -- labels and orders ------------------------------------------------------------------
def _labeller(dim: str, cube: CaseCube) -> Callable[[str], str]:
    labels = dimension_labels(dim, cube)
    return lambda value: labels.get(value, value)


#: Dimensions with a natural order (their table keeps it rather than sorting by count).
NATURAL_ORDER: dict[str, tuple[str, ...]] = {
    "result": tuple(CaseResult.values),
    "gender": (*Gender.values, UNKNOWN),
    "age_band": (*AgeBand.values, UNKNOWN),
}


def _ordered(dim: str, totals: Mapping[str, int | None], label: Callable[[str], str]) -> list[str]:
    """Members in the dimension's natural order (time, age), else by count, largest
    first, hidden ones last, ties by name."""
    if dim in ("quarter", "year"):
        return sorted(totals)
    if dim in NATURAL_ORDER:
        order = NATURAL_ORDER[dim]
        return sorted(totals, key=lambda v: (order.index(v) if v in order else len(order), v))
    return sorted(totals, key=lambda v: (totals[v] is None, -(totals[v] or 0), label(v).casefold()))


def _period_note(answer: Answer) -> str:
    if answer.first is None or answer.last is None:
        return _("No data in this period.")
    if answer.whole_years:
        first, last = str(answer.first[0]), str(answer.last[0])
    else:
        first, last = quarter_label(answer.first), quarter_label(answer.last)
    if first == last:
        return _("Period: %(first)s.") % {"first": first}
    return _("Period: %(first)s to %(last)s.") % {"first": first, "last": last}


def _notes(answer: Answer, *, fraud_cases: bool = False) -> tuple[str, ...]:
    notes = [_period_note(answer), *answer.notes]
    if answer.fraud_only or fraud_cases:
        notes.append(_("Fraud cases only: fraudulent documents and impostors together."))
    return tuple(notes)


# -- panels ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PanelSpec:
    key: str
    dims: tuple[str, ...]
    chart: str  # line | bar | stacked | hbar | sankey
    title: Callable[[], str]
    description: Callable[[], str]
    scanned: bool = False
    top: int | None = None
    #: Count fraud cases unless the question chooses results itself.
    fraud_cases: bool = False
    #: A breakdown by a case's details: of the period's last year only. They are published
    #: per year, and a sum over several years is given only when every year's cell is
    #: published — over a decade, hardly any value would show.
    last_year: bool = False


def _specs(question: Question) -> tuple[PanelSpec, ...]:
    # A subject filter (document type, issuing country, …) is published per whole year:
    # the series over time is then by year.
    time = "year" if question.subject_table else "quarter"
    return (
        PanelSpec(
            "over_time", (time, "reported_by"), "line",
            lambda: _("Fraud cases over time by country of interception"),
            lambda: _("Fraudulent documents and impostors met by each reporting country."),
            fraud_cases=True,
        ),
        PanelSpec(
            "results", ("year", "result"), "stacked",
            lambda: _("What secondary inspection found, by year"),
            lambda: _("Genuine documents, fraudulent documents and impostors among the cases."),
        ),
        PanelSpec(
            "scanned", ("year",), "bar",
            lambda: _("Documents scanned, by year"),
            lambda: _("Documents checked at the desks: the base of the fraud rate."),
            scanned=True,
        ),
        PanelSpec(
            "issuing_country", ("issuing_country",), "hbar",
            lambda: _("Issuing countries most often linked to fraud"),
            lambda: _("The country that issued (or is claimed to have issued) the document."),
            top=TOP,
            last_year=True,
        ),
        PanelSpec(
            "document_type", ("document_type",), "hbar",
            lambda: _("Document types"),
            lambda: _("The kind of document presented in fraud cases."),
            last_year=True,
        ),
        PanelSpec(
            "fraud_type", ("fraud_type",), "hbar",
            lambda: _("Fraud types"),
            lambda: _("How the document was falsified, or misused by an impostor."),
            last_year=True,
        ),
        PanelSpec(
            "route", ("route",), "sankey",
            lambda: _("Routes: embarkation, transit and destination"),
            lambda: _("Where travellers in fraud cases started, passed through and were going."),
            last_year=True,
        ),
        PanelSpec(
            "gender", ("gender",), "bar",
            lambda: _("Fraud cases by gender"),
            lambda: _("As recorded by the reporting country."),
            last_year=True,
        ),
        PanelSpec(
            "age_band", ("age_band",), "bar",
            lambda: _("Fraud cases by age band"),
            lambda: _("Age of the traveller when the case was met."),
            last_year=True,
        ),
    )  # fmt: skip


def _grid(answer: Answer, dims: tuple[str, ...]):
    """Rows, columns and counts of a one- or two-dimensional answer. A combination the
    answer leaves out is an empty value of a breakdown: its zero is published."""
    counts: dict[tuple[str, ...], int | None] = {}
    for cell in answer.cells:
        counts[tuple(cell.members[d] for d in dims)] = cell.count
    row_totals: dict[str, int | None] = {}
    col_totals: dict[str, int | None] = {}
    for key, count in counts.items():
        for store, member in ((row_totals, key[0]), (col_totals, key[-1])):
            if member not in store:
                store[member] = 0
            if store[member] is not None:
                store[member] = None if count is None else store[member] + count
    return counts, row_totals, col_totals


def _panel(spec: PanelSpec, question: Question, cube: CaseCube) -> Panel:
    title, description = spec.title(), spec.description()
    asked = dataclasses.replace(question, group_by=spec.dims)
    period = data_period(cube)
    if spec.last_year and period is not None:
        year = (question.last or period[1])[0]
        asked = dataclasses.replace(asked, first=(year, 1), last=(year, 4))
    fraud_cases = spec.fraud_cases and "result" not in question.filters
    if fraud_cases:
        asked = dataclasses.replace(asked, filters={**question.filters, "result": FRAUD_RESULTS})
    try:
        # The panel's own question is checked as one read from a URL would be.
        question_check(asked)
        if spec.scanned:
            answer = scanned_aggregates(question=asked, cube=cube)
        else:
            answer = case_aggregates(question=asked, cube=cube)
    except QuestionError as refused:
        return Panel(spec.key, title, description, spec.dims, row_head="", error=str(refused))
    counts, row_totals, col_totals = _grid(answer, spec.dims)
    row_label = _labeller(spec.dims[0], cube)
    rows_order = _ordered(spec.dims[0], row_totals, row_label)
    if len(spec.dims) > 1:
        col_label = _labeller(spec.dims[1], cube)
        columns = tuple((m, col_label(m)) for m in _ordered(spec.dims[1], col_totals, col_label))
        rows = tuple(
            Row(value, row_label(value), tuple(counts.get((value, m), 0) for m, _l in columns))
            for value in rows_order
        )
    else:
        columns = (("", _("Documents scanned") if spec.scanned else _("Fraud cases")),)
        if not spec.scanned and not answer.fraud_only:
            columns = (("", _("Cases")),)
        rows = tuple(Row(value, row_label(value), (counts[(value,)],)) for value in rows_order)
    panel = Panel(
        key=spec.key, title=title, description=description, dims=spec.dims,
        row_head=dimension_name(spec.dims[0]), columns=columns, rows=rows, total=answer.total,
        notes=_notes(answer, fraud_cases=fraud_cases),
    )  # fmt: skip
    return dataclasses.replace(panel, chart=_chart(spec, panel))


def dimension_name(dim: str) -> str:
    """A dimension's name as a table heading or a filter's label."""
    return {
        "quarter": _("Quarter"),
        "year": _("Year"),
        "reported_by": _("Reporting country"),
        "issuing_country": _("Issuing country"),
        "document_type": _("Document type"),
        "fraud_type": _("Fraud type"),
        "result": _("Result"),
        "border_type": _("Border"),
        "nationality": _("Nationality"),
        "route": _("Route"),
        "crossing_point": _("Crossing point"),
        "gender": _("Gender"),
        "age_band": _("Age band"),
    }.get(dim, dim)


# -- chart data (drawn by charts.js) -------------------------------------------------------
def _chart(spec: PanelSpec, panel: Panel) -> dict:
    if not panel.has_data:
        return {"empty": True}
    if spec.chart == "sankey":
        return _sankey(panel)
    if len(spec.dims) > 1:
        return {
            "type": "line" if spec.chart == "line" else "bar",
            "stacked": spec.chart == "stacked",
            "categories": [row.label for row in panel.rows],
            "series": [
                {"name": label, "data": [row.counts[i] for row in panel.rows]}
                for i, (_m, label) in enumerate(panel.columns)
            ],
        }
    rows = list(panel.rows)
    if spec.top:
        rows = [row for row in rows if row.counts[0]][: spec.top]
    return {
        "type": "bar",
        "horizontal": spec.chart == "hbar",
        "categories": [row.label for row in rows],
        "series": [{"name": panel.columns[0][1], "data": [row.counts[0] for row in rows]}],
    }


def route_stages(route: str) -> list[tuple[str, str]]:
    """A route value (``VNM>KHM>THA``; an empty part is unknown) as its stages:
    (stage, country code or ``""``), embarkation first, destination last."""
    parts = route.split(">")
    if len(parts) < 2:
        return []
    stages = [("embarkation", parts[0])]
    stages += [(f"transit{i}", part) for i, part in enumerate(parts[1:-1], start=1)]
    stages.append(("destination", parts[-1]))
    return stages


def _node_name(stage: str, code: str) -> str:
    country = code or _("unknown")
    if stage == "embarkation":
        return _("From %(country)s") % {"country": country}
    if stage == "destination":
        return _("To %(country)s") % {"country": country}
    position = int(stage.removeprefix("transit"))
    name = _("Via %(country)s") % {"country": country}
    # A node per transit position keeps the flow acyclic (A>B>C and A>C>B both exist).
    return name if position == 1 else f"{name} ({position})"


def _sankey(panel: Panel) -> dict:
    links: dict[tuple[str, str], int] = {}
    order: list[str] = []
    for row in panel.rows:
        count = row.counts[0]
        if not count or row.value == UNKNOWN:
            continue
        names = [_node_name(stage, code) for stage, code in route_stages(row.value)]
        for name in names:
            if name not in order:
                order.append(name)
        for source, target in itertools.pairwise(names):
            links[(source, target)] = links.get((source, target), 0) + count
    if not links:
        return {"empty": True}
    return {
        "type": "sankey",
        "nodes": [{"name": name} for name in order],
        "links": [{"source": s, "target": t, "value": v} for (s, t), v in links.items()],
    }


# -- the screen --------------------------------------------------------------------------
def dashboard_screen(*, question: Question) -> Screen:
    """Everything the page shows for ``question`` (its ``group_by`` is ignored: each panel
    asks its own), from one state of the protected tables."""
    cube = cube_current()
    tiles: tuple[TileView, ...] = ()
    error = ""
    try:
        tiles = tuple(_tile_view(tile) for tile in quarter_tiles(question=question, cube=cube))
    except QuestionError as refused:
        error = str(refused)
    note = ""
    if set(question.filters) - TILE_FILTERS:
        note = _(
            "The quarter's totals take only the reporting country and the country group into "
            "account, not the other filters."
        )
    return Screen(
        question=question,
        tiles=tiles,
        tiles_quarter=tiles[0].quarter if tiles else "",
        tiles_error=error,
        tiles_note=note,
        panels=tuple(_panel(spec, question, cube) for spec in _specs(question)),
    )


#: The CSV export's member columns: every dimension a panel can show, then the tiles'.
CSV_DIMENSIONS: tuple[str, ...] = (*DIMENSIONS, "figure")


def screen_csv_rows(screen: Screen) -> Iterable[list[str]]:
    """The screen as CSV rows: a header, then one row per table cell (``table``, its
    members, ``count`` — empty when hidden — and ``suppressed``)."""
    used = [
        dim
        for dim in CSV_DIMENSIONS
        if dim in ("quarter", "figure") or any(dim in p.dims for p in screen.panels)
    ]
    yield ["table", *used, "count", "suppressed"]

    def line(table: str, members: Mapping[str, str], count: int | None) -> list[str]:
        return [
            table,
            *(members.get(dim, "") for dim in used),
            "" if count is None else str(count),
            "true" if count is None else "false",
        ]

    for tile in screen.tiles:
        yield line("tiles", {"quarter": tile.quarter, "figure": tile.key}, tile.count)
        yield line("tiles", {"quarter": tile.previous_quarter, "figure": tile.key}, tile.previous)
    for panel in screen.panels:
        for members, count in panel.records():
            yield line(panel.key, members, count)


# -- the filter form ---------------------------------------------------------------------
#: Filters that accept "not given" as a value (the others' blanks cannot be asked for).
UNKNOWN_FILTERS = frozenset({"nationality", "route", "gender", "age_band"})


def filter_options(dim: str) -> list[tuple[str, str]]:
    """(value, label) choices of a filter: the values found in the data where the data
    say (countries, routes, crossing points), else the vocabulary's."""
    labels = dimension_labels(dim)
    cube = cube_current()
    if dim == "reported_by":
        values = {code for year in cube.years.values() for code in year.unit_of}
    elif dim in ("issuing_country", "nationality", "route"):
        values = set(cube.vocabulary.get(SUBJECT_TABLE[dim], ())) or set(labels)
    else:
        values = set(labels)
    if dim not in UNKNOWN_FILTERS:
        values.discard(UNKNOWN)
    if dim in NATURAL_ORDER:
        order = NATURAL_ORDER[dim]
        ordered = sorted(values, key=lambda v: (order.index(v) if v in order else len(order), v))
    else:
        ordered = sorted(values, key=lambda v: (v == UNKNOWN, labels.get(v, v).casefold()))
    return [(value, labels.get(value, value)) for value in ordered]


def period_options() -> list[str]:
    """Every quarter with data, as the period selects offer them (oldest first)."""
    from .answers import data_period

    period = data_period()
    if period is None:
        return []
    (first_year, _q), (last_year, _q2) = period
    return [
        quarter_label((year, number))
        for year in range(first_year, last_year + 1)
        for number in range(1, 5)
        if period[0] <= (year, number) <= period[1]
    ]
