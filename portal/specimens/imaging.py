"""Checking, cleaning, hashing and resizing specimen images (Pillow and imagehash).

Every upload, from the admin or the API, passes ``prepare``: the file is recognised by
its content (never its name), held to byte and pixel limits that stop decompression
bombs, decoded completely, and re-encoded from its pixels alone, so no EXIF, GPS,
camera serial, ICC description or text chunk survives. Perceptual hashes are computed
from the same pixels for the "similar images" search.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

import imagehash
import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

#: Formats accepted, recognised by content: Pillow's format name → stored extension.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "TIFF": "tif"}
#: Renditions served besides the original: name → longest side in pixels.
RENDITIONS = {"thumbnail": 480, "display": 1600, "zoom": 4096}
SIZES = ("original", *RENDITIONS)
JPEG_QUALITY = 90


def max_bytes() -> int:
    return getattr(settings, "SPECIMEN_IMAGE_MAX_BYTES", 40 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "SPECIMEN_IMAGE_MAX_PIXELS", 60_000_000)


def similar_max_pixels() -> int:
    """The pixel limit of a photo sent to the similar-images search (compared, never kept)."""
    return getattr(settings, "SIMILAR_IMAGE_MAX_PIXELS", 16_000_000)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _megapixels(pixels: int) -> str:
    value = pixels / 1e6
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


@dataclass(frozen=True)
class PreparedImage:
    """An upload that passed every check, re-encoded and hashed, ready to store."""

    content: ContentFile
    extension: str
    width: int
    height: int
    hashes: bytes


def _size_of(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def image_check(file: IO[bytes], *, pixel_limit: int | None = None) -> Image.Image:
    """Open ``file`` as an accepted image and decode it fully, or raise ``ValidationError``.

    The messages say what is wrong and what to do, in words a person understands.

    :param pixel_limit: width × height allowed, checked from the header before decoding;
        ``max_pixels()`` (the library's limit) unless given.
    """
    limit = max_pixels() if pixel_limit is None else pixel_limit
    size = _size_of(file)
    if size == 0:
        raise ValidationError("The file is empty. Choose the photograph again.", code="empty")
    if size > max_bytes():
        raise ValidationError(
            f"The file is {_megabytes(size)}; the limit is {_megabytes(max_bytes())}. "
            "Export the photograph at a lower resolution or as JPEG.",
            code="too_large",
        )
    file.seek(0)
    with warnings.catch_warnings():
        # Pillow warns (rather than fails) between the limit and twice the limit.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
            image_format = image.format
            width, height = image.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                f"The image has far too many pixels (the limit is {_megapixels(limit)} "
                "megapixels). Reduce its resolution.",
                code="too_many_pixels",
            ) from None
        except UnidentifiedImageError:
            raise ValidationError(
                "This file is not a photograph the library accepts. "
                "Send a JPEG, PNG, WebP or TIFF image.",
                code="not_an_image",
            ) from None
        if image_format not in ACCEPTED_FORMATS:
            raise ValidationError(
                f"{image_format} images are not accepted. Send a JPEG, PNG, WebP or TIFF image.",
                code="format",
            )
        if width * height > limit:
            raise ValidationError(
                f"The image is {width} × {height} pixels ({_megapixels(width * height)} "
                f"megapixels); the limit is {_megapixels(limit)} megapixels. "
                "Reduce its resolution.",
                code="too_many_pixels",
            )
        try:
            image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning):
            raise ValidationError(
                "The image is damaged or incomplete and cannot be read. "
                "Export it again from the original and retry.",
                code="damaged",
            ) from None
    return image


#: TIFF compressions (Pillow's names) that lose detail; every other one is lossless.
LOSSY_TIFF_COMPRESSIONS = {"jpeg", "tiff_jpeg", "webp"}


def _webp_lossless(file: IO[bytes]) -> bool:
    """Whether a WebP file holds a lossless (``VP8L``) image rather than a lossy (``VP8``) one."""
    file.seek(12)  # after "RIFF", the size and "WEBP"
    for _ in range(16):  # VP8X, ICCP, ANIM come first; the image chunk follows
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


#: Each perceptual hash is a 16 × 16 difference hash: 256 bits, four 64-bit words.
HASH_SIZE = 16
HASH_WORDS = HASH_SIZE * HASH_SIZE // 64
HASH_BYTES = HASH_WORDS * 8
#: The whole image and nine crops of 90 % of it.
HASH_COUNT = 10
_WORD = np.dtype(">u8")


def hashes(image: Image.Image) -> bytes:
    """Perceptual hashes of the image and of nine crops of 90 % of it, packed.

    A copy of the photo that was resized, or cropped by up to 10 %, is close to one of
    these (``distances``): the crops are anchored at the corners, the edge midpoints and
    the centre. Difference hashes of 256 bits tell apart data pages that share a layout
    (IR images of one series) better than 64-bit ones (measured in tests/specimens).
    """
    small = image.convert("L")
    small.thumbnail((512, 512), Image.Resampling.LANCZOS)
    width, height = small.size
    crop_w, crop_h = round(width * 0.9), round(height * 0.9)
    boxes = [(0, 0, width, height)]
    for fx in (0.0, 0.5, 1.0):
        for fy in (0.0, 0.5, 1.0):
            left = round((width - crop_w) * fx)
            top = round((height - crop_h) * fy)
            boxes.append((left, top, left + crop_w, top + crop_h))
    return b"".join(
        np.packbits(imagehash.dhash(small.crop(box), hash_size=HASH_SIZE).hash).tobytes()
        for box in boxes
    )


def hashes_split(packed: bytes) -> list[bytes]:
    """The individual hashes of a packed value (the whole image's first)."""
    packed = bytes(packed)
    return [packed[i : i + HASH_BYTES] for i in range(0, len(packed), HASH_BYTES)]


def prepare(file: IO[bytes]) -> PreparedImage:
    """Check, clean and hash an upload; raise ``ValidationError`` with a person's message."""
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
        hashes=hashes(clean),
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
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        return out.getvalue(), image.width, image.height


def rendition_make_naive(file: IO[bytes], longest_side: int) -> tuple[bytes, int, int]:
    """The full decode and resize that ``rendition_make`` avoids (the benchmark's baseline)."""
    with Image.open(file) as image:
        image.load()
        scale = longest_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        resized = image.convert("RGB").resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        resized.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        return out.getvalue(), resized.width, resized.height


def distances(query: bytes, packed: list[bytes], chunk: int = 2048) -> np.ndarray:
    """Smallest Hamming distance between any hash of ``query`` and each candidate's hashes.

    :param query: one or more packed hashes (``hashes`` or ``hashes_split`` parts).
    :param packed: the stored hashes of each candidate, ``HASH_COUNT`` hashes each.
    """
    if not packed:
        return np.zeros(0, dtype=np.int64)
    wanted = np.frombuffer(bytes(query), dtype=_WORD).astype(np.uint64).reshape(-1, HASH_WORDS)
    stored = np.frombuffer(b"".join(packed), dtype=_WORD).astype(np.uint64)
    stored = stored.reshape(len(packed), -1, HASH_WORDS)
    best = np.empty(len(packed), dtype=np.int64)
    for start in range(0, len(packed), chunk):  # bounded memory at any library size
        block = stored[start : start + chunk]
        xor = block[:, :, None, :] ^ wanted[None, None, :, :]
        best[start : start + chunk] = np.bitwise_count(xor).sum(axis=3).min(axis=(1, 2))
    return best


def regions_check(value) -> None:
    """Marked regions: a list of ``{"x", "y", "w", "h", "label"}`` with fractions in 0..1."""
    if value in (None, ""):
        return
    if not isinstance(value, list):
        raise ValidationError("Give the marked regions as a list of rectangles.")
    for number, region in enumerate(value, start=1):
        if not isinstance(region, dict):
            raise ValidationError(f"Region {number} must be an object with x, y, w, h, label.")
        try:
            x, y, w, h = (float(region[key]) for key in ("x", "y", "w", "h"))
        except (KeyError, TypeError, ValueError, OverflowError):
            raise ValidationError(
                f"Region {number} needs numbers x, y, w and h (fractions of the image)."
            ) from None
        if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
            raise ValidationError(
                f"Region {number} must lie inside the image: x, y, w, h are fractions from 0 to 1."
            )
        label = region.get("label", "")
        if not isinstance(label, str) or len(label) > 120:
            raise ValidationError(
                f"Region {number}'s label must be text of 120 characters or less."
            )
