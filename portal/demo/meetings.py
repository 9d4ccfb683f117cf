"""Demo meetings (issue 14): andex meetings chaired by ``chair.andex`` and one of rnde-europe.

Two past andex meetings have final minutes (information, decisions, actions: some done,
some overdue, owned by a country or by a person such as ``officer.vnm``) and recorded
attendance; the next one, in Manila time, has an agenda (presenters, durations, links to
demo specimens, alerts and courses) onto which the open actions were carried
(``services.actions_carry_over``). A cancelled session stays listed (and in calendars,
``STATUS:CANCELLED``). The rnde-europe meeting, in Helsinki time, is shared with that
network only: andex users never see it.

Everything is written through ``portal.meetings.services`` (as the chair would), so the
rule, revisions, carry-over and minutes' locking are the real ones. Times are relative to
the day of loading. Idempotent: a meeting whose title exists in its network is left alone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.access import rule
from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country, DistributionLevel, Network, User
from portal.lifecycle.services import item_publish
from portal.meetings import services
from portal.meetings.models import ActionItem, Attendance, Meeting, OutcomeKind

CHAIR = "chair.andex"

SPRING = "ANDEX expert meeting — Bangkok"
SUMMER = "ANDEX expert meeting — online"
NEXT = "ANDEX expert meeting — Manila"
CANCELLED = "ANDEX extraordinary session on visa foils"
EUROPE = "RNDE Europe document experts meeting — Helsinki"

#: Days from the day of loading.
SPRING_DAYS, SUMMER_DAYS, NEXT_DAYS, CANCELLED_DAYS, EUROPE_DAYS = -120, -30, 21, 10, 28


def _at(days: int, hour: int, zone: str) -> dt.datetime:
    """``hour`` o'clock (wall clock in ``zone``) ``days`` from today."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(zone))


