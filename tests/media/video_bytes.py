"""Tiny videos made in memory for the tests (never binary fixtures): enough of an MP4 or
a WebM container for the portal's content checks, which do not decode frames."""

from __future__ import annotations

import io


def box(kind: bytes, body: bytes) -> bytes:
    """An ISO BMFF box: its size, its four-letter type, its body."""
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def mp4_bytes(*, brand: bytes = b"isom", compatible: bytes = b"isomiso2avc1mp41", size=4096):
    """An ``ftyp`` box naming ``brand``, then a ``free`` box filling up to ``size`` bytes
    with a counting pattern (so a byte range can be checked by its content)."""
    ftyp = box(b"ftyp", brand + (512).to_bytes(4, "big") + compatible)
    body = bytes(n % 251 for n in range(size - len(ftyp) - 8))
    return ftyp + box(b"free", body)


def ebml(element: bytes, body: bytes) -> bytes:
    """An EBML element with a one-byte size (bodies under 127 bytes)."""
    return element + bytes([0x80 | len(body)]) + body


def webm_bytes(*, doctype: bytes = b"webm") -> bytes:
    """An EBML header whose DocType is ``doctype``, then a Segment holding a Void."""
    header = b"".join(
        [
            ebml(b"\x42\x86", b"\x01"),  # EBMLVersion
            ebml(b"\x42\xf7", b"\x01"),  # EBMLReadVersion
            ebml(b"\x42\xf2", b"\x04"),  # EBMLMaxIDLength
            ebml(b"\x42\xf3", b"\x08"),  # EBMLMaxSizeLength
            ebml(b"\x42\x82", doctype),  # DocType
            ebml(b"\x42\x87", b"\x04"),  # DocTypeVersion
            ebml(b"\x42\x85", b"\x02"),  # DocTypeReadVersion
        ]
    )
    return ebml(b"\x1a\x45\xdf\xa3", header) + ebml(b"\x18\x53\x80\x67", ebml(b"\xec", bytes(64)))


def video_make(course, *, data: bytes | None = None, caption: str = "How the laminate lifts"):
    """A training video of ``course`` stored through the platform's checks."""
    from portal.media import videos
    from portal.training.models import TrainingVideo

    video = TrainingVideo(course=course, caption=caption)
    video.prepared_store(videos.prepare(io.BytesIO(data or mp4_bytes())))
    video.save()
    return video


LOCATION = b"+13.7563+100.5018/"


def mp4_with_metadata() -> bytes:
    """An MP4 as a phone writes it: a ``moov`` whose ``udta`` holds the place it was
    filmed (``©xyz``) and whose track's ``meta`` names the phone, an XMP ``uuid`` box at the
    top, then the ``mdat`` the sample tables point into."""
    udta = box(b"udta", box(b"\xa9xyz", LOCATION))
    trak = box(b"trak", box(b"tkhd", bytes(84)) + box(b"meta", b"Pixel 7 Pro camera"))
    moov = box(b"moov", box(b"mvhd", bytes(100)) + udta + trak)
    xmp = box(b"uuid", bytes.fromhex("be7acfcb97a942e89c71999491e3afac") + b"<x:xmpmeta>Jane")
    ftyp = box(b"ftyp", b"isom" + (512).to_bytes(4, "big") + b"isomavc1")
    return ftyp + moov + xmp + box(b"mdat", b"FRAMES" * 50)
