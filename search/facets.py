"""Facets and marks: what a registered type declares about its items besides their text.

A ``Facet`` is a way to narrow results (a panel of values with counts on the search page,
a URL parameter, a key of the API's ``facets``); a ``Mark`` is a value shown on a result
card (an alert's TLP). Content apps declare them on their ``SearchType``, so search
itself knows no vocabulary: a new type brings its own facets ("competency level") with
no edit here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: Names a facet may not take: the search page's own parameters and the type facet.
RESERVED = frozenset({"q", "page", "type"})


def _as_is(values: list[str]) -> dict[str, str]:
    return {value: value for value in values}


def _identity(value: str) -> str:
    return value


@dataclass(frozen=True)
class Facet:
    """One way to narrow results, declared by a content type.

    Types that declare a facet of the same name share it (one panel, one URL parameter):
    specimens and alerts both narrow by ``issuing_country``.
    """

    #: URL parameter and key of the results' ``facets`` (``issuing_country``).
    name: str
    #: Panel title, translatable (``_("Issuing country")``).
    label: Any
    #: An item's values (an item may hold several: a specimen's light sources).
    values: Callable[[Any], Iterable[str | None]]
    #: Display labels of the values found (one call per page, so a lookup is one query).
    labels: Callable[[list[str]], dict[str, str]] = _as_is
    #: How a value typed in a URL is read (``vnm`` → ``VNM``).
    normalize: Callable[[str], str] = _identity
    #: False: a filter only (a URL parameter), with no panel on the page.
    panel: bool = True
    #: The values a query may name, as (value, label) pairs (``VNM``, ``Vietnam``): a
    #: query word that names one (``vnm``, ``vietnam``) is required in every result,
    #: partial matches included (``search.qualifiers``). None: its words are plain words.
    vocabulary: Callable[[], Iterable[tuple[str, str]]] | None = None

    def values_of(self, item) -> list[str]:
        """The item's stored values: distinct, non-empty, sorted."""
        return sorted({str(value) for value in self.values(item) if value})


@dataclass(frozen=True)
class Mark:
    """A value shown on a result card (``marks`` of the document), e.g. an alert's TLP."""

    name: str
    labels: Callable[[list[str]], dict[str, str]] = _as_is


def choices_labels(choices) -> Callable[[list[str]], dict[str, str]]:
    """Labels from a Django ``TextChoices`` class (or its ``choices`` list)."""
    pairs = getattr(choices, "choices", choices)

    def labels(values: list[str]) -> dict[str, str]:
        known = {str(value): str(label) for value, label in pairs}
        return {value: known.get(value, value) for value in values}

    return labels


def country_labels(codes: list[str]) -> dict[str, str]:
    """``Vietnam (VNM)`` for each ISO alpha-3 code, in one query."""
    from portal.access.models import Country

    names = dict(Country.objects.filter(code__in=codes).values_list("code", "name"))
    return {code: f"{names[code]} ({code})" if code in names else code for code in codes}


def upper(value: str) -> str:
    return value.upper()


def choices_vocabulary(choices) -> Callable[[], list[tuple[str, str]]]:
    """A facet's ``vocabulary`` from a ``TextChoices`` class: value and label of each."""
    pairs = getattr(choices, "choices", choices)
    return lambda: [(str(value), str(label)) for value, label in pairs]


@functools.lru_cache(maxsize=1)
def _countries() -> tuple[tuple[str, str], ...]:
    from portal.access.models import Country

    return tuple(Country.objects.values_list("code", "name"))


def country_vocabulary() -> tuple[tuple[str, str], ...]:
    """Every country's code and name (read once per process: ISO 3166 changes rarely)."""
    return _countries()
