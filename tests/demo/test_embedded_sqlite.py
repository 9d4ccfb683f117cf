"""The embedded path of `make demo`: SQLite under var/, migrate, demo load twice, pages.

It runs the real commands in a subprocess with the dev settings, the way `make demo`
does, in a throwaway var/ directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SIGN_IN_AND_GET_HOME = """
from django.test import Client
from portal.access.models import Country, Network, User
client = Client()
response = client.post("/accounts/login/", {"username": "officer.tha", "password": "demo"},
                       follow=True)
print("status", response.status_code)
print("country-shown", "Thailand (THA)" in response.content.decode())
print("users", User.objects.filter(is_demo=True).count())
print("networks", Network.objects.count())
print("countries", Country.objects.count())
from portal.specimens.models import Specimen, SpecimenImage
print("specimens", Specimen.objects.count())
print("issuers", Specimen.objects.values("issuing_country").distinct().count())
levels = set(Specimen.objects.values_list("distribution_level", flat=True))
print("levels", ",".join(sorted(levels)))
print("kinds", ",".join(sorted(set(Specimen.objects.values_list("kind", flat=True)))))
lights = [set(s.images.values_list("light_source", flat=True)) for s in Specimen.objects.all()]
print("three-lights", all({"visible", "uv", "ir"} <= found for found in lights))
print("images", SpecimenImage.objects.count())
forgery = Specimen.objects.filter(kind="forged", distribution_level="members").first()
page = client.get(forgery.get_absolute_url())
print("specimen-page", page.status_code)
image = forgery.images.get(light_source="uv")
print("uv-image", client.get(image.url("display")).status_code)
print("compare", client.get(f"/specimens/{forgery.pk}/compare/?light=uv").status_code)
from portal.alerts.models import AlertBulletin
print("alerts", AlertBulletin.objects.count())
print("tlps", ",".join(sorted(set(AlertBulletin.objects.values_list("tlp", flat=True)))))
print("alerts-page", client.get("/alerts/").status_code)
"""


def manage(args, var_dir: Path, **kwargs):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PORTAL_VAR_DIR": str(var_dir),
        "PORTAL_MEDIA_DIR": str(var_dir / "media"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )


def test_migrate_load_demo_twice_and_sign_in(tmp_path):
    migrate = manage(["migrate", "--noinput"], tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "portal.sqlite3").exists()

    first = manage(["load_demo"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "officer.tha" in first.stdout and "password 'demo'" in first.stdout
    assert "Loading demo" in first.stderr  # the progress bar

    second = manage(["load_demo"], tmp_path)
    assert second.returncode == 0, second.stderr

    result = manage(["shell", "-c", SIGN_IN_AND_GET_HOME], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = dict(
        line.split(" ", 1) for line in result.stdout.strip().splitlines() if line.count(" ") == 1
    )
    assert lines["status"] == "200"
    assert lines["country-shown"] == "True"
    assert lines["users"] == "7", "a second load_demo must add no account twice"
    assert lines["networks"] == "2"
    assert int(lines["countries"]) >= 249
    # The demo specimen library: 40+ specimens, 8+ issuers, every level, genuine and forged,
    # each under visible, UV and IR light; nothing added twice by the second load.
    assert int(lines["specimens"]) >= 40
    assert int(lines["issuers"]) >= 8
    assert lines["levels"] == "countries,country,members,networks,public"
    assert lines["kinds"] == "forged,genuine"
    assert lines["three-lights"] == "True"
    assert int(lines["images"]) == 4 * int(lines["specimens"])
    assert (lines["specimen-page"], lines["uv-image"], lines["compare"]) == ("200", "200", "200")
    assert list((tmp_path / "media" / "private" / "specimens").rglob("*.jpg"))
    # Demo alerts: every TLP mark, loaded once.
    assert lines["alerts"] == "6"
    assert lines["tlps"] == "amber,amber+strict,clear,green,red"
    assert lines["alerts-page"] == "200"
