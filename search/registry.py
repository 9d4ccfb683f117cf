"""What search covers: one registration per content type (``search_type_register``).

A content app registers its type in its ``AppConfig.ready()``: the model, a label, a
function turning an item into a ``SearchDocument`` (title, text, URL), and the facets
(``search.facets.Facet``) and marks its results carry. Shared types are filtered by the
access rule inside every query; ``open_to_members`` types (the glossary) are reference
material every signed-in reader may see. Search knows no content app: the apps come to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models

from .facets import RESERVED, Facet, Mark


@dataclass(frozen=True)
class SearchDocument:
    """The searchable face of one item."""

    title: str
    body: str
    url: str
    #: Facet name → the item's values; filled from the type's ``facets`` declarations
    #: (``document_for``) unless the document function sets a name itself.
    facets: dict[str, list[str]] = field(default_factory=dict)
    thumbnail_url: str = ""
    # Shown on result cards (e.g. an alert's TLP and severity); never searched.
    marks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchType:
    """A content type in search: what its items say, how they narrow and how they look."""

    slug: str
    #: The type's name for a tab or a list of them: plural (``_("Alerts")``).
    label: Any
    model: type[models.Model]
    document: Callable[[Any], SearchDocument]
    #: The facets (and filter-only facets) of its items, in panel order.
    facets: tuple[Facet, ...] = ()
    #: The marks its result cards show (values from the document's ``marks``).
    marks: tuple[Mark, ...] = ()
    #: URL name of the type's own listing, offered when a search finds nothing.
    browse_url: str = ""
    #: Items that should not be found at all (e.g. none yet) return False.
    indexable: Callable[[Any], bool] = lambda item: True
    open_to_members: bool = False
    #: Related objects whose change alters an item's document: (model, item getter).
    dependents: tuple[tuple[type[models.Model], Callable[[Any], Any]], ...] = ()
    #: The name of one item, on a result card or a suggestion (``_("Alert")``).
    singular: Any = ""
    #: For a part of another shared item, seen exactly when that item is (a course's
    #: lessons): the lookup from ``model`` to it (``"module__course"``). Its entries carry
    #: that item's view keys, rewritten with them, and are written again when it is saved.
    keys_from: str = ""

    @property
    def label_one(self) -> Any:
        return self.singular or self.label


def document_for(search_type: SearchType, item) -> SearchDocument:
    """The item's document with its declared facets' values (sorted, distinct); a value
    list the document function already gathered (with its item's related rows) is kept."""
    document = search_type.document(item)
    facets = {name: sorted({v for v in values if v}) for name, values in document.facets.items()}
    for facet in search_type.facets:
        if facet.name not in facets:
            facets[facet.name] = facet.values_of(item)
    return replace(document, facets={name: values for name, values in facets.items() if values})


_ENDS_SENTENCE = (".", "!", "?", "…", ":", ";")


def document_text(*parts: str) -> str:
    """A document's searchable text, read in sentences: the non-empty parts (field values)
    in reading order, each ended by a full stop unless it ends a sentence already, so that
    a snippet never runs two values together."""
    sentences = []
    for part in parts:
        part = " ".join((part or "").split())
        if part:
            sentences.append(part if part.endswith(_ENDS_SENTENCE) else f"{part}.")
    return " ".join(sentences)


def document_lead(*values: str) -> str:
    """Short field values read as one phrase (``Vietnam (VNM), Passport, 2019 series``):
    the first part of ``document_text``."""
    return ", ".join(" ".join(value.split()) for value in values if value and value.strip())


def country_words(country) -> str:
    """A country as searched: by name and by code (``Vietnam (VNM)``)."""
    return f"{country.name} ({country.code})" if country else ""


_types: dict[str, SearchType] = {}


def search_type_register(search_type: SearchType) -> None:
    """Add ``search_type`` (from its app's ``AppConfig.ready()``).

    A facet name shared with another type must mean the same thing there: one label, one
    way to read a URL value — they are one panel and one URL parameter."""
    for facet in search_type.facets:
        if facet.name in RESERVED or not facet.name.isidentifier():
            raise ValueError(f"{search_type.slug}: {facet.name!r} cannot name a facet")
        other = facet_named(facet.name, exclude=search_type.slug)
        if other is not None and (other.label, other.normalize) != (facet.label, facet.normalize):
            raise ValueError(
                f"{search_type.slug}: facet {facet.name!r} is declared differently by another"
                " type; share one declaration"
            )
    _types[search_type.slug] = search_type


def search_type_unregister(slug: str) -> None:
    """Remove a type (tests that register one of their own)."""
    _types.pop(slug, None)


def search_types() -> list[SearchType]:
    return sorted(_types.values(), key=lambda t: t.slug)


def search_type_named(slug: str) -> SearchType | None:
    return _types.get(slug)


def facets_of(types: list[SearchType]) -> list[Facet]:
    """The facets ``types`` declare, each name once, in the order of their declarations."""
    seen: dict[str, Facet] = {}
    for search_type in types:
        for facet in search_type.facets:
            seen.setdefault(facet.name, facet)
    return list(seen.values())


def filter_names() -> list[str]:
    """Every filter a search may be given (a URL parameter of the page and the API): the
    type, then each registered facet."""
    return ["type", *(facet.name for facet in facets_of(search_types()))]


def facet_named(name: str, *, exclude: str = "") -> Facet | None:
    for search_type in search_types():
        if search_type.slug == exclude:
            continue
        for facet in search_type.facets:
            if facet.name == name:
                return facet
    return None


def marks_of(slug: str) -> tuple[Mark, ...]:
    search_type = _types.get(slug)
    return search_type.marks if search_type else ()


def keys_item(search_type: SearchType, item) -> Any:
    """The shared item whose view keys ``item``'s entry carries: itself, or for a part
    (``keys_from``) the item reached by that lookup (``None`` when the chain is broken)."""
    for name in search_type.keys_from.split("__") if search_type.keys_from else ():
        item = getattr(item, name, None)
        if item is None:
            return None
    return item


def keys_model(search_type: SearchType) -> type[models.Model]:
    """The model of ``keys_item`` (``model`` itself unless the type is a part)."""
    model = search_type.model
    for name in search_type.keys_from.split("__") if search_type.keys_from else ():
        model = model._meta.get_field(name).related_model
    return model


def search_type_for(model: type[models.Model]) -> SearchType | None:
    for search_type in _types.values():
        if search_type.model is model or issubclass(model, search_type.model):
            return search_type
    return None
