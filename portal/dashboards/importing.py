"""Checking a case file, every row before any is kept.

``validate`` takes the sheets of a file (``files``: CSV, XLSX or the JSON API's body) and
either returns the rows ready to store (``Checked``) or raises ``ImportRefused`` listing
every error with the row as the person sees it.

Every field has a vocabulary (codes, months, bands), so free text cannot get in; a value
outside its vocabulary that looks like personal data (an MRZ line, a full date, a
document number, an e-mail address: ``personal_data``) gets a message saying so, and a
column whose name looks personal is refused as such. The whole file is refused either
way: nothing of it is stored (``services.cases_import``).

Speed: 100,000 rows are checked in a few seconds (benchmarks/dashboards_import.py): each
field's check is a dictionary look-up prepared once per file, and the slower personal-data
patterns run only on values that already failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from portal.specimens.models.vocabularies import DocumentType, FeatureCategory, FraudType

from . import personal_data
from .files import CASES, SCANNED, ImportRefused, Sheet, column_key, refused_file
from .models.vocabularies import AgeBand, BorderType, CaseResult, Gender

#: The fields of a case (CONTRACT.md, "Dashboards"), in the template's order.
CASE_FIELDS = (
    "reported_by", "detected_on", "border_type", "crossing_point", "issuing_country",
    "document_type", "result", "fraud_type", "features", "nationality", "embarkation",
    "transit", "destination", "gender", "age_band",
)  # fmt: skip
CASE_REQUIRED = ("detected_on", "border_type", "issuing_country", "document_type", "result")
#: The fields of a scanned-document count.
SCANNED_FIELDS = ("reported_by", "quarter", "crossing_point", "documents")
SCANNED_REQUIRED = ("quarter", "documents")


#: Errors listed in one answer; the rest are counted in a last entry.
MAX_ERRORS = 200
#: Countries in a route between embarkation and destination.
MAX_TRANSIT = 5
#: The most documents one count may hold (a crossing point's quarter, with room).
MAX_DOCUMENTS = 1_000_000_000
FIRST_YEAR = 1990

_LIST_SEPARATORS = re.compile(r"[;|]")
_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


@dataclass
class Checked:
    """A file's rows, checked and ready to store: ``cases`` as tuples in
    ``CASE_COLUMNS`` order, ``scanned`` as (crossing point id, year, quarter,
    documents), and the hash of their content."""

    cases: list[tuple] = field(default_factory=list)
    scanned: list[tuple] = field(default_factory=list)
    content_hash: str = ""


#: The order of a checked case tuple (the database columns, less batch and id).
CASE_COLUMNS = (
    "reported_by_id", "detected_on", "year", "quarter", "border_type", "crossing_point_id",
    "issuing_country_id", "document_type", "result", "fraud_type", "features",
    "nationality_id", "embarkation_id", "transit", "destination_id", "route", "gender",
    "age_band",
)  # fmt: skip


# --- checking --------------------------------------------------------------------------


def _text(raw: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``; empty cells as ""."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return str(raw).lower()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


class _Bad(Exception):
    """A value outside its field's vocabulary: the message says what is allowed."""


def _listing(values: Iterable[str], limit: int = 30) -> str:
    values = list(values)
    shown = ", ".join(values[:limit])
    return shown + (", …" if len(values) > limit else "")


def _choice(values: Iterable[str], *, upper: bool = False) -> Callable[[Any], str]:
    allowed = {v: v for v in values}
    allowed |= {v.upper(): v for v in values} | {v.lower(): v for v in values}
    message_values = _listing(sorted(set(allowed.values())))

    def check(raw: Any) -> str:
        value = raw.strip() if raw.__class__ is str else _text(raw)
        found = allowed.get(value)
        if found is None:
            found = allowed.get(value.upper() if upper else value.lower())
            if found is None:
                raise _Bad(_("Use one of: %(values)s.") % {"values": message_values})
        return found

    return check


