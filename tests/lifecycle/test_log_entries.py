"""Wagtail's history of lifecycle items, written through ``LifecycleLogEntry``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from portal.alerts import services
from portal.alerts.models import AlertBulletin
from portal.lifecycle.models import LifecycleLogEntry

pytestmark = pytest.mark.django_db


def _alert(users, title="Counterfeit THA visa foils"):
    return services.alert_create(
        author=users["expert.tha"],
        distribution={"level": "members"},
        title=title,
        summary="No UV fibres.",
        severity="high",
        tlp="amber",
    )


def test_a_publication_logs_without_asking_whether_the_rows_it_names_exist(users):
    """Edited and published are logged, with their user and revision, and no query
    checks that the content type, the user or the revision exist."""
    assert registry.get_log_model_for_model(AlertBulletin) is LifecycleLogEntry
    with CaptureQueriesContext(connection) as ctx:
        alert = _alert(users)
    existence = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT 1 AS")
        and any(
            t in q["sql"] for t in ("django_content_type", "access_user", "wagtailcore_revision")
        )
    ]
    assert existence == []
    entries = ModelLogEntry.objects.filter(object_id=str(alert.pk)).order_by("timestamp")
    assert [e.action for e in entries] == ["wagtail.edit", "wagtail.publish"]
    assert {e.user_id for e in entries} == {users["expert.tha"].pk}
    assert all(e.revision_id == alert.live_revision_id for e in entries)


def test_an_entry_naming_a_row_by_id_alone_is_still_checked(users):
    """Wagtail's user and revision columns have no database constraint: an entry that
    names them by a bare id is checked as Wagtail checks it."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ValidationError

    alert = _alert(users)
    entry = LifecycleLogEntry(
        content_type=ContentType.objects.get_for_model(AlertBulletin),
        object_id=str(alert.pk),
        label=alert.title,
        action="wagtail.edit",
        user_id=10**9,
    )
    with pytest.raises(ValidationError) as refused:
        entry.save()
    assert "user" in refused.value.message_dict
    entry.user = users["expert.tha"]
    entry.revision_id = 10**9
    with pytest.raises(ValidationError) as refused:
        entry.save()
    assert "revision" in refused.value.message_dict


def test_an_unregistered_action_is_still_refused(users):
    from django.core.exceptions import ValidationError

    alert = _alert(users)
    with pytest.raises(ValidationError):
        LifecycleLogEntry.objects.log_action(alert, "portal.no-such-action")


def test_site_history_and_the_item_history_show_each_entry_once(client, users):
    alert = _alert(users, title="Counterfeit visa foils seen in Manila")
    client.force_login(users["admin"])
    report = client.get("/admin/reports/site-history/").content.decode()
    # "Edited" and "Published": one row each, not one per log model.
    assert report.count("Counterfeit visa foils seen in Manila") == 2
    history = client.get(f"/admin/snippets/alerts/alertbulletin/history/{alert.pk}/")
    assert history.status_code == 200
    assert history.content.decode().count("Counterfeit visa foils seen in Manila") >= 1
