"""Issue 14's "done when", tried as new users would: chair.andex schedules a meeting in
Manila time in the admin; officer.vnm sees it in Hanoi time and in a calendar client fed
by their personal URL; moving it updates the same calendar entry; officer.fin never sees
it; an overdue action of the last meeting appears on the next agenda."""

from __future__ import annotations

import re
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from portal.access.models import Country, Network, User
from portal.meetings import services
from portal.meetings.models import Meeting
from tests.e2e.test_pages_audit import _audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANILA = ZoneInfo("Asia/Manila")
TITLE = "ANDEX plenary on laminate forgeries"
OVERDUE = "Share the VNM laminate seizure report"


def _serious(page) -> list:
    """axe's serious or critical WCAG 2 A/AA violations of the page as it is now."""
    return [v for v in _audit(page) if v["impact"] in {"serious", "critical"}]


def _last_meeting_with_an_overdue_action() -> None:
    """A held andex meeting whose final minutes gave VNM an action, due a week ago."""
    chair = User.objects.get(username="chair.andex")
    held = datetime.now(MANILA).replace(hour=9, minute=0, second=0, microsecond=0)
    held -= timedelta(days=30)
    meeting = services.meeting_schedule(
        user=chair,
        title="ANDEX autumn review",
        network=Network.objects.get(slug="andex"),
        starts_at=held,
        ends_at=held + timedelta(hours=2),
        timezone_name="Asia/Manila",
        location="Manila",
    )
    item = services.agenda_item_add(meeting=meeting, user=chair, title="Seizures since spring")
    services.outcome_add(
        agenda_item=item,
        user=chair,
        kind="action",
        text=OVERDUE,
        owner_country=Country.objects.get(pk="VNM"),
        due=(datetime.now(MANILA) - timedelta(days=7)).date(),
    )
    services.minutes_finalize(meeting=meeting, user=chair)


def _fill_times(page, start: datetime, end: datetime) -> None:
    """The admin form's times: wall-clock in the meeting's zone (``YYYY-MM-DD HH:MM``)."""
    for field, value in (("#id_starts_at", start), ("#id_ends_at", end)):
        page.fill(field, value.strftime("%Y-%m-%d %H:%M"))
        page.keyboard.press("Escape")  # close the date picker


def _choose(page, selector: str, value: str, name: str) -> None:
    """Pick ``name`` in the field ``selector`` the way its widget offers it: a plain
    select, a searchable one (Tom Select: type, Enter) or Wagtail's chooser (a modal)."""
    field = page.locator(selector)
    if field.evaluate("e => e.tagName") == "SELECT":
        if field.is_visible():
            field.select_option(value)
            return
        search = field.locator("xpath=following-sibling::div[contains(@class,'ts-wrapper')][1]")
        search.locator("input").fill(name.split()[0])
        search.locator(".ts-dropdown .option", has_text=name).first.click()
        page.keyboard.press("Escape")
        return
    field.locator("xpath=ancestor::*[.//button[@data-chooser-action-choose]][1]").locator(
        "button[data-chooser-action-choose]"
    ).last.click()
    page.get_by_role("link", name=name).first.click()
    page.wait_for_function(f"document.querySelector('{selector}').value === '{value}'")


def _publish(page) -> None:
    """Wagtail's action menu: "Publish" sits under the main button's dropdown."""
    toggle = "footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']"
    page.locator(toggle).first.click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("published").first.wait_for()