def _today(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _schedule(chair: User, network: Network, title: str, days: int, zone: str, hours: int,
              **place: str) -> Meeting:  # fmt: skip
    starts = _at(days, 9, zone)
    return services.meeting_schedule(
        user=chair,
        title=title,
        network=network,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        timezone_name=zone,
        **place,
    )


def _minute(meeting: Meeting, chair: User, items: list[tuple]) -> list[ActionItem]:
    """Add agenda items with their outcomes: ``(title, presenter, minutes, outcomes)``,
    each outcome ``(kind, text)`` or ``(kind, text, owner country, owner, due)``."""
    actions = []
    for title, presenter, minutes, outcomes in items:
        item = services.agenda_item_add(
            meeting=meeting,
            user=chair,
            title=title,
            duration_minutes=minutes,
            presenter_country=Country.objects.get(pk=presenter),
        )
        for kind, text, *owner in outcomes:
            extra: dict[str, Any] = {}
            if owner:
                country, person, due = owner
                extra = {
                    "owner_country": Country.objects.get(pk=country),
                    "owner": User.objects.filter(username=person).first() if person else None,
                    "due": due,
                }
            outcome = services.outcome_add(
                agenda_item=item, user=chair, kind=kind, text=text, **extra
            )
            if kind == OutcomeKind.ACTION:
                actions.append(outcome.action)
    return actions


def _attendance(meeting: Meeting, chair: User, absent: set[str]) -> None:
    for row in Attendance.objects.filter(meeting=meeting).select_related("country"):
        away = row.country_id in absent
        services.attendance_record(
            meeting=meeting,
            user=chair,
            country=row.country,
            attended=not away,
            note="Sent apologies." if away else "",
        )


def _spring(chair: User, andex: Network) -> Meeting:
    meeting = _schedule(
        chair, andex, SPRING, SPRING_DAYS, "Asia/Bangkok", 6,
        location="Immigration Bureau, Bangkok",
    )  # fmt: skip
    actions = _minute(
        meeting,
        chair,
        [
            ("Opening and adoption of the agenda", "PHL", 10,
             [(OutcomeKind.INFORMATION, "The agenda was adopted without changes.")]),
            ("Counterfeit visa foils seen at land borders", "THA", 45,
             [(OutcomeKind.DECISION,
               "Members publish an alert within two working days of a new visa-foil counterfeit."),
              (OutcomeKind.ACTION, "Share the UV reference images of the visa foil.",
               "THA", None, _today(SPRING_DAYS + 30))]),
            ("Training of first-line officers", "VNM", 30,
             [(OutcomeKind.ACTION, "Report how many officers finished the first-line course.",
               "VNM", "officer.vnm", _today(SPRING_DAYS + 60))]),
        ],
    )  # fmt: skip
    # Thailand shared its images: done. Viet Nam's report stays open (overdue).
    services.action_set_status(action=actions[0], user=chair, status="done")
    _attendance(meeting, chair, absent={"BRN", "TLS"})
    services.minutes_finalize(meeting=meeting, user=chair)
    return meeting


def _summer(chair: User, andex: Network) -> Meeting:
    meeting = _schedule(
        chair, andex, SUMMER, SUMMER_DAYS, "Asia/Jakarta", 3,
        online_url="https://meet.example.org/andex-expert-meeting",
    )  # fmt: skip
    actions = _minute(
        meeting,
        chair,
        [
            ("Follow-up of the Bangkok meeting", "PHL", 15,
             [(OutcomeKind.INFORMATION, "Thailand shared the visa-foil reference images.")]),
            ("Forged data pages with altered MRZ", "IDN", 40,
             [(OutcomeKind.DECISION,
               "The specimen library marks the MRZ region of every forged data page."),
              (OutcomeKind.ACTION, "Mark the MRZ region on Indonesia's forged passport specimens.",
               "IDN", None, _today(-5)),
              (OutcomeKind.ACTION, "Draft terms of reference for a shared expert roster.",
               "PHL", "chair.andex", _today(20))]),
            ("Any other business", "MYS", 10,
             [(OutcomeKind.ACTION, "Circulate the list of national contact points.",
               "MYS", None, _today(-20))]),
        ],
    )  # fmt: skip
    services.action_set_status(action=actions[2], user=chair, status="done")
    _attendance(meeting, chair, absent={"MMR"})
    services.minutes_finalize(meeting=meeting, user=chair)
    return meeting


def _visible_first(user: User, model: type, **filters: Any) -> list[int]:
    """The id of the first item of ``model`` (``filters``) that ``user`` may see."""
    queryset = model._default_manager.filter(**filters).order_by("pk")
    pk = rule.visible_to(user=user, queryset=queryset).values_list("pk", flat=True).first()
    return [pk] if pk else []


def _next(chair: User, andex: Network) -> Meeting:
    from portal.alerts.models import AlertBulletin
    from portal.specimens.models import Specimen
    from portal.training.models import Course

    meeting = _schedule(
        chair, andex, NEXT, NEXT_DAYS, "Asia/Manila", 4,
        location="Bureau of Immigration, Intramuros, Manila",
        online_url="https://meet.example.org/andex-manila",
    )  # fmt: skip
    wide = {"distribution_level__in": [DistributionLevel.MEMBERS, DistributionLevel.NETWORKS]}
    agenda = [
        ("Welcome and adoption of the agenda", "PHL", 10, {}),
        ("New forgeries in the specimen library", "THA", 40,
         {"specimens": _visible_first(chair, Specimen, kind="forged", **wide)}),
        ("Alerts of the quarter", "VNM", 30, {"alerts": _visible_first(chair, AlertBulletin)}),
        ("First-line training: results and next courses", "PHL", 30,
         {"courses": _visible_first(chair, Course, live=True)}),
    ]  # fmt: skip
    for title, presenter, minutes, links in agenda:
        services.agenda_item_add(
            meeting=meeting,
            user=chair,
            title=title,
            duration_minutes=minutes,
            presenter_country=Country.objects.get(pk=presenter),
            notes="",
            **links,
        )
    # Scheduling carried the open actions already; again is a no-op (idempotent).
    services.actions_carry_over(meeting=meeting)
    return meeting


def _europe(rnde: Network) -> Meeting | None:
    """rnde-europe has no chair among the demo accounts: the superuser schedules it for
    FIN, shared with rnde-europe only."""
    admin = User.objects.filter(username="admin", is_superuser=True).first()
    if admin is None:
        return None
    starts = _at(EUROPE_DAYS, 10, "Europe/Helsinki")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            title=EUROPE,
            network=rnde,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            timezone="Europe/Helsinki",
            location="Finnish Border Guard, Helsinki",
            owner_country_id="FIN",
            created_by=admin,
        )
        distribution_apply(
            item=meeting,
            distribution=Distribution.from_data({"level": "networks", "networks": [rnde.slug]}),
        )
        meeting = item_publish(item=meeting, user=admin)
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, country=c) for c in rnde.countries.all()]
        )
        services.agenda_item_add(
            meeting=meeting,
            user=admin,
            title="Visa foils of South-East Asia",
            duration_minutes=45,
            presenter_country=Country.objects.get(pk="FIN"),
        )
    return meeting


def demo_meetings_load() -> str:
    """Create the demo meetings that are missing; returns a summary line."""
    chair = User.objects.filter(username=CHAIR).first()
    andex = Network.objects.filter(slug="andex").first()
    rnde = Network.objects.filter(slug="rnde-europe").first()
    if chair is None or andex is None or rnde is None:
        return f"skipped: {CHAIR} or the demo networks are missing"
    existing = set(
        Meeting.objects.filter(network__in=[andex, rnde]).values_list("title", flat=True)
    )
    made = 0
    # In this order: the cancelled session exists (cancelled) before the past meetings'
    # actions, which are carried onto the next live meeting only.
    for title, build in (
        (CANCELLED, lambda: _cancelled(chair, andex)),
        (SPRING, lambda: _spring(chair, andex)),
        (SUMMER, lambda: _summer(chair, andex)),
        (NEXT, lambda: _next(chair, andex)),
        (EUROPE, lambda: _europe(rnde)),
    ):
        if title in existing:
            continue
        with transaction.atomic():
            made += build() is not None
    return f"{made} meetings added"


def _cancelled(chair: User, andex: Network) -> Meeting:
    meeting = _schedule(
        chair, andex, CANCELLED, CANCELLED_DAYS, "Asia/Manila", 2,
        online_url="https://meet.example.org/andex-visa-foils",
    )  # fmt: skip
    return services.meeting_cancel(meeting=meeting, user=chair)
