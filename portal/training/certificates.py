"""The certificate PDF: one A4 landscape page with the holder, course, dates, code and QR.

Pure: no models. The caller (``portal.training.services``) passes the certificate's fields,
already translated where they are labels (the level), in the language and time zone it
has activated (``translation.override``, ``timezone.override``): the sentences and dates
of the page follow them.

The PDF is a convenience, not the proof: PDFs get edited, so the page sends the reader to
the public verify page (``verify_url``, also as a QR code), which shows every field.

Fonts: the holder's name may be Thai or Vietnamese. The fonts come from PyPI with the
portal (``fontpkg-noto-sans``, ``fontpkg-noto-sans-thai``: Google's Noto fonts, unmodified,
OFL), so the development machines, CI and the Docker image draw the same glyphs without
any system font. Each character is drawn in the first font of ``FONT_CHAIN`` that has it:
Noto Sans covers Latin (Vietnamese and Indonesian included), Greek and Cyrillic; Noto
Sans Thai covers Thai, whose runs are shaped by HarfBuzz (``uharfbuzz``, which ReportLab
uses) so that tone marks sit where they belong. Other scripts (Chinese, Japanese, Korean,
Khmer, Lao, Burmese) have no font here yet and show as empty boxes; the verify page
shows those names correctly. Adding a script is one more entry in ``FONT_CHAIN``.
"""

from __future__ import annotations

import datetime
import functools
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import fontpkg
import segno
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr
from reportlab.pdfgen.canvas import Canvas

PAGE_SIZE = landscape(A4)

#: The portal's colours (portal.css: --brand, --ink, --ink-soft, --accent).
BRAND = HexColor("#0b3d66")
INK = HexColor("#1b2330")
INK_SOFT = HexColor("#4a5568")
ACCENT = HexColor("#0a6ebd")

#: QR error correction: "M" survives a crease or a smudge on a printed copy (15 %).
QR_ERROR = "m"
#: The light border a QR reader needs around the code, in modules.
QR_QUIET_ZONE = 4
#: The name of the form (PDF XObject) holding the QR code's dark modules, one unit each.
QR_FORM = "certificate-qr"


@dataclass(frozen=True)
class _Font:
    """One font of the chain: the ReportLab name it is registered under, and its family."""

    name: str
    family: str
    #: Shaped with HarfBuzz: scripts whose marks need placing (Thai). Latin is drawn
    #: unshaped, from precomposed glyphs, which keeps its text exact when copied.
    shaped: bool = False


FONT_CHAIN: tuple[_Font, ...] = (
    _Font("CertificateSans", "Noto Sans"),
    _Font("CertificateSansThai", "Noto Sans Thai", shaped=True),
)


@functools.cache
def _fonts() -> tuple[tuple[_Font, frozenset[int]], ...]:
    """Register the chain's fonts with ReportLab once; each with the characters it has."""
    loaded = []
    for font in FONT_CHAIN:
        ttf = TTFont(font.name, str(fontpkg.path(font.family)))
        pdfmetrics.registerFont(ttf)
        loaded.append((font, frozenset(ttf.face.charToGlyph)))
    return tuple(loaded)


def _runs(text: str) -> list[tuple[_Font, str]]:
    """Split ``text`` into runs each drawn in one font of the chain.

    Spaces, digits, punctuation and combining marks stay in the run around them, so a
    Thai name is shaped as a whole.
    """
    fonts = _fonts()
    runs: list[tuple[_Font, str]] = []
    pending = ""  # neutral characters before the first letter
    for char in text:
        neutral = not char.isalpha() and not unicodedata.category(char).startswith("M")
        if neutral or (unicodedata.category(char).startswith("M") and runs):
            if runs:
                runs[-1] = (runs[-1][0], runs[-1][1] + char)
            else:
                pending += char
            continue
        code = ord(char)
        font = next((font for font, chars in fonts if code in chars), fonts[0][0])
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, pending + char))
            pending = ""
    if pending:
        runs.append((fonts[0][0], pending))
    return runs


def _measure(runs: Sequence[tuple[_Font, str]], size: float) -> tuple[list, float]:
    """The runs ready to draw (shaped where their font asks), and their total width."""
    ready, width = [], 0.0
    for font, text in runs:
        if font.shaped:
            shaped = shapeStr(text, font.name, size)
            data = getattr(shaped, "__shapeData__", None)
            run_width = (
                sum(glyph.x_advance for glyph in data) * size / 1000
                if data is not None
                else pdfmetrics.stringWidth(text, font.name, size)
            )
            ready.append((font, shaped, run_width))
        else:
            run_width = pdfmetrics.stringWidth(text, font.name, size)
            ready.append((font, text, run_width))
        width += run_width
    return ready, width


def _draw_line(
    canvas: Canvas,
    text: str,
    *,
    x: float,
    y: float,
    size: float,
    color,
    max_width: float,
    align: str = "centre",
) -> None:
    """Draw one line of any script, made smaller if it would be wider than ``max_width``.

    Nothing is cut: a very long course title is drawn small rather than shortened.
    """
    runs = _runs(unicodedata.normalize("NFC", text))
    ready, width = _measure(runs, size)
    if width > max_width > 0:
        size = size * max_width / width
        ready, width = _measure(runs, size)
    left = x - width / 2 if align == "centre" else x
    canvas.setFillColor(color)
    for font, drawable, run_width in ready:
        canvas.setFont(font.name, size)
        canvas.drawString(left, y, drawable)
        left += run_width


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The calendar day of ``value`` in the active time zone (a date stays as it is)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    return value


