"""Tables to protect, and the cell lattice every rule works on.

A :class:`Table` holds counts for *leaf* combinations only (one leaf per dimension). Publishing
it means publishing every cell at every level: per dimension a cell's member is a leaf, a named
group of leaves, or :data:`TOTAL`. Margins are never given by the caller; they are computed here
by adding each leaf cell to every combination of its ancestors, so they always add up.

Internally a cell is one integer (a mixed-radix code over the member index of each dimension),
which keeps the margin computation in numpy and the rule loops on plain ``int`` dict look-ups.
Member indices are ordered leaves (as given), then groups (sorted by name), then ``TOTAL``: the
codes, and therefore every tie-break built on them, depend on the table's content only, never
on the order a dict was filled in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

TOTAL = "*"

CellKey = tuple[str, ...]


class DisclosureError(ValueError):
    """A table or a set of fixed cells the disclosure control cannot work with.

    ``fixed_cells`` names the fixed-published cells that stand in the way when protection
    needs one of them suppressed (linked tables: suppress them in the base table and retry,
    which :func:`.protect_linked` does).
    """

    def __init__(self, message: str, *, fixed_cells: tuple[CellKey, ...] = ()) -> None:
        super().__init__(message)
        self.fixed_cells = fixed_cells


@dataclass(frozen=True)
class Dimension:
    """One dimension of a table: its ordered leaf values and named groups of leaves.

    Groups may overlap (a country sits in several networks and presets) and may be empty (a
    complement of everything); a group name is never a leaf name or :data:`TOTAL`.
    """

    name: str
    leaves: tuple[str, ...]
    groups: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Table:
    """Counts of one table, by leaf combination (absent means 0).

    ``contributor_dim`` names the dimension whose leaves are reporting countries: a country
    knows its own counts, so cells adding up several countries get the contributor rule.
    ``requirements`` adds protection intervals the table cannot see (a leaf that is itself
    several countries merged: each knows its own part of every cell), by cell at any level.
    """

    dims: tuple[Dimension, ...]
    counts: Mapping[CellKey, int]
    contributor_dim: str | None = None
    requirements: Mapping[CellKey, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """A primary cell the published cells do not protect enough.

    ``low``/``high`` are the cell's smallest and largest value over all non-negative solutions
    consistent with what is published (``high`` is ``inf`` when unbounded); protection needs
    ``low <= required_low`` and ``high >= required_high``. ``table`` is the position of the
    table in a linked audit, ``None`` for a single table.
    """

    cell: CellKey
    low: float
    high: float
    required_low: int
    required_high: int
    table: int | None = None


class CellIndex:
    """Encodes cells of a table's lattice as integers and walks its relations.

    A *relation* is one additive equation of the table: a cell whose member on dimension ``d``
    is a group or TOTAL (the parent) equals the sum of the cells with each of that group's
    leaves on ``d``, every other member equal (the children).
    """

    def __init__(self, dims: tuple[Dimension, ...]) -> None:
        if not dims:
            raise DisclosureError("A table needs at least one dimension.")
        self.dims = dims
        self.ndims = len(dims)
        self.names: list[list[str]] = []
        self.position: list[dict[str, int]] = []
        self.leaf_count: list[int] = []
        # ancestors[d][leaf] = non-leaf members containing the leaf (its groups, then TOTAL)
        self.ancestors: list[list[tuple[int, ...]]] = []
        # children[d][member] = the leaves a group or TOTAL adds up (empty for a leaf)
        self.children: list[list[tuple[int, ...]]] = []
        seen_dims: set[str] = set()
        for dim in dims:
            if dim.name in seen_dims:
                raise DisclosureError(f"Dimension {dim.name!r} appears twice.")
            seen_dims.add(dim.name)
            leaves = list(dim.leaves)
            if len(set(leaves)) != len(leaves) or TOTAL in leaves:
                raise DisclosureError(
                    f"Dimension {dim.name!r}: leaves must be unique, not {TOTAL!r}."
                )
            group_names = sorted(dim.groups)
            for name in group_names:
                if name in leaves or name == TOTAL:
                    raise DisclosureError(
                        f"Dimension {dim.name!r}: group {name!r} clashes with a leaf."
                    )
                unknown = set(dim.groups[name]) - set(leaves)
                if unknown:
                    raise DisclosureError(
                        f"Dimension {dim.name!r}: group {name!r} must list known leaves "
                        f"(unknown: {sorted(unknown)})."
                    )
            names = [*leaves, *group_names, TOTAL]
            pos = {name: i for i, name in enumerate(names)}
            children: list[tuple[int, ...]] = [() for _ in leaves]
            for name in group_names:
                children.append(tuple(sorted(pos[leaf] for leaf in dim.groups[name])))
            children.append(tuple(range(len(leaves))))
            ancestors = [
                tuple(m for m in range(len(leaves), len(names)) if leaf in children[m])
                for leaf in range(len(leaves))
            ]
            self.names.append(names)
            self.position.append(pos)
            self.leaf_count.append(len(leaves))
            self.children.append(children)
            self.ancestors.append(ancestors)
        self.radix = [len(n) for n in self.names]
        self.mult: list[int] = []
        step = 1
        for size in reversed(self.radix):
            self.mult.insert(0, step)
            step *= size
        if step >= 2**62:
            raise DisclosureError("The table has too many cells to encode.")
        self.dim_position = {dim.name: d for d, dim in enumerate(dims)}

    # -- codes ---------------------------------------------------------------------------
    def encode(self, key: CellKey) -> int:
        if len(key) != self.ndims:
            raise KeyError(key)
        code = 0
        for d, member in enumerate(key):
            try:
                code += self.position[d][member] * self.mult[d]
            except KeyError:
                raise KeyError(key) from None
        return code

    def decode(self, code: int) -> CellKey:
        return tuple(
            self.names[d][(code // self.mult[d]) % self.radix[d]] for d in range(self.ndims)
        )

    def member(self, code: int, d: int) -> int:
        return (code // self.mult[d]) % self.radix[d]

    def is_leaf(self, member: int, d: int) -> bool:
        return member < self.leaf_count[d]

    def level(self, code: int) -> int:
        """How many members of the cell are groups or TOTAL (0 for a leaf cell)."""
        return sum(1 for d in range(self.ndims) if self.member(code, d) >= self.leaf_count[d])

    def leaf_codes(self, counts: Mapping[CellKey, int]) -> tuple[np.ndarray, np.ndarray]:
        """The table's non-zero leaf cells as sorted codes and their counts."""
        codes: list[int] = []
        values: list[int] = []
        for key, count in counts.items():
            if int(count) != count or count < 0:
                raise DisclosureError(
                    f"Cell {key!r}: counts are non-negative integers, not {count!r}."
                )
            if not count:
                continue
            code = self.encode(tuple(key))
            if any(self.member(code, d) >= self.leaf_count[d] for d in range(self.ndims)):
                raise DisclosureError(f"Cell {key!r}: counts are given for leaf cells only.")
            codes.append(code)
            values.append(int(count))
        order = np.argsort(np.asarray(codes, dtype=np.int64), kind="stable")
        return np.asarray(codes, dtype=np.int64)[order], np.asarray(values, dtype=np.int64)[order]

    def expand(self, codes: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
        """For cells with a leaf on ``d``: (row in ``codes``, code of each ancestor on ``d``)."""
        members = (codes // self.mult[d]) % self.radix[d]
        leaf_rows = np.nonzero(members < self.leaf_count[d])[0]
        anc = self.ancestors[d]
        sizes = np.asarray([len(a) for a in anc], dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        flat = np.asarray([m for a in anc for m in a], dtype=np.int64)
        leaf_members = members[leaf_rows]
        repeat = sizes[leaf_members]
        rows = np.repeat(leaf_rows, repeat)
        within = np.arange(rows.size, dtype=np.int64) - np.repeat(
            np.cumsum(repeat) - repeat, repeat
        )
        ancestor = flat[np.repeat(starts[leaf_members], repeat) + within]
        parents = codes[rows] + (ancestor - members[rows]) * self.mult[d]
        return rows, parents

    # -- relations -----------------------------------------------------------------------
    def relations_of(self, code: int) -> list[int]:
        """Ids of the relations a non-zero cell sits in (``parent code * ndims + d``)."""
        out: list[int] = []
        for d in range(self.ndims):
            m = self.member(code, d)
            if m < self.leaf_count[d]:
                for a in self.ancestors[d][m]:
                    out.append((code + (a - m) * self.mult[d]) * self.ndims + d)
            else:
                out.append(code * self.ndims + d)
        return out

    def relation_cells(self, relation: int, exists: Mapping[int, int]) -> tuple[int, list[int]]:
        """(parent, non-zero children) of a relation."""
        parent, d = divmod(relation, self.ndims)
        g = self.member(parent, d)
        base = parent - g * self.mult[d]
        kids = [base + leaf * self.mult[d] for leaf in self.children[d][g]]
        return parent, [k for k in kids if k in exists]


class Cube:
    """Every non-zero cell of a table at every level, with its count."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.index = CellIndex(tuple(table.dims))
        if (
            table.contributor_dim is not None
            and table.contributor_dim not in self.index.dim_position
        ):
            raise DisclosureError(
                f"Contributor dimension {table.contributor_dim!r} is not a dimension."
            )
        codes, counts = self.index.leaf_codes(table.counts)
        # Margins one dimension at a time: after step d every cell with any member on
        # dimensions <= d exists, so the result holds every level without enumerating
        # each leaf's full ancestor product.
        for d in range(self.index.ndims):
            rows, parents = self.index.expand(codes, d)
            all_codes = np.concatenate((codes, parents))
            all_counts = np.concatenate((counts, counts[rows]))
            codes, inverse = np.unique(all_codes, return_inverse=True)
            counts = np.bincount(inverse, weights=all_counts, minlength=codes.size).astype(np.int64)
        self.codes = codes
        self.counts = counts
        self.value: dict[int, int] = dict(zip(codes.tolist(), counts.tolist(), strict=True))


class CellValues(Mapping):
    """Read-only ``CellKey -> count`` view of a cube's non-zero cells (absent = 0)."""

    def __init__(self, cube: Cube) -> None:
        self._cube = cube

    def __getitem__(self, key: CellKey) -> int:
        try:
            code = self._cube.index.encode(tuple(key))
        except (KeyError, TypeError):
            raise KeyError(key) from None
        return self._cube.value[code]

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[CellKey]:
        decode = self._cube.index.decode
        return (decode(code) for code in self._cube.value)

    def __len__(self) -> int:
        return len(self._cube.value)


@dataclass(frozen=True)
class Protected:
    """A table with its suppression pattern: what may be published.

    ``values`` holds every non-zero cell at every level (margins included); ``suppressed`` is
    primary plus secondary suppression; ``primary`` the cells the primary rules caught.
    """

    table: Table
    values: Mapping[CellKey, int]
    suppressed: frozenset[CellKey]
    primary: frozenset[CellKey]
    _cube: Cube | None = field(default=None, repr=False, compare=False)

    def published(self, key: CellKey) -> int | None:
        """The count to publish for a cell at any level: ``None`` if suppressed, 0 if absent.

        Raises ``KeyError`` for a key naming an unknown member (a caller's mistake, never 0).
        """
        key = tuple(key)
        if self._cube is not None:
            self._cube.index.encode(key)
        if key in self.suppressed:
            return None
        return self.values.get(key, 0)
