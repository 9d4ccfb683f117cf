"""Existing alerts onto the lifecycle (Wagtail's draft state, revisions and workflow).

- published and withdrawn alerts are live (withdrawn ones with ``withdrawn`` set), first
  published when they were; drafts and alerts in review are not live;
- every alert gets one revision holding what it says now (its distribution included),
  its latest and, when live, its live revision;
- an alert in review is in the "second expert" workflow, its task in progress, submitted
  by its author;
- ``status``, ``version`` and the published-version records (``AlertVersion``) are kept
  as they are: no data is lost.
"""

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    from modelcluster.models import get_serializable_data_for_fields

    AlertBulletin = apps.get_model("alerts", "AlertBulletin")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    alert_type, _ = ContentType.objects.get_or_create(app_label="alerts", model="alertbulletin")
    task_state_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="taskstate"
    )
    review = (
        WorkflowTask.objects.filter(
            workflow__active=True, task__active=True, task__content_type__model="secondexperttask"
        )
        .select_related("workflow", "task")
        .order_by("workflow_id")
        .first()
    )
    for alert in AlertBulletin.objects.all().iterator():
        released = alert.status in {"published", "withdrawn"}
        updated_at = alert.updated_at or timezone.now()
        content = get_serializable_data_for_fields(alert)
        content.update(
            live=released,
            withdrawn=alert.status == "withdrawn",
            updated_at=updated_at.isoformat(),
        )
        content["_m2m"] = {
            "shared_countries": sorted(alert.shared_countries.values_list("pk", flat=True)),
            "shared_networks": sorted(alert.shared_networks.values_list("pk", flat=True)),
            "related_specimens": sorted(alert.related_specimens.values_list("pk", flat=True)),
        }
        revision = Revision.objects.create(
            content_type=alert_type,
            base_content_type=alert_type,
            object_id=str(alert.pk),
            created_at=updated_at,
            user_id=alert.created_by_id,
            object_str=alert.title,
            content=content,
        )
        changes = {
            "live": released,
            "withdrawn": alert.status == "withdrawn",
            "has_unpublished_changes": not released,
            "latest_revision": revision,
        }
        if released:
            published = alert.published_at or alert.created_at
            changes.update(
                first_published_at=published,
                last_published_at=updated_at,
                live_revision=revision,
            )
        AlertBulletin.objects.filter(pk=alert.pk).update(**changes)
        if alert.status == "in_review" and review is not None:
            state = WorkflowState.objects.create(
                content_type=alert_type,
                base_content_type=alert_type,
                object_id=str(alert.pk),
                workflow=review.workflow,
                status="in_progress",
                requested_by_id=alert.created_by_id,
            )
            task_state = TaskState.objects.create(
                workflow_state=state,
                revision=revision,
                task=review.task,
                status="in_progress",
                content_type=task_state_type,
            )
            WorkflowState.objects.filter(pk=state.pk).update(current_task_state=task_state)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_lifecycle"),
        ("lifecycle", "0002_review_workflow"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
