"""The access log: every read of a restricted item through a page, the API, a file URL or
the admin, and every refused attempt, is recorded; records can be neither changed nor
deleted; the image access log's earlier rows moved into it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import AccessRecord, AppendOnlyError
from portal.accounts.services import api_token_issue
from portal.specimens.models import Specimen

pytestmark = pytest.mark.django_db


def _specimen(title, level="country", owner="THA"):
    specimen = Specimen.objects.create(
        title=title, owner_country_id=owner, issuing_country_id=owner, document_type="passport"
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": level}))
    return specimen


def _records():
    return list(
        AccessRecord.objects.order_by("pk").values_list(
            "username", "country_code", "outcome", "channel", "item_type", "object_id"
        )
    )


def test_reads_of_restricted_items_are_recorded_on_every_channel(client, users):
    restricted = _specimen("THA-only passport")
    public = _specimen("Public passport", level="public")
    _, token = api_token_issue(user=users["officer.tha"], name="script")
    client.force_login(users["officer.tha"])
    assert client.get(restricted.get_absolute_url()).status_code == 200
    assert client.get(public.get_absolute_url()).status_code == 200  # public: not logged
    client.logout()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/v1/specimens/{restricted.pk}", **bearer).status_code == 200
    client.force_login(users["expert.tha"])
    edit = f"/admin/snippets/specimens/specimen/edit/{restricted.pk}/"
    assert client.get(edit).status_code == 200
    key = ("specimens.specimen", str(restricted.pk))
    assert _records() == [
        ("officer.tha", "THA", "read", "page", *key),
        ("officer.tha", "THA", "read", "api", *key),
        ("expert.tha", "THA", "read", "admin", *key),
    ]
    record = AccessRecord.objects.get(channel="page")
    assert (record.distribution_level, record.method) == ("country", "GET")
    assert record.path == restricted.get_absolute_url()


def test_refused_attempts_are_recorded_with_the_reason(client, users):
    restricted = _specimen("THA-only passport")
    client.force_login(users["officer.fin"])
    assert client.get(restricted.get_absolute_url()).status_code == 404
    assert client.get("/specimens/999999/").status_code == 404
    assert client.get(f"/api/v1/alerts/{restricted.pk + 1000}").status_code == 404
    client.logout()
    assert client.get(restricted.get_absolute_url()).status_code == 302  # to sign in
    denied = list(
        AccessRecord.objects.filter(outcome="denied")
        .order_by("pk")
        .values_list("username", "channel", "object_id", "detail")
    )
    assert denied == [
        ("officer.fin", "page", str(restricted.pk), "not shared with the user"),
        ("officer.fin", "page", "999999", "no such item"),
        ("officer.fin", "api", str(restricted.pk + 1000), "no such item"),
        ("", "page", str(restricted.pk), "not shared with the user"),
    ]


def test_the_admin_records_refusals_too(client, users):
    restricted = _specimen("THA-only passport")
    client.force_login(users["chair.andex"])
    url = f"/admin/snippets/specimens/specimen/history/{restricted.pk}/"
    assert client.get(url).status_code == 404
    record = AccessRecord.objects.get()
    assert (record.username, record.outcome, record.channel) == ("chair.andex", "denied", "admin")


def test_records_are_append_only():
    record = AccessRecord.objects.create(
        username="officer.tha", outcome="read", channel="page", item_type="x.y", object_id="1"
    )
    record.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


@pytest.mark.postgres
def test_the_database_refuses_to_rewrite_the_log(users):
    AccessRecord.objects.create(
        user=users["officer.tha"],
        username="officer.tha",
        country_code="THA",
        outcome="read",
        channel="file",
        item_type="specimens.specimen",
        object_id="1",
    )
    for attempt in (
        lambda: AccessRecord.objects.update(detail="x"),
        lambda: AccessRecord.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert AccessRecord.objects.get().detail == ""
    # Deleting the user keeps the record, with its copied name and country.
    users["officer.tha"].delete()
    record = AccessRecord.objects.get()
    assert record.user_id is None and record.username == "officer.tha"


@pytest.mark.django_db
def test_the_image_access_log_moves_into_the_access_log():
    """Migration specimens 0004: the rows of the old image access log become file reads,
    keeping their own times. The migration's own function runs on the old table, made
    from the migration state before it (inside the test's transaction: PostgreSQL and
    SQLite roll DDL back too). Migrating the database back to before 0004 would do the
    same, but unapplies every later migration of every app that builds on specimens."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    move = importlib.import_module(
        "portal.specimens.migrations.0004_image_access_moved_to_access_log"
    )
    state = MigrationExecutor(connection).loader.project_state(
        [("specimens", "0003_image_access_append_only")], at_end=True
    )
    old_apps = state.apps
    with connection.schema_editor() as editor:
        editor.create_model(old_apps.get_model("specimens", "ImageAccess"))
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO specimens_imageaccess (at, username, country_code, specimen_id, "
                "image_id, size, distribution_level) VALUES "
                "('2026-01-02 03:04:05+00', 'officer.vnm', 'VNM', 7, 70, 'zoom', 'members')"
            )
        move.image_reads_move(old_apps, editor)
    record = AccessRecord.objects.get()
    assert (record.username, record.country_code, record.outcome, record.channel) == (
        "officer.vnm", "VNM", "read", "file",
    )  # fmt: skip
    assert (record.item_type, record.object_id, record.detail) == (
        "specimens.specimen", "7", "image 70 zoom",
    )  # fmt: skip
    assert record.at.isoformat().startswith("2026-01-02T03:04:05")
