"""Disclosure control, rule by rule: primary, contributor, secondary, fixed cells, the audit."""

from __future__ import annotations

import random

import pytest

from portal.dashboards.disclosure import (
    TOTAL,
    Dimension,
    DisclosureError,
    Protected,
    Table,
    audit,
    audit_linked,
    protect,
)
from portal.dashboards.disclosure.tables import CellValues, Cube


def grid(rows: dict[str, list[int]], cols: tuple[str, ...], **row_groups: frozenset) -> Table:
    """A 2-D table: ``rows`` maps a row name to its counts in ``cols`` order."""
    return Table(
        dims=(Dimension("row", tuple(rows), row_groups), Dimension("col", cols)),
        counts={(r, c): n for r, counts in rows.items() for c, n in zip(cols, counts, strict=True)},
    )


def never_small(protected: Protected) -> None:
    for key in protected.values:
        assert protected.published(key) not in {1, 2, 3, 4}, key


def test_primary_rule_applies_at_every_level() -> None:
    table = grid(
        {"a": [2, 10, 9], "b": [1, 2, 0], "c": [8, 7, 6]},
        ("x", "y", "z"),
        ab=frozenset({"a", "b"}),
    )
    protected = protect(table)
    # a leaf, a row margin (b: 1 + 2 = 3) and a group cell (ab at z: 9 + 0 = 9 is safe)
    assert {("a", "x"), ("b", "x"), ("b", "y"), ("b", TOTAL)} <= protected.primary
    assert ("ab", "z") not in protected.primary
    assert protected.values[("b", TOTAL)] == 3
    never_small(protected)
    assert audit(protected) == []


def test_margins_add_up_at_every_level() -> None:
    table = grid(
        {"a": [2, 10, 9], "b": [1, 2, 0], "c": [8, 7, 6]},
        ("x", "y", "z"),
        ab=frozenset({"a", "b"}),
    )
    values = protect(table).values
    assert values[("a", TOTAL)] == 21
    assert values[(TOTAL, "y")] == 19
    assert values[("ab", "x")] == 3
    assert values[("ab", TOTAL)] == 24
    assert values[(TOTAL, TOTAL)] == 45
    assert ("b", "z") not in values  # zero cells are absent
    assert len(values) == len(list(values))


def test_contributor_rule_catches_a_group_dominated_by_one_country() -> None:
    reporting = Dimension(
        "reported_by", ("THA", "VNM", "LAO"), {"mekong": frozenset({"THA", "VNM", "LAO"})}
    )
    result = Dimension("result", ("genuine", "impostor"))
    counts = {
        ("THA", "genuine"): 6,
        ("VNM", "genuine"): 1,
        ("THA", "impostor"): 9,
        ("LAO", "impostor"): 8,
    }
    with_rule = protect(Table((reporting, result), counts, contributor_dim="reported_by"))
    without_rule = protect(Table((reporting, result), counts))
    # 7 = THA 6 + VNM 1: Thailand subtracts its own 6 and learns Vietnam's 1.
    assert ("mekong", "genuine") in with_rule.primary
    assert ("mekong", "genuine") not in without_rule.primary
    # 17 = THA 9 + LAO 8: each remainder is 8 or 9, safe.
    assert ("mekong", "impostor") not in with_rule.primary
    assert with_rule.published(("mekong", "genuine")) is None
    assert audit(with_rule) == []
    assert audit_linked([with_rule], with_rule.table) == []


def test_one_small_cell_gets_complements_in_its_row_and_column() -> None:
    table = grid({"a": [3, 10, 12], "b": [9, 11, 8], "c": [7, 6, 14]}, ("x", "y", "z"))
    protected = protect(table)
    hidden = protected.suppressed
    assert ("a", "x") in hidden
    assert len({k for k in hidden if k[0] == "a" and k[1] != TOTAL}) >= 2
    assert len({k for k in hidden if k[1] == "x" and k[0] != TOTAL}) >= 2
    assert protected.published(("a", TOTAL)) == 25  # margins stay published
    assert audit(protected) == []


def test_two_small_cells_summing_below_threshold_get_a_third() -> None:
    table = Table(
        (Dimension("result", ("a", "b", "c", "d")),), {("a",): 1, ("b",): 2, ("c",): 10, ("d",): 11}
    )
    protected = protect(table)
    leaves = {k for k in protected.suppressed if k != (TOTAL,)}
    # a + b = 3 is what the total minus c and d gives: a third cell must join them
    assert {("a",), ("b",)} < leaves
    assert protected.published((TOTAL,)) == 24
    assert audit(protected) == []


