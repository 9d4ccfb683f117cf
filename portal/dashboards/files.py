"""A case file read into *sheets*: CSV, XLSX or the JSON API's body.

A CSV holds cases, or scanned-document counts when one of its columns is ``documents``;
an XLSX workbook has a sheet ``cases`` (or its first sheet) and an optional sheet
``scanned``; JSON has the lists ``cases`` and ``scanned``. Rows are numbered as the
person sees them: in a CSV or XLSX file the header is row 1 and the first data row 2; in
JSON the position in its list, counted from 1. A file that cannot be read at all is
refused whole (``ImportRefused``); checking the rows is ``importing.validate``'s work.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

CASES = "cases"
SCANNED = "scanned"


class ImportRefused(Exception):
    """The file is refused whole; ``errors`` lists why, row by row (at most
    ``importing.MAX_ERRORS``, then one entry counting the rest)."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class Sheet:
    """The rows of one kind (``cases`` or ``scanned``) as read from a file.

    ``columns``: the header as written (CSV, XLSX), ``None`` for JSON, whose rows are
    objects. ``rows`` yields (row number as the person sees it, the row's values)."""

    kind: str
    columns: list[str] | None
    rows: Iterable[tuple[int, Sequence[Any] | Mapping[str, Any]]]
    #: JSON: the rows are counted in their list (said in messages).
    json: bool = False


def column_key(name: str) -> str:
    """A column's name as compared: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def refused_file(message: str) -> ImportRefused:
    return ImportRefused([{"sheet": "", "row": None, "field": "", "message": message}])


def read_csv(data: bytes) -> list[Sheet]:
    """A CSV file (UTF-8, comma, semicolon or tab separated): cases, or scanned counts
    when its columns include ``documents``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused_file(
            _("The file is not UTF-8 text. Save it as \u201cCSV UTF-8\u201d and try again.")
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(_guarded(reader), None)
    if not header or not any(cell.strip() for cell in header):
        raise refused_file(_("The file is empty: its first row must name the columns."))
    kind = SCANNED if "documents" in {column_key(c) for c in header} else CASES
    return [Sheet(kind, header, _guarded(enumerate(reader, start=2)))]


def read_xlsx(data: bytes) -> list[Sheet]:
    """An XLSX workbook: the sheet ``cases`` (or the first sheet) and, when there is one,
    the sheet ``scanned``. Values only (formulas' last results), read in streaming mode."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise refused_file(
            _("The file is not a readable XLSX workbook. Save it from your spreadsheet as .xlsx.")
        ) from None
    names = {name.strip().lower(): name for name in book.sheetnames}
    sheets = []
    cases_name = names.get(CASES) or (
        book.sheetnames[0] if book.sheetnames[0] != names.get(SCANNED) else None
    )
    for kind, name in ((CASES, cases_name), (SCANNED, names.get(SCANNED))):
        if name is None:
            continue
        rows = _guarded(book[name].iter_rows(values_only=True))
        header = next(rows, None)
        if header is None:
            continue
        columns = ["" if cell is None else str(cell) for cell in header]
        # Spreadsheets keep formatting on empty trailing columns: drop them.
        while columns and not columns[-1].strip():
            columns.pop()
        sheets.append(Sheet(kind, columns, enumerate(rows, start=2)))
    if not sheets:
        raise refused_file(_("The workbook has no sheet of cases or scanned counts."))
    return sheets


def _guarded(rows: Iterator[Any]) -> Iterator[Any]:
    """Rows of a file reader; a file that breaks the reader part-way (a cell past the CSV
    module's size limit, a damaged workbook) is refused whole, like any other error."""
    try:
        yield from rows
    except Exception:  # any reader failure is the file's, and refuses it
        raise refused_file(
            _(
                "The file could not be read to its end: check that it is a complete CSV or "
                "XLSX file."
            )
        ) from None


def read_json(payload: Any) -> list[Sheet]:
    """The JSON API's body: ``{"cases": [...], "scanned": [...]}`` (either may be left
    out), each element an object of fields."""
    if not isinstance(payload, dict):
        raise refused_file(_('Send a JSON object: {"cases": [...], "scanned": [...]}.'))
    unknown = sorted(set(payload) - {CASES, SCANNED})
    if unknown:
        raise refused_file(
            _('Unknown key %(keys)s: send {"cases": [...], "scanned": [...]}.')
            % {"keys": ", ".join(unknown)[:200]}
        )
    sheets = []
    for kind in (CASES, SCANNED):
        if kind not in payload:
            continue
        rows = payload[kind]
        if not isinstance(rows, list):
            raise refused_file(_("%(key)s must be a list of objects.") % {"key": kind})
        sheets.append(Sheet(kind, None, list(enumerate(rows, start=1)), json=True))
    return sheets


def read_upload(*, data: bytes, filename: str) -> tuple[str, list[Sheet]]:
    """A file as uploaded: its source (``csv`` or ``xlsx``, told by its content) and
    sheets."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx", read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise refused_file(
            _("The file is not a readable XLSX workbook. Save it from your spreadsheet as .xlsx.")
        )
    return "csv", read_csv(data)
