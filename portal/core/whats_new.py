"""The home page's "what's new for me" panels, filled by the content apps.

Each content app registers one panel in its ``AppConfig.ready()``: a title, a template and a
selector returning the newest items *visible to the user* (the selector must go through the
access rule; the home page adds no filtering of its own).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    """One block of the home page: e.g. the latest alerts shared with the user."""

    key: str
    title: str
    template: str
    items: Callable[..., Sequence[Any]]
    more_url_name: str = ""
    order: int = 100


_panels: dict[str, Panel] = {}


def panel_register(panel: Panel) -> None:
    """Add (or replace, by ``key``) a home-page panel."""
    _panels[panel.key] = panel


def panels_for(*, user, limit: int = 5) -> list[dict[str, Any]]:
    """The registered panels in order, each with the user's newest visible items."""
    return [
        {"panel": panel, "items": list(panel.items(user=user, limit=limit))}
        for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key))
    ]


@dataclass(frozen=True)
class DeskPanel:
    """What waits for the user to act, shown above what's new (unacknowledged alerts).

    ``items(*, user, limit)`` returns the first ``limit`` items, most urgent first, and
    how many there are in all (the page shows the count).
    """

    key: str
    title: str
    template: str
    items: Callable[..., tuple[Sequence[Any], int]]
    more_url: str = ""
    order: int = 100


_desk: dict[str, DeskPanel] = {}


def desk_register(panel: DeskPanel) -> None:
    """Add (or replace, by ``key``) a block of the desk at the top of the home page."""
    _desk[panel.key] = panel


def desk_for(*, user, limit: int = 10) -> list[dict[str, Any]]:
    """The desk's blocks in order, each with the user's first items and their count."""
    entries = []
    for panel in sorted(_desk.values(), key=lambda p: (p.order, p.key)):
        items, count = panel.items(user=user, limit=limit)
        entries.append({"panel": panel, "items": list(items), "count": count})
    return entries
