"""Words of a query that name a country, a document type or a year: *qualifiers*.

People narrow a search by adding such words ("vnm passport laminate 2022"). The entries'
text holds them (the issuing country's name and code, the document type, the series and
years: see the content apps' document functions), so they match like any word; the
engine also passes them to the backends as *required*: a partial match may miss one of
the other words (``backends.base.words_needed``), never a qualifier. So adding a
qualifier never adds a result, and the page can say what every result is about.

The names come from the facets that declare a ``vocabulary`` (issuing country, document
type) and from the shape of a year; search knows no vocabulary itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .backends.base import words
from .registry import facets_of, search_types

#: A year a document series or an item may name.
_YEAR = re.compile(r"^(19|20)\d\d$")
#: Codes that are also common English words are read as words, not as countries.
NOT_CODES = frozenset({"and", "are", "can", "per"})
#: The longest value name recognised, in words ("Seafarer's identity document").
_LONGEST = 4


@dataclass(frozen=True)
class Qualifier:
    """Query words naming one value: ``("vnm",)`` → ``issuing_country`` ``VNM``."""

    words: tuple[str, ...]
    #: The facet it names (empty for a year).
    facet: str
    value: str
    #: The words searched for it: as typed, but a name typed as one word ("Vietnam") is
    #: searched as the items' text writes it ("Viet Nam").
    text: tuple[str, ...] = ()


def _phrases() -> dict[tuple[str, ...], tuple[str, str, tuple[str, ...]]]:
    """Every value's name, as words, → (facet, value, words searched)."""
    phrases: dict[tuple[str, ...], tuple[str, str, tuple[str, ...]]] = {}
    for facet in facets_of(search_types()):
        if facet.vocabulary is None:
            continue
        for value, label in facet.vocabulary():
            for name in (value, label):
                key = tuple(words(name))
                if key and len(key) <= _LONGEST and not (len(key) == 1 and key[0] in NOT_CODES):
                    phrases.setdefault(key, (facet.name, value, key))
            named = tuple(words(label))
            if len(named) > 1:
                phrases.setdefault(("".join(named),), (facet.name, value, named))
    return phrases


def searched(terms: list[str], found: list[Qualifier]) -> list[str]:
    """``terms`` with each qualifier's words replaced by the words searched for it."""
    out: list[str] = []
    at = 0
    by_start = {}
    for qualifier in found:
        by_start.setdefault(qualifier.words, qualifier)
    while at < len(terms):
        for size in range(min(_LONGEST, len(terms) - at), 0, -1):
            qualifier = by_start.get(tuple(terms[at : at + size]))
            if qualifier is not None:
                out += qualifier.text
                at += size
                break
        else:
            out.append(terms[at])
            at += 1
    return out


def qualifiers(terms: list[str]) -> list[Qualifier]:
    """The qualifiers among ``terms`` (the query's words), longest names first."""
    phrases = _phrases()
    found: list[Qualifier] = []
    at = 0
    while at < len(terms):
        for size in range(min(_LONGEST, len(terms) - at), 0, -1):
            key = tuple(terms[at : at + size])
            if key in phrases:
                facet, value, text = phrases[key]
                found.append(Qualifier(key, facet, value, text))
                at += size
                break
        else:
            if _YEAR.match(terms[at]):
                found.append(Qualifier((terms[at],), "", terms[at], (terms[at],)))
            at += 1
    return found
