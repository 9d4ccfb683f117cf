"""Where private files are stored and under which names.

The ``private`` storage (``STORAGES["private"]``, ``media/private/``) has no base URL, so
no template or serializer can turn a stored name into a link by mistake. Names are random
UUIDs: the uploaded name can carry personal data or path tricks, and is never used.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """The storage of every private file (a callable, so that tests can swap settings)."""
    return storages["private"]


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"


def original_path(instance: Any, filename: str) -> str:
    """``<folder>/originals/<2 hex>/<uuid>.<ext>`` for a private image (``media_folder``)."""
    name = instance.uuid.hex
    return f"{instance.media_folder}/originals/{name[:2]}/{name}.{_extension(filename)}"


def rendition_path(instance: Any, filename: str) -> str:
    """``<folder>/renditions/<2 hex>/<image uuid>/<rendition name>.jpg``."""
    image = instance.image
    name = image.uuid.hex
    return f"{image.media_folder}/renditions/{name[:2]}/{name}/{instance.name}.jpg"


def document_path(instance: Any, filename: str) -> str:
    """``<folder>/documents/<2 hex>/<uuid>.<ext>`` for an attached document."""
    name = instance.uuid.hex
    return f"{instance.media_folder}/documents/{name[:2]}/{name}.{_extension(filename)}"


def video_path(instance: Any, filename: str) -> str:
    """``<folder>/videos/<2 hex>/<uuid>.<ext>`` for a private video."""
    name = instance.uuid.hex
    return f"{instance.media_folder}/videos/{name[:2]}/{name}.{_extension(filename)}"
