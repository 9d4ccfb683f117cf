"""Dashboard questions: the dimensions and filters a member may ask for, read from a query
string and checked against what the protected tables publish (``portal.dashboards.cube``).

A question that the tables cannot answer is refused with a message saying what to ask
instead, rather than answered from raw rows: a breakdown by issuing country is published
per whole year and for fraud cases only, and two subject breakdowns (say issuing country
and document type) are separate tables that cannot be crossed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access.models import Country, Network
from portal.specimens.models.vocabularies import DocumentType, FraudType

from .models.vocabularies import AgeBand, BorderType, CaseResult, Gender

Quarter = tuple[int, int]

#: The contract's dimensions, and crossing points (the programme's workstations).
DIMENSIONS: tuple[str, ...] = (
    "quarter",
    "year",
    "reported_by",
    "issuing_country",
    "document_type",
    "fraud_type",
    "result",
    "border_type",
    "nationality",
    "route",
    "crossing_point",
    "gender",
    "age_band",
)
TIME_DIMENSIONS = ("quarter", "year")
#: Dimensions answered from the outcome table (by quarter, every result).
OUTCOME_DIMENSIONS = ("result",)
#: Dimensions answered from a subject table (by year, fraud cases only) -> its table.
SUBJECT_TABLE: dict[str, str] = {
    "fraud_type": "fraud_type",
    "issuing_country": "issuing_country",
    "document_type": "document_type",
    "nationality": "nationality",
    "route": "route",
    "border_type": "border",
    "crossing_point": "border",
    "gender": "gender",
    "age_band": "age_band",
}
SUBJECT_DIMENSIONS = tuple(SUBJECT_TABLE)
UNKNOWN = "unknown"

#: Preset groups of countries the programme's dashboards offer beside the networks.
PRESET_GROUPS: dict[str, tuple[object, frozenset[str]]] = {
    "mekong": (gettext_lazy("Mekong area"), frozenset({"KHM", "LAO", "MMR", "THA", "VNM"})),
    "asean": (
        gettext_lazy("ASEAN"),
        frozenset({"BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM"}),
    ),
}
COMPLEMENT_PREFIX = "not-"

_COUNTRY = re.compile(r"^[A-Z]{3}$")
_ROUTE = re.compile(r"^(?:[A-Z]{3})?(?:>(?:[A-Z]{3})?)*$")
_POINT = re.compile(r"^[A-Z]{3}:[a-z0-9-]{1,40}$")
_PERIOD = re.compile(r"^(\d{4})(?:-?Q([1-4])|-(\d{2}))?$", re.IGNORECASE)


class QuestionError(ValueError):
    """A question the dashboards cannot answer; ``str(error)`` says what to ask instead."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Question:
    """What a member asks: dimensions to group by, filters, a country group, a period."""

    group_by: tuple[str, ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    network: str | None = None
    first: Quarter | None = None
    last: Quarter | None = None

    @property
    def subject_table(self) -> str | None:
        """The subject table the question reads, if any (at most one)."""
        for dim in (*self.group_by, *self.filters):
            if dim in SUBJECT_TABLE:
                return SUBJECT_TABLE[dim]
        return None


@dataclass(frozen=True)
class CountryGroup:
    """A group of countries to filter by: a network, a preset, or a complement."""

    slug: str
    name: str
    members: frozenset[str]


def country_groups(*, complements: bool = True) -> list[CountryGroup]:
    """Networks (their members today), the presets, and each one's complement."""
    every = frozenset(Country.objects.values_list("code", flat=True))
    groups: list[CountryGroup] = []
    for network in Network.objects.prefetch_related("memberships").order_by("name"):
        members = frozenset(m.country_id for m in network.memberships.all())
        groups.append(CountryGroup(network.slug, network.name, members))
    for slug, (name, members) in PRESET_GROUPS.items():
        groups.append(CountryGroup(slug, str(name), members))
    if not complements:
        return groups
    outside = [
        CountryGroup(
            f"{COMPLEMENT_PREFIX}{group.slug}",
            _("Outside %(group)s") % {"group": group.name},
            every - group.members,
        )
        for group in groups
    ]
    return groups + outside


def country_group(slug: str) -> CountryGroup | None:
    return next((g for g in country_groups() if g.slug == slug), None)


def _values(dim: str) -> frozenset[str] | None:
    """The values a dimension accepts, or None when checked by pattern."""
    fixed = {
        "result": CaseResult.values,
        "fraud_type": FraudType.values,
        "document_type": DocumentType.values,
        "border_type": BorderType.values,
        "gender": [*Gender.values, UNKNOWN],
        "age_band": [*AgeBand.values, UNKNOWN],
    }
    if dim in fixed:
        return frozenset(fixed[dim])
    return None


def _check_value(dim: str, value: str) -> str:
    allowed = _values(dim)
    if allowed is not None:
        if value not in allowed:
            raise QuestionError(
                dim,
                _("%(dim)s: %(value)s is not a value. Use one of: %(values)s.")
                % {"dim": dim, "value": value, "values": ", ".join(sorted(allowed))},
            )
        return value
    if dim in ("reported_by", "issuing_country", "nationality"):
        value = value.upper() if value != UNKNOWN else value
        if value == UNKNOWN and dim == "nationality":
            return value
        if not _COUNTRY.match(value):
            raise QuestionError(
                dim,
                _("%(dim)s: %(value)s is not a country code (three capital letters, e.g. THA).")
                % {"dim": dim, "value": value},
            )
        return value
    if dim == "route":
        if value == UNKNOWN or _ROUTE.match(value):
            return value
        raise QuestionError(
            dim,
            _("route: %(value)s is not a route. Write it as VNM>KHM>THA (embarkation, transits, "
              "destination).") % {"value": value},
        )  # fmt: skip
    if dim == "crossing_point":
        if _POINT.match(value):
            return value
        raise QuestionError(
            dim,
            _("crossing_point: %(value)s is not a crossing point. Write it as country:code, "
              "e.g. THA:bkk-airport.") % {"value": value},
        )  # fmt: skip
    if dim == "quarter":
        found = _PERIOD.match(value)
        if not found or not found.group(2):
            raise QuestionError(
                dim, _("quarter: %(value)s is not a quarter (e.g. 2021-Q3).") % {"value": value}
            )
        return value
    if dim == "year":
        if not re.match(r"^\d{4}$", value):
            raise QuestionError(
                dim, _("year: %(value)s is not a year (e.g. 2021).") % {"value": value}
            )
        return value
    raise QuestionError(dim, _("%(dim)s is not a dimension.") % {"dim": dim})


def parse_period(value: str, *, end: bool, name: str) -> Quarter:
    """``2021``, ``2021-Q3`` or ``2021-07`` as a quarter (a year's first or last)."""
    found = _PERIOD.match(value.strip())
    if not found:
        raise QuestionError(
            name,
            _("%(name)s: %(value)s is not a period. Use a year (2021), a quarter (2021-Q3) or "
              "a month (2021-07).") % {"name": name, "value": value},
        )  # fmt: skip
    year = int(found.group(1))
    if found.group(2):
        return (year, int(found.group(2)))
    if found.group(3):
        month = int(found.group(3))
        if not 1 <= month <= 12:
            raise QuestionError(
                name, _("%(name)s: no month %(month)s.") % {"name": name, "month": month}
            )
        return (year, (month - 1) // 3 + 1)
    return (year, 4 if end else 1)


def quarter_label(quarter: Quarter) -> str:
    return f"{quarter[0]}-Q{quarter[1]}"


def question_from(params: Mapping[str, str]) -> Question:
    """Read a question from query parameters; raises :class:`QuestionError`."""
    group_by: list[str] = []
    for dim in (params.get("group_by") or "").split(","):
        dim = dim.strip()
        if not dim:
            continue
        if dim not in DIMENSIONS:
            raise QuestionError(
                "group_by",
                _("group_by: %(dim)s is not a dimension. Use any of: %(dims)s.")
                % {"dim": dim, "dims": ", ".join(DIMENSIONS)},
            )
        if dim not in group_by:
            group_by.append(dim)
    filters: dict[str, tuple[str, ...]] = {}
    for dim in DIMENSIONS:
        raw = params.get(dim)
        if raw is None or not str(raw).strip():
            continue
        values = tuple(
            dict.fromkeys(_check_value(dim, v.strip()) for v in str(raw).split(",") if v.strip())
        )
        if values:
            filters[dim] = values
    network = (params.get("network") or "").strip() or None
    if network is not None and country_group(network) is None:
        raise QuestionError(
            "network",
            _("network: %(slug)s is not a country group. Use any of: %(slugs)s.")
            % {"slug": network, "slugs": ", ".join(g.slug for g in country_groups())},
        )
    first = parse_period(params["from"], end=False, name="from") if params.get("from") else None
    last = parse_period(params["to"], end=True, name="to") if params.get("to") else None
    if first and last and first > last:
        raise QuestionError("to", _("to: the period ends before it starts."))
    question = Question(
        group_by=tuple(group_by),
        filters=MappingProxyType(filters),
        network=network,
        first=first,
        last=last,
    )
    question_check(question)
    return question


def question_check(question: Question) -> None:
    """Refuse a question the protected tables do not answer, saying what to ask."""
    dims = [*question.group_by, *question.filters]
    tables = {SUBJECT_TABLE[d] for d in dims if d in SUBJECT_TABLE}
    if len(tables) > 1:
        raise QuestionError(
            "group_by",
            _("Fraud type, issuing country, document type, nationality, route, border or "
              "crossing point, gender and age band are published as separate tables: ask for "
              "one of them at a time."),
        )  # fmt: skip
    if not tables:
        return
    if "quarter" in dims:
        raise QuestionError(
            "quarter",
            _("Breakdowns by %(dims)s are published per whole year: group or filter by year "
              "instead of quarter.") % {"dims": ", ".join(d for d in dims if d in SUBJECT_TABLE)},
        )  # fmt: skip
    subject = ", ".join(d for d in dims if d in SUBJECT_TABLE)
    if tables == {"fraud_type"}:
        # Fraud types are kept with results (an impostor's fraud type is its result).
        wrong = set(question.filters.get("result", ())) - {
            CaseResult.FRAUDULENT_DOCUMENT,
            CaseResult.IMPOSTOR,
        }
        if wrong:
            raise QuestionError(
                "result",
                _("Fraud types are counted for fraud cases only (fraudulent documents and "
                  "impostors): %(results)s has none.") % {"results": ", ".join(sorted(wrong))},
            )  # fmt: skip
        return
    if "result" in question.group_by:
        raise QuestionError(
            "result",
            _("Breakdowns by %(dims)s count all fraud cases together: they cannot be split by "
              "result.") % {"dims": subject},
        )  # fmt: skip
    results = question.filters.get("result")
    if results is not None and set(results) != {
        CaseResult.FRAUDULENT_DOCUMENT,
        CaseResult.IMPOSTOR,
    }:
        raise QuestionError(
            "result",
            _("Breakdowns by %(dims)s count fraud cases only (fraudulent documents and "
              "impostors together): leave the result filter out.") % {"dims": subject},
        )  # fmt: skip


def question_params(question: Question) -> dict[str, str]:
    """The question as query parameters (links, the CSV export)."""
    params: dict[str, str] = {}
    if question.group_by:
        params["group_by"] = ",".join(question.group_by)
    for dim, values in question.filters.items():
        params[dim] = ",".join(values)
    if question.network:
        params["network"] = question.network
    if question.first:
        params["from"] = quarter_label(question.first)
    if question.last:
        params["to"] = quarter_label(question.last)
    return params
