"""Disclosure control, property-based: random small tables are always protected.

Random 2-D and 3-D tables with many zeros and small counts, overlapping groups and TOTAL
margins, with and without a contributor dimension. For every one: no published count from 1
to 4, every cell is the sum of its leaves, the per-component audit and the independent
leaf-unknown audit both find nothing, and a second run gives the same pattern.
"""

from __future__ import annotations

from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.dashboards.disclosure import TOTAL, Dimension, Table, audit, audit_linked, protect

COUNTS = st.sampled_from([0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 7, 12, 30])


@st.composite
def tables(draw) -> Table:
    ndims = draw(st.integers(2, 3))
    dims = []
    for d in range(ndims):
        leaves = tuple(f"{'abc'[d]}{i}" for i in range(draw(st.integers(2, 4))))
        groups = {}
        for g in range(draw(st.integers(0, 2))):
            members = draw(st.sets(st.sampled_from(leaves), min_size=1, max_size=len(leaves)))
            groups[f"g{d}{g}"] = frozenset(members)
        dims.append(Dimension(f"d{d}", leaves, groups))
    counts = {key: draw(COUNTS) for key in product(*(dim.leaves for dim in dims))}
    contributor = draw(st.sampled_from([None, "d0"]))
    return Table(tuple(dims), counts, contributor_dim=contributor)


def leaves_of(dim: Dimension, member: str) -> set[str]:
    if member == TOTAL:
        return set(dim.leaves)
    return set(dim.groups.get(member, {member}))


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_random_tables_are_protected(table: Table) -> None:
    protected = protect(table)
    for key, value in protected.values.items():
        assert value == sum(
            n
            for leaf, n in table.counts.items()
            if all(
                part in leaves_of(dim, m)
                for dim, m, part in zip(table.dims, key, leaf, strict=True)
            )
        )
        assert protected.published(key) not in {1, 2, 3, 4}, key
    assert audit(protected) == []
    assert audit_linked([protected], table) == []
    again = protect(
        Table(table.dims, dict(reversed(list(table.counts.items()))), table.contributor_dim)
    )
    assert again.suppressed == protected.suppressed
