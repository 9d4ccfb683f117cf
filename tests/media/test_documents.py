"""Document uploads: recognised by content, held to limits, rewritten without metadata."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from portal.media import documents

from .conftest import docx_bytes, odt_bytes, pdf_bytes, picture


def _prepare(data: bytes) -> documents.PreparedDocument:
    return documents.prepare(io.BytesIO(data))


def _refused(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        _prepare(data)
    return caught.value


def test_pdf_metadata_and_active_content_do_not_survive():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Jane Officer", "/Creator": "Scanner3000 SN12345"})
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("openedmarker"),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    assert b"Jane Officer" in out.getvalue() and b"openedmarker" in out.getvalue()

    prepared = _prepare(out.getvalue())
    stored = prepared.content.read()
    assert (prepared.extension, prepared.mime_type) == ("pdf", "application/pdf")
    for secret in (b"Jane Officer", b"SN12345", b"openedmarker"):
        assert secret not in stored
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 1
    assert not reader.metadata
    assert "/OpenAction" not in reader.trailer["/Root"]


def test_encrypted_pdf_is_refused_with_what_to_do():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    error = _refused(out.getvalue())
    assert error.code == "encrypted"
    assert "without protection" in error.messages[0]


def test_office_properties_are_emptied_and_timestamps_reset():
    prepared = _prepare(docx_bytes())
    assert prepared.extension == "docx"
    assert prepared.mime_type.endswith("wordprocessingml.document")
    archive = zipfile.ZipFile(io.BytesIO(prepared.content.read()))
    assert archive.read("word/document.xml") == b"<w:document>Body text</w:document>"
    assert b"Jane Officer" not in archive.read("docProps/core.xml")
    assert b"Border Agency X" not in archive.read("docProps/app.xml")
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_opendocument_meta_is_emptied_and_mimetype_stays_first():
    prepared = _prepare(odt_bytes())
    assert prepared.extension == "odt"
    archive = zipfile.ZipFile(io.BytesIO(prepared.content.read()))
    assert archive.infolist()[0].filename == "mimetype"
    assert archive.infolist()[0].compress_type == zipfile.ZIP_STORED
    assert b"Jane Officer" not in archive.read("meta.xml")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"just some text, named report.pdf", "format"),
        (picture(), "format"),
        (b"%PDF-1.7\n this is not really a pdf", "damaged"),
        (docx_bytes(extra={"word/vbaProject.bin": b"macro"}), "macros"),
        (odt_bytes(extra={"Basic/Standard/Module1.xml": b"macro"}), "macros"),
        (docx_bytes(extra={"../../etc/evil": b"x"}), "damaged"),
    ],
    ids=["empty", "text", "image", "broken pdf", "docm", "odt macros", "path trick"],
)
def test_what_is_refused_says_why(data, code):
    error = _refused(data)
    assert error.code == code, (error.code, error.messages)
    assert error.messages[0].endswith(".")


def test_a_zip_that_is_not_an_office_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", b"hello")
    assert _refused(out.getvalue()).code == "format"


def test_a_zip_bomb_is_refused_before_it_is_expanded():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    assert _refused(out.getvalue()).code == "too_large"


def test_the_byte_limit_is_checked_first(settings):
    settings.MEDIA_DOCUMENT_MAX_BYTES = 1000
    error = _refused(pdf_bytes("x" * 10) + b" " * 2000)
    assert error.code == "too_large"
    assert "the limit is" in error.messages[0]