def test_fixed_cells_are_honoured() -> None:
    table = grid({"a": [3, 10, 12], "b": [9, 11, 8], "c": [7, 6, 14]}, ("x", "y", "z"))
    free = protect(table)
    # Force the complement the free run chose to stay published, and hide a big cell.
    chosen = sorted(k for k in free.suppressed - free.primary if TOTAL not in k)[0]
    fixed = {chosen: False, ("c", "z"): True}
    protected = protect(table, fixed=fixed)
    assert chosen not in protected.suppressed
    assert ("c", "z") in protected.suppressed
    assert ("a", "x") in protected.suppressed
    assert audit(protected) == []


def test_a_fixed_published_primary_cell_is_an_error() -> None:
    table = grid({"a": [3, 10, 12], "b": [9, 11, 8]}, ("x", "y", "z"))
    with pytest.raises(DisclosureError, match=r"\('a', 'x'\)"):
        protect(table, fixed={("a", "x"): False})


def test_fixed_cells_leaving_no_complement_are_an_error() -> None:
    table = Table((Dimension("result", ("a", "b", "c")),), {("a",): 1, ("b",): 10, ("c",): 10})
    fixed = {("b",): False, ("c",): False, (TOTAL,): False}
    with pytest.raises(DisclosureError, match="fixed-published"):
        protect(table, fixed=fixed)


def test_protection_is_deterministic_whatever_the_insertion_order() -> None:
    rows = {r: [random.Random(i).choice([0, 1, 2, 6, 9]) for i in range(5)] for r in "abcdef"}
    rows = {
        r: [(n * (j + 3) + len(r) * k) % 11 for k, n in enumerate(v)]
        for j, (r, v) in enumerate(rows.items())
    }
    cols = ("p", "q", "r", "s", "t")
    base = grid(rows, cols, ace=frozenset("ace"), ab=frozenset("ab"))
    first = protect(base)
    items = list(base.counts.items())
    random.Random(7).shuffle(items)
    shuffled = Table(
        dims=(
            Dimension("row", tuple(rows), {"ab": frozenset("ba"), "ace": frozenset("eca")}),
            Dimension("col", cols),
        ),
        counts=dict(items),
    )
    assert protect(base).suppressed == first.suppressed
    assert protect(shuffled).suppressed == first.suppressed
    assert protect(shuffled).primary == first.primary


def test_published_answers_none_zero_or_refuses_unknown_members() -> None:
    table = grid({"a": [3, 10, 0], "b": [9, 11, 8]}, ("x", "y", "z"))
    protected = protect(table)
    assert protected.published(("a", "x")) is None
    assert protected.published(("a", "z")) == 0
    assert protected.published(("b", "z")) == 8
    with pytest.raises(KeyError):
        protected.published(("nowhere", "x"))


BRIDGE_ROWS = {
    "r1": [6, 7, 3, 8],
    "r2": [5, 9, 6, 7],
    "r3": [8, 6, 7, 5],
    "r4": [9, 8, 6, 7],
}
COLS = ("c1", "c2", "c3", "c4")
# Two 2x2 rectangles joined by the small cell r1 x c3: every row and column holding a suppressed
# cell holds two or more, so local rules are satisfied, yet r1c3 = R1 - (C1 + C2 - R2) - published.
BRIDGE = {
    ("r1", "c1"),
    ("r1", "c2"),
    ("r2", "c1"),
    ("r2", "c2"),
    ("r3", "c3"),
    ("r3", "c4"),
    ("r4", "c3"),
    ("r4", "c4"),
    ("r1", "c3"),
}


def test_audit_finds_the_bridge_cell_local_rules_miss() -> None:
    table = grid(BRIDGE_ROWS, COLS)
    for line in range(2):
        for name in BRIDGE_ROWS if line == 0 else COLS:
            held = [k for k in BRIDGE if k[line] == name]
            assert len(held) != 1  # the local rules hold
    local_only = Protected(
        table=table,
        values=CellValues(Cube(table)),
        suppressed=frozenset(BRIDGE),
        primary=frozenset({("r1", "c3")}),
    )
    findings = audit(local_only)
    assert [(f.cell, f.low, f.high) for f in findings] == [(("r1", "c3"), 3, 3)]
    assert [(f.cell, f.low, f.high) for f in audit_linked([local_only], table)] == [
        (("r1", "c3"), 3, 3)
    ]


def test_protect_repairs_the_bridge() -> None:
    table = grid(BRIDGE_ROWS, COLS)
    protected = protect(table, fixed=dict.fromkeys(BRIDGE, True))
    assert protected.suppressed > BRIDGE
    assert audit(protected) == []
    assert audit_linked([protected], table) == []
