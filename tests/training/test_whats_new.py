"""The home page's "New courses" panel: published courses shared with the user only."""

from __future__ import annotations

import pytest

from .conftest import course_make

pytestmark = pytest.mark.django_db


def test_the_panel_lists_the_published_courses_shared_with_the_user(client, users):
    course_make(title="Andex laminates", distribution={"level": "networks", "networks": ["andex"]})
    course_make(title="Finnish stamps", owner="FIN", distribution={"level": "country"})
    course_make(
        title="PHL draft", distribution={"level": "networks", "networks": ["andex"]}, live=False
    )
    client.force_login(users["officer.tha"])
    page = client.get("/").content.decode()
    assert "New courses" in page and "Andex laminates" in page
    assert "Finnish stamps" not in page and "PHL draft" not in page
    client.force_login(users["officer.fin"])
    page = client.get("/").content.decode()
    assert "Finnish stamps" in page and "Andex laminates" not in page
