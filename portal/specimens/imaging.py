"""The specimens' own image work: perceptual hashes and marked regions.

Checking, cleaning and resizing are the platform's (``portal.media.images``, re-exported
here for the specimen code and tests that name them): every upload, from the admin or the
API, is recognised by its content, held to byte and pixel limits, decoded completely and
re-encoded from its pixels alone. Perceptual hashes are computed from the same clean
pixels for the "similar images" search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import imagehash
import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

from portal.media import images as media_images
from portal.media.images import (  # noqa: F401  (the specimen code's names for them)
    ACCEPTED_FORMATS,
    JPEG_QUALITY,
    RENDITIONS,
    SIZES,
    encoded_losslessly,
    image_check,
    max_bytes,
    max_pixels,
    rendition_make,
    rendition_make_naive,
)


def similar_max_pixels() -> int:
    """The pixel limit of a photo sent to the similar-images search (compared, never kept)."""
    return getattr(settings, "SIMILAR_IMAGE_MAX_PIXELS", 16_000_000)


@dataclass(frozen=True)
class PreparedImage:
    """An upload that passed every check, re-encoded and hashed, ready to store."""

    content: ContentFile
    extension: str
    width: int
    height: int
    hashes: bytes


#: Each perceptual hash is a 16 × 16 difference hash: 256 bits, four 64-bit words.
HASH_SIZE = 16
HASH_WORDS = HASH_SIZE * HASH_SIZE // 64
HASH_BYTES = HASH_WORDS * 8
#: The whole image and nine crops of 90 % of it.
HASH_COUNT = 10
_WORD = np.dtype(">u8")

#: What a distance (bits differing, of 256) means to an officer: the one place that turns
#: distances into words (the similar page, the API's ``similarity``). Measured on the demo
#: art: a re-encoded copy of a photo is 1–5 apart, a copy resized by 60–140 % and cropped by
#: up to 10 % 26–74, another document of the same layout about 50–65.
SIMILARITY_SCALE: tuple[tuple[int, str, str], ...] = (
    (6, "identical", _("identical")),
    (24, "very close", _("very close")),
    (48, "close", _("close")),
)
#: Beyond the scale: alike in layout or colour only.
SIMILARITY_BEYOND = ("related", _("related"))


def similarity_of(distance: int) -> tuple[str, str]:
    """The word for a distance: its stable English value (API) and its translated label."""
    for bound, value, label in SIMILARITY_SCALE:
        if distance <= bound:
            return value, str(label)
    value, label = SIMILARITY_BEYOND
    return value, str(label)


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
    prepared = media_images.prepare(file)
    return PreparedImage(
        content=prepared.content,
        extension=prepared.extension,
        width=prepared.width,
        height=prepared.height,
        hashes=hashes(prepared.pixels),
    )


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


#: Longest region label, and most corners a drawn polygon may have.
REGION_LABEL_MAX = 120
REGION_POINTS_MAX = 200


def regions_check(value) -> None:
    """Marked regions: a list of rectangles ``{"x", "y", "w", "h", "label"}`` or polygons
    ``{"points": [[x, y], ...], "label"}``, all in fractions of the image (0..1), each
    optionally tied to one of the specimen's features by ``"feature": <id>`` (that the id
    is one of *this* specimen's features is checked by the admin form, which knows them).
    """
    if value in (None, ""):
        return
    if not isinstance(value, list):
        raise ValidationError(_("Give the marked regions as a list of rectangles or polygons."))
    for number, region in enumerate(value, start=1):
        if not isinstance(region, dict):
            raise ValidationError(
                _("Region %(number)s must be an object with x, y, w, h or points, and a label.")
                % {"number": number}
            )
        if "points" in region:
            _polygon_check(number, region["points"])
        else:
            _rectangle_check(number, region)
        label = region.get("label", "")
        if not isinstance(label, str) or len(label) > REGION_LABEL_MAX:
            raise ValidationError(
                _("Region %(number)s's label must be text of 120 characters or less.")
                % {"number": number}
            )
        feature = region.get("feature")
        if feature is not None and (
            isinstance(feature, bool) or not isinstance(feature, int) or feature <= 0
        ):
            raise ValidationError(
                _("Region %(number)s names a feature that is not one of this specimen's.")
                % {"number": number}
            )


def _rectangle_check(number: int, region: dict) -> None:
    try:
        x, y, w, h = (float(region[key]) for key in ("x", "y", "w", "h"))
    except (KeyError, TypeError, ValueError, OverflowError):
        raise ValidationError(
            _("Region %(number)s needs numbers x, y, w and h (fractions of the image).")
            % {"number": number}
        ) from None
    if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
        raise ValidationError(
            _("Region %(number)s must lie inside the image: x, y, w, h are fractions from 0 to 1.")
            % {"number": number}
        )


def _polygon_check(number: int, points) -> None:
    if not isinstance(points, list) or not 3 <= len(points) <= REGION_POINTS_MAX:
        raise ValidationError(
            _("Region %(number)s is a polygon: give it from 3 to %(most)s corners.")
            % {"number": number, "most": REGION_POINTS_MAX}
        )
    for point in points:
        try:
            if not isinstance(point, list | tuple) or len(point) != 2:
                raise TypeError
            x, y = (float(coordinate) for coordinate in point)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(
                _("Region %(number)s's corners must be pairs of numbers [x, y].")
                % {"number": number}
            ) from None
        if not (0 <= x <= 1 and 0 <= y <= 1):
            raise ValidationError(
                _(
                    "Region %(number)s must lie inside the image: its corners are fractions "
                    "from 0 to 1."
                )
                % {"number": number}
            )
