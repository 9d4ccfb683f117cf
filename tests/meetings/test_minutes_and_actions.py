"""Minutes (draft, final, locked, versioned, reopened with history), action items
(status permissions, carry-over, reminders)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from portal.access.models import Country, Role, User
from portal.access.services import user_roles_set
from portal.meetings import services
from portal.meetings.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Meeting,
    MinutesEvent,
    MinutesStatus,
)
from portal.meetings.tasks import action_reminders

from .conftest import schedule

pytestmark = pytest.mark.django_db


def test_minutes_lock_versions_and_reopen(world):
    chair = world["chair.andex"]
    meeting = schedule(world, days=-3)
    item = services.agenda_item_add(
        meeting=meeting, user=chair, title="Forged visas", duration_minutes=30
    )
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.NONE
    services.outcome_add(agenda_item=item, user=chair, kind="decision", text="Share the specimen")
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.outcome_add(
            agenda_item=item, user=world["expert.tha"], kind="information", text="x"
        )

    v1 = services.minutes_finalize(meeting=meeting, user=chair)
    assert v1.number == 1
    assert v1.snapshot[0]["outcomes"] == [{"kind": "decision", "text": "Share the specimen"}]
    meeting.refresh_from_db()
    assert meeting.minutes_status == MinutesStatus.FINAL
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=meeting, user=chair, title="Late")
    with pytest.raises(ValidationError):
        services.outcome_add(agenda_item=item, user=chair, kind="information", text="Late")
    with pytest.raises(ValidationError):
        services.minutes_finalize(meeting=meeting, user=chair)

    # Every publishing path: a revision that changes the agenda is refused.
    live = Meeting.objects.get(pk=meeting.pk)
    live.agenda_items.add(AgendaItem(title="Sneaked in", duration_minutes=5))
    revision = live.save_revision(user=chair)
    with pytest.raises(ValidationError):
        revision.publish(user=chair)
    assert not AgendaItem.objects.filter(title="Sneaked in").exists()
    # A change of the meeting alone still publishes.
    meeting, _ = services.meeting_update(meeting=meeting, user=chair, title="ANDEX 1 (final)")
    assert meeting.minutes_status == MinutesStatus.FINAL

    with pytest.raises(PermissionDenied):
        services.minutes_reopen(meeting=meeting, user=world["officer.vnm"], reason="typo")
    with pytest.raises(ValidationError):
        services.minutes_reopen(meeting=meeting, user=chair, reason="  ")
    services.minutes_reopen(meeting=meeting, user=chair, reason="A decision was misquoted")
    services.outcome_add(agenda_item=item, user=chair, kind="information", text="Corrected")
    v2 = services.minutes_finalize(meeting=meeting, user=chair)
    assert v2.number == 2 and len(v2.snapshot[0]["outcomes"]) == 2
    v1.refresh_from_db()
    assert len(v1.snapshot[0]["outcomes"]) == 1  # the first version is kept as it was
    history = list(meeting.minutes_events.values_list("action", "reason"))
    assert history == [
        (MinutesEvent.Action.FINALIZED, ""),
        (MinutesEvent.Action.REOPENED, "A decision was misquoted"),
        (MinutesEvent.Action.FINALIZED, ""),
    ]


def _action(
    world,
    meeting,
    *,
    text="Send the specimen",
    due=None,
    owner=None,
    country="THA",
    by="chair.andex",
):
    chair = world[by]
    item = services.agenda_item_add(meeting=meeting, user=chair, title=f"About {text}")
    outcome = services.outcome_add(
        agenda_item=item,
        user=chair,
        kind="action",
        text=text,
        owner_country=Country.objects.get(pk=country),
        owner=owner,
        due=due or date.today() + timedelta(days=3),
    )
    return outcome.action


def test_action_outcome_creates_its_action_and_status_permissions(world):
    meeting = schedule(world, days=-10)
    with pytest.raises(ValidationError):
        services.outcome_add(
            agenda_item=services.agenda_item_add(
                meeting=meeting, user=world["chair.andex"], title="t"
            ),
            user=world["chair.andex"],
            kind="action",
            text="No owner",
        )
    by_country = _action(world, meeting, text="THA checks the foil")
    assert by_country.meeting == meeting and by_country.status == ActionStatus.OPEN
    # Owner country only: its experts (and the chair) settle it, not its officers.
    with pytest.raises(PermissionDenied):
        services.action_set_status(action=by_country, user=world["officer.tha"], status="done")
    with pytest.raises(PermissionDenied):
        services.action_set_status(action=by_country, user=world["officer.vnm"], status="done")
    done = services.action_set_status(action=by_country, user=world["expert.tha"], status="done")
    assert done.status == "done" and done.done_by == world["expert.tha"] and done.done_at
    reopened = services.action_set_status(
        action=by_country, user=world["chair.andex"], status="open"
    )
    assert reopened.status == "open" and reopened.done_at is None
    # A named owner: that person (and the chair), not the country's experts.
    named = _action(
        world, meeting, text="Officer reports", owner=world["officer.vnm"], country="VNM"
    )
    with pytest.raises(PermissionDenied):
        services.action_set_status(action=named, user=world["expert.tha"], status="done")
    assert (
        services.action_set_status(action=named, user=world["officer.vnm"], status="done").status
        == "done"
    )
    # Someone who may not see the meeting learns nothing.
    with pytest.raises(PermissionDenied):
        services.action_set_status(action=named, user=world["officer.fin"], status="open")


def test_carry_over_open_actions_of_earlier_meetings_of_the_same_network(world):
    fin_expert = User.objects.create_user("expert.fin", password="pw", country_id="FIN")
    user_roles_set(user=fin_expert, roles=[Role.EXPERT])
    world["expert.fin"] = fin_expert

    first = schedule(world, days=-60, title="ANDEX 1")
    overdue = _action(world, first, text="Overdue work", due=date.today() - timedelta(days=5))
    finished = _action(world, first, text="Finished work")
    services.action_set_status(action=finished, user=world["chair.andex"], status="done")
    europe = schedule(world, days=-30, network="rnde-europe", user="expert.fin", title="RNDE 1")
    _action(world, europe, text="European work", country="FIN", by="expert.fin")

    nxt = schedule(world, days=14, title="ANDEX 2")
    carried = AgendaItem.objects.filter(meeting=nxt, carried_action__isnull=False)
    assert [i.carried_action for i in carried] == [overdue]
    assert overdue.overdue
    # Idempotent.
    assert services.actions_carry_over(meeting=nxt) == []
    assert carried.count() == 1
    # An action added later to an earlier meeting reaches the meeting already scheduled.
    late = _action(world, first, text="Added afterwards")
    assert set(carried.values_list("carried_action", flat=True)) == {overdue.pk, late.pk}
    # Never backwards: the earlier meeting does not receive the later one's actions.
    later_action = _action(world, nxt, text="Next meeting's own")
    assert not AgendaItem.objects.filter(meeting=first, carried_action=later_action).exists()
    # Done afterwards: the carried item stays and shows it done.
    services.action_set_status(action=overdue, user=world["chair.andex"], status="done")
    item = AgendaItem.objects.get(meeting=nxt, carried_action=overdue)
    assert item.carried_action.status == ActionStatus.DONE


def test_reminder_round_once_a_day(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for name, address in (("expert.tha", "tha@example.org"), ("officer.vnm", "vnm@example.org")):
        User.objects.filter(username=name).update(email=address)
        world[name].email = address
    meeting = schedule(world, days=-10)
    today = date.today()
    soon = _action(world, meeting, text="Due soon", due=today + timedelta(days=6))
    _action(world, meeting, text="Far away", due=today + timedelta(days=30))
    overdue = _action(
        world,
        meeting,
        text="Late",
        due=today - timedelta(days=2),
        owner=world["officer.vnm"],
        country="VNM",
    )
    done = _action(world, meeting, text="Done already", due=today)
    services.action_set_status(action=done, user=world["chair.andex"], status="done")

    mail.outbox.clear()
    result = action_reminders(today=today)
    assert result["actions"] == 2
    recipients = sorted(address for m in mail.outbox for address in m.to)
    # Country-owned: its experts (not its officers); person-owned: that person.
    assert recipients == ["tha@example.org", "vnm@example.org"]
    assert any("Overdue" in m.subject for m in mail.outbox)
    assert ActionItem.objects.get(pk=soon.pk).reminded_on == today

    mail.outbox.clear()
    assert action_reminders(today=today) == {"actions": 0, "emails": 0}
    assert mail.outbox == []
    # The next day, again.
    assert action_reminders(today=today + timedelta(days=1))["actions"] == 2
    assert ActionItem.objects.get(pk=overdue.pk).reminded_on == today + timedelta(days=1)
