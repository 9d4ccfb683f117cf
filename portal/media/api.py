"""What the API says about an item's attached documents (django-ninja schema and shape).

An item's API answer lists its documents with their file URLs; those URLs answer the same
Bearer token as the API (``accounts.middleware.BearerTokenMiddleware``), after the item's
rule, so a national system downloads exactly what its officers may read.
"""

from __future__ import annotations

from collections.abc import Iterable

from ninja import Schema

from .models import AttachedDocument


class DocumentOut(Schema):
    id: int
    title: str
    url: str
    mime_type: str
    size: int


def documents_out(documents: Iterable[AttachedDocument]) -> list[dict]:
    """The API shape of documents already known to be visible (their item is)."""
    return [
        {
            "id": document.pk,
            "title": document.title,
            "url": document.url,
            "mime_type": document.mime_type,
            "size": document.file_size,
        }
        for document in documents
    ]
