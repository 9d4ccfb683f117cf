"""/api/v1/meetings and /api/v1/actions (CONTRACT.md "Meetings (v2)"): shapes, the rule
(404 invisible, 403 visible-but-not-editor), draft minutes for editors only, writes with
a 400 per field, and every URL an answer carries working with the same Bearer token."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from portal.access.models import Network
from portal.meetings import services
from portal.meetings.models import ActionItem, Meeting

from .conftest import at, schedule

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    from portal.accounts.services import api_token_issue

    _, token = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture(scope="module")
def data(world, django_db_blocker):
    """A meeting with final minutes (a decision, an overdue THA action), one with draft
    minutes, and an rnde-europe meeting officer.vnm may not see; a token per user."""
    with django_db_blocker.unblock():
        chair = world["chair.andex"]
        final = schedule(world, days=-5, title="ANDEX final")
        item = services.agenda_item_add(meeting=final, user=chair, title="Forged visas")
        services.outcome_add(agenda_item=item, user=chair, kind="decision", text="Share it")
        services.outcome_add(
            agenda_item=item,
            user=chair,
            kind="action",
            text="Send the specimen",
            owner_country=world["expert.tha"].country,
            due=date.today() - timedelta(days=2),
        )
        services.minutes_finalize(meeting=final, user=chair)
        draft = schedule(world, days=3, title="ANDEX draft")
        draft_item = services.agenda_item_add(meeting=draft, user=chair, title="Lamination")
        services.outcome_add(
            agenda_item=draft_item, user=chair, kind="decision", text="Secret draft decision"
        )
        europe = services.meeting_schedule(
            user=world["expert.tha"],
            title="RNDE only",
            network=Network.objects.get(slug="rnde-europe"),
            starts_at=at(20),
            ends_at=at(20) + timedelta(hours=1),
            timezone_name="Europe/Helsinki",
        )
        tokens = {
            name: _bearer(world[name])
            for name in ("chair.andex", "expert.tha", "officer.vnm", "officer.tha")
        }
        yield {"final": final, "draft": draft, "europe": europe, "tokens": tokens}


def test_list_and_detail_shapes_and_visibility(data):
    client = Client()
    vnm = data["tokens"]["officer.vnm"]
    answer = client.get("/api/v1/meetings", **vnm).json()
    titles = [m["title"] for m in answer["results"]]
    assert "ANDEX final" in titles and "ANDEX draft" in titles
    assert "RNDE only" not in titles
    assert answer["count"] == len(titles)
    first = answer["results"][0]
    assert set(first) == {
        "id", "url", "ics_url", "title", "network", "starts_at", "ends_at", "timezone", "status",
    }  # fmt: skip
    final = next(m for m in answer["results"] if m["title"] == "ANDEX final")
    assert final["status"] == "held" and final["network"] == "andex"
    assert final["starts_at"].endswith("+08:00")  # ISO 8601 with the meeting's offset
    assert final["ics_url"] == f"/meetings/{data['final'].pk}/ics"

    upcoming = client.get("/api/v1/meetings?when=upcoming", **vnm).json()["results"]
    assert [m["title"] for m in upcoming] == ["ANDEX draft"]

    # The URLs of the answer work with the same token.
    page = client.get(final["url"], **vnm)
    assert page.status_code == 200
    ics = client.get(final["ics_url"], **vnm)
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")

    detail = client.get(f"/api/v1/meetings/{data['final'].pk}", **vnm).json()
    assert detail["minutes_status"] == "final"
    assert detail["agenda"][0]["outcomes"][0] == {"kind": "decision", "text": "Share it"}
    assert detail["actions"][0]["overdue"] is True
    assert "VNM" in detail["invited_countries"]

    hidden = client.get(f"/api/v1/meetings/{data['europe'].pk}", **vnm)
    assert hidden.status_code == 404
    assert client.get(f"/api/v1/meetings/{data['final'].pk}").status_code == 401


def test_draft_minutes_only_for_editors(data):
    client = Client()
    url = f"/api/v1/meetings/{data['draft'].pk}"
    officer = client.get(url, **data["tokens"]["officer.vnm"]).json()
    assert officer["minutes_status"] == "draft"
    titles = [item["title"] for item in officer["agenda"]]
    assert "Lamination" in titles and "Action: Send the specimen" in titles  # carried over
    assert all(item["outcomes"] == [] for item in officer["agenda"])
    assert "Secret draft decision" not in str(officer)
    chair = client.get(url, **data["tokens"]["chair.andex"]).json()
    texts = [o["text"] for item in chair["agenda"] for o in item["outcomes"]]
    assert texts == ["Secret draft decision"]


def test_create_permissions_and_field_errors(data):
    client = Client()
    body = {
        "title": "ANDEX online",
        "network": "andex",
        "starts_at": "2030-03-02T09:00:00+08:00",
        "ends_at": "2030-03-02T11:00:00+08:00",
        "timezone": "Asia/Manila",
    }
    send = lambda who, payload: client.post(  # noqa: E731
        "/api/v1/meetings", payload, content_type="application/json", **data["tokens"][who]
    )
    assert send("officer.vnm", body).status_code == 403  # no role: before the body is read
    assert send("officer.vnm", {}).status_code == 403
    assert send("expert.tha", body).status_code == 403  # THA does not chair andex
    assert not Meeting.objects.filter(title="ANDEX online").exists()

    bad = send("chair.andex", {**body, "timezone": "Mars/Olympus"})
    assert bad.status_code == 400 and "timezone" in bad.json()["errors"]
    bad = send("chair.andex", {**body, "ends_at": body["starts_at"]})
    assert bad.status_code == 400 and "ends_at" in bad.json()["errors"]
    bad = send("chair.andex", {**body, "network": "nowhere"})
    assert bad.status_code == 400 and "network" in bad.json()["errors"]
    bad = send("chair.andex", {**body, "starts_at": "2030-03-02T09:00:00"})
    assert bad.status_code == 400 and "starts_at" in bad.json()["errors"]

    made = send("chair.andex", body)
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "planned"
    assert made.json()["starts_at"] == "2030-03-02T09:00:00+08:00"
    assert Meeting.objects.get(pk=made.json()["id"]).owner_country_id == "PHL"


def test_patch_moves_cancels_and_refuses(data):
    client = Client()
    pk = data["draft"].pk
    url = f"/api/v1/meetings/{pk}"
    patch = lambda who, payload, path=url: client.patch(  # noqa: E731
        path, payload, content_type="application/json", **data["tokens"][who]
    )
    before = Meeting.objects.get(pk=pk).ical_sequence
    assert patch("officer.vnm", {"title": "x"}).status_code == 403  # sees it, no role
    europe = f"/api/v1/meetings/{data['europe'].pk}"
    assert patch("officer.vnm", {"title": "x"}, europe).status_code == 404  # does not see it
    assert patch("expert.tha", {"title": "x"}).status_code == 403  # expert, not chair country
    assert patch("chair.andex", {"title": "x"}, europe).status_code == 404

    moved = patch("chair.andex", {"location": "Bangkok"})
    assert moved.status_code == 200
    assert Meeting.objects.get(pk=pk).ical_sequence == before + 1
    bad = patch("chair.andex", {"ends_at": "2000-01-01T00:00:00+00:00"})
    assert bad.status_code == 400 and "ends_at" in bad.json()["errors"]
    cancelled = patch("chair.andex", {"status": "cancelled"})
    assert cancelled.json()["status"] == "cancelled"


def test_actions_list_and_status(data):
    client = Client()
    tha = data["tokens"]["officer.tha"]
    expert = data["tokens"]["expert.tha"]
    vnm = data["tokens"]["officer.vnm"]
    listed = client.get("/api/v1/actions?status=open", **vnm).json()
    assert listed["count"] == 1
    action = listed["results"][0]
    assert set(action) == {
        "id", "meeting", "text", "owner_country", "owner", "due", "status", "overdue",
    }  # fmt: skip
    assert action["overdue"] is True and action["owner_country"] == "THA"
    assert client.get("/api/v1/actions?status=done", **vnm).json()["count"] == 0
    url = f"/api/v1/actions/{action['id']}"
    assert client.get(url, **vnm).json()["text"] == "Send the specimen"

    patch = lambda headers, status: client.patch(  # noqa: E731
        url, {"status": status}, content_type="application/json", **headers
    )
    assert patch(vnm, "done").status_code == 403  # sees it, does not own it
    assert patch(tha, "done").status_code == 403  # THA, but an officer: experts own it
    assert patch(expert, "bogus").status_code == 400
    done = patch(expert, "done")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["overdue"] is False
    assert ActionItem.objects.get(pk=action["id"]).done_by_id is not None
    reopened = patch(data["tokens"]["chair.andex"], "open")
    assert reopened.json()["status"] == "open"

    missing = client.get("/api/v1/actions/999999", **vnm)
    assert missing.status_code == 404
