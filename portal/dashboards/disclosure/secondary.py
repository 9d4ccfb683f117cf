"""Secondary suppression and the audit-and-repair loop: :func:`protect`.

Suppressing only the primary cells is not enough: a margin minus the published cells of its
row gives the hidden one back. Secondary suppression hides more cells until every primary
cell's possible range, given everything published, covers its protection interval.

1. **Local rules** (fast, one relation at a time). For every relation (a parent cell that is a
   group or TOTAL on one dimension, and its children on that dimension) holding suppressed
   cells: at least two of its cells are suppressed, and when the parent is published, the
   suppressed children add up to at least the largest ``required_high`` among the primary ones
   (otherwise their sum, which anyone can compute, would cap them too low). While a relation
   breaks a rule, the cheapest candidate is suppressed: a non-zero cell of the relation that is
   not fixed-published, preferring cells of lower level (children before the parent), then the
   smallest count, then the cell code (deterministic). Only relations touching a newly
   suppressed cell are checked again.
2. **Audit and repair.** Local rules cannot see equations that combine relations (the classic
   case: two 2x2 suppression rectangles joined by one cell, where every row and column holds
   two suppressed cells yet the joining cell follows from the margins). The suppressed cells are
   split into connected components and each component's primary cells are bounded by LP (see
   :mod:`.audit`). For each failing cell the cheapest candidate in one of its relations is
   suppressed, the local rules run again from there, and the components that changed are
   audited again, until none fails.

Deterministic throughout: the same table (whatever the order its dicts were filled in) gives
the same pattern, so two builds of the same data can never be subtracted from each other.
Fixed cells (for linked tables) are honoured: fixed-suppressed cells start suppressed, and a
fixed-published cell is never suppressed — if protection needs one, :class:`DisclosureError`
names it (the caller's fixed cells were inconsistent).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

from .audit import binding_relations, component_failures, suppressed_components
from .primary import Requirement, primary_requirements
from .tables import TOTAL, CellKey, CellValues, Cube, DisclosureError, Protected, Table

# Flagged cells per repair round that get their exact LPs (duals pick the cell to suppress);
# the rest get the cheapest cell next to them. Bounds the LP count on large components.
EXACT_PER_ROUND = 8


class _Suppression:
    """The state of one protection run over a cube (cells as codes)."""

    def __init__(self, cube: Cube, *, threshold: int, fixed: Mapping[CellKey, bool]) -> None:
        self.cube = cube
        self.index = cube.index
        self.value = cube.value
        self.threshold = threshold
        self.requirements: dict[int, Requirement] = primary_requirements(
            cube=cube, threshold=threshold
        )
        self.fixed_published: set[int] = set()
        self.suppressed: set[int] = set(self.requirements)
        for key, hide in fixed.items():
            try:
                code = self.index.encode(tuple(key))
            except KeyError:
                raise DisclosureError(f"Fixed cell {key!r} is not a cell of this table.") from None
            if hide:
                if code not in self.value:
                    raise DisclosureError(
                        f"Fixed-suppressed cell {key!r} has count 0 in this table."
                    )
                self.suppressed.add(code)
            else:
                if code in self.requirements:
                    raise DisclosureError(
                        f"Fixed-published cell {key!r} is a primary cell here (count "
                        f"{self.value[code]}); the fixed cells are inconsistent with this table."
                    )
                self.fixed_published.add(code)
        # Which original fixed-published cells each (possibly implied) one stands for.
        self.origin: dict[int, frozenset[int]] = {c: frozenset({c}) for c in self.fixed_published}
        self._relation_cache: dict[int, tuple[int, list[int]]] = {}
        self._pin_implied()

    def _pin_implied(self) -> None:
        """Treat cells the fixed-published ones determine as fixed-published too.

        In a relation whose other cells are all fixed-published (say a subject table's only
        non-zero cell under a published base cell), the last cell is known anyway: suppressing it
        would hide nothing and break the relation, so it is never a candidate.
        """
        pending = deque(sorted(self.fixed_published))
        while pending:
            code = pending.popleft()
            if code not in self.value:
                continue
            for relation in self.index.relations_of(code):
                top, kids = self.relation(relation)
                open_cells = [c for c in (top, *kids) if c not in self.fixed_published]
                if len(open_cells) != 1:
                    continue
                implied = open_cells[0]
                causes = self._causes([c for c in (top, *kids) if c != implied])
                if implied in self.suppressed:
                    raise DisclosureError(
                        f"Cell {self.index.decode(implied)!r} (count {self.value[implied]}) "
                        "must be suppressed but the fixed-published cells determine it; "
                        "the fixed cells are inconsistent with this table.",
                        fixed_cells=causes,
                    )
                self.fixed_published.add(implied)
                self.origin[implied] = frozenset(self.index.encode(k) for k in causes)
                pending.append(implied)

    def order(self, code: int) -> tuple[int, int, int]:
        return (self.index.level(code), self.value[code], code)

    def relation(self, relation: int) -> tuple[int, list[int]]:
        cells = self._relation_cache.get(relation)
        if cells is None:
            cells = self._relation_cache[relation] = self.index.relation_cells(relation, self.value)
        return cells

    def candidates(self, relation: int) -> list[int]:
        top, kids = self.relation(relation)
        return [
            c for c in (*kids, top) if c not in self.suppressed and c not in self.fixed_published
        ]

    def breach(self, relation: int) -> bool:
        """Whether a relation breaks a local rule."""
        top, kids = self.relation(relation)
        hidden_kids = [c for c in kids if c in self.suppressed]
        hidden = len(hidden_kids) + (top in self.suppressed)
        if hidden == 0:
            return False
        if hidden == 1:
            return True
        if top in self.suppressed:
            return False
        need = max(
            (self.requirements[c][1] for c in hidden_kids if c in self.requirements), default=0
        )
        return sum(self.value[c] for c in hidden_kids) < need

    def suppress(self, code: int, queue: deque[int], queued: set[int]) -> None:
        self.suppressed.add(code)
        for relation in self.index.relations_of(code):
            if relation not in queued:
                queued.add(relation)
                queue.append(relation)

    def local_rules(self, start: list[int]) -> None:
        queue = deque(sorted(set(start)))
        queued = set(queue)
        while queue:
            relation = queue.popleft()
            queued.discard(relation)
            while self.breach(relation):
                options = self.candidates(relation)
                if not options:
                    top, kids = self.relation(relation)
                    _, d = divmod(relation, self.index.ndims)
                    shown = ", ".join(
                        f"{self.index.decode(c)!r}={self.value[c]}"
                        f"{' suppressed' if c in self.suppressed else ' fixed-published'}"
                        for c in (top, *kids)
                    )
                    raise DisclosureError(
                        f"Cannot protect the relation of cell {self.index.decode(top)!r} along "
                        f"{self.index.dims[d].name!r}: every cell is suppressed or fixed-published "
                        f"({shown}); the fixed cells are inconsistent with this table.",
                        fixed_cells=self._causes([top, *kids]),
                    )
                self.suppress(min(options, key=self.order), queue, queued)

    def repair(self) -> None:
        """Audit every component and suppress more until every primary cell is protected.

        The audit here is the fast, conservative one (witness LPs only); a cell it cannot
        clear gets one more suppression near it. Only when nothing is left to suppress near
        any flagged cell does the exact LP decide (and raise if the cell really is exposed).
        """
        audited: set[tuple[int, ...]] = set()
        while True:
            flagged: list[tuple[int, list[int], list[int]]] = []
            for cells, relations in suppressed_components(
                cube=self.cube, suppressed=self.suppressed
            ):
                signature = tuple(cells)
                if signature in audited:
                    continue
                failures = component_failures(
                    cube=self.cube,
                    cells=cells,
                    relations=relations,
                    suppressed=self.suppressed,
                    requirements=self.requirements,
                    exact=False,
                )
                if failures:
                    flagged.extend((code, cells, relations) for code, _, _ in failures)
                else:
                    audited.add(signature)
            if not flagged:
                return
            # Plan every flagged cell against the same pattern, then suppress.
            plans: list[tuple[int, list[int], tuple[CellKey, ...]]] = []
            widened: dict[int, list[int]] = {}
            for rank, (code, cells, relations) in enumerate(sorted(flagged)):
                if rank >= EXACT_PER_ROUND:
                    # Many flagged at once (a large component): the cheap choice next to
                    # each, without the per-cell LPs; the next round audits again.
                    plans.append((code, self._options(code, cells, widened), ()))
                    continue
                exposed, binding = binding_relations(
                    cube=self.cube,
                    cells=cells,
                    relations=relations,
                    suppressed=self.suppressed,
                    code=code,
                    requirement=self.requirements[code],
                )
                if not exposed:
                    continue  # flagged by the fast audit only; the exact LP clears it
                options = sorted({c for r in binding for c in self.candidates(r)}, key=self.order)
                around = binding or self.index.relations_of(code)
                causes = self._causes(
                    [c for r in around for c in (self.relation(r)[0], *self.relation(r)[1])]
                )
                plans.append((code, options or self._options(code, cells, widened), causes))
            added: list[int] = []
            for code, options, causes in plans:
                if not options:
                    raise DisclosureError(
                        f"Cannot protect cell {self.index.decode(code)!r}: every cell around it is "
                        "suppressed or fixed-published.",
                        fixed_cells=causes,
                    )
                if options[0] not in self.suppressed:
                    self.suppressed.add(options[0])
                    added.append(options[0])
            if not added:
                return
            self.local_rules([r for c in added for r in self.index.relations_of(c)])

    def _causes(self, cells: list[int]) -> tuple[CellKey, ...]:
        """The original fixed-published cells behind the fixed-published ones among ``cells``."""
        found = {o for c in cells if c in self.fixed_published for o in self.origin.get(c, {c})}
        return tuple(self.index.decode(c) for c in sorted(found))

    def _options(self, code: int, component: list[int], widened: dict[int, list[int]]) -> list[int]:
        """Cells to suppress for a flagged cell: around it first, else around its component."""
        options = {c for r in self.index.relations_of(code) for c in self.candidates(r)}
        if options:
            return sorted(options, key=self.order)
        key = component[0]
        if key not in widened:
            around = {
                c
                for cell in component
                for r in self.index.relations_of(cell)
                for c in self.candidates(r)
            }
            widened[key] = sorted(around, key=self.order)
        return [c for c in widened[key] if c not in self.suppressed]


def protect(
    table: Table, *, threshold: int = 5, fixed: Mapping[CellKey, bool] | None = None
) -> Protected:
    """Protect a table: primary rules, local secondary rules, then audit and repair.

    :param threshold: counts from 1 to ``threshold - 1`` are never published.
    :param fixed: cell -> ``True`` (must be suppressed) / ``False`` (must stay published);
        used for linked tables, where the base table's pattern is fixed in each subject table.
    :raises DisclosureError: when the fixed cells make protection impossible (naming the cell).
    """
    if threshold < 1:
        raise DisclosureError("The threshold must be at least 1.")
    cube = Cube(table)
    run = _Suppression(cube, threshold=threshold, fixed=fixed or {})
    run.local_rules([r for c in sorted(run.suppressed) for r in cube.index.relations_of(c)])
    run.repair()
    decode = cube.index.decode
    return Protected(
        table=table,
        values=CellValues(cube),
        suppressed=frozenset(decode(c) for c in run.suppressed),
        primary=frozenset(decode(c) for c in run.requirements),
        _cube=cube,
    )


def protect_linked(
    base: Table, subjects: Sequence[Table], *, threshold: int = 5, max_rounds: int = 50
) -> tuple[Protected, list[Protected]]:
    """Protect a base table and the subject tables that extend it, as one release.

    Each subject table has the base table's dimensions (by name) plus its own; the base
    table's cells appear in it as the cells whose other members are TOTAL. The base table is
    protected first and its pattern fixed in every subject table. When a subject table cannot
    be protected around the base's published cells (its zeros and the base's figures pin one
    of its primary cells), those base cells are suppressed too and everything is redone: the
    base pattern only grows, so this ends.
    """
    extra: dict[CellKey, bool] = {}
    base_names = [dim.name for dim in base.dims]
    for _ in range(max_rounds):
        protected_base = protect(base, threshold=threshold, fixed=extra)
        lattice = list(protected_base.values) + sorted(protected_base.suppressed)
        try:
            protected = []
            for table in subjects:
                names = [dim.name for dim in table.dims]
                spots = [names.index(name) for name in base_names]
                fixed = {
                    _widen(key, spots, len(names)): key in protected_base.suppressed
                    for key in lattice
                }
                try:
                    protected.append(protect(table, threshold=threshold, fixed=fixed))
                except DisclosureError as error:
                    if not error.fixed_cells:
                        raise
                    error.fixed_cells = tuple(
                        tuple(key[s] for s in spots) for key in error.fixed_cells
                    )
                    raise
        except DisclosureError as error:
            if not error.fixed_cells:
                raise
            for key in error.fixed_cells:
                extra[key] = True
            continue
        return protected_base, protected
    raise DisclosureError("Linked tables did not settle; raise max_rounds.")


def _widen(key: CellKey, spots: list[int], width: int) -> CellKey:
    """A base-table cell as a subject-table cell: its members at ``spots``, TOTAL elsewhere."""
    full = [TOTAL] * width
    for spot, member in zip(spots, key, strict=True):
        full[spot] = member
    return tuple(full)
