"""Synthetic travel-document art for the demo library, drawn with Pillow.

Nothing here is real: fictional country headers marked SPECIMEN, a grey silhouette
instead of a face, invented names and numbers, a fictional machine-readable zone. Each
design is drawn under several lights the way an examiner sees a data page: visible,
UV (fibres, planchettes and fluorescent print on a dull substrate), IR (IR-dropping inks
vanish) and transmitted light (the watermark). Forgeries reuse their genuine design
with visible defects, so the compare view and the similar-image search have something
true to show.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

LIGHT_SOURCES = ("visible", "uv", "ir", "transmitted")

DEFECTS = {
    "no_uv_fibres": "No UV-fluorescent fibres or planchettes in the substrate under UV light.",
    "uv_bright_paper": "The paper itself glows bluish-white under UV: it is not UV-dull.",
    "ir_ink_visible": "The background printing does not drop out under IR light.",
    "blurred_guilloche": "Guilloche lines are blurred and broken: printed, not intaglio/offset.",
    "wrong_mrz_font": "The machine-readable zone is not in OCR-B: spacing and glyphs differ.",
    "misaligned_photo": "The photo is shifted and tilted against the printed frame.",
    "missing_watermark": "No watermark in transmitted light.",
    "colour_shift": "Background colours are off: the tint differs from the genuine series.",
}

#: Page sizes in millimetres by document type (ICAO 9303 formats).
FORMATS = {
    "id_card": (85.6, 54.0),
    "residence_permit": (85.6, 54.0),
    "visa": (120.0, 80.0),
}
PASSPORT_FORMAT = (125.0, 88.0)
WIDTH = 1000

GIVEN = ["ARI", "BENA", "CALO", "DARE", "ELIN", "FAROS", "GINA", "HALE", "IVO", "JUNA", "KAI"]
SURNAME = ["SAMPLEMAN", "EXAMPLA", "TESTOVA", "DEMORA", "MUSTERIN", "PROVARO", "FICTANA"]


@dataclass(frozen=True)
class DocumentDesign:
    """What a synthetic document looks like; equal designs draw identical genuine images."""

    issuing_country: str
    country_name: str
    document_type: str
    series: str
    seed: int


@cache
def _font(size: int, mono: bool = False, bold: bool = False) -> ImageFont.ImageFont:
    names = (
        ["DejaVuSansMono-Bold.ttf", "DejaVuSansMono.ttf"]
        if mono
        else (["DejaVuSans-Bold.ttf"] if bold else ["DejaVuSans.ttf"])
    )
    for name in names:
        try:
            return ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{name}", size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _check_digit(text: str) -> str:
    values = {**{str(d): d for d in range(10)}, "<": 0}
    values.update({chr(ord("A") + i): 10 + i for i in range(26)})
    total = sum(values.get(char, 0) * (7, 3, 1)[i % 3] for i, char in enumerate(text))
    return str(total % 10)


def _holder(holder_seed: int, design: DocumentDesign) -> dict[str, str]:
    rng = random.Random(holder_seed * 7919 + design.seed)
    birth = f"{rng.randrange(60, 99):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    expiry = f"{rng.randrange(28, 36):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    return {
        "surname": rng.choice(SURNAME),
        "given": rng.choice(GIVEN),
        "number": "X" + "".join(str(rng.randrange(10)) for _ in range(7)),
        "birth": birth,
        "expiry": expiry,
        "sex": rng.choice("FM"),
    }


def _mrz(design: DocumentDesign, holder: dict[str, str]) -> list[str]:
    code, number = design.issuing_country, holder["number"]
    name = f"{holder['surname']}<<{holder['given']}"
    if design.document_type in FORMATS and design.document_type != "visa":  # TD1: 3 × 30
        line1 = f"I<{code}{number}{_check_digit(number)}".ljust(30, "<")
        line2 = (
            f"{holder['birth']}{_check_digit(holder['birth'])}{holder['sex']}"
            f"{holder['expiry']}{_check_digit(holder['expiry'])}{code}"
        ).ljust(29, "<")
        return [line1, line2 + _check_digit(line1[5:30] + line2), name.ljust(30, "<")[:30]]
    kind = "V<" if design.document_type == "visa" else "P<"
    line1 = f"{kind}{code}{name}".ljust(44, "<")[:44]
    line2 = (
        f"{number}{_check_digit(number)}{code}{holder['birth']}{_check_digit(holder['birth'])}"
        f"{holder['sex']}{holder['expiry']}{_check_digit(holder['expiry'])}"
    ).ljust(43, "<")
    return [line1, line2 + _check_digit(line2)]


class _Layout:
    """Positions and colours of one design, all drawn from its seed."""

    def __init__(self, design: DocumentDesign):
        rng = random.Random(f"{design.issuing_country}-{design.seed}")
        mm_w, mm_h = FORMATS.get(design.document_type, PASSPORT_FORMAT)
        self.size = (WIDTH, round(WIDTH * mm_h / mm_w))
        width, height = self.size
        hue = rng.random()
        self.tint = _hsv(hue, 0.10 + rng.random() * 0.08, 0.97)
        self.ink = _hsv((hue + 0.5) % 1, 0.55, 0.55)
        self.ink2 = _hsv((hue + 0.25 + rng.random() * 0.2) % 1, 0.5, 0.6)
        self.header = _hsv((hue + rng.choice([0.0, 0.33, 0.66])) % 1, 0.65, 0.45)
        self.header_h = round(height * rng.uniform(0.12, 0.17))
        self.photo = (
            round(width * rng.uniform(0.03, 0.06)),
            self.header_h + round(height * rng.uniform(0.04, 0.08)),
        )
        self.photo_size = (round(width * 0.25), round(height * 0.5))
        self.mrz_top = round(height * 0.78)
        self.rosette = (
            round(width * rng.uniform(0.55, 0.8)),
            round(height * rng.uniform(0.35, 0.6)),
            round(height * rng.uniform(0.2, 0.3)),
        )
        self.guilloche = [
            (
                rng.uniform(2, 7),
                rng.uniform(0.005, 0.02),
                rng.uniform(0, math.tau),
                rng.randrange(5, 13),
            )
            for _ in range(rng.randrange(3, 6))
        ]
        self.petals = (rng.randrange(5, 17), rng.randrange(3, 9), rng.uniform(0.2, 0.45))
        self.watermark = (round(width * rng.uniform(0.62, 0.78)), round(height * 0.45))
        self.fibre_seed = rng.randrange(1 << 30)


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    import colorsys

    return tuple(round(c * 255) for c in colorsys.hsv_to_rgb(h, s, v))


def _guilloche(layout: _Layout, colour, width: int = 1) -> Image.Image:
    """The background line work on a transparent layer: waves and a rosette."""
    layer = Image.new("RGBA", layout.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    w, h = layout.size
    for cycles, amplitude, phase, lines in layout.guilloche:
        for line in range(lines):
            offset = h * (0.2 + 0.6 * line / lines)
            points = [
                (
                    x,
                    offset
                    + h * amplitude * 4 * math.sin(cycles * math.tau * x / w + phase + line * 0.4),
                )
                for x in range(0, w + 8, 8)
            ]
            draw.line(points, fill=(*colour, 150), width=width)
    cx, cy, radius = layout.rosette
    petals, loops, depth = layout.petals
    for ring in range(loops):
        r0 = radius * (1 - ring * 0.09)
        points = []
        for step in range(0, 721):
            t = step / 720 * math.tau
            r = r0 * (1 - depth + depth * math.cos(petals * t + ring * 0.5) ** 2)
            points.append((cx + r * math.cos(t), cy + r * math.sin(t)))
        draw.line(points, fill=(*layout.ink2, 170), width=width)
    return layer


def _silhouette(size: tuple[int, int], fill, background) -> Image.Image:
    w, h = size
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((w * 0.3, h * 0.14, w * 0.7, h * 0.56), fill=fill)
    draw.ellipse((w * 0.08, h * 0.6, w * 0.92, h * 1.3), fill=fill)
    return image


def _page(design: DocumentDesign, layout: _Layout, holder, forged, defects) -> dict:
    """Draw the layers every light is composed from."""
    w, h = layout.size
    tint = layout.tint
    if "colour_shift" in defects:
        tint = tuple(min(255, c + d) for c, d in zip(tint, (18, -14, 10), strict=True))
    layers = {}
    layers["paper"] = Image.new("RGB", layout.size, tint)
    blur = "blurred_guilloche" in defects
    guilloche = _guilloche(layout, layout.ink, width=3 if blur else 1)
    if blur:
        guilloche = guilloche.filter(ImageFilter.GaussianBlur(2.2))
    layers["guilloche"] = guilloche
    # Black (IR-absorbing) ink: text, MRZ, number.
    text = Image.new("L", layout.size, 0)
    draw = ImageDraw.Draw(text)
    title = f"{design.country_name.upper()} · {design.document_type.replace('_', ' ').upper()}"
    px, py = layout.photo
    fx = px + layout.photo_size[0] + round(w * 0.04)
    labels = [
        ("Surname", holder["surname"]),
        ("Given names", holder["given"]),
        ("Nationality", design.issuing_country),
        ("Date of birth", f"{holder['birth'][4:]}.{holder['birth'][2:4]}.19{holder['birth'][:2]}"),
        ("Document no.", holder["number"]),
        (
            "Date of expiry",
            f"{holder['expiry'][4:]}.{holder['expiry'][2:4]}.20{holder['expiry'][:2]}",
        ),
    ]
    step = (layout.mrz_top - py - 10) / len(labels)
    small, value = _font(max(11, h // 48)), _font(max(14, h // 30), bold=True)
    for number, (label, content) in enumerate(labels):
        y = py + number * step
        draw.text((fx, y), label, fill=150, font=small)
        draw.text((fx, y + h // 40), content, fill=255, font=value)
    mrz_font = _font(max(14, h // 26), mono=True)
    if "wrong_mrz_font" in defects:
        mrz_font = _font(max(13, h // 28), bold=True)
    lines = _mrz(design, holder)
    line_h = (h - layout.mrz_top - 8) / len(lines)
    for number, line in enumerate(lines):
        draw.text(
            (round(w * 0.03), layout.mrz_top + 4 + number * line_h), line, fill=255, font=mrz_font
        )
    layers["text"] = text
    # Header band (coloured ink, drops out in IR), with the fictional title.
    header = Image.new("RGBA", layout.size, (0, 0, 0, 0))
    hdraw = ImageDraw.Draw(header)
    hdraw.rectangle((0, 0, w, layout.header_h), fill=(*layout.header, 255))
    hdraw.text(
        (round(w * 0.03), layout.header_h * 0.18),
        title,
        fill=(255, 255, 255, 255),
        font=_font(max(16, layout.header_h // 3), bold=True),
    )
    hdraw.text(
        (round(w * 0.03), layout.header_h * 0.62),
        f"SPECIMEN · FICTIONAL · SERIES {design.series}",
        fill=(255, 255, 255, 220),
        font=_font(max(11, layout.header_h // 5)),
    )
    layers["header"] = header
    # The photo: a silhouette, shifted and tilted in a misaligned forgery.
    photo = _silhouette(layout.photo_size, (95, 100, 110), (222, 226, 232))
    offset = (0, 0)
    if "misaligned_photo" in defects:
        photo = photo.rotate(4, expand=False, fillcolor=(222, 226, 232))
        offset = (round(w * 0.015), round(h * 0.02))
    layers["photo"] = (photo, (px + offset[0], py + offset[1]))
    layers["frame"] = (px, py, px + layout.photo_size[0], py + layout.photo_size[1])
    return layers


def _visible(layout, layers) -> Image.Image:
    page = layers["paper"].copy()
    page.paste(layers["guilloche"], (0, 0), layers["guilloche"])
    page.paste(layers["header"], (0, 0), layers["header"])
    photo, position = layers["photo"]
    page.paste(photo, position)
    draw = ImageDraw.Draw(page)
    draw.rectangle(layers["frame"], outline=layout.ink, width=2)
    ghost = ImageOps.grayscale(photo).resize((photo.width // 3, photo.height // 3))
    ghost_position = (layout.size[0] - ghost.width - 20, layout.mrz_top - ghost.height - 10)
    page.paste(
        Image.new("RGB", ghost.size, layout.ink2),
        ghost_position,
        ImageOps.invert(ghost).point(lambda v: v // 3),
    )
    page.paste((25, 25, 35), (0, 0), layers["text"])
    overprint = Image.new("L", layout.size, 0)
    ImageDraw.Draw(overprint).text(
        (layout.size[0] * 0.3, layout.size[1] * 0.42),
        "SPECIMEN",
        fill=70,
        font=_font(layout.size[1] // 7, bold=True),
    )
    page.paste(
        (200, 30, 30), (0, 0), overprint.rotate(18, center=(layout.size[0] / 2, layout.size[1] / 2))
    )
    return page


def _uv(layout, layers, defects) -> Image.Image:
    base = (20, 14, 60) if "uv_bright_paper" not in defects else (120, 130, 190)
    page = Image.new("RGB", layout.size, base)
    draw = ImageDraw.Draw(page)
    if "no_uv_fibres" not in defects:
        rng = random.Random(layout.fibre_seed)
        w, h = layout.size
        for _ in range(260):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            angle, length = rng.uniform(0, math.tau), rng.uniform(8, 22)
            colour = rng.choice([(255, 240, 60), (255, 70, 90), (80, 200, 255)])
            bend = rng.uniform(-4, 4)
            draw.line(
                [
                    (x, y),
                    (x + length / 2 * math.cos(angle) + bend, y + length / 2 * math.sin(angle)),
                    (x + length * math.cos(angle), y + length * math.sin(angle)),
                ],
                fill=colour,
                width=2,
            )
        for _ in range(70):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(2, 4)
            draw.ellipse(
                (x - r, y - r, x + r, y + r), fill=rng.choice([(120, 255, 120), (255, 200, 80)])
            )
    # Fluorescent rosette and emblem in the header.
    glow = layers["guilloche"].getchannel("A").point(lambda v: 255 if v > 120 else 0)
    page.paste((90, 255, 170), (0, 0), glow.filter(ImageFilter.MaxFilter(3)) if False else glow)
    cx, cy, radius = layout.rosette
    draw.ellipse(
        (cx - radius * 0.25, cy - radius * 0.25, cx + radius * 0.25, cy + radius * 0.25),
        outline=(255, 120, 220),
        width=4,
    )
    photo_box = layers["frame"]
    draw.rectangle(photo_box, fill=(12, 10, 30))
    page.paste((10, 8, 25), (0, 0), layers["text"])
    return page


def _ir(layout, layers, defects) -> Image.Image:
    page = Image.new("L", layout.size, 205)
    if "ir_ink_visible" in defects:
        visible = _visible(layout, layers).convert("L")
        return ImageChops.multiply(page, visible).convert("RGB")
    photo, position = layers["photo"]
    page.paste(ImageOps.grayscale(photo).point(lambda v: 80 + v // 3), position)
    page.paste(25, (0, 0), layers["text"])
    ImageDraw.Draw(page).rectangle(layers["frame"], outline=60, width=2)
    return page.convert("RGB")


def _transmitted(layout, layers, defects) -> Image.Image:
    page = Image.new("L", layout.size, 235)
    faint = _visible(layout, layers).convert("L").point(lambda v: 150 + v * 100 // 255)
    page = ImageChops.multiply(page, faint)
    if "missing_watermark" not in defects:
        mark = Image.new("L", layout.size, 0)
        draw = ImageDraw.Draw(mark)
        x, y = layout.watermark
        r = layout.size[1] * 0.18
        draw.ellipse((x - r, y - r, x + r, y + r), fill=60)
        draw.polygon(
            [(x, y - r * 0.8), (x + r * 0.6, y + r * 0.5), (x - r * 0.6, y + r * 0.5)], fill=0
        )
        mark = mark.filter(ImageFilter.GaussianBlur(6))
        page = ImageChops.subtract(page, mark)
    return page.convert("RGB")


def document_images(
    design: DocumentDesign,
    *,
    forged: bool = False,
    defects: tuple[str, ...] = (),
    holder_seed: int = 0,
    size: tuple[int, int] | None = None,
) -> dict[str, Image.Image]:
    """RGB images of the document's data page under each light source in LIGHT_SOURCES."""
    if forged and not defects:
        rng = random.Random(design.seed)
        defects = tuple(rng.sample(sorted(DEFECTS), 2))
    defects = defects if forged else ()
    unknown = set(defects) - set(DEFECTS)
    if unknown:
        raise ValueError(f"Unknown defects: {sorted(unknown)}")
    layout = _Layout(design)
    layers = _page(design, layout, _holder(holder_seed, design), forged, defects)
    images = {
        "visible": _visible(layout, layers),
        "uv": _uv(layout, layers, defects),
        "ir": _ir(layout, layers, defects),
        "transmitted": _transmitted(layout, layers, defects),
    }
    if size is not None:
        images = {
            light: image.resize(size, Image.Resampling.LANCZOS) for light, image in images.items()
        }
    return images
