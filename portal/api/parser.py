"""Reading request bodies and query strings: text the database cannot store is bad input,
and so is a JSON body that is not an object (a list or a bare value would otherwise be read
as "no fields given" and answered as a successful, empty change).

PostgreSQL refuses NUL characters in text and a JSON string may carry lone UTF-16
surrogates (``"\\ud800"``) that cannot be encoded at all: either would otherwise surface
as a server error deep in a query. They are refused here, as a 400, before any view runs.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_lazy
from ninja.errors import ValidationError
from ninja.parser import Parser

UNSTORABLE_MESSAGE = gettext_lazy("Text may not contain NUL characters or invalid Unicode.")


class UnstorableText(ValueError):
    """A JSON body holding text the database cannot store."""


class NotAnObject(ValueError):
    """A JSON body that is not an object (every body of the API is one)."""


def storable(text: str) -> bool:
    """Whether ``text`` can be stored as PostgreSQL text (no NUL, valid Unicode)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _bad_text(data: Any) -> bool:
    # Iterative: a deeply nested body must not exhaust the stack here.
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if not storable(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


class PortalParser(Parser):
    """ninja's JSON and form parser, refusing text that cannot be stored."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObject(
                gettext('The request body must be a JSON object of fields, e.g. {"title": "..."}.')
            )
        if _bad_text(data):
            # ninja turns any parse failure into a 400; errors.py shows this message.
            raise UnstorableText(
                gettext("The request body cannot be stored. %(reason)s")
                % {"reason": UNSTORABLE_MESSAGE}
            )
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        bad = [
            name
            for name, value in result.items()
            if any(isinstance(v, str) and not storable(v) for v in _as_list(value))
        ]
        if bad:
            raise ValidationError(
                [{"loc": ("request", name), "msg": str(UNSTORABLE_MESSAGE)} for name in bad]
            )
        return result


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]
