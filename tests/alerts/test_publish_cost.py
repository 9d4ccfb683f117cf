"""What one publication costs the database: bounded, so the work cannot creep back.

``alert_create`` saves the alert, its distribution, a revision and its publication; its
visibility keys, their copy on the search entry, Wagtail's reference index and the search
entry's task are each written once, at the end of the service's block
(``rule.keys_sync_deferred``), not once per save (docs/PERFORMANCE.md, alerts_push).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.access import rule
from portal.alerts import services

pytestmark = pytest.mark.django_db

#: Production's task backend: index writes and e-mail are rows for the worker.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _publish(expert, title="Counterfeit THA visa foils"):
    return services.alert_create(
        author=expert,
        distribution={"level": "networks", "networks": ["andex"]},
        title=title,
        summary="Foils seized at the airport show no fibres under UV 365 nm.",
        severity="critical",
        tlp="amber",
        issuing_country="THA",
        document_type="visa",
    )


def _count(queries, fragment: str) -> int:
    return sum(fragment in q["sql"] for q in queries)


def test_alert_create_costs_a_bounded_number_of_queries(
    users, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    settings.TASKS = DATABASE_TASKS
    expert = users["expert.tha"]
    with django_capture_on_commit_callbacks(execute=True):
        _publish(expert, "warm-up")  # content types, workflow and caches loaded once
    # The whole publishing call: the transaction and what runs after its commit (the
    # push's reads: in the test's transaction they run in this thread, after a real commit
    # on the push reader thread).
    with (
        django_assert_max_num_queries(40) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        alert = _publish(expert)
    queries = ctx.captured_queries
    # The keys of the alert are written once, however many times it was saved.
    assert _count(queries, 'INSERT INTO "access_visibilitykey"') == 1
    assert _count(queries, 'FROM "alerts_alertbulletinuserobjectpermission"') == 1
    assert _count(queries, 'FROM "alerts_alertbulletingroupobjectpermission"') == 1
    assert _count(queries, 'UPDATE "search_searchentry" SET "view_keys"') <= 1
    assert _count(queries, '"alerts_countryalertpolicy"') == 1
    if connection.vendor == "postgresql":
        assert _count(queries, "pg_advisory_xact_lock") == 1
    # One savepoint of its own (inside the test's transaction) and Wagtail's revision's:
    # the nested blocks of a publication open none.
    assert sum(q["sql"].startswith("SAVEPOINT") for q in queries) <= 2
    # The issuing country is read once; the revision does not look its keys up again.
    assert _count(queries, 'FROM "access_country"') == 1
    # The relations are written once and not read back for the revision or re-applied.
    assert _count(queries, 'INSERT INTO "alerts_alertbulletin_shared_networks"') == 1
    assert _count(queries, 'FROM "alerts_alertbulletin_shared_networks"') <= 1
    assert _count(queries, '"alerts_alertversion"') == 1  # one upsert
    # Its two history entries (edited, published) do not ask whether the rows they name
    # exist (``LifecycleLogEntry``).
    assert _count(queries, 'INSERT INTO "wagtailcore_modellogentry"') == 2
    existence = ("django_content_type", "access_user", "wagtailcore_revision")
    assert not [
        q
        for q in queries
        if q["sql"].startswith("SELECT 1 AS") and any(t in q["sql"] for t in existence)
    ]
    # One task each for the search entry, Wagtail's reference index and the e-mail.
    assert _count(queries, 'INSERT INTO "django_tasks_database_dbtaskresult"') == 3
    # And they are the right keys, in the committed state.
    assert rule.item_keys(alert) == {"experts:THA", "country:THA", "network:andex"}
    assert rule.can_view(users["officer.vnm"], alert)
    assert not rule.can_view(users["officer.fin"], alert)


def test_a_publication_writes_the_search_entry_and_references_once(
    users, django_capture_on_commit_callbacks
):
    """With the tests' immediate backend the index writes run at commit: once each."""
    from wagtail.models import ReferenceIndex

    from search.models import SearchEntry

    expert = users["expert.tha"]
    with django_capture_on_commit_callbacks(execute=True):
        _publish(expert, "warm-up")
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        alert = _publish(expert)
    queries = ctx.captured_queries
    assert _count(queries, 'INSERT INTO "search_searchentry"') == 1
    assert _count(queries, 'UPDATE "search_searchentry" SET "type"') == 0
    assert _count(queries, 'FROM "wagtailcore_referenceindex"') == 1
    # The index is right: the entry carries the committed keys, the references exist.
    entry = SearchEntry.objects.get(object_id=alert.pk, type="alert")
    assert set(entry.view_keys) == {"experts:THA", "country:THA", "network:andex"}
    assert ReferenceIndex.objects.filter(object_id=str(alert.pk)).exists()
