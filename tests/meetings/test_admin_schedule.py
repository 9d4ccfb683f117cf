"""Scheduling in the admin: wall-clock times of the meeting's zone, networks the editor may
schedule for, and what the services would add (invitations, carry-over, action items)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from portal.access.models import Country, Network
from portal.meetings import services
from portal.meetings.models import ActionItem, Meeting

from .conftest import schedule

pytestmark = pytest.mark.django_db

MEETINGS = "/admin/snippets/meetings/meeting/"


def _form(title: str, network: Network, agenda: list[dict], **overrides) -> dict:
    data = nested_form_data(
        {
            "title": title,
            "network": network.pk,
            "starts_at": "2030-03-02 09:00",
            "ends_at": "2030-03-02 11:00",
            "timezone": "Asia/Manila",
            "location": "Manila",
            "online_url": "",
            "agenda_items": inline_formset(agenda),
            "owner_country": "PHL",
            "distribution_level": "networks",
            "action-publish": "publish",
            **overrides,
        }
    )
    data["shared_networks"] = [network.pk]
    data["shared_countries"] = []
    return data


def test_the_admin_schedules_in_the_meetings_zone_with_the_services_additions(client, world):
    chair = world["chair.andex"]
    andex = Network.objects.get(slug="andex")
    # The chair reads times in Helsinki: the form must not take 09:00 as Helsinki's.
    Country.objects.filter(pk="PHL").update(time_zone="Europe/Helsinki")
    earlier = schedule(world, days=-5, title="Earlier")
    item = services.agenda_item_add(meeting=earlier, user=chair, title="Laminates")
    services.outcome_add(
        agenda_item=item,
        user=chair,
        kind="action",
        text="Send the laminate samples",
        owner_country=Country.objects.get(pk="VNM"),
        due=timezone.localdate() - dt.timedelta(days=1),
    )
    client.force_login(chair)

    agenda = [
        {
            "title": "Visa foils",
            "presenter_country": "THA",
            "duration_minutes": 30,
            "notes": "",
            "outcomes": inline_formset([{"kind": "action", "text": "Collect the foils"}]),
        }
    ]
    response = client.post(f"{MEETINGS}add/", _form("Made in the admin", andex, agenda))
    assert response.status_code == 302, response.context["form"].errors
    meeting = Meeting.objects.get(title="Made in the admin")
    # 09:00 in Manila (UTC+8), whatever the editor's zone.
    assert meeting.starts_at == dt.datetime(2030, 3, 2, 1, 0, tzinfo=dt.UTC)
    assert meeting.ends_at == dt.datetime(2030, 3, 2, 3, 0, tzinfo=dt.UTC)
    edit = client.get(f"{MEETINGS}edit/{meeting.pk}/").content.decode()
    assert 'value="2030-03-02 09:00"' in edit
    assert "Wall-clock time in the meeting" in edit
    # Invited: the network's members; the open action of the earlier meeting carried over.
    assert set(meeting.attendances.values_list("country_id", flat=True)) == set(
        andex.countries.values_list("code", flat=True)
    )
    carried = meeting.agenda_items.exclude(carried_action=None).get()
    assert carried.carried_action.text == "Send the laminate samples"
    # The action minuted in the admin became an ActionItem (presenter's country, due later).
    action = ActionItem.objects.get(meeting=meeting)
    assert action.text == "Collect the foils" and action.owner_country_id == "THA"
    assert action.due == dt.date(2030, 4, 1) and action.outcome.kind == "action"
    # Saving again adds nothing twice, and an unchanged time does not move the entry.
    before = meeting.ical_sequence
    rows = [
        {
            "id": row.pk,
            "title": row.title,
            "presenter_country": row.presenter_country_id or "",
            "duration_minutes": row.duration_minutes,
            "notes": "",
            "outcomes": inline_formset(
                [{"id": o.pk, "kind": o.kind, "text": o.text} for o in row.outcomes.all()],
                initial=row.outcomes.count(),
            ),
        }
        for row in meeting.agenda_items.order_by("sort_order", "pk")
    ]
    data = _form("Made in the admin", andex, [])
    data.update(nested_form_data({"agenda_items": inline_formset(rows, initial=len(rows))}))
    response = client.post(f"{MEETINGS}edit/{meeting.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert ActionItem.objects.filter(meeting=meeting).count() == 1
    assert meeting.agenda_items.exclude(carried_action=None).count() == 1
    assert Meeting.objects.get(pk=meeting.pk).ical_sequence == before


def test_networks_offered_are_those_the_editor_may_schedule_for(client, world):
    andex = Network.objects.get(slug="andex")
    rnde = Network.objects.get(slug="rnde-europe")
    client.force_login(world["chair.andex"])
    form = client.get(f"{MEETINGS}add/").context["form"]
    assert list(form.fields["network"].queryset) == [andex]
    response = client.post(f"{MEETINGS}add/", _form("Not mine", rnde, []))
    assert response.status_code == 200
    assert "network" in response.context["form"].errors
    assert not Meeting.objects.filter(title="Not mine").exists()
    # Thailand's expert may add shared items, but chairs no network nor is of PHL.
    client.force_login(world["expert.tha"])
    form = client.get(f"{MEETINGS}add/").context["form"]
    assert not form.fields["network"].queryset.exists()
    client.force_login(world["admin"])
    form = client.get(f"{MEETINGS}add/").context["form"]
    assert {andex, rnde} <= set(form.fields["network"].queryset)
