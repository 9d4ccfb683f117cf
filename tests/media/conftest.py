"""Fixtures of the media tests: documents made in memory (never binary fixtures)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.access.media_probes import pdf_bytes
from tests.specimens.conftest import add_image, make_specimen, picture, private_files

__all__ = [
    "add_image",
    "docx_bytes",
    "make_specimen",
    "odt_bytes",
    "pdf_bytes",
    "picture",
    "private_files",
]

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"/>'
)
CORE_WITH_AUTHOR = (
    b'<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
    b'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/'
    b'elements/1.1/"><dc:creator>Jane Officer</dc:creator></cp:coreProperties>'
)


def docx_bytes(*, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word package with an author and a company in its properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document>Body text</w:document>")
        archive.writestr("docProps/core.xml", CORE_WITH_AUTHOR)
        archive.writestr("docProps/app.xml", b"<Properties><Company>Border Agency X</Company>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def odt_bytes(*, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OpenDocument text with an author in ``meta.xml``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<office:document-content>Body</office:document-content>")
        archive.writestr("meta.xml", b"<office:meta><meta:initial-creator>Jane Officer")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def attach(users):
    """Attach a document to a specimen through the platform service."""
    from portal.media.services import document_attach
    from portal.specimens.models import SpecimenDocument

    def add(specimen, data: bytes | None = None, title: str = "Issuing notice"):
        document = SpecimenDocument(specimen=specimen, title=title)
        return document_attach(
            document=document, file=io.BytesIO(data or pdf_bytes(title)), uploaded_by=None
        )

    return add
