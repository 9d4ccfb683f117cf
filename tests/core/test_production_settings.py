"""Production settings refuse a default secret key, DEBUG and demo accounts."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from portal.core.checks import no_demo_accounts

GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "ALLOWED_HOSTS": "portal.example.org",
}


def run_check(env_overrides):
    env = {**os.environ, **GOOD_ENV, **env_overrides}
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )


def test_starts_with_a_real_configuration():
    result = run_check({})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": django_settings.INSECURE_DEFAULT_SECRET_KEY}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        (
            {"SECRET_KEY": "change-me-to-a-random-string-of-at-least-50-characters"},
            "SECRET_KEY must be set",
        ),
        ({"DEBUG": "true"}, "DEBUG must be off"),
    ],
)
def test_refuses_unsafe_settings(overrides, message):
    env = dict(overrides)
    if env.get("SECRET_KEY", "") is None:
        env["SECRET_KEY"] = ""
    result = run_check(env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_refuses_demo_accounts(demo_network, settings):
    settings.PORTAL_PRODUCTION = True
    errors = no_demo_accounts(None)
    assert [error.id for error in errors] == ["portal.E001"]
    assert "officer.tha" in errors[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check", "--deploy", "--tag", "portal")


@pytest.mark.django_db
def test_no_complaint_without_demo_accounts(settings):
    settings.PORTAL_PRODUCTION = True
    assert no_demo_accounts(None) == []
