"""A compiled message catalogue written by the tests themselves (no gettext tools)."""

from __future__ import annotations

import struct
from pathlib import Path


def mo_write(directory: Path, language: str, messages: dict[str, str]) -> Path:
    """Write ``<directory>/<language>/LC_MESSAGES/django.mo`` holding ``messages``.

    The GNU .mo layout (magic, counts, two tables of lengths and offsets, then the
    strings), as ``msgfmt`` writes it, so a test needs no gettext installed.
    """
    catalogue = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(catalogue)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(catalogue[k].encode() + b"\0" for k in keys)
    count = len(keys)
    header = 7 * 4
    ids_start = header + 16 * count
    strs_start = ids_start + len(ids)
    id_table, str_table = b"", b""
    id_offset, str_offset = ids_start, strs_start
    for key in keys:
        encoded_id, encoded_str = key.encode(), catalogue[key].encode()
        id_table += struct.pack("<2I", len(encoded_id), id_offset)
        str_table += struct.pack("<2I", len(encoded_str), str_offset)
        id_offset += len(encoded_id) + 1
        str_offset += len(encoded_str) + 1
    data = (
        struct.pack("<7I", 0x950412DE, 0, count, header, header + 8 * count, 0, 0)
        + id_table
        + str_table
        + ids
        + strs
    )
    path = directory / language / "LC_MESSAGES" / "django.mo"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