@dataclass
class _Context:
    """What checking a file needs, prepared once: the vocabularies as look-ups."""

    country: str
    crossing_points: Mapping[str, int]
    countries: frozenset[str]
    today: dt.date

    def __post_init__(self):
        self.country_code = _choice(sorted(self.countries), upper=True)
        self.border_type = _choice(BorderType.values)
        self.document_type = _choice(DocumentType.values)
        self.result = _choice(CaseResult.values)
        self.fraud_type = _choice(FraudType.values)
        self.feature = _choice(FeatureCategory.values)
        self.gender = _choice(Gender.values)
        self.age_band = _choice(AgeBand.values)
        self.months: dict[str, tuple[dt.date, int, int]] = {}

    # Each check takes the raw value (not empty) and returns the stored one.

    def reported_by(self, raw: Any) -> str:
        value = _text(raw).upper()
        if value != self.country:
            raise _Bad(
                _(
                    "reported_by must be your own country, %(country)s: you import for it "
                    "only. Leave the column empty to mean %(country)s."
                )
                % {"country": self.country}
            )
        return value

    def month(self, raw: Any) -> tuple[dt.date, int, int]:
        if isinstance(raw, dt.datetime | dt.date):
            # A spreadsheet turns "2023-04" into 1 April 2023: a first of the month at
            # midnight is that month; any other day is a full date, refused.
            moment = raw if isinstance(raw, dt.datetime) else dt.datetime(raw.year, raw.month, 1)
            if moment.day != 1 or moment.time() != dt.time(0):
                raise _Bad(_month_message())
            raw = f"{moment.year:04d}-{moment.month:02d}"
        value = _text(raw)
        cached = self.months.get(value)
        if cached is not None:
            return cached
        match = _MONTH.match(value)
        if not match:
            raise _Bad(_month_message())
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise _Bad(_month_message())
        if year < FIRST_YEAR or (year, month) > (self.today.year, self.today.month):
            raise _Bad(
                _("detected_on must be a month between %(first)s-01 and this month.")
                % {"first": FIRST_YEAR}
            )
        checked = (dt.date(year, month, 1), year, (month - 1) // 3 + 1)
        self.months[value] = checked
        return checked

    def quarter(self, raw: Any) -> tuple[int, int]:
        match = _QUARTER.match(_text(raw))
        if not match:
            raise _Bad(_("quarter must be a quarter like 2023Q2 (or 2023-Q2)."))
        year, quarter = int(match.group(1)), int(match.group(2))
        if year < FIRST_YEAR or (year, quarter) > (self.today.year, (self.today.month + 2) // 3):
            raise _Bad(
                _("quarter must be between %(first)sQ1 and this quarter.") % {"first": FIRST_YEAR}
            )
        return year, quarter

    def crossing_point(self, raw: Any) -> int:
        value = _text(raw).lower()
        found = self.crossing_points.get(value)
        if found is None:
            if not self.crossing_points:
                raise _Bad(
                    _(
                        "%(country)s has no crossing points registered: leave crossing_point "
                        "empty, or ask the network's administrators to add yours."
                    )
                    % {"country": self.country}
                )
            raise _Bad(
                _("Unknown crossing point of %(country)s. Known codes: %(codes)s.")
                % {"country": self.country, "codes": _listing(sorted(self.crossing_points))}
            )
        return found

    def features(self, raw: Any) -> list[str]:
        return sorted({self.feature(item) for item in _items(raw)})

    def transit(self, raw: Any) -> list[str]:
        countries = [self.country_code(item) for item in _items(raw)]
        if len(countries) > MAX_TRANSIT:
            raise _Bad(_("transit may list at most %(count)s countries.") % {"count": MAX_TRANSIT})
        return countries

    def documents(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise _Bad(_("documents must be a whole number of documents, 0 or more."))
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            text = _text(raw).replace(",", "").replace(" ", "")
            if not text.isdigit() or not text.isascii():
                raise _Bad(_("documents must be a whole number of documents, 0 or more."))
            value = int(text)
        if not 0 <= value <= MAX_DOCUMENTS:
            raise _Bad(
                _("documents must be between 0 and %(max)s.") % {"max": f"{MAX_DOCUMENTS:,}"}
            )
        return value


def _month_message() -> str:
    return _(
        "detected_on must be a month like 2023-04 — a full date is refused because it could "
        "be a date of birth."
    )


def _items(raw: Any) -> list[Any]:
    """A list field's items: a JSON list, or text separated by ``;`` or ``|``."""
    if isinstance(raw, list):
        return [item for item in raw if _text(item)]
    return [part for part in _LIST_SEPARATORS.split(_text(raw)) if part.strip()]


class _Errors:
    """The errors of a file: the first ``MAX_ERRORS`` kept, the rest counted."""

    def __init__(self):
        self.kept: list[dict] = []
        self.more = 0

    def add(self, sheet: Sheet, row: int | None, field_name: str, message: str) -> None:
        if len(self.kept) >= MAX_ERRORS:
            self.more += 1
            return
        if sheet.json and row is not None:
            message = _("%(message)s (object %(row)s of the list \u201c%(sheet)s\u201d)") % {
                "message": message,
                "row": row,
                "sheet": sheet.kind,
            }
        self.kept.append({"sheet": sheet.kind, "row": row, "field": field_name, "message": message})

    def value(self, sheet: Sheet, row: int, field_name: str, raw: Any, bad: _Bad) -> None:
        reason = personal_data.value_looks_personal(raw)
        if reason is not None:
            message = _(
                "This value looks like personal data (%(reason)s): the whole file is refused. "
                "Case data never carry names, document numbers, dates of birth or MRZ lines. "
                "%(why)s"
            ) % {"reason": _(reason), "why": str(bad)}
        else:
            shown = _text(raw)
            shown = shown if len(shown) <= 40 else shown[:40] + "…"
            message = _("%(field)s \u201c%(value)s\u201d is not allowed. %(why)s") % {
                "field": field_name,
                "value": shown,
                "why": str(bad),
            }
        self.add(sheet, row, field_name, message)

    @property
    def any(self) -> bool:
        return bool(self.kept)

    def listing(self) -> list[dict]:
        if self.more:
            return [
                *self.kept,
                {
                    "sheet": "",
                    "row": None,
                    "field": "",
                    "message": _("… and %(count)s more errors.") % {"count": self.more},
                },
            ]
        return self.kept


def _columns(sheet: Sheet, allowed: Sequence[str], errors: _Errors) -> dict[int, str]:
    """The header's known columns by position; every other column is an error (row 1)."""
    found: dict[int, str] = {}
    seen: set[str] = set()
    for index, name in enumerate(sheet.columns or ()):
        key = column_key(name)
        if not key:
            continue
        if key in allowed:
            if key in seen:
                errors.add(sheet, 1, name, _("The column %(name)s appears twice.") % {"name": key})
            seen.add(key)
            found[index] = key
            continue
        errors.add(sheet, 1, name, _unknown_field_message(name, allowed))
    return found


def _unknown_field_message(name: str, allowed: Sequence[str]) -> str:
    reason = personal_data.column_looks_personal(str(name))
    if reason is not None:
        return _(
            "The column \u201c%(name)s\u201d looks like personal data (%(reason)s): the whole file "
            "is refused. Remove the column; case data never name a person or a document."
        ) % {"name": str(name)[:60], "reason": _(reason)}
    return _("Unknown column \u201c%(name)s\u201d. Allowed columns: %(allowed)s.") % {
        "name": str(name)[:60],
        "allowed": ", ".join(allowed),
    }


def _records(
    sheet: Sheet, allowed: Sequence[str], required: Sequence[str], errors: _Errors
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each row of ``sheet`` as {field: raw value} (empty values left out), with the
    row's structural errors (unknown keys, cells past the header) recorded."""
    if sheet.json:
        for number, row in sheet.rows:
            if not isinstance(row, dict):
                errors.add(sheet, number, "", _("Each element must be an object of fields."))
                continue
            record = {}
            for key, raw in row.items():
                if key not in allowed:
                    errors.add(sheet, number, str(key)[:60], _unknown_field_message(key, allowed))
                    continue
                if raw is not None and raw != "" and raw != []:
                    record[key] = raw
            yield number, record
        return
    positions = _columns(sheet, allowed, errors)
    present = set(positions.values())
    missing = [name for name in required if name not in present]
    if missing:
        errors.add(
            sheet,
            1,
            ", ".join(missing),
            _("Required columns are missing: %(names)s.") % {"names": ", ".join(missing)},
        )
    width = len(sheet.columns or ())
    pairs = sorted(positions.items())
    for number, row in sheet.rows:
        if not any(cell is not None and cell != "" for cell in row):
            continue  # an empty line (still counted, as the person's spreadsheet does)
        record = {}
        for index, name in pairs:
            if index < len(row):
                raw = row[index]
                if raw is not None and raw != "":
                    record[name] = raw
        if len(row) > width and any(cell not in (None, "") for cell in row[width:]):
            errors.add(
                sheet,
                number,
                "",
                _("This row has more cells than the header has columns: remove the extra cells."),
            )
        yield number, record


def _check_cases(sheet: Sheet, context: _Context, errors: _Errors, out: Checked, keys: list):
    country = context.country
    simple = (
        ("border_type", context.border_type),
        ("issuing_country", context.country_code),
        ("document_type", context.document_type),
        ("result", context.result),
        ("nationality", context.country_code),
        ("embarkation", context.country_code),
        ("destination", context.country_code),
        ("gender", context.gender),
        ("age_band", context.age_band),
    )
    for number, record in _records(sheet, CASE_FIELDS, CASE_REQUIRED, errors):
        values: dict[str, Any] = {}
        failed = False
        for name in CASE_REQUIRED:
            if name not in record:
                errors.add(sheet, number, name, _("%(field)s is required.") % {"field": name})
                failed = True
        for name, check in simple:
            raw = record.get(name)
            if raw is None:
                values[name] = ""
                continue
            try:
                values[name] = check(raw)
            except _Bad as bad:
                errors.value(sheet, number, name, raw, bad)
                failed = True
        month = None
        for name in ("reported_by", "detected_on"):
            raw = record.get(name)
            if raw is None:
                continue
            try:
                if name == "reported_by":
                    context.reported_by(raw)
                else:
                    month = context.month(raw)
            except _Bad as bad:
                errors.value(sheet, number, name, raw, bad)
                failed = True
        fraud_type = ""
        raw = record.get("fraud_type")
        if raw is not None:
            try:
                fraud_type = context.fraud_type(raw)
            except _Bad as bad:
                errors.value(sheet, number, "fraud_type", raw, bad)
                failed = True
        result = values.get("result")
        if result and result != CaseResult.GENUINE and raw is None:
            errors.add(
                sheet,
                number,
                "fraud_type",
                _("fraud_type is required unless result is genuine. Use one of: %(values)s.")
                % {"values": ", ".join(FraudType.values)},
            )
            failed = True
        elif result == CaseResult.GENUINE and fraud_type:
            errors.add(
                sheet,
                number,
                "fraud_type",
                _("fraud_type must be empty when result is genuine (the document was genuine)."),
            )
            failed = True
        crossing_point = None
        features: list[str] = []
        transit: list[str] = []
        for name in ("crossing_point", "features", "transit"):
            raw = record.get(name)
            if raw is None:
                continue
            try:
                if name == "crossing_point":
                    crossing_point = context.crossing_point(raw)
                elif name == "features":
                    features = context.features(raw)
                else:
                    transit = context.transit(raw)
            except _Bad as bad:
                errors.value(sheet, number, name, raw, bad)
                failed = True
        if failed or errors.any:
            continue  # nothing will be stored: only look for more errors
        detected_on, year, quarter = month
        parts = [values["embarkation"], *transit, values["destination"]]
        route = ">".join(parts) if any(parts) else ""
        row = (
            country,
            detected_on,
            year,
            quarter,
            values["border_type"],
            crossing_point,
            values["issuing_country"],
            values["document_type"],
            result,
            fraud_type,
            features,
            values["nationality"] or None,
            values["embarkation"] or None,
            transit,
            values["destination"] or None,
            route,
            values["gender"],
            values["age_band"],
        )
        out.cases.append(row)
        keys.append(
            "\x1f".join(
                (
                    f"{year}-{detected_on.month:02d}",
                    *(str(v) for v in row[4:10]),
                    ";".join(features),
                    *(v or "" for v in row[11:13]),
                    ";".join(transit),
                    *(v or "" for v in row[14:]),
                )
            )
        )


def _check_scanned(sheet: Sheet, context: _Context, errors: _Errors, out: Checked, keys: list):
    seen: dict[tuple, int] = {}
    for number, record in _records(sheet, SCANNED_FIELDS, SCANNED_REQUIRED, errors):
        failed = False
        checked: dict[str, Any] = {"crossing_point": None}
        for name in SCANNED_REQUIRED:
            if name not in record:
                errors.add(sheet, number, name, _("%(field)s is required.") % {"field": name})
                failed = True
        for name in SCANNED_FIELDS:
            raw = record.get(name)
            if raw is None:
                continue
            try:
                checked[name] = getattr(context, name)(raw)
            except _Bad as bad:
                errors.value(sheet, number, name, raw, bad)
                failed = True
        if failed:
            continue
        year, quarter = checked["quarter"]
        key = (checked["crossing_point"], year, quarter)
        if key in seen:
            errors.add(
                sheet,
                number,
                "quarter",
                _(
                    "The same quarter and crossing point were already counted in row %(row)s: "
                    "give one count per crossing point and quarter."
                )
                % {"row": seen[key]},
            )
            continue
        seen[key] = number
        if errors.any:
            continue
        out.scanned.append((checked["crossing_point"], year, quarter, checked["documents"]))
        code = record.get("crossing_point")
        keys.append(
            f"{_text(code).lower() if code else ''}\x1f{year}Q{quarter}\x1f{checked['documents']}"
        )


def validate(
    sheets: Sequence[Sheet],
    *,
    country: str,
    crossing_points: Mapping[str, int],
    countries: Iterable[str],
    today: dt.date | None = None,
) -> Checked:
    """Check every row of ``sheets`` for an import by ``country``; the rows to store,
    or ``ImportRefused`` with every error (nothing is stored).

    :param crossing_points: the country's crossing points, code → id.
    :param countries: every ISO 3166-1 alpha-3 code the portal knows.
    """
    context = _Context(
        country=country,
        crossing_points={code.lower(): pk for code, pk in crossing_points.items()},
        countries=frozenset(countries),
        today=today or dt.date.today(),
    )
    errors = _Errors()
    out = Checked()
    case_keys: list[str] = []
    scanned_keys: list[str] = []
    for sheet in sheets:
        if sheet.kind == CASES:
            _check_cases(sheet, context, errors, out, case_keys)
        else:
            _check_scanned(sheet, context, errors, out, scanned_keys)
    if errors.any:
        raise ImportRefused(errors.listing())
    if not out.cases and not out.scanned:
        raise refused_file(_("The file holds no case and no scanned count: nothing to import."))
    out.content_hash = content_hash(cases=case_keys, scanned=scanned_keys)
    return out


def content_hash(*, cases: list[str], scanned: list[str]) -> str:
    """The hash of a file's normalised rows, whatever their order or the file's format:
    the same cases sent again are recognised (``ImportBatch.content_hash``)."""
    digest = hashlib.sha256()
    for label, keys in ((CASES, cases), (SCANNED, scanned)):
        digest.update(f"{label}\n".encode())
        for key in sorted(keys):
            digest.update(key.encode())
            digest.update(b"\n")
    return digest.hexdigest()


def template_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    """The columns and example rows of the downloadable templates."""
    if kind == SCANNED:
        return list(SCANNED_FIELDS), [["", "2024Q1", "", "1520"]]
    return list(CASE_FIELDS), [
        ["", "2024-03", "air", "", "VNM", "passport", "fraudulent_document", "counterfeit",
         "printing;uv", "VNM", "VNM", "KHM", "AUS", "m", "26-35"],
        ["", "2024-03", "land", "", "LAO", "visa", "impostor", "impostor", "", "", "", "", "",
         "f", ""],
        ["", "2024-02", "sea", "", "PHL", "id_card", "genuine", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip


def json_dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
