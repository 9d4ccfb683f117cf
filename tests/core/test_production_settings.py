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


def test_background_work_goes_to_the_database_and_a_worker():
    script = (
        "import django; django.setup(); from django.conf import settings; print(settings.TASKS)"
    )
    env = {**os.environ, **GOOD_ENV}
    env.pop("TASKS_BACKEND", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "django_tasks_db.DatabaseBackend" in result.stdout
    # The immediate backend would send e-mail inside the officers' requests: refused.
    refused = run_check({"TASKS_BACKEND": "immediate"})
    assert refused.returncode != 0
    assert "TASKS_BACKEND must be 'database' in production" in refused.stderr


def _compose() -> dict:
    import yaml

    return yaml.safe_load((django_settings.BASE_DIR / "docker-compose.yml").read_text())


def test_compose_runs_a_worker_and_migrates_once_before_the_replicas():
    services = _compose()["services"]
    migrate, app, worker = services["migrate"], services["app"], services["worker"]
    # One-off release step: runs to completion once, never restarted.
    assert migrate["command"] == ["migrate"]
    assert migrate.get("restart", "no") == "no"
    assert migrate.get("deploy", {}).get("replicas", 1) == 1
    # The replicas and the worker wait for it to finish successfully.
    for service in (app, worker):
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert service["environment"]["DATABASE_URL"] == app["environment"]["DATABASE_URL"]
    assert app["deploy"]["replicas"] >= 2
    # The worker runs the queued tasks of the database backend.
    assert worker["command"] == ["worker"]
    assert worker["environment"]["TASKS_BACKEND"] == "database"
    assert worker["restart"] == "unless-stopped"


def test_the_entrypoint_migrates_only_in_the_release_step():
    script = (django_settings.BASE_DIR / "scripts" / "docker-entrypoint.sh").read_text()
    commands = [line.strip() for line in script.splitlines() if not line.strip().startswith("#")]
    migrate_case = script[script.index("  migrate)") : script.index(";;")]
    assert "manage.py migrate --noinput" in migrate_case
    assert sum("manage.py migrate" in line for line in commands) == 1
    worker_case = script[script.index("  worker)") :]
    assert "manage.py db_worker" in worker_case[: worker_case.index(";;")]
    # Every container still refuses an unsafe configuration before anything else.
    assert commands.index("python manage.py check --deploy --fail-level ERROR") < min(
        i for i, line in enumerate(commands) if line.startswith("case ")
    )