def _feed(url: str) -> dict:
    """The calendar client: fetch the feed with no cookie and read our meeting's entry."""
    with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (local server)
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.read())
    events = [e for e in calendar.walk("VEVENT") if str(e.get("SUMMARY")) == TITLE]
    assert len(events) == 1, [str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")]
    zones = {str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")}
    assert "Asia/Manila" in zones
    event = events[0]
    return {
        "uid": str(event.get("UID")),
        "sequence": int(event.get("SEQUENCE")),
        "start": event.decoded("DTSTART"),
        "zone": event["DTSTART"].params.get("TZID"),
        "status": str(event.get("STATUS")),
        "description": str(event.get("DESCRIPTION")),
    }


def test_chair_schedules_in_manila_officer_follows_in_hanoi_and_fin_never_sees_it(
    live_server, sign_in, demo_network, artifacts
):
    base = live_server.url
    _last_meeting_with_an_overdue_action()
    day = (datetime.now(MANILA) + timedelta(days=14)).date()
    start = datetime(day.year, day.month, day.day, 14, 0, tzinfo=MANILA)

    # chair.andex schedules it in the admin, in Manila time.
    chair = sign_in(base, "chair.andex")
    chair.goto(f"{base}/admin/snippets/meetings/meeting/add/")
    chair.fill("#id_title", TITLE)
    andex = Network.objects.get(slug="andex")
    _choose(chair, "#id_network", str(andex.pk), andex.name)
    if chair.locator("#id_timezone").evaluate("e => e.tagName") == "SELECT":
        _choose(chair, "#id_timezone", "Asia/Manila", "Asia/Manila")
    else:
        chair.fill("#id_timezone", "Asia/Manila")
    _fill_times(chair, start, start + timedelta(hours=2))
    chair.fill("#id_location", "Manila, Bureau of Immigration")
    if chair.locator("#id_distribution_level").is_enabled():
        chair.select_option("#id_distribution_level", "networks")
        if str(andex.pk) not in chair.locator("#id_shared_networks").input_value():
            _choose(chair, "#id_shared_networks", str(andex.pk), andex.name)
    chair.screenshot(path=str(artifacts / "meetings-admin-schedule.png"), full_page=True)
    _publish(chair)
    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.live
    assert meeting.timezone == "Asia/Manila"
    assert meeting.starts_at == start, "the form's times are wall-clock in the meeting's zone"
    assert meeting.ical_sequence == 0

    # officer.vnm: the list in Hanoi time (an hour earlier), Manila's named beside it.
    officer = sign_in(base, "officer.vnm")
    officer.goto(f"{base}/meetings/")
    row = officer.locator("li, tr, article", has_text=TITLE).last
    row.wait_for()
    text = row.inner_text()
    assert "13:00" in text and "Asia/Ho_Chi_Minh" in text, text
    assert "14:00" in text and "Asia/Manila" in text, text
    officer.screenshot(path=str(artifacts / "meetings-list-officer-vnm.png"), full_page=True)
    assert not _serious(officer)

    # The meeting page: the carried overdue action of the last meeting is on the agenda.
    row.get_by_role("link", name=TITLE).first.click()
    officer.wait_for_url(f"**/meetings/{meeting.pk}/")
    agenda = officer.locator("main").inner_text()
    carried = officer.locator("main li, main article, main tr", has_text=OVERDUE).last
    assert carried.count(), "the overdue action was not carried onto the next agenda"
    assert "Carried over" in carried.inner_text() and "Overdue" in carried.inner_text()
    assert "13:00" in agenda and "14:00" in agenda
    officer.screenshot(path=str(artifacts / "meetings-detail-officer-vnm.png"), full_page=True)
    assert not _serious(officer)
    officer.set_viewport_size({"width": 390, "height": 844})
    assert officer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    officer.screenshot(path=str(artifacts / "meetings-detail-phone.png"), full_page=True)
    officer.goto(f"{base}/meetings/")
    assert officer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    officer.screenshot(path=str(artifacts / "meetings-list-phone.png"), full_page=True)
    officer.set_viewport_size({"width": 1280, "height": 900})

    # Their personal calendar feed, made on the account page; a client fetches it.
    officer.goto(f"{base}/accounts/")
    officer.locator("form[action*='/meetings/feed/'] button").first.click()
    officer.wait_for_load_state("load")
    found = re.search(r"/meetings/feed/[A-Za-z0-9_-]+\.ics", officer.content())
    assert found, "the account page does not show the feed's URL"
    feed_url = f"{base}{found.group(0)}"
    officer.screenshot(path=str(artifacts / "meetings-feed-account.png"), full_page=True)
    first = _feed(feed_url)
    assert first["uid"] == meeting.ical_uid
    assert first["sequence"] == 0
    assert first["start"] == start and first["zone"] == "Asia/Manila"
    assert first["status"] == "CONFIRMED"
    assert f"/meetings/{meeting.pk}/" in first["description"]

    # The chair moves it an hour later: the same entry, a higher SEQUENCE, the new time.
    chair.goto(f"{base}/admin/snippets/meetings/meeting/edit/{meeting.pk}/")
    moved = start + timedelta(hours=1)
    _fill_times(chair, moved, moved + timedelta(hours=2))
    _publish(chair)
    second = _feed(feed_url)
    assert second["uid"] == first["uid"]
    assert second["sequence"] > first["sequence"]
    assert second["start"] == moved
    officer.goto(f"{base}/meetings/{meeting.pk}/")
    page_text = officer.locator("main").inner_text()
    assert "14:00" in page_text and "15:00" in page_text and "13:00" not in page_text

    officer.goto(f"{base}/search/?q=laminate+forgeries")
    assert TITLE in officer.locator("main").inner_text(), "search misses it for andex"

    # officer.fin (rnde-europe): a 404, and nowhere in the lists or in search.
    fin = sign_in(base, "officer.fin")
    response = fin.goto(f"{base}/meetings/{meeting.pk}/")
    assert response.status == 404
    assert TITLE not in fin.content()
    fin.screenshot(path=str(artifacts / "meetings-404-officer-fin.png"), full_page=True)
    for path in ("/meetings/", "/meetings/?when=past", "/search/?q=laminate+forgeries"):
        fin.goto(f"{base}{path}")
        assert TITLE not in fin.locator("main").inner_text(), path
        assert f"/meetings/{meeting.pk}/" not in fin.content(), path
    response = fin.goto(f"{base}/meetings/{meeting.pk}/ics")
    assert response.status == 404
