"""What every search backend answers, and how: one interface, shared by the database and
Elasticsearch backends, so that the engine (``search.engine``) picks one and calls it and
neither side imports the other.

The semantics every backend keeps (the contract tests in ``tests/search`` run on each):

- the access rule filters inside the query, before matching, counting, faceting and paging;
- an item matches when it holds every word (a *complete* match) or, under the partial
  rule (``words_needed``), every *required* word (a country, a document type, a year the
  engine recognised) and all of the other words but one (a *partial* match); complete
  matches come first, the partial ones below them in the same list (``Answer.complete``
  says where they end), each group ranked by relevance, then newest first;
- ``total`` and every facet count the listed items (all of them, partial matches included),
  each facet applying every filter but its own, so one can switch between its values;
- ``offset`` and ``limit`` are taken as given: the engine decides the page (and clamps a
  page past the last to the last one).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

#: Highlight markers put in by the backends, escaped-safe: replaced by <mark> after the
#: snippet's text is HTML-escaped (``search.engine.highlight``).
START, STOP = "\ue000", "\ue001"

#: The facet every search has: the content type (``SearchEntry.type``).
TYPE_FACET = "type"

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of a query (at most twelve): only ``\\w+`` runs ever reach a backend."""
    return _WORD.findall(text.lower())[:12]


#: A partial match may miss one of the other (not required) words only when at least this
#: many were typed: it then still holds two of them. With fewer, a "match of some words"
#: would be a match of a single word (often a very common one): noise, never offered.
PARTIAL_FROM = 3


def words_needed(terms: list[str], required: tuple[str, ...]) -> tuple[list[str], int]:
    """The words that are not required, and how many of them a result must hold: all of
    them, or all but one from ``PARTIAL_FROM`` words on (the partial rule)."""
    others = list(dict.fromkeys(term for term in terms if term not in required))
    return others, len(others) - 1 if len(others) >= PARTIAL_FROM else len(others)


@dataclass(frozen=True)
class Request:
    """One search, as the engine asks it."""

    #: Whose search: each backend filters by the access rule for this user.
    user: Any
    terms: list[str]
    #: Facet name (``type`` included) → the one value asked for.
    filters: dict[str, str]
    #: The facets to count (``type`` always among them).
    facets: tuple[str, ...]
    offset: int
    limit: int
    #: Words every result holds, complete or partial: those naming a country, a document
    #: type or a year (``search.engine.qualifiers``). Adding one never adds a result.
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """One result: the stored fields of the entry, its marked title and snippet."""

    type: str
    object_id: int
    title: str
    #: Title and snippet with the matched words between START and STOP (not escaped).
    title_marked: str
    snippet: str
    url: str
    thumbnail_url: str = ""
    marks: dict[str, str] = field(default_factory=dict)
    #: Whether it holds every word (False: a partial match).
    complete: bool = True


@dataclass(frozen=True)
class Answer:
    """What a backend answers for one ``Request``."""

    #: Visible items matching some word, filters applied.
    total: int
    #: ... of which match every word (they are listed first).
    complete: int
    #: Facet name → value → count; every facet of the request present (maybe empty).
    facets: dict[str, dict[str, int]]
    #: The rows from ``offset``, at most ``limit``, best first.
    rows: list[Row]


def facets_sorted(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Each facet's values by count, then value: the same order from every backend."""
    return {
        name: dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
        for name, values in counts.items()
    }


class SearchBackend(ABC):
    """A place that answers searches over the index (the database, Elasticsearch)."""

    @abstractmethod
    def search(self, request: Request) -> Answer:
        """Total, facets and one window of rows, under the semantics above."""

    @abstractmethod
    def suggest(self, *, user, terms: list[str], limit: int) -> list[dict[str, str]]:
        """``type``, ``title``, ``title_marked`` (the typed words between START and STOP)
        and ``url`` of up to ``limit`` visible entries holding every term, the last one as
        a prefix (as one types), best first as a search ranks them: by relevance (title
        words weigh most), then newest first."""
