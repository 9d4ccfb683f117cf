"""What search covers: one registration per content type (``search_type_register``).

A content app registers its type in its ``AppConfig.ready()``: the model, a label, and a
function turning an item into a ``SearchDocument`` (title, text, facets, URL). Shared types
are filtered by the access rule inside every query; ``open_to_members`` types (the
glossary) are reference material every signed-in reader may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class SearchDocument:
    """The searchable face of one item."""

    title: str
    body: str
    url: str
    issuing_country: str = ""
    document_type: str = ""
    fraud_type: str = ""
    light_sources: list[str] = field(default_factory=list)
    thumbnail_url: str = ""
    # Shown on result cards (e.g. an alert's TLP and severity); never searched.
    marks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchType:
    slug: str
    label: str
    model: type[models.Model]
    document: Callable[[Any], SearchDocument]
    #: Items that should not be found at all (e.g. none yet) return False.
    indexable: Callable[[Any], bool] = lambda item: True
    open_to_members: bool = False
    #: Related objects whose change alters an item's document: (model, item getter).
    dependents: tuple[tuple[type[models.Model], Callable[[Any], Any]], ...] = ()


def document_text(*parts: str) -> str:
    """A document's searchable text: the non-empty parts, space-separated."""
    return " ".join(part for part in parts if part)


def country_words(country) -> str:
    """A country as searched: by name and by code (``Vietnam VNM``)."""
    return f"{country.name} {country.code}" if country else ""


_types: dict[str, SearchType] = {}


def search_type_register(search_type: SearchType) -> None:
    _types[search_type.slug] = search_type


def search_types() -> list[SearchType]:
    return sorted(_types.values(), key=lambda t: t.slug)


def search_type_for(model: type[models.Model]) -> SearchType | None:
    for search_type in _types.values():
        if search_type.model is model or issubclass(model, search_type.model):
            return search_type
    return None
