"""The demo meetings (``portal.demo.meetings``): loaded once with the demo network, then
again (nothing added twice). Specimens, alerts and courses are left out (slow): agenda
links are offered from what exists, and the links themselves are tested in tests/meetings."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from portal.access import rule
from portal.access.models import User
from portal.demo import meetings as demo
from portal.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    MinutesStatus,
    MinutesVersion,
    Outcome,
)
from portal.meetings.selectors import decisions_register_for, meetings_visible_to

pytestmark = pytest.mark.django_db

MODELS = (Meeting, AgendaItem, Outcome, ActionItem, Attendance, MinutesVersion)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo network and meetings, loaded twice (rolled back at the end)."""
    from portal.demo.network import demo_network_load

    with django_db_blocker.unblock(), transaction.atomic():
        demo_network_load()
        first = demo.demo_meetings_load()
        counts = {model: model.objects.count() for model in MODELS}
        second = demo.demo_meetings_load()
        yield {"first": first, "second": second, "counts": counts}
        transaction.set_rollback(True)


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(is_demo=True)}


def test_a_second_load_adds_nothing(loaded):
    assert loaded["first"] == "5 meetings added"
    assert loaded["second"] == "0 meetings added"
    for model, count in loaded["counts"].items():
        assert model.objects.count() == count, model.__name__


def test_past_andex_meetings_have_final_minutes_decisions_actions_and_attendance(loaded):
    now = timezone.now()
    past = Meeting.objects.filter(network__slug="andex", ends_at__lt=now)
    assert set(past.values_list("title", flat=True)) == {demo.SPRING, demo.SUMMER}
    for meeting in past:
        assert meeting.minutes_status == MinutesStatus.FINAL
        assert meeting.minutes_versions.count() == 1
        assert meeting.meeting_status == "held"
        assert Outcome.objects.filter(agenda_item__meeting=meeting, kind="decision").exists()
        attendance = set(meeting.attendances.values_list("attended", flat=True))
        assert attendance == {True, False}, meeting.title  # recorded, some apologies
        assert meeting.attendances.count() == 11  # every andex member invited
    actions = ActionItem.objects.filter(meeting__in=past)
    assert actions.filter(status="done").count() == 2
    overdue = [a for a in actions if a.overdue]
    assert len(overdue) >= 2
    vnm = actions.get(owner__username="officer.vnm")
    assert vnm.owner_country_id == "VNM" and vnm.overdue
    assert actions.filter(owner__isnull=True, status="open").exists()  # a country's action
    # The register lists the final decisions to andex readers.
    officer = _users()["officer.vnm"]
    assert decisions_register_for(user=officer).count() == 2


def test_the_next_meeting_in_manila_time_carries_the_open_actions(loaded):
    meeting = Meeting.objects.get(title=demo.NEXT)
    assert meeting.timezone == "Asia/Manila" and meeting.meeting_status == "planned"
    assert meeting.local_times()[0].hour == 9
    assert meeting.location and meeting.online_url
    carried = {i.carried_action_id for i in meeting.agenda_items.exclude(carried_action=None)}
    still_open = set(
        ActionItem.objects.filter(meeting__network__slug="andex", status="open").values_list(
            "pk", flat=True
        )
    )
    assert carried == still_open and len(carried) == 3
    assert any(ActionItem.objects.get(pk=pk).overdue for pk in carried)
    own = meeting.agenda_items.filter(carried_action=None)
    assert own.count() == 4
    assert all(i.presenter_country_id and i.duration_minutes for i in own)
    assert meeting.minutes_status == MinutesStatus.NONE
    # Carried only onto live meetings: the cancelled session keeps an empty agenda.
    cancelled = Meeting.objects.get(title=demo.CANCELLED)
    assert cancelled.meeting_status == "cancelled" and cancelled.ical_sequence == 1
    assert not cancelled.agenda_items.exists()


def test_the_rnde_meeting_is_never_seen_by_andex_users(loaded):
    europe = Meeting.objects.get(title=demo.EUROPE)
    assert europe.timezone == "Europe/Helsinki" and europe.owner_country_id == "FIN"
    users = _users()
    assert rule.can_view(users["officer.fin"], europe)
    for name in ("officer.tha", "officer.vnm", "expert.tha", "chair.andex", "trainer.phl"):
        assert not rule.can_view(users[name], europe), name
        assert europe not in meetings_visible_to(user=users[name])
    andex = Meeting.objects.filter(network__slug="andex")
    assert not meetings_visible_to(user=users["officer.fin"]).filter(pk__in=andex).exists()
    assert set(meetings_visible_to(user=users["officer.vnm"])) == set(andex)
