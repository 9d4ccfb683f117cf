"""Primary suppression: the cells that must not be published as they are.

Two rules, applied to every cell at every level (margins included):

* **Threshold rule.** A count from 1 to ``threshold - 1`` could single out a person: such a
  cell is primary. Zero is published (an empty cell tells nothing about anyone).
* **Contributor rule.** A cell adding up several reporting countries (its member on the
  contributor dimension is a group or TOTAL) is read differently by each of them: country
  ``c`` knows its own part ``n_c`` and subtracts it. When for some contributing country
  ``0 < n - n_c < threshold`` the others' part is small, so the cell is primary. Only the
  largest part matters (it leaves the smallest remainder), and with two or more contributing
  countries the remainder is positive.

Cells the caller knows more about (``Table.requirements``: a merged reporting unit whose
members each know their own part) get the interval the caller gives, or the stricter of
the two.

Each primary cell gets a *protection interval* ``(required_low, required_high)``: whatever
the published cells imply, the cell's smallest possible value must be at most
``required_low`` and its largest at least ``required_high``. For a small cell that is
``(0, threshold)`` — it may be empty, it may be a safe count. For a contributor cell with
dominant part ``n_c`` it is ``(n_c, n_c + threshold)``, the same criterion seen from country
``c``: the others' part ``n - n_c`` may be 0 or at least ``threshold``. A cell caught by both
rules takes the stricter end of each.
"""

from __future__ import annotations

import numpy as np

from .tables import Cube

Requirement = tuple[int, int]


def primary_requirements(*, cube: Cube, threshold: int) -> dict[int, Requirement]:
    """Primary cells of ``cube`` (by code) with their protection interval."""
    codes, counts = cube.codes, cube.counts
    low = np.full(codes.size, -1, dtype=np.int64)
    high = np.zeros(codes.size, dtype=np.int64)
    small = (counts > 0) & (counts < threshold)
    low[small] = 0
    high[small] = threshold

    contributor = cube.table.contributor_dim
    if contributor is not None and codes.size:
        d = cube.index.dim_position[contributor]
        rows, parents = cube.index.expand(codes, d)
        if rows.size:
            # Per parent cell: how many countries contribute and the largest part.
            order = np.lexsort((counts[rows], parents))
            parents_sorted = parents[order]
            parts_sorted = counts[rows][order]
            boundary = np.flatnonzero(np.diff(parents_sorted)) + 1
            starts = np.concatenate(([0], boundary))
            ends = np.concatenate((boundary, [parents_sorted.size]))
            parent_codes = parents_sorted[starts]
            largest = parts_sorted[ends - 1]
            contributors = ends - starts
            at = np.searchsorted(codes, parent_codes)
            remainder = counts[at] - largest
            hit = (contributors >= 2) & (remainder > 0) & (remainder < threshold)
            at, largest = at[hit], largest[hit]
            low[at] = np.where(low[at] >= 0, np.minimum(low[at], largest), largest)
            high[at] = np.maximum(high[at], largest + threshold)
    primary = np.flatnonzero(low >= 0)
    found = dict(
        zip(
            codes[primary].tolist(),
            zip(low[primary].tolist(), high[primary].tolist(), strict=True),
            strict=True,
        )
    )
    for key, (extra_low, extra_high) in cube.table.requirements.items():
        code = cube.index.encode(tuple(key))
        if code not in cube.value:
            continue  # an empty cell tells nothing about anyone
        if code in found:
            extra_low = min(extra_low, found[code][0])
            extra_high = max(extra_high, found[code][1])
        found[code] = (extra_low, extra_high)
    return found
