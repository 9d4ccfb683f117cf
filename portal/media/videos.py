"""Checking video uploads and answering byte ranges of stored videos.

Every upload passes ``prepare``: the container is recognised by its content, never its
name — MP4 (an ISO base media file whose ``ftyp`` box names an MP4 brand; QuickTime,
HEIF/AVIF pictures and 3GP are other brands of the same format and are refused) or WebM
(an EBML header whose ``DocType`` is ``webm``, followed by its ``Segment``) — and held to
``MEDIA_VIDEO_MAX_BYTES`` before anything reads it. An MP4's top-level boxes are walked to
the end of the file, so a truncated or padded file is refused as damaged.

Videos are not re-encoded (no codec library on the servers). An MP4's metadata boxes —
``udta``, ``meta`` and ``uuid`` (XMP) at the top and in ``moov`` and its tracks, where
phones put the location, make and model — are blanked into ``free`` boxes of the same
size, so the sample tables' offsets stay true and the video plays as before. A WebM's
tags and writing-application fields stay (phones record MP4); the upload form says to
export without location data.

Browsers seek in a video with HTTP ``Range`` requests; ``range_of`` reads the header
(one range, RFC 9110 §14) for the file view.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .images import bytes_check, size_of

#: Stored extension → MIME type.
MIME_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
#: ISO BMFF brands (major or compatible) that make a file an MP4 video.
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
    | {b"dash", b"msnv"}
)
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = 0x4282
MATROSKA_SEGMENT = 0x18538067
ACCEPTED_TEXT = _("Send an MP4 (H.264) or WebM video.")


def max_bytes() -> int:
    """Bytes allowed in one video upload (``MEDIA_VIDEO_MAX_BYTES``, 200 MB)."""
    return getattr(settings, "MEDIA_VIDEO_MAX_BYTES", 200 * 1024 * 1024)


@dataclass(frozen=True)
class PreparedVideo:
    """An upload that passed the checks: the same bytes, with what they are."""

    file: IO[bytes]
    extension: str
    mime_type: str
    size: int


def _not_a_video() -> ValidationError:
    return ValidationError(
        _("This file is not a video the portal accepts. %(accepted)s"),
        code="format",
        params={"accepted": ACCEPTED_TEXT},
    )


def _damaged() -> ValidationError:
    return ValidationError(
        _(
            "The video is damaged or incomplete and cannot be played. "
            "Export it again from the original program and retry."
        ),
        code="damaged",
    )


def _mp4_check(file: IO[bytes], size: int) -> list[tuple[bytes, int, int, int]]:
    """An ``ftyp`` box with an MP4 brand first, then boxes that end exactly at the end;
    the top-level boxes as ``(type, start, header length, length)``."""
    file.seek(0)
    head = file.read(64)
    box_size = int.from_bytes(head[0:4], "big")
    if box_size < 16 or box_size > 4096:
        raise _damaged()
    file.seek(0)
    ftyp = file.read(box_size)
    if len(ftyp) < box_size:
        raise _damaged()
    brands = {ftyp[8:12]} | {ftyp[i : i + 4] for i in range(16, box_size - 3, 4)}
    if not brands & MP4_BRANDS:
        raise _not_a_video()
    boxes = [(b"ftyp", 0, 8, box_size)]
    position = box_size
    while position < size:
        file.seek(position)
        kind, header_length, length = _box_header(file.read(16), size - position)
        boxes.append((kind, position, header_length, length))
        position += length
    if position != size:
        raise _damaged()
    return boxes


def _box_header(header: bytes, room: int) -> tuple[bytes, int, int]:
    """A box's type, header length and whole length, from its first 16 bytes (``room``:
    the bytes left in its parent)."""
    if len(header) < 8 or not re.fullmatch(rb"[\x20-\x7e]{4}", header[4:8]):
        raise _damaged()
    length, header_length = int.from_bytes(header[0:4], "big"), 8
    if length == 1:  # a 64-bit size follows the type
        if len(header) < 16:
            raise _damaged()
        length, header_length = int.from_bytes(header[8:16], "big"), 16
    elif length == 0:  # the last box runs to the end of its parent
        length = room
    if length < header_length or length > room:
        raise _damaged()
    return header[4:8], header_length, length


#: Boxes holding what the camera or editing program recorded besides the picture — a
#: phone's location (``udta/©xyz``, Apple's ``meta`` keys), make, model, author, XMP
#: (``uuid``) — and the boxes they sit in.
MP4_METADATA = frozenset({b"udta", b"meta", b"uuid"})
MP4_HOLDERS = frozenset({b"moov", b"trak"})
#: The largest ``moov`` box read into memory to blank its metadata (a long video's index
#: is a few megabytes).
MP4_MOOV_MAX = 64 * 1024 * 1024


def _blank(out: IO[bytes], start: int, header_length: int, length: int) -> None:
    """Turn a box into a ``free`` box of the same size, its body zeroed: every offset
    into the file (the sample tables point into ``mdat``) stays true."""
    out.seek(start + 4)
    out.write(b"free")
    out.seek(start + header_length)
    left = length - header_length
    while left > 0:
        step = min(left, 1024 * 1024)
        out.write(bytes(step))
        left -= step


def _blank_inside(out: IO[bytes], start: int, header_length: int, length: int) -> None:
    """Blank the metadata boxes among the children of the box at ``start`` (and of its
    tracks)."""
    if length > MP4_MOOV_MAX:
        raise _damaged()
    out.seek(start + header_length)
    body = out.read(length - header_length)
    at = 0
    while at < len(body):
        kind, child_header, child_length = _box_header(body[at : at + 16], len(body) - at)
        child_start = start + header_length + at
        if kind in MP4_METADATA:
            _blank(out, child_start, child_header, child_length)
        elif kind in MP4_HOLDERS:
            _blank_inside(out, child_start, child_header, child_length)
        at += child_length


def _mp4_clean(file: IO[bytes], boxes: list[tuple[bytes, int, int, int]]) -> IO[bytes]:
    """A copy of the MP4 with its metadata boxes blanked (``MP4_METADATA``)."""
    # Handed to the caller, which stores it (and drops it) at once.
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    file.seek(0)
    shutil.copyfileobj(file, out, 1024 * 1024)
    for kind, start, header_length, length in boxes:
        if kind in MP4_METADATA:
            _blank(out, start, header_length, length)
        elif kind in MP4_HOLDERS:
            _blank_inside(out, start, header_length, length)
    out.seek(0)
    return out


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``at``: (value, its length in bytes)."""
    if at >= len(data) or data[at] == 0:
        raise _damaged()
    first = data[at]
    length = 8 - first.bit_length() + 1
    if at + length > len(data):
        raise _damaged()
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, length


