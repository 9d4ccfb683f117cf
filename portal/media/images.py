"""Checking, cleaning and resizing private images (Pillow).

Every upload, whatever the content type and the path (admin, API), passes ``prepare``:
the file is recognised by its content (never its name), held to byte and pixel limits
that stop decompression bombs, decoded completely, and re-encoded from its pixels alone,
so no EXIF, GPS, camera serial, ICC description or text chunk survives. Renditions are
JPEGs made from the stored (already clean) original.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: Formats accepted, recognised by content: Pillow's format name → stored extension.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "TIFF": "tif"}
#: Renditions served besides the original: name → longest side in pixels.
RENDITIONS = {"thumbnail": 480, "display": 1600, "zoom": 4096}
SIZES = ("original", *RENDITIONS)
JPEG_QUALITY = 90
RENDITION_QUALITY = 85


def max_bytes() -> int:
    """Bytes allowed in one image upload (the setting keeps its first, specimen name)."""
    return getattr(settings, "SPECIMEN_IMAGE_MAX_BYTES", 40 * 1024 * 1024)


def max_pixels() -> int:
    """Pixels (width × height) allowed in one image upload, checked before decoding."""
    return getattr(settings, "SPECIMEN_IMAGE_MAX_PIXELS", 60_000_000)


def min_side() -> int:
    """The shortest side, in pixels, a stored reference image must have: below it the
    features an officer compares cannot be seen (``SPECIMEN_IMAGE_MIN_SIDE``)."""
    return getattr(settings, "SPECIMEN_IMAGE_MIN_SIDE", 300)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _megapixels(pixels: int) -> str:
    value = pixels / 1e6
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def size_of(file: IO[bytes]) -> int:
    """The size of an open upload, without reading it."""
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def bytes_check(file: IO[bytes], *, limit: int, what: str) -> int:
    """Refuse an empty file or one over ``limit`` bytes, before anything reads it."""
    size = size_of(file)
    if size == 0:
        raise ValidationError(
            _("The file is empty. Choose the %(what)s again."),
            code="empty",
            params={"what": what},
        )
    if size > limit:
        raise ValidationError(
            _(
                "The file is %(size)s; the limit is %(limit)s. "
                "Export the %(what)s at a lower resolution or in a more compact format."
            ),
            code="too_large",
            params={"size": megabytes(size), "limit": megabytes(limit), "what": what},
        )
    return size


def image_check(
    file: IO[bytes], *, pixel_limit: int | None = None, shortest_side: int | None = None
) -> Image.Image:
    """Open ``file`` as an accepted image and decode it fully, or raise ``ValidationError``.

    The messages say what is wrong and what to do, in words a person understands.

    :param pixel_limit: width × height allowed, checked from the header before decoding;
        ``max_pixels()`` (the upload limit) unless given.
    :param shortest_side: the smallest short side accepted, checked from the header;
        ``min_side()`` (a reference image) unless given, ``0`` for a photo that is only
        compared and never kept (the similar-images search).
    """
    limit = max_pixels() if pixel_limit is None else pixel_limit
    smallest = min_side() if shortest_side is None else shortest_side
    bytes_check(file, limit=max_bytes(), what=_("photograph"))
    file.seek(0)
    too_many = _(
        "The image has far too many pixels (the limit is %(limit)s megapixels). "
        "Reduce its resolution."
    )
    with warnings.catch_warnings():
        # Pillow warns (rather than fails) between its limit and twice its limit.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
            image_format = image.format
            width, height = image.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                too_many, code="too_many_pixels", params={"limit": _megapixels(limit)}
            ) from None
        except UnidentifiedImageError:
            raise ValidationError(
                _(
                    "This file is not a photograph the library accepts. "
                    "Send a JPEG, PNG, WebP or TIFF image."
                ),
                code="not_an_image",
            ) from None
        if image_format not in ACCEPTED_FORMATS:
            raise ValidationError(
                _("%(format)s images are not accepted. Send a JPEG, PNG, WebP or TIFF image."),
                code="format",
                params={"format": image_format},
            )
        if width * height > limit:
            raise ValidationError(
                _(
                    "The image is %(width)s × %(height)s pixels (%(pixels)s megapixels); the "
                    "limit is %(limit)s megapixels. Reduce its resolution."
                ),
                code="too_many_pixels",
                params={
                    "width": width,
                    "height": height,
                    "pixels": _megapixels(width * height),
                    "limit": _megapixels(limit),
                },
            )
        if min(width, height) < smallest:
            raise ValidationError(
                _(
                    "This photo is %(width)s × %(height)s px; reference images need at least "
                    "%(min)s px on the short side so that the features can be seen."
                ),
                code="too_small",
                params={"width": width, "height": height, "min": smallest},
            )
        try:
            image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning):
            raise ValidationError(
                _(
                    "The image is damaged or incomplete and cannot be read. "
                    "Export it again from the original and retry."
                ),
                code="damaged",
            ) from None
    return image


#: TIFF compressions (Pillow's names) that lose detail; every other one is lossless.
LOSSY_TIFF_COMPRESSIONS = {"jpeg", "tiff_jpeg", "webp"}


def _webp_lossless(file: IO[bytes]) -> bool:
    """Whether a WebP file holds a lossless (``VP8L``) image rather than a lossy (``VP8``) one."""
    file.seek(12)  # after "RIFF", the size and "WEBP"
    for _chunk in range(16):  # VP8X, ICCP, ANIM come first; the image chunk follows
        header = file.read(8)
        if len(header) < 8:
            return False
        kind, size = header[:4], int.from_bytes(header[4:], "little")
        if kind == b"VP8L":
            return True
        if kind in {b"VP8 ", b"ALPH", b"ANMF"}:
            return False
        file.seek(size + (size & 1), io.SEEK_CUR)
    return False


def encoded_losslessly(image: Image.Image, file: IO[bytes]) -> bool:
    """Whether an upload (as opened by ``image_check``) was encoded without loss.

    PNG always, TIFF unless JPEG- or WebP-compressed, WebP in its lossless form. A lossless
    upload is stored as PNG so that not one pixel changes; a lossy one may be stored as JPEG.
    """
    if image.format == "PNG":
        return True
    if image.format == "TIFF":
        return image.info.get("compression", "raw") not in LOSSY_TIFF_COMPRESSIONS
    if image.format == "WEBP":
        return _webp_lossless(file)
    return False


def _pixels_only(image: Image.Image, *, lossless: bool) -> tuple[Image.Image, str]:
    """A new image holding only the pixels of ``image`` (upright), and the format to store."""
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        image = image.point(lambda value: value / 256).convert("L")
    target_mode = "RGBA" if has_alpha else ("L" if image.mode in {"1", "L"} else "RGB")
    converted = image.convert(target_mode)
    clean = Image.new(target_mode, converted.size)  # fresh: no info, no EXIF, no ICC
    clean.paste(converted)
    # Lossless uploads stay lossless; photographs are stored as JPEG. (``image.format``
    # cannot tell: ``exif_transpose`` returns a copy, which has none.)
    return clean, ("PNG" if lossless or has_alpha else "JPEG")


@dataclass(frozen=True)
class PreparedImage:
    """An upload that passed every check, re-encoded from its pixels, ready to store.

    ``pixels`` is the clean image itself, for what a content type derives from it
    (the specimens' perceptual hashes).
    """

    content: ContentFile
    extension: str
    width: int
    height: int
    pixels: Image.Image


def prepare(file: IO[bytes]) -> PreparedImage:
    """Check and clean an upload; raise ``ValidationError`` with a person's message."""
    image = image_check(file)
    clean, store_format = _pixels_only(image, lossless=encoded_losslessly(image, file))
    out = io.BytesIO()
    if store_format == "JPEG":
        clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(out, "PNG", optimize=False)
    return PreparedImage(
        content=ContentFile(out.getvalue()),
        extension="jpg" if store_format == "JPEG" else "png",
        width=clean.width,
        height=clean.height,
        pixels=clean,
    )


def rendition_make(file: IO[bytes], longest_side: int) -> tuple[bytes, int, int]:
    """A JPEG of ``file`` no larger than ``longest_side``; decodes only what it needs.

    ``thumbnail`` asks the JPEG decoder for a reduced-scale decode (``draft``) and then
    ``reduce``s by whole factors before the final Lanczos pass: a 12-megapixel photo is
    never decoded at full size for a thumbnail (benchmarks/specimens.py measures it).
    """
    with Image.open(file) as image:
        image.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
        if image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=RENDITION_QUALITY, optimize=True, progressive=True)
        return out.getvalue(), image.width, image.height


def rendition_make_naive(file: IO[bytes], longest_side: int) -> tuple[bytes, int, int]:
    """The full decode and resize that ``rendition_make`` avoids (the benchmark's baseline)."""
    with Image.open(file) as image:
        image.load()
        scale = longest_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        resized = image.convert("RGB").resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        resized.save(out, "JPEG", quality=RENDITION_QUALITY, optimize=True, progressive=True)
        return out.getvalue(), resized.width, resized.height
