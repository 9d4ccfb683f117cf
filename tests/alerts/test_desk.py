"""The desk's priorities: unacknowledged alerts on top of the home page, most severe first,
acknowledged from there without JavaScript, and worded for what they are."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from portal.alerts import services
from portal.alerts.models import AlertBulletin
from portal.alerts.wording import AlertKind, alert_kind

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def _alert(users, title, severity="medium", distribution=ANDEX, **fields) -> AlertBulletin:
    return services.alert_create(
        author=users["expert.tha"],
        distribution=distribution,
        title=title,
        summary="What to check.",
        severity=severity,
        tlp="amber",
        **fields,
    )


def _desk(html: str) -> str:
    start = html.index('class="card desk"')
    return html[start : html.index("</section>", start)]


def _titles(desk: str) -> list[str]:
    return re.findall(r'class="desk-item__title"><a href="[^"]+">([^<]+)</a>', desk)


def test_unacknowledged_alerts_come_first_most_severe_then_newest(client, users):
    _alert(users, "Old critical", severity="critical")
    _alert(users, "Info bulletin", severity="info")
    _alert(users, "High one", severity="high")
    _alert(users, "New critical", severity="critical")
    read = _alert(users, "Already read", severity="critical")
    services.alert_acknowledge(alert=read, user=users["officer.vnm"])
    _alert(users, "THA only", severity="critical", distribution={"level": "country"})
    client.force_login(users["officer.vnm"])
    html = client.get("/").content.decode()
    desk = _desk(html)
    assert _titles(desk) == ["New critical", "Old critical", "High one", "Info bulletin"]
    assert 'data-testid="desk-count">4 alerts<' in desk
    # The desk sits above what's new.
    assert html.index('class="card desk"') < html.index('id="panel-alerts"')


def test_alerts_the_user_may_not_see_are_neither_listed_nor_counted(client, users):
    _alert(users, "For andex", severity="high")
    client.force_login(users["officer.fin"])
    desk = _desk(client.get("/").content.decode())
    assert "For andex" not in desk
    assert 'data-testid="desk-count">0 alerts<' in desk
    assert "Nothing waiting" in desk


def test_each_item_has_a_severity_in_words_and_an_acknowledge_form(client, users):
    alert = _alert(users, "Counterfeit visa foils", severity="critical", fraud_type="counterfeit")
    client.force_login(users["officer.vnm"])
    desk = _desk(client.get("/").content.decode())
    assert '<span class="severity severity--critical">Critical</span>' in desk
    assert f'action="/alerts/{alert.pk}/acknowledge/"' in desk
    assert 'name="next" value="/"' in desk


def test_acknowledging_from_the_home_page_comes_back_with_one_less(client, users):
    first = _alert(users, "First", severity="high")
    _alert(users, "Second", severity="low")
    client.force_login(users["officer.vnm"])
    response = client.post(f"/alerts/{first.pk}/acknowledge/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    desk = _desk(client.get("/").content.decode())
    assert _titles(desk) == ["Second"]
    assert 'data-testid="desk-count">1 alert<' in desk


def test_acknowledge_never_redirects_off_the_site(client, users):
    alert = _alert(users, "First", severity="high")
    client.force_login(users["officer.vnm"])
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/alerts/{alert.pk}/"


def test_an_invisible_alert_cannot_be_acknowledged_from_the_desk(client, users):
    alert = _alert(users, "THA only", distribution={"level": "country"})
    client.force_login(users["officer.vnm"])
    assert client.post(f"/alerts/{alert.pk}/acknowledge/", {"next": "/"}).status_code == 404


def test_the_home_page_costs_the_same_with_many_alerts(
    client, users, django_assert_max_num_queries
):
    for number in range(15):
        _alert(users, f"Alert {number}", severity=("critical", "high", "low")[number % 3])
    client.force_login(users["officer.vnm"])
    # 16 whatever the number of alerts (one of them the "New courses" panel, one the
    # "Upcoming meetings" panel).
    with django_assert_max_num_queries(16):
        html = client.get("/").content.decode()
    desk = _desk(html)
    assert len(_titles(desk)) == 10
    assert 'data-testid="desk-count">15 alerts<' in desk
    assert 'href="/alerts/?unacknowledged=1"' in desk


@pytest.mark.parametrize(
    ("severity", "fraud_type", "kind"),
    [("info", "", AlertKind.INFORMATION), ("low", "", AlertKind.INFORMATION),
     ("info", "counterfeit", AlertKind.FRAUD_ALERT), ("high", "", AlertKind.FRAUD_ALERT),
     ("critical", "forgery", AlertKind.FRAUD_ALERT)],
)  # fmt: skip
def test_the_kind_follows_fraud_type_and_severity(severity, fraud_type, kind):
    assert alert_kind(SimpleNamespace(severity=severity, fraud_type=fraud_type)) == kind


def test_the_home_page_words_each_alert_by_its_kind(client, users):
    _alert(users, "Office hours", severity="info")
    _alert(users, "Forged stamps", severity="high", fraud_type="forgery")
    client.force_login(users["officer.vnm"])
    desk = _desk(client.get("/").content.decode())
    items = desk.split('class="desk-item ')[1:]
    words = {_titles(item)[0]: re.search(r'desk-item__kind">([^<]+)<', item)[1] for item in items}
    assert words == {"Office hours": "New information", "Forged stamps": "New fraud alert"}


def test_every_page_carries_the_toast_words_in_the_readers_language(client, users):
    client.force_login(users["officer.vnm"])
    html = client.get("/specimens/").content.decode()
    labels = html[html.index('id="live-labels"') :]
    assert '"fraud_alert": "New fraud alert"' in labels
    assert '"critical": "Critical"' in labels
    assert 'data-csrf="' in html