def _webm_check(file: IO[bytes]) -> None:
    """An EBML header whose ``DocType`` is ``webm``, then the ``Segment``."""
    file.seek(0)
    data = file.read(4096)
    _, id_length = _vint(data, 0, keep_marker=True)
    header_size, size_length = _vint(data, id_length, keep_marker=False)
    start = id_length + size_length
    end = start + header_size
    if end > len(data):
        raise _damaged()
    doctype = None
    at = start
    while at < end:
        element, length = _vint(data, at, keep_marker=True)
        at += length
        body, length = _vint(data, at, keep_marker=False)
        at += length
        if element == EBML_DOCTYPE:
            doctype = data[at : at + body].rstrip(b"\x00")
        at += body
    if at != end:
        raise _damaged()
    if doctype != b"webm":
        raise _not_a_video()
    segment, _ = _vint(data, end, keep_marker=True)
    if segment != MATROSKA_SEGMENT:
        raise _damaged()


def prepare(file: IO[bytes], *, clean: bool = True) -> PreparedVideo:
    """Check a video upload by its content; ``ValidationError`` with a person's message.

    :param clean: give an MP4's copy with its metadata boxes blanked (the form's
        validator only checks, the model's save cleans).
    """
    size = bytes_check(file, limit=max_bytes(), what=_("video"))
    file.seek(0)
    head = file.read(12)
    if head[4:8] == b"ftyp":
        boxes = _mp4_check(file, size)
        extension = "mp4"
        if clean:
            file = _mp4_clean(file, boxes)
    elif head.startswith(EBML_MAGIC):
        _webm_check(file)
        extension = "webm"
    else:
        raise _not_a_video()
    file.seek(0)
    return PreparedVideo(
        file=file, extension=extension, mime_type=MIME_TYPES[extension], size=size_of(file)
    )


class RangeNotSatisfiable(Exception):
    """The ``Range`` asked lies outside the file (answered 416)."""


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def range_of(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte range ``(first, last)`` a ``Range`` header asks of a file of
    ``size`` bytes; ``None`` to answer the whole file (no header, several ranges, or one
    the server may ignore); ``RangeNotSatisfiable`` if it starts past the end."""
    match = _RANGE.match(header.strip().replace(" ", "")) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid: ignored, the whole file is sent
    if start >= size:
        raise RangeNotSatisfiable
    return start, min(end, size - 1)
