"""Checking and cleaning attached documents: PDF and office files (pypdf, zipfile).

Every upload passes ``prepare``: the kind is recognised by the content (never the name),
the bytes are limited before anything parses them, and the file is rewritten by the
portal so that what the author's software put beside the content does not travel:

- PDF: the document information dictionary (author, creator, dates) and the XMP metadata
  stream go, and so do active content that runs on opening (``/OpenAction``, ``/AA``,
  document-level JavaScript) and embedded files. Encrypted PDFs are refused: the portal
  could not check them.
- Office Open XML (``.docx``, ``.xlsx``, ``.pptx``) and OpenDocument (``.odt``, ``.ods``,
  ``.odp``): the core, extended and custom properties parts (``docProps/*``, ``meta.xml``)
  are replaced with empty ones and every entry's timestamp is reset. Macro-enabled files
  (a VBA project, ODF ``Basic/`` or ``Scripts/``) are refused. The archives are held to an
  entry count and an uncompressed size (zip bombs), and to plain relative entry names.

Names of authors inside the body (tracked changes, comments) cannot be removed without
rewriting the document; they stay, and the upload form says so.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from .images import bytes_check

#: Stored extension → MIME type of each accepted kind.
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
#: The main part that tells an Office Open XML package's kind.
OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
ODF_KINDS = {MIME_TYPES[kind]: kind for kind in ("odt", "ods", "odp")}
#: Archives: at most this many entries and this many uncompressed bytes per stored byte.
MAX_ENTRIES = 5000
MAX_EXPANSION = 20
#: The properties parts, replaced by empty ones (no author, company, dates, template).
OOXML_EMPTY_PARTS = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties"/>'
    ),
}
ODF_EMPTY_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
ACCEPTED_TEXT = _("Send a PDF, or a Word, Excel, PowerPoint or OpenDocument file.")


def max_bytes() -> int:
    """Bytes allowed in one document upload (``MEDIA_DOCUMENT_MAX_BYTES``)."""
    return getattr(settings, "MEDIA_DOCUMENT_MAX_BYTES", 50 * 1024 * 1024)


@dataclass(frozen=True)
class PreparedDocument:
    """An upload that passed every check, rewritten without its metadata, ready to store."""

    content: ContentFile
    extension: str
    mime_type: str


def _refuse(message, code: str):
    return ValidationError(message, code=code)


def _damaged() -> ValidationError:
    return _refuse(
        _(
            "The document is damaged or incomplete and cannot be read. "
            "Save it again from the original program and retry."
        ),
        "damaged",
    )


def _pdf_clean(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(
                _("The PDF is protected by a password. Save it without protection and retry."),
                "encrypted",
            )
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer._root_object
        for key in ("/Metadata", "/OpenAction", "/AA", "/PieceInfo"):
            root.pop(NameObject(key), None)
        names = root.get("/Names")
        if names is not None:
            names = names.get_object()
            for key in ("/JavaScript", "/EmbeddedFiles"):
                names.pop(NameObject(key), None)
        for page in writer.pages:
            for key in ("/Metadata", "/PieceInfo", "/AA"):
                page.pop(NameObject(key), None)
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise _damaged() from None
    return out.getvalue()


def _archive_entries(archive: zipfile.ZipFile, stored_size: int) -> list[zipfile.ZipInfo]:
    """The entries of an office archive, or a refusal for a zip bomb or a strange name."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise _damaged()
    declared = sum(entry.file_size for entry in entries)
    if declared > max(stored_size, 1024 * 1024) * MAX_EXPANSION:
        raise _refuse(
            _("The document expands to far more data than it holds. Save it again and retry."),
            "too_large",
        )
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in name.split("/") or "\x00" in name:
            raise _damaged()
    return entries


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, never more than it declares (a lying header is a refusal)."""
    with archive.open(entry) as stream:
        data = stream.read(entry.file_size + 1)
    if len(data) > entry.file_size:
        raise _damaged()
    return data


def _office_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "[Content_Types].xml" in names:
        for part, kind in OOXML_MAIN_PARTS.items():
            if part in names:
                return kind
        return None
    if "mimetype" in names:
        mime = archive.read("mimetype").decode("ascii", "replace").strip()
        return ODF_KINDS.get(mime)
    return None


def _has_macros(kind: str, names: set[str]) -> bool:
    if kind in {"docx", "xlsx", "pptx"}:
        return any(name.lower().endswith("vbaproject.bin") for name in names)
    return any(name.startswith(("Basic/", "Scripts/")) for name in names)


def _office_clean(data: bytes) -> tuple[bytes, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = _archive_entries(archive, len(data))
        names = {entry.filename for entry in entries}
        kind = _office_kind(archive, names)
        if kind is None:
            raise _refuse(
                _("This archive is not a document the portal accepts. %(accepted)s")
                % {"accepted": ACCEPTED_TEXT},
                "format",
            )
        if _has_macros(kind, names):
            raise _refuse(
                _(
                    "The document contains macros, which the portal does not accept. "
                    "Save it without macros (for example as .docx or PDF) and retry."
                ),
                "macros",
            )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as cleaned:
            for entry in entries:
                content = _read_entry(archive, entry)
                if kind in {"docx", "xlsx", "pptx"}:
                    content = OOXML_EMPTY_PARTS.get(entry.filename, content)
                elif entry.filename == "meta.xml":
                    content = ODF_EMPTY_META
                # A fixed timestamp: when each part was last saved tells about the author.
                fresh = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
                fresh.compress_type = entry.compress_type
                fresh.external_attr = 0o644 << 16
                cleaned.writestr(fresh, content)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise _damaged() from None
    return out.getvalue(), kind


def prepare(file: IO[bytes]) -> PreparedDocument:
    """Check and clean a document upload; ``ValidationError`` with a person's message."""
    bytes_check(file, limit=max_bytes(), what=_("document"))
    file.seek(0)
    data = file.read()
    if data.startswith(b"%PDF-"):
        content, extension = _pdf_clean(data), "pdf"
    elif data.startswith(b"PK\x03\x04"):
        content, extension = _office_clean(data)
    else:
        raise _refuse(
            _("This file is not a document the portal accepts. %(accepted)s")
            % {"accepted": ACCEPTED_TEXT},
            "format",
        )
    return PreparedDocument(
        content=ContentFile(content), extension=extension, mime_type=MIME_TYPES[extension]
    )