def certificate_date(value: datetime.date | datetime.datetime) -> str:
    """A certificate's date as the portal writes dates in the active language ("26 Nov 2026")."""
    return formats.date_format(_as_date(value), "DATE_FORMAT")


def certificate_qr_matrix(verify_url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of ``verify_url`` as rows of modules (``True`` is dark), top row first,
    without the quiet zone: exactly what the certificate draws."""
    qr = segno.make(verify_url, error=QR_ERROR, micro=False)
    return tuple(tuple(bool(module) for module in row) for row in qr.matrix)


def _draw_qr(canvas: Canvas, verify_url: str, *, x: float, y: float, size: float) -> None:
    """The QR code as vector rectangles (sharp at any zoom, no image), quiet zone around.

    The dark modules are a form of their own, one unit per module, so that a test can
    read back exactly what was drawn.
    """
    matrix = certificate_qr_matrix(verify_url)
    count = len(matrix)
    canvas.beginForm(QR_FORM, lowerx=0, lowery=0, upperx=count, uppery=count)
    canvas.setFillColor(INK)
    for row_number, row in enumerate(matrix):
        bottom = count - 1 - row_number  # PDF counts upwards
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            canvas.rect(start, bottom, column - start, 1, stroke=0, fill=1)
    canvas.endForm()

    module = size / (count + 2 * QR_QUIET_ZONE)
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.saveState()
    canvas.translate(x + QR_QUIET_ZONE * module, y + QR_QUIET_ZONE * module)
    canvas.scale(module, module)
    canvas.doForm(QR_FORM)
    canvas.restoreState()


def certificate_pdf(
    *,
    holder_name: str,
    holder_country: str,
    course_title: str,
    level_label: str,
    issued_at: datetime.date | datetime.datetime,
    expires_at: datetime.date | datetime.datetime,
    code: str,
    verify_url: str,
    network_name: str = "",
    portal_name: str | None = None,
) -> bytes:
    """The certificate as a one-page PDF (A4 landscape).

    :param holder_country: the holder's country's name, as it should be printed.
    :param level_label: the competency level, translated ("Second line").
    :param issued_at: the day of issue; a datetime is taken in the active time zone.
    :param expires_at: the last day the certificate is valid (printed "Valid until").
    :param code: the verification code, printed large enough to type.
    :param verify_url: the absolute URL of the public verify page, printed and as a QR code.
    :param network_name: the training network, printed under the portal's name if given.
    :param portal_name: defaults to ``settings.WAGTAIL_SITE_NAME``.
    """
    portal_name = portal_name or getattr(settings, "WAGTAIL_SITE_NAME", "")
    width, height = PAGE_SIZE
    centre = width / 2
    text_width = width - 2 * 70

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE_SIZE, pageCompression=1)
    title = _("Certificate of competency")
    canvas.setTitle(f"{title}: {holder_name}, {course_title}")
    canvas.setAuthor(portal_name)
    canvas.setSubject(code)
    canvas.setCreator(portal_name)

    # A double frame, the certificate's classic look.
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(2.5)
    canvas.rect(24, 24, width - 48, height - 48, stroke=1, fill=0)
    canvas.setLineWidth(0.6)
    canvas.rect(32, 32, width - 64, height - 64, stroke=1, fill=0)

    def line(text: str, y: float, size: float, color=INK, **kwargs) -> None:
        kwargs.setdefault("x", centre)
        kwargs.setdefault("max_width", text_width)
        _draw_line(canvas, text, y=y, size=size, color=color, **kwargs)

    line(portal_name, height - 78, 16, BRAND)
    if network_name:
        line(network_name, height - 98, 12, INK_SOFT)
    line(title, height - 148, 34, BRAND)
    line(_("This certifies that"), height - 190, 13, INK_SOFT)
    line(holder_name, height - 230, 30)
    line(holder_country, height - 256, 14, INK_SOFT)
    line(_("has completed the course"), height - 294, 13, INK_SOFT)
    line(course_title, height - 328, 22)
    line(
        _("Competency level: %(level)s") % {"level": level_label},
        height - 358,
        14,
        ACCENT,
    )

    # The facts to check, bottom left; the QR code bottom right.
    qr_size = 128
    left = 70
    column = width - 2 * left - qr_size - 20
    facts = (
        (_("Issued"), certificate_date(issued_at), 192),
        (_("Valid until"), certificate_date(expires_at), 150),
    )
    for label, value, y in facts:
        line(label, y, 10, INK_SOFT, x=left, align="left", max_width=column)
        line(value, y - 18, 15, x=left, align="left", max_width=column)
    line(_("Verification code"), 108, 10, INK_SOFT, x=left, align="left", max_width=column)
    line(code, 80, 26, BRAND, x=left, align="left", max_width=column)
    _draw_qr(canvas, verify_url, x=width - left - qr_size, y=66, size=qr_size)
    line(
        _("Check this certificate at %(url)s") % {"url": verify_url},
        46,
        10,
        INK_SOFT,
    )

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
