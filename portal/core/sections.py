"""Sections of the portal that are still to come, and whether each is built yet.

Training and meetings arrive with their own apps. Until an app is installed its section is
not advertised (no navigation entry, no home-page shortcut): a link to an empty page tells an
officer nothing. The placeholder page at the section's URL stays (``core.views.section``),
so bookmarks and old links still answer.
"""

from __future__ import annotations

from django.apps import apps

#: Section name → the Django app that builds it.
UPCOMING: dict[str, str] = {"training": "portal.training", "meetings": "portal.meetings"}


def sections_built() -> frozenset[str]:
    """The upcoming sections whose app is installed: those the frame may link to."""
    return frozenset(name for name, app in UPCOMING.items() if apps.is_installed(app))
