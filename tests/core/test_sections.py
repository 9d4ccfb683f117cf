"""Sections still to come are not advertised until their app is installed."""

from __future__ import annotations

import pytest

from portal.core import sections

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    start = html.index('id="site-nav"')
    return html[start : html.index("</nav>", start)]


def test_unbuilt_sections_are_neither_in_the_navigation_nor_on_the_home_page(
    client, users, monkeypatch
):
    # Training and meetings are built; a meetings app that is not installed stands in
    # for a section still to come.
    monkeypatch.setitem(sections.UPCOMING, "meetings", "portal.meetings_not_built")
    client.force_login(users["officer.tha"])
    html = client.get("/").content.decode()
    assert 'href="/meetings/"' not in _nav(html)
    assert "Agendas, minutes and action items." not in html  # the home page's shortcut
    assert 'href="/training/"' in _nav(html)
    assert 'href="/alerts/"' in _nav(html) and 'href="/specimens/"' in _nav(html)


def test_their_placeholder_pages_still_answer(client, users):
    client.force_login(users["officer.tha"])
    assert client.get("/training/").status_code == 200
    assert client.get("/meetings/").status_code == 200


def test_a_section_is_advertised_once_its_app_is_installed(client, users, monkeypatch):
    # Any installed app stands in for the training app that will build the section.
    monkeypatch.setitem(sections.UPCOMING, "training", "portal.alerts")
    assert sections.sections_built() == {"training", "meetings"}
    client.force_login(users["officer.tha"])
    html = client.get("/").content.decode()
    assert 'href="/training/"' in _nav(html)
    assert 'href="/meetings/"' in _nav(html)
