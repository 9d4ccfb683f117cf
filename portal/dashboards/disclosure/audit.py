"""The audit: what can anyone deduce about a suppressed cell from what is published?

Everything published is a set of linear equations (each published cell equals the sum of its
leaf cells) over non-negative unknowns. For each primary cell the audit computes, by linear
programming (HiGHS through ``scipy.optimize.linprog``), the smallest and largest value the cell
can take in any solution. The cell is protected when that interval reaches its protection
interval (see :mod:`.primary`): ``low <= required_low`` (0 for a small cell: it could be empty)
and ``high >= required_high`` (``threshold`` for a small cell).

Two formulations, equivalent and both used:

* **Per component** (:func:`audit`, and the repair step of :func:`.protect`): unknowns are the
  suppressed cells, equations the relations holding them (parent = sum of children along one
  dimension; published cells are constants). A cell that satisfies every one-dimension relation
  equals the sum of its leaves, so this is the same feasible set as the leaf formulation, and it
  splits into independent connected components of suppressed cells.
* **Over leaf unknowns** (:func:`audit_linked`): unknowns are the leaf cells of a *joint* table
  (every combination, zero ones included), one equation per published cell of every table
  released. This is the attacker's view across linked tables; it also serves the tests as an
  independent check of the per-component audit.

Most primary cells are proven protected by a *witness*: one solution where the cell is low
enough (minimise the sum of the unresolved cells) or high enough (maximise their sum, each
capped at its required high — the true values satisfy the caps, so the LP stays feasible and
bounded). Only cells no witness covers get their own LP. Bounds are over the reals, which can
only widen them compared with integer solutions (see docs for why that is acceptable).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import product

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .primary import Requirement, primary_requirements
from .tables import TOTAL, CellKey, Cube, DisclosureError, Finding, Table

TOLERANCE = 1e-6


def _solve(cost: np.ndarray, a_eq, b_eq, *, a_ub=None, b_ub=None):
    result = linprog(
        cost,
        A_eq=a_eq if a_eq is not None and a_eq.shape[0] else None,
        b_eq=b_eq if a_eq is not None and a_eq.shape[0] else None,
        A_ub=a_ub,
        b_ub=b_ub,
        bounds=(0, None),
        method="highs",
    )
    return result


def _extreme(target, a_eq, b_eq, *, maximise: bool) -> float:
    cost = np.asarray(target.todense()).ravel()
    result = _solve(-cost if maximise else cost, a_eq, b_eq)
    if result.status == 3:  # unbounded: only possible when maximising
        return float("inf")
    if result.status != 0:
        raise DisclosureError(f"The audit LP failed: {result.message}")
    return float(-result.fun if maximise else result.fun)


def failing_targets(
    *,
    a_eq,
    b_eq: np.ndarray,
    targets,
    required_low: np.ndarray,
    required_high: np.ndarray,
    exact: bool = True,
) -> list[tuple[int, float, float]]:
    """Targets (rows of a sparse matrix over the unknowns) whose range misses their interval.

    :param exact: with ``False`` (the repair loop), targets no witness covers are reported
        as failing without solving their own LPs, and bounds are ``nan``: conservative (it may
        suppress a little more) and fast on large components.
    :returns: ``(row, low, high)`` for each failing target, with its exact bounds.
    """
    targets = sparse.csr_matrix(targets)
    count = targets.shape[0]
    failing: set[int] = set()
    for maximise in (False, True):
        unresolved = list(range(count))
        while unresolved:
            rows = targets[unresolved]
            if maximise:
                caps = required_high[unresolved].astype(float)
                result = _solve(
                    -np.asarray(rows.sum(axis=0)).ravel(), a_eq, b_eq, a_ub=rows, b_ub=caps
                )
            else:
                result = _solve(np.asarray(rows.sum(axis=0)).ravel(), a_eq, b_eq)
            if result.status != 0:
                raise DisclosureError(f"The audit LP failed: {result.message}")
            reached = rows @ result.x
            if maximise:
                ok = reached >= required_high[unresolved] - TOLERANCE
            else:
                ok = reached <= required_low[unresolved] + TOLERANCE
            if ok.any():
                unresolved = [i for i, good in zip(unresolved, ok, strict=True) if not good]
                continue
            if not exact:
                failing.update(unresolved)
                break
            # No witness for any of them at once: settle the first on its own.
            first = unresolved.pop(0)
            bound = _extreme(targets[first], a_eq, b_eq, maximise=maximise)
            if maximise and bound < required_high[first] - TOLERANCE:
                failing.add(first)
            if not maximise and bound > required_low[first] + TOLERANCE:
                failing.add(first)
    if not exact:
        return [(row, float("nan"), float("nan")) for row in sorted(failing)]
    return [
        (
            row,
            round(_extreme(targets[row], a_eq, b_eq, maximise=False), 6),
            round(_extreme(targets[row], a_eq, b_eq, maximise=True), 6),
        )
        for row in sorted(failing)
    ]


# -- per component ------------------------------------------------------------------------
def suppressed_components(*, cube: Cube, suppressed: set[int]) -> list[tuple[list[int], list[int]]]:
    """Connected components of suppressed cells: ``(cells, relations holding two or more)``.

    Two suppressed cells are linked when they sit in one relation. Components come out in a
    deterministic order (by their smallest cell code).
    """
    parent: dict[int, int] = {c: c for c in suppressed}

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    relations: set[int] = set()
    for cell in suppressed:
        relations.update(cube.index.relations_of(cell))
    holding: list[tuple[int, list[int]]] = []
    for relation in sorted(relations):
        top, kids = cube.index.relation_cells(relation, cube.value)
        members = [c for c in (top, *kids) if c in suppressed]
        if len(members) < 2:
            continue
        holding.append((relation, members))
        root = find(members[0])
        for other in members[1:]:
            r = find(other)
            if r != root:
                parent[max(r, root)] = min(r, root)
                root = min(r, root)
    groups: dict[int, list[int]] = {}
    for cell in sorted(suppressed):
        groups.setdefault(find(cell), []).append(cell)
    by_root: dict[int, list[int]] = {}
    for relation, members in holding:
        by_root.setdefault(find(members[0]), []).append(relation)
    return [(cells, by_root.get(root, [])) for root, cells in sorted(groups.items())]


def component_failures(
    *,
    cube: Cube,
    cells: Sequence[int],
    relations: Sequence[int],
    suppressed: set[int],
    requirements: Mapping[int, Requirement],
    exact: bool = True,
) -> list[tuple[int, float, float]]:
    """Primary cells of one component that are not protected: ``(code, low, high)``.

    With ``exact=False`` the list may include protected cells no witness covered (bounds
    ``nan``); see :func:`failing_targets`.
    """
    primaries = [c for c in cells if c in requirements]
    if not primaries:
        return []
    value = cube.value
    req_low = np.asarray([requirements[c][0] for c in primaries], dtype=float)
    req_high = np.asarray([requirements[c][1] for c in primaries], dtype=float)
    if len(relations) == 1:
        top, kids = cube.index.relation_cells(relations[0], value)
        if top not in suppressed:
            # One relation with a published parent: each cell ranges over [0, sum suppressed].
            hidden = sum(value[c] for c in kids if c in suppressed)
            return [
                (c, 0.0, float(hidden))
                for c, hi in zip(primaries, req_high, strict=True)
                if hidden < hi - TOLERANCE
            ]
    a_eq, rhs, column = component_system(
        cube=cube, cells=cells, relations=relations, suppressed=suppressed
    )
    targets = sparse.csr_matrix(
        (np.ones(len(primaries)), (np.arange(len(primaries)), [column[c] for c in primaries])),
        shape=(len(primaries), len(cells)),
    )
    return [
        (primaries[row], low, high)
        for row, low, high in failing_targets(
            a_eq=a_eq,
            b_eq=rhs,
            targets=targets,
            required_low=req_low,
            required_high=req_high,
            exact=exact,
        )
    ]


def component_system(
    *, cube: Cube, cells: Sequence[int], relations: Sequence[int], suppressed: set[int]
):
    """The equations of one component: ``(A_eq, b_eq, column of each cell)``."""
    value = cube.value
    column = {c: j for j, c in enumerate(cells)}
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    rhs: list[float] = []
    for i, relation in enumerate(relations):
        top, kids = cube.index.relation_cells(relation, value)
        constant = 0.0
        if top in suppressed:
            rows.append(i)
            cols.append(column[top])
            data.append(1.0)
        else:
            constant -= value[top]
        for kid in kids:
            if kid in suppressed:
                rows.append(i)
                cols.append(column[kid])
                data.append(-1.0)
            else:
                constant += value[kid]
        rhs.append(constant)
    a_eq = sparse.csr_matrix((data, (rows, cols)), shape=(len(relations), len(cells)))
    return a_eq, np.asarray(rhs), column


def binding_relations(
    *,
    cube: Cube,
    cells: Sequence[int],
    relations: Sequence[int],
    suppressed: set[int],
    code: int,
    requirement: Requirement,
) -> tuple[bool, list[int]]:
    """Whether a cell is exposed, and the relations pinning its bound (non-zero LP duals).

    Suppressing a published cell of one of them is what widens the range; a cell elsewhere
    (the cheapest one next to the failing cell) may change nothing.
    """
    a_eq, rhs, column = component_system(
        cube=cube, cells=cells, relations=relations, suppressed=suppressed
    )
    cost = np.zeros(len(cells))
    cost[column[code]] = 1.0
    found: list[int] = []
    exposed = False
    for sign, failing in (
        (1.0, lambda v: v > requirement[0] + TOLERANCE),
        (-1.0, lambda v: v < requirement[1] - TOLERANCE),
    ):
        result = _solve(sign * cost, a_eq, rhs)
        if result.status != 0 or not failing(sign * result.fun):
            continue
        exposed = True
        marginals = np.abs(result.eqlin.marginals)
        found.extend(
            relations[i] for i in np.argsort(-marginals, kind="stable") if marginals[i] > TOLERANCE
        )
    return exposed, found


def audit(protected, *, threshold: int = 5) -> list[Finding]:
    """Primary cells of a protected table whose LP range misses their protection interval.

    A primary cell that is published gets a finding with ``low == high == its count``.
    """
    cube = Cube(protected.table)
    index = cube.index
    requirements = primary_requirements(cube=cube, threshold=threshold)
    suppressed = {index.encode(key) for key in protected.suppressed}
    suppressed = {c for c in suppressed if c in cube.value}
    primary = {index.encode(key) for key in protected.primary}
    # Cells the audit's threshold does not catch keep the plain interval.
    needs = {c: requirements.get(c, (0, threshold)) for c in primary if c in cube.value}
    findings: list[Finding] = []
    for code in sorted(needs):
        if code not in suppressed:
            count = cube.value[code]
            findings.append(Finding(index.decode(code), count, count, *needs[code]))
    for cells, relations in suppressed_components(cube=cube, suppressed=suppressed):
        for code, low, high in component_failures(
            cube=cube, cells=cells, relations=relations, suppressed=suppressed, requirements=needs
        ):
            findings.append(Finding(index.decode(code), low, high, *needs[code]))
    return sorted(findings, key=lambda f: index.encode(f.cell))


# -- over leaf unknowns (linked tables) ---------------------------------------------------
def audit_linked(
    tables: Sequence, joint: Table, *, threshold: int = 5, max_unknowns: int = 200_000
) -> list[Finding]:
    """Audit several protected tables released together against their joint table.

    Each protected table's dimensions must be dimensions of ``joint`` (same leaves and
    groups); a dimension a table lacks counts as TOTAL. The unknowns are every leaf
    combination of ``joint`` (zero ones too: nobody is told they are zero), and every published
    cell of every table — including zeros — is an equation. A finding's ``table`` is the
    position of the table holding the primary cell.
    """
    joint_dims = {dim.name: dim for dim in joint.dims}
    sizes = [len(dim.leaves) for dim in joint.dims]
    unknowns = int(np.prod(sizes))
    if unknowns > max_unknowns:
        raise DisclosureError(
            f"The joint table has {unknowns} leaf cells; audit_linked is for small ones."
        )
    grid = np.indices(sizes).reshape(len(sizes), -1).T  # one row per joint leaf
    eq_rows: list[np.ndarray] = []
    eq_rhs: list[int] = []
    targets: list[np.ndarray] = []
    req_low: list[int] = []
    req_high: list[int] = []
    owners: list[tuple[int, tuple[str, ...]]] = []
    for position, protected in enumerate(tables):
        table = protected.table
        for dim in table.dims:
            other = joint_dims.get(dim.name)
            if (
                other is None
                or other.leaves != dim.leaves
                or dict(other.groups) != dict(dim.groups)
            ):
                raise DisclosureError(f"Dimension {dim.name!r} differs from the joint table's.")
        cube = Cube(table)
        requirements = primary_requirements(cube=cube, threshold=threshold)
        suppressed = set(protected.suppressed)
        primary = set(protected.primary)
        columns = [list(joint_dims).index(dim.name) for dim in table.dims]
        member_sets = [_member_leaves(dim) for dim in table.dims]
        for key in product(*[list(m) for m in member_sets]):
            mask = np.ones(unknowns, dtype=bool)
            for column, members, member in zip(columns, member_sets, key, strict=True):
                if member != TOTAL:
                    mask &= np.isin(grid[:, column], members[member])
            if key in primary:
                code = cube.index.encode(key)
                targets.append(mask)
                low, high = requirements.get(code, (0, threshold))
                req_low.append(low)
                req_high.append(high)
                owners.append((position, key))
            if key not in suppressed:
                eq_rows.append(mask)
                eq_rhs.append(cube.value.get(cube.index.encode(key), 0))
    if not targets:
        return []
    a_eq = sparse.csr_matrix(np.asarray(eq_rows, dtype=float)) if eq_rows else None
    failing = failing_targets(
        a_eq=a_eq,
        b_eq=np.asarray(eq_rhs, dtype=float),
        targets=sparse.csr_matrix(np.asarray(targets, dtype=float)),
        required_low=np.asarray(req_low, dtype=float),
        required_high=np.asarray(req_high, dtype=float),
    )
    return [
        Finding(owners[row][1], low, high, req_low[row], req_high[row], table=owners[row][0])
        for row, low, high in failing
    ]


def _member_leaves(dim) -> dict[str, list[int]]:
    """Each member of a dimension (leaves, groups, TOTAL) -> positions of its leaves."""
    leaves = list(dim.leaves)
    members: dict[str, list[int]] = {leaf: [i] for i, leaf in enumerate(leaves)}
    for name in sorted(dim.groups):
        members[name] = sorted(leaves.index(leaf) for leaf in dim.groups[name])
    members[TOTAL] = list(range(len(leaves)))
    return members


def sums_of_published(protected, combinations: Iterable[Iterable]) -> list[int]:
    """Answers built the way the dashboards answer: sums of published cells only.

    Raises if a combination touches a suppressed cell (such an answer is itself suppressed).
    """
    answers = []
    for keys in combinations:
        total = 0
        for key in keys:
            value = protected.published(tuple(key))
            if value is None:
                raise DisclosureError(f"Cell {key!r} is suppressed; the answer would be too.")
            total += value
        answers.append(total)
    return answers


# -- tables sharing cells -----------------------------------------------------------------
Link = tuple[tuple[int, CellKey], tuple[int, CellKey]]


def audit_shared(tables: Sequence, links: Sequence[Link], *, threshold: int = 5) -> list[Finding]:
    """Audit tables released together that share some cells.

    Each link names one cell in two tables that counts the same cases (a subject table's
    row total that is a margin of another table). The unknowns are every table's hidden
    cells; the equations every relation holding one, plus one per link (the two cells are
    equal — or the hidden one equals the published one). A primary cell of any table is
    protected when its range over this joint system reaches its interval. A finding's
    ``table`` is the position of the table holding the cell.
    """
    blocks = []
    rhs_parts: list[np.ndarray] = []
    columns: list[dict[int, int]] = []
    cubes: list[Cube] = []
    needs: list[dict] = []
    offset = 0
    targets: list[tuple[int, int]] = []  # (table, code)
    for position, protected in enumerate(tables):
        cube = Cube(protected.table)
        cubes.append(cube)
        suppressed = {cube.index.encode(k) for k in protected.suppressed} & set(cube.value)
        cells = sorted(suppressed)
        relations = sorted({r for c in cells for r in cube.index.relations_of(c)})
        a_eq, rhs, column = component_system(
            cube=cube, cells=cells, relations=relations, suppressed=suppressed
        )
        blocks.append(a_eq)
        rhs_parts.append(rhs)
        columns.append({code: offset + j for code, j in column.items()})
        offset += len(cells)
        requirements = primary_requirements(cube=cube, threshold=threshold)
        needs.append(requirements)
        primary = {cube.index.encode(k) for k in protected.primary}
        targets.extend((position, c) for c in cells if c in primary or c in requirements)
    link_rows: list[tuple[list[int], list[float], float]] = []
    for (i, key_i), (j, key_j) in links:
        code_i, code_j = cubes[i].index.encode(key_i), cubes[j].index.encode(key_j)
        col_i, col_j = columns[i].get(code_i), columns[j].get(code_j)
        if col_i is not None and col_j is not None:
            link_rows.append(([col_i, col_j], [1.0, -1.0], 0.0))
        elif col_i is not None:
            link_rows.append(([col_i], [1.0], float(cubes[j].value.get(code_j, 0))))
        elif col_j is not None:
            link_rows.append(([col_j], [1.0], float(cubes[i].value.get(code_i, 0))))
    if not targets:
        return []
    a_eq = sparse.block_diag(blocks, format="csr") if blocks else None
    rhs = np.concatenate(rhs_parts) if rhs_parts else np.zeros(0)
    if link_rows:
        extra = sparse.csr_matrix(
            (
                [v for _c, values, _r in link_rows for v in values],
                (
                    [k for k, (cols, _v, _r) in enumerate(link_rows) for _ in cols],
                    [c for cols, _v, _r in link_rows for c in cols],
                ),
            ),
            shape=(len(link_rows), offset),
        )
        a_eq = sparse.vstack([a_eq, extra], format="csr")
        rhs = np.concatenate([rhs, [r for _c, _v, r in link_rows]])
    requirement = [needs[position].get(code, (0, threshold)) for position, code in targets]
    target_matrix = sparse.csr_matrix(
        (
            np.ones(len(targets)),
            (np.arange(len(targets)), [columns[p][c] for p, c in targets]),
        ),
        shape=(len(targets), offset),
    )
    failing = failing_targets(
        a_eq=a_eq,
        b_eq=rhs,
        targets=target_matrix,
        required_low=np.asarray([r[0] for r in requirement], dtype=float),
        required_high=np.asarray([r[1] for r in requirement], dtype=float),
    )
    return [
        Finding(
            cubes[targets[row][0]].index.decode(targets[row][1]),
            low,
            high,
            *requirement[row],
            table=targets[row][0],
        )
        for row, low, high in failing
    ]
