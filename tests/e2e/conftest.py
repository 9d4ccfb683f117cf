"""Browser tests: Playwright for Python driving Debian's chromium.

``make test`` installs chromium when it can (scripts/ensure-chromium.sh). Without it
these tests skip with a reason, except under ``CI=true`` where they fail.
Screenshots are kept under ``test-artifacts/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# test itself (fixtures) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    """Chromium, for one test file: Playwright's sync API keeps an event loop running in
    this thread while it is open, and the test process goes on to other files (asyncio
    tests among them) when the file is done."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: install Debian's chromium (make test does as root)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def outside_requests():
    """Every request a page tried to send to another host (refused, and failing the test):
    the portal must work on a network with no internet, and send nothing to third parties
    (no CDN, no gravatar), the admin included."""
    refused: list[str] = []
    yield refused
    assert not refused, f"pages tried to fetch from outside the portal: {refused}"


def _local_only(context, refused: list[str]) -> None:
    from urllib.parse import urlsplit

    def guard(route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", guard)


@pytest.fixture
def page(browser, outside_requests):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    _local_only(context, outside_requests)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def asgi_live_server(transactional_db):
    """The portal served over HTTP and WebSocket by Daphne, in a child process, on the
    test database and the suite's channel layer (Redis) — ``live_server`` is WSGI only.

    Yields the base URL. The parent closes its database connections before forking so
    that the child never shares (and later closes) the parent's sockets.
    """
    from daphne.testing import DaphneProcess
    from django.db import connections

    from portal.core.testing import forked_asgi_application

    connections.close_all()
    server = DaphneProcess("127.0.0.1", forked_asgi_application)
    server.start()
    if not server.ready.wait(timeout=30):
        server.terminate()
        error = server.errors.get(timeout=1) if not server.errors.empty() else None
        pytest.fail(f"Daphne did not start: {error}")
    try:
        yield f"http://127.0.0.1:{server.port.value}"
    finally:
        server.terminate()
        server.join(timeout=10)


@pytest.fixture
def sign_in(browser, outside_requests):
    """A new browser context signed in as ``username`` on ``base_url``; closed after."""
    contexts = []

    def open_as(base_url: str, username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        _local_only(context, outside_requests)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base_url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base_url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()
