"""The certificate PDF (portal.training.certificates), read back with pypdf."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
import segno
from django.utils import timezone, translation
from pypdf.generic import ContentStream

from portal.training import certificates
from portal.training.certificates import (
    FONT_CHAIN,
    PAGE_SIZE,
    QR_FORM,
    _runs,
    certificate_date,
    certificate_pdf,
    certificate_qr_matrix,
)

VERIFY_URL = "https://portal.example.org/certificates/verify/K7QX-94MD-2RTA/"
FIELDS = {
    "holder_name": "Nguyễn Thị Đặng",
    "holder_country": "Viet Nam",
    "course_title": "Detecting substituted photos in passports",
    "level_label": "Second line",
    "issued_at": datetime.datetime(2026, 11, 26, 20, 0, tzinfo=datetime.UTC),
    "expires_at": datetime.date(2028, 11, 26),
    "code": "K7QX-94MD-2RTA",
    "verify_url": VERIFY_URL,
}


def make(language: str = "en", **changes) -> pypdf.PdfReader:
    with translation.override(language):
        pdf = certificate_pdf(**{**FIELDS, **changes})
    assert pdf.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(reader: pypdf.PdfReader) -> str:
    return " ".join(reader.pages[0].extract_text().split())


def test_one_a4_landscape_page():
    reader = make()
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert PAGE_SIZE[0] > PAGE_SIZE[1]


def test_the_page_says_everything_a_reader_checks():
    text = text_of(make(network_name="ASEAN Document Examiners", portal_name="Document Portal"))
    for expected in (
        "Document Portal",
        "ASEAN Document Examiners",
        "Certificate of competency",
        "Nguyễn Thị Đặng",  # Vietnamese, exact (drawn from precomposed glyphs)
        "Viet Nam",
        "Detecting substituted photos in passports",
        "Competency level: Second line",
        "Issued 26 Nov 2026",
        "Valid until 26 Nov 2028",
        "Verification code K7QX-94MD-2RTA",
        f"Check this certificate at {VERIFY_URL}",
    ):
        assert expected in text, expected


def test_the_pdf_metadata_names_the_certificate():
    reader = make()
    assert reader.metadata.title == (
        "Certificate of competency: Nguyễn Thị Đặng, Detecting substituted photos in passports"
    )
    assert reader.metadata.subject == "K7QX-94MD-2RTA"


def test_dates_are_days_in_the_active_time_zone():
    late_evening_utc = datetime.datetime(2026, 11, 26, 20, 0, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert certificate_date(late_evening_utc) == "26 Nov 2026"
        with timezone.override("Asia/Bangkok"):  # 03:00 the next morning there
            assert certificate_date(late_evening_utc) == "27 Nov 2026"
            assert certificate_date(datetime.date(2028, 11, 26)) == "26 Nov 2028"
            text = text_of(make(issued_at=late_evening_utc))
    assert "Issued 27 Nov 2026" in text


def test_every_sentence_goes_through_gettext_at_drawing_time(monkeypatch):
    # The suite has no catalogues (settings.test): mark what gettext is asked for instead.
    monkeypatch.setattr(certificates, "_", lambda message: f"<{message}>")
    text = text_of(make())
    for message in (
        "Certificate of competency",
        "This certifies that",
        "has completed the course",
        "Competency level: Second line",
        "Issued",
        "Valid until",
        "Verification code",
        f"Check this certificate at {VERIFY_URL}",
    ):
        assert f"<{message}>" in text, message


def test_dates_follow_the_active_language():
    # Django's own catalogues name the months.
    assert "26 Tháng 11 2026" in text_of(make("vi"))


def test_a_long_course_title_is_drawn_whole():
    title = "Recognising forged entry stamps " * 8
    assert title.strip() in text_of(make(course_title=title.strip()))


def fonts_on_page(reader: pypdf.PdfReader) -> set[str]:
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}


def test_thai_names_are_drawn_in_a_thai_font():
    assert "NotoSansThai-Regular" not in fonts_on_page(make())
    reader = make(holder_name="สมชาย ใจดี")
    assert "NotoSansThai-Regular" in fonts_on_page(reader)
    assert "สมชาย" in text_of(reader)


def test_mixed_scripts_split_into_runs_of_one_font():
    latin, thai = FONT_CHAIN
    assert _runs("สมชาย ใจดี (Nguyễn)") == [(thai, "สมชาย ใจดี ("), (latin, "Nguyễn)")]
    # Tone marks and vowel signs stay with their consonant: "น้ำ" is one shaped run.
    assert _runs("น้ำ ปั้น") == [(thai, "น้ำ ปั้น")]
    assert _runs("2026-11-26") == [(latin, "2026-11-26")]
    assert _runs("") == []


def drawn_qr(reader: pypdf.PdfReader) -> tuple[tuple[bool, ...], ...]:
    """The QR modules as drawn: the form's rectangles, one unit per module, read back."""
    forms = reader.pages[0]["/Resources"]["/XObject"]
    (form,) = (xobject.get_object() for name, xobject in forms.items() if QR_FORM in name)
    count = round(float(form["/BBox"][2]))
    matrix = [[False] * count for _ in range(count)]
    for operands, operator in ContentStream(form, reader).operations:
        if operator != b"re":
            continue
        x, y, width, height = (round(float(value)) for value in operands)
        assert height == 1
        for column in range(x, x + width):
            matrix[count - 1 - y][column] = True
    return tuple(tuple(row) for row in matrix)


def test_the_qr_code_drawn_is_segnos_code_of_the_verify_url():
    drawn = drawn_qr(make())
    assert drawn == certificate_qr_matrix(VERIFY_URL)
    # What segno makes of the URL, independently of the module's helper.
    encoded = segno.make(VERIFY_URL, error="m", micro=False)
    assert drawn == tuple(tuple(bool(module) for module in row) for row in encoded.matrix)
    assert sum(map(sum, drawn)) > len(drawn)  # modules were drawn, not an empty form


def test_the_qr_code_follows_the_url():
    other = "https://portal.example.org/certificates/verify/ZZZZ-0000-AAAA/"
    drawn = drawn_qr(make(verify_url=other, code="ZZZZ-0000-AAAA"))
    assert drawn == certificate_qr_matrix(other)
    assert drawn != certificate_qr_matrix(VERIFY_URL)


@pytest.mark.parametrize("url", [VERIFY_URL, "https://x.example/c/v/" + "A" * 120 + "/"])
def test_certificate_qr_matrix_is_square_and_has_finder_patterns(url):
    matrix = certificate_qr_matrix(url)
    count = len(matrix)
    assert all(len(row) == count for row in matrix)
    assert (count - 17) % 4 == 0  # a QR code (not micro) of version (count - 17) / 4
    # The three 7 × 7 finder squares: a dark ring, a light ring, a dark 3 × 3 core.
    for top, left in ((0, 0), (0, count - 7), (count - 7, 0)):
        ring = [matrix[top][left + i] for i in range(7)] + [matrix[top + i][left] for i in range(7)]
        assert all(ring)
        assert not matrix[top + 1][left + 1]
        assert matrix[top + 3][left + 3]
