"""Disclosure control for the dashboards: protected tables that never single anyone out.

Pure Python (numpy, scipy); no Django. The method, in the order it runs:

* :mod:`.tables` — a table is counts over leaf combinations; every cell at every level
  (groups and TOTAL per dimension) is published, margins computed here.
* :mod:`.primary` — counts 1..threshold-1, and cells where one reporting country's own part
  leaves a small remainder (contributor rule), get a protection interval.
* :mod:`.secondary` — :func:`protect`: local rules per relation, then an LP audit per
  connected component of suppressed cells and repair until every interval holds.
* :mod:`.audit` — :func:`audit` (one table) and :func:`audit_linked` (tables released
  together, over their joint table's leaf unknowns).

Linked tables (the dashboards' base table B and one table per subject): B is protected first
and its cells are fixed in each subject table, so B's pattern is identical everywhere. Two
subject tables share only B's cells; given any values of their hidden cells that agree on B,
a joint table exists (a transportation problem with equal margins is always feasible), so one
subject table tells nothing more about another's hidden cells than B does. Where a subject
table's zeros and B's published cells pin one of its primary cells, :func:`protect_linked`
suppresses those B cells too and starts again.
"""

from __future__ import annotations

from .audit import audit, audit_linked, audit_shared
from .secondary import protect, protect_linked
from .tables import TOTAL, CellKey, Dimension, DisclosureError, Finding, Protected, Table

__all__ = [
    "TOTAL",
    "CellKey",
    "Dimension",
    "DisclosureError",
    "Finding",
    "Protected",
    "Table",
    "audit",
    "audit_linked",
    "audit_shared",
    "protect",
    "protect_linked",
]
