"""No user input produces a server error, and no error page ever shows a traceback.

``make demo`` runs with DEBUG off unless asked; every page pattern of the portal (the
admin and the API have their own walks: tests/access/test_admin_urls.py and
tests/api/test_openapi_fuzz.py) is sent hostile ids and query strings.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse

from tests.access.admin_urls import walk_patterns

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _debug_of_demo(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DEBUG"} | env
    run = subprocess.run(
        [sys.executable, "-c", "from portal.settings import dev; print(dev.DEBUG)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_the_demo_runs_with_debug_off_unless_asked():
    assert _debug_of_demo() == "False"
    assert _debug_of_demo(DEBUG="1") == "True"


def test_a_server_error_is_the_branded_page_without_a_traceback(client, users):
    client.raise_request_exception = False
    client.force_login(users["officer.tha"])
    response = client.get("/test-failure/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    for secret in ("Traceback", "a secret the error carries", "SECRET_KEY", "visibility"):
        assert secret not in html


def test_an_unknown_page_is_the_branded_404_without_url_patterns(client, users):
    client.force_login(users["officer.tha"])
    html = client.get("/no-such-page/").content.decode()
    assert "This page is not here" in html
    assert "Using the URLconf" not in html and "<int:pk>" not in html


HOSTILE_VALUES = ["9" * 30, "-1", "0", "not-a-number", "\x00", "<script>x</script>", "é" * 300]
PARAMS = [
    "page",
    "q",
    "type",
    "issuing_country",
    "document_type",
    "kind",
    "fraud_type",
    "feature",
    "light_source",
    "sort",
    "severity",
    "tlp",
    "unacknowledged",
    "with",
    "light",
    "download",
]


def _page_urls():
    """Every page pattern of the portal (not the admin, not the API), its ids made hostile."""
    for route, name in walk_patterns(get_resolver().url_patterns):
        if not name or route.startswith(("admin/", "api/", "^admin")) or name.startswith("test"):
            continue
        if "(" in route:  # Wagtail's page tree, a regular expression: a few paths by hand
            yield name, "/pages/" + "no-such-page/" * 20
            yield name, "/pages/%00/"
            continue
        params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if not params:
            yield name, reverse(name)
            continue
        for value in ("9" * 30, "0", "not-a-number"):
            kwargs = {param: value for _, param in params}
            try:
                yield name, reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue


@pytest.mark.parametrize("username", ["officer.tha", "anonymous"])
def test_hostile_input_never_causes_a_server_error(client, users, username):
    client.raise_request_exception = False
    if username != "anonymous":
        client.force_login(users[username])
    errors, tried = [], 0
    for name, url in _page_urls():
        for value in HOSTILE_VALUES:
            query = dict.fromkeys(PARAMS, value)
            for method in (client.get, client.post):
                tried += 1
                response = method(url, query)
                if response.status_code >= 500:
                    errors.append(f"{method.__name__.upper()} {url} {value[:12]!r} ({name})")
    assert tried > 200
    assert not errors, "\n".join(errors)


def test_a_page_number_past_any_end_shows_the_last_page(client, users):
    """Paging a search that has results, with absurd page numbers (the report: a 500 with
    a traceback for any member)."""
    from portal.access.distribution import Distribution, distribution_apply
    from portal.specimens.models import Specimen
    from search.indexing import entry_update

    for n in range(3):
        specimen = Specimen.objects.create(
            title=f"Passport {n}",
            owner_country_id="THA",
            issuing_country_id="THA",
            document_type="passport",
        )
        distribution_apply(item=specimen, distribution=Distribution.from_data({"level": "members"}))
        entry_update(specimen)
    client.raise_request_exception = False
    client.force_login(users["officer.vnm"])
    for page in ("9" * 30, "9" * 18, "-5", "0", "2"):
        response = client.get("/search/", {"q": "passport", "page": page})
        assert response.status_code == 200, (page, response.status_code)
        assert f'href="{specimen.get_absolute_url()}"' in response.content.decode()
        api = client.get("/api/v1/search", {"q": "passport", "page": page})
        assert api.status_code in {200, 400}, (page, api.status_code)
