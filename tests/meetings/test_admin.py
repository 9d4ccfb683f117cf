"""Meetings in the admin: the chair edits them, final minutes lock the agenda there too."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from portal.access.models import Network
from portal.meetings import services
from portal.meetings.models import AgendaItem, Meeting

from .conftest import schedule

pytestmark = pytest.mark.django_db

MEETINGS = "/admin/snippets/meetings/meeting/"


def _form(meeting: Meeting, agenda: list[dict], **overrides) -> dict:
    data = nested_form_data(
        {
            "title": meeting.title,
            "network": Network.objects.get(slug="andex").pk,
            "starts_at": "2030-03-02 09:00",
            "ends_at": "2030-03-02 11:00",
            "timezone": "Asia/Manila",
            "location": "Manila",
            "online_url": "",
            "agenda_items": inline_formset(agenda, initial=sum(1 for row in agenda if "id" in row)),
            "owner_country": "PHL",
            "distribution_level": "networks",
            "action-publish": "publish",
            **overrides,
        }
    )
    data["shared_networks"] = [Network.objects.get(slug="andex").pk]
    data["shared_countries"] = []
    return data


def _row(item: AgendaItem) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "presenter_country": "",
        "duration_minutes": item.duration_minutes,
        "notes": "",
        "outcomes": inline_formset([]),
    }


def test_final_minutes_lock_the_agenda_in_the_admin_form(client, world):
    chair = world["chair.andex"]
    meeting = schedule(world, days=-2)
    item = services.agenda_item_add(meeting=meeting, user=chair, title="Laminates")
    client.force_login(chair)
    edit = f"{MEETINGS}edit/{meeting.pk}/"
    assert client.get(edit).status_code == 200

    services.minutes_finalize(meeting=meeting, user=chair)
    new_row = {
        "title": "Sneaked in",
        "presenter_country": "",
        "duration_minutes": 5,
        "notes": "",
        "outcomes": inline_formset([{"kind": "decision", "text": "Adopted in the admin"}]),
    }
    response = client.post(edit, _form(meeting, [_row(item), new_row]))
    assert response.status_code == 200  # the form again, with the error
    assert "reopen them" in response.content.decode()
    assert not AgendaItem.objects.filter(title="Sneaked in").exists()

    services.minutes_reopen(meeting=meeting, user=chair, reason="One more item")
    response = client.post(edit, _form(meeting, [_row(item), new_row]))
    assert response.status_code == 302, response.context["form"].errors
    added = AgendaItem.objects.get(meeting=meeting, title="Sneaked in")
    # Outcomes are inline in their agenda item.
    assert list(added.outcomes.values_list("text", flat=True)) == ["Adopted in the admin"]
    meeting.refresh_from_db()
    assert meeting.minutes_status == "draft"

    # Another country's expert sees the meeting but may not edit it (sent back home).
    client.force_login(world["expert.tha"])
    response = client.get(edit)
    assert response.status_code == 302 and response["Location"] == "/admin/"
