"""Snippets as sentences: the part of an item's text that best shows why it was found.

Every backend hands the engine the whole text of a result with the matched words between
``START`` and ``STOP`` (PostgreSQL ``ts_headline`` with ``HighlightAll``, SQLite FTS5
``highlight()``, Elasticsearch ``number_of_fragments: 0``); the cut is made here, once,
the same for all of them: from the start of the sentence holding the most of the typed
words (from the first sentence when that one ends early enough), to a word boundary
within ``SNIPPET_CHARS``, with an ellipsis where text was left out. The text itself reads
in sentences because ``registry.document_text`` puts punctuation between field values.
"""

from __future__ import annotations

import re

from .backends.base import START, STOP

#: About two lines of a result card.
SNIPPET_CHARS = 220
#: How far before a mark a snippet may start when its sentence is too long to show whole.
LEAD_CHARS = 60
ELLIPSIS = "…"

_SENTENCE = re.compile(r"[^.!?…]*(?:[.!?…]+(?=\s|$)|$)")
_MARKED = re.compile(re.escape(START) + r"(.*?)" + re.escape(STOP))


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs covering ``text``."""
    found = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        if sentence.strip():
            found.append((match.start(), sentence))
    return found


def _held(sentence: str) -> int:
    return len({word.lower() for word in _MARKED.findall(sentence)})


def _balanced(text: str) -> str:
    """Close a mark left open by a cut, drop a close left without its start."""
    depth, out = 0, []
    for char in text:
        if char == START:
            depth += 1
        elif char == STOP:
            if not depth:
                continue
            depth -= 1
        out.append(char)
    return "".join(out) + STOP * depth


def snippet_cut(marked: str, limit: int = SNIPPET_CHARS) -> str:
    """The snippet of a marked text (markers kept, not escaped: ``engine.highlight``
    escapes it, then turns the markers into ``<mark>``).

    :param marked: the whole text, matched words between ``START`` and ``STOP``.
    :param limit: the most characters shown (an ellipsis is added where cut).
    """
    text = " ".join((marked or "").split())
    if not text:
        return ""
    sentences = _sentences(text)
    best = max(sentences, key=lambda pair: _held(pair[1]), default=(0, text))
    start = best[0] if _held(best[1]) else 0
    # Short texts read whole from their first sentence (the item's country, type, series).
    if best[0] + len(best[1]) <= limit:
        start = 0
    # A sentence too long to show whole starts a little before its first mark instead.
    first_mark = text.find(START, start)
    if first_mark != -1 and first_mark - start > limit - LEAD_CHARS:
        space = text.rfind(" ", start, first_mark - LEAD_CHARS)
        start = space + 1 if space != -1 else start
    while start < len(text) and text[start] == " ":
        start += 1
    piece = text[start:]
    cut = len(piece) > limit
    if cut:
        space = piece.rfind(" ", 0, limit)
        piece = piece[: space if space > limit // 2 else limit].rstrip(" ,;:—-")
    snippet = _balanced(piece)
    if start > 0:
        snippet = f"{ELLIPSIS} {snippet}"
    if cut:
        snippet = f"{snippet} {ELLIPSIS}"
    return snippet
