"""The meetings pages: list, meeting, my actions, decision register, the home panel and
the calendar feed on the account page — each through the rule, in the reader's zone.

The data is built once for the module (``pages``): an upcoming andex meeting whose
agenda overruns its slot (with an action carried over), a past one with final minutes
(a decision, an overdue action of VNM) and a past one with draft minutes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.access.models import Country
from portal.meetings import services
from portal.meetings.models import ActionItem, ActionStatus, CalendarFeed

from .conftest import schedule

pytestmark = pytest.mark.django_db

DECISION = "Adopt the laminate guide"
ACTION = "VNM reports on the new laminates"
DRAFT_TEXT = "Draft note only editors read"


@pytest.fixture(scope="module")
def pages(world, django_db_blocker):
    """Three andex meetings in Manila time, made by the chair (inside ``world``'s
    module transaction, rolled back with it)."""
    with django_db_blocker.unblock():
        chair = world["chair.andex"]
        vnm = Country.objects.get(pk="VNM")
        past = schedule(world, days=-20, title="ANDEX past")
        item = services.agenda_item_add(
            meeting=past, user=chair, title="Laminates", presenter_country=vnm
        )
        services.outcome_add(agenda_item=item, user=chair, kind="decision", text=DECISION)
        services.outcome_add(
            agenda_item=item,
            user=chair,
            kind="action",
            text=ACTION,
            owner_country=vnm,
            due=ActionItem.today() - timedelta(days=3),
        )
        services.minutes_finalize(meeting=past, user=chair)
        draft = schedule(world, days=-5, title="ANDEX draft")
        draft_item = services.agenda_item_add(meeting=draft, user=chair, title="Open points")
        services.outcome_add(
            agenda_item=draft_item, user=chair, kind="information", text=DRAFT_TEXT
        )
        upcoming = schedule(world, days=10, title="ANDEX next")
        services.agenda_item_add(
            meeting=upcoming,
            user=chair,
            title="Long debate",
            duration_minutes=120,
            presenter_country=Country.objects.get(pk="PHL"),
        )
        return {"past": past, "draft": draft, "upcoming": upcoming}


def _client(client, world, username: str):
    client.force_login(world[username])
    return client


def test_list_upcoming_and_past_in_the_readers_and_the_meetings_zone(
    client, world, pages, django_assert_max_num_queries
):
    client = _client(client, world, "officer.vnm")
    with django_assert_max_num_queries(14):
        html = client.get(reverse("meetings:list")).content.decode()
    assert "ANDEX next" in html and "ANDEX past" not in html
    assert "Asia/Ho_Chi_Minh" in html and "Asia/Manila" in html  # both zones named
    # 09:00 in Manila is 08:00 in Hanoi.
    assert "08:00–10:00 (Asia/Ho_Chi_Minh)" in html and "09:00–11:00 (Asia/Manila)" in html
    past = client.get(reverse("meetings:list") + "?when=past").content.decode()
    assert "ANDEX past" in past and "ANDEX draft" in past and "ANDEX next" not in past
    assert "chip--done" in html  # planned status badge


def test_meeting_page_agenda_overrun_carried_action_and_calendar_link(
    client, world, pages, django_assert_max_num_queries
):
    meeting = pages["upcoming"]
    client = _client(client, world, "chair.andex")
    with django_assert_max_num_queries(26):
        response = client.get(meeting.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="overrun"' in html and "meeting-overrun--editor" in html
    assert "Long debate" in html and "Presented by Philippines" in html
    assert "Carried over" in html and ACTION[:40] in html  # the overdue VNM action
    assert reverse("meetings:ics", args=[meeting.pk]) in html
    assert reverse("wagtailsnippets_meetings_meeting:edit", args=[meeting.pk]) in html
    assert "09:00–09:05" in html  # running times in Manila: the carried item first
    vnm = _client(client, world, "officer.vnm").get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="overrun"' in vnm and "meeting-overrun--editor" not in vnm
    assert "wagtailsnippets_meetings_meeting" not in vnm and "/admin/" not in vnm
    assert "Viet Nam" in vnm  # invited country listed
    assert "08:00–08:05" in vnm  # the agenda's running times in Hanoi too, beside Manila's


def test_final_minutes_and_actions_shown_draft_minutes_to_editors_only(client, world, pages):
    past, draft = pages["past"], pages["draft"]
    vnm = _client(client, world, "officer.vnm")
    html = vnm.get(past.get_absolute_url()).content.decode()
    assert DECISION in html and ACTION in html and "action--overdue" in html
    hidden = vnm.get(draft.get_absolute_url()).content.decode()
    assert "Open points" in hidden and DRAFT_TEXT not in hidden
    chair = _client(client, world, "chair.andex")
    shown = chair.get(draft.get_absolute_url()).content.decode()
    assert DRAFT_TEXT in shown and "Minutes draft" in shown


def test_officer_fin_never_sees_andex_meetings(client, world, pages):
    fin = _client(client, world, "officer.fin")
    for meeting in pages.values():
        assert fin.get(meeting.get_absolute_url()).status_code == 404
    for url in (
        reverse("meetings:list"),
        reverse("meetings:list") + "?when=past",
        reverse("meetings:actions"),
        reverse("meetings:decisions"),
        reverse("home"),
    ):
        html = fin.get(url).content.decode()
        assert "ANDEX" not in html and DECISION not in html and ACTION not in html, url
    action = ActionItem.objects.get(text=ACTION)
    response = fin.post(reverse("meetings:action-status", args=[action.pk]), {"status": "done"})
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, pages):
    for url in (
        reverse("meetings:list"),
        pages["past"].get_absolute_url(),
        reverse("meetings:actions"),
        reverse("meetings:decisions"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_my_actions_decision_register_and_home_panel(client, world, pages):
    vnm = _client(client, world, "officer.vnm")
    actions = vnm.get(reverse("meetings:actions")).content.decode()
    assert ACTION in actions and "action--overdue" in actions
    register = vnm.get(reverse("meetings:decisions")).content.decode()
    assert DECISION in register and pages["past"].get_absolute_url() in register
    assert DRAFT_TEXT not in register
    andex = vnm.get(reverse("meetings:decisions") + "?network=andex").content.decode()
    assert DECISION in andex
    home = vnm.get(reverse("home")).content.decode()
    assert "ANDEX next" in home and pages["upcoming"].get_absolute_url() in home


def test_the_owner_country_or_chair_marks_an_action_done(client, world, pages):
    action = ActionItem.objects.get(text=ACTION)
    vnm = _client(client, world, "officer.vnm")  # an officer, not an expert of VNM
    assert (
        vnm.post(
            reverse("meetings:action-status", args=[action.pk]), {"status": "done"}
        ).status_code
        == 403
    )
    chair = _client(client, world, "chair.andex")
    page = chair.get(reverse("meetings:actions")).content.decode()
    assert reverse("meetings:action-status", args=[action.pk]) in page
    response = chair.post(
        reverse("meetings:action-status", args=[action.pk]),
        {"status": "done", "next": reverse("meetings:actions")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("meetings:actions")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_calendar_feed_created_rotated_and_revoked_on_the_account_page(client, world, pages):
    user = world["officer.vnm"]
    vnm = _client(client, world, "officer.vnm")
    manage = reverse("meetings:feed-manage")
    assert "calendar-feed-url" not in vnm.get(reverse("account")).content.decode()
    assert vnm.post(manage, {"action": "create"}).status_code == 302
    first = CalendarFeed.objects.get(user=user, revoked_at__isnull=True)
    account = vnm.get(reverse("account")).content.decode()
    url = reverse("meetings:feed", kwargs={"token": first.token})
    assert url in account and "webcal://" in account
    assert vnm.get(url).status_code == 200
    assert (
        first.token
        not in _client(client, world, "chair.andex").get(reverse("account")).content.decode()
    )
    vnm = _client(client, world, "officer.vnm")
    vnm.post(manage, {"action": "rotate"})
    second = CalendarFeed.objects.get(user=user, revoked_at__isnull=True)
    assert second.token != first.token
    assert vnm.get(url).status_code == 404  # the old address is dead
    new_url = reverse("meetings:feed", kwargs={"token": second.token})
    assert vnm.get(new_url).status_code == 200
    vnm.post(manage, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert vnm.get(new_url).status_code == 404
    assert "calendar-feed-url" not in vnm.get(reverse("account")).content.decode()
    assert vnm.get(manage).status_code == 405  # POST only (CSRF-protected form)


def test_editors_attach_documents_served_through_the_rule(client, world, pages):
    """The chair attaches a PDF on the meeting page: stored cleaned, listed, its file
    read by andex officers and a 404 for officer.fin; a refused file stores nothing and
    the form keeps its title; officers have no form, and a POST from them is a 403."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.access.media_probes import pdf_bytes

    meeting = pages["upcoming"]
    url = reverse("meetings:document-add", args=[meeting.pk])
    client.force_login(world["chair.andex"])
    assert 'id="document-form"' in client.get(meeting.get_absolute_url()).content.decode()
    pdf = SimpleUploadedFile("agenda.pdf", pdf_bytes("Agenda"), "application/pdf")
    response = client.post(url, {"title": "Annotated agenda", "file": pdf})
    assert response.status_code == 302
    document = meeting.documents.get()
    assert document.title == "Annotated agenda"
    bad = SimpleUploadedFile("agenda.pdf", b"%PDF-1.7\n not a pdf at all", "application/pdf")
    response = client.post(url, {"title": "Broken paper", "file": bad}, follow=True)
    assert meeting.documents.count() == 1
    page = response.content.decode()
    assert "Broken paper was not attached" in page and 'value="Broken paper"' in page

    client.force_login(world["officer.vnm"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Annotated agenda" in page and 'id="document-form"' not in page
    assert client.get(document.url).status_code == 200
    assert client.post(url, {"title": "x"}).status_code == 403
    client.force_login(world["officer.fin"])
    assert client.get(document.url).status_code == 404
    assert client.post(url, {"title": "x"}).status_code == 404


def test_the_chair_makes_minutes_final_and_reopens_them_with_a_reason(client, world, pages):
    """From the meeting page: draft → final (a version, officers read them) → reopened
    only with a reason, kept in the history; officers have no such form and a POST from
    them is a 403 (officer.fin's a 404)."""
    meeting = pages["draft"]
    url = reverse("meetings:minutes", args=[meeting.pk])
    client.force_login(world["officer.vnm"])
    assert DRAFT_TEXT not in client.get(meeting.get_absolute_url()).content.decode()
    assert client.post(url, {"action": "finalize"}).status_code == 403
    client.force_login(world["officer.fin"])
    assert client.post(url, {"action": "finalize"}).status_code == 404

    client.force_login(world["chair.andex"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Make the minutes final" in page
    page = client.post(url, {"action": "finalize"}, follow=True).content.decode()
    assert "The minutes are final (version 1)" in page and "Reopen the minutes" in page
    meeting.refresh_from_db()
    assert meeting.minutes_status == "final"
    client.force_login(world["officer.vnm"])
    assert DRAFT_TEXT in client.get(meeting.get_absolute_url()).content.decode()

    client.force_login(world["chair.andex"])
    page = client.post(url, {"action": "reopen", "reason": " "}, follow=True).content.decode()
    assert "Say why the minutes are reopened." in page
    meeting.refresh_from_db()
    assert meeting.minutes_status == "final"
    page = client.post(
        url, {"action": "reopen", "reason": "Wrong decision wording"}, follow=True
    ).content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_status == "draft"
    assert "History of the minutes" in page and "Wrong decision wording" in page


def test_the_chair_records_attendance(client, world, pages):
    meeting = pages["past"]
    url = reverse("meetings:attendance", args=[meeting.pk])
    client.force_login(world["officer.vnm"])
    assert client.post(url, {"attended-VNM": "yes"}).status_code == 403
    client.force_login(world["chair.andex"])
    assert "Record attendance" in client.get(meeting.get_absolute_url()).content.decode()
    client.post(url, {"attended-VNM": "yes", "attended-LAO": "no", "note-LAO": "Apologies"})
    rows = {row.country_id: row for row in meeting.attendances.all()}
    assert rows["VNM"].attended is True
    assert (rows["LAO"].attended, rows["LAO"].note) == (False, "Apologies")
    assert rows["THA"].attended is None  # not sent: unchanged
