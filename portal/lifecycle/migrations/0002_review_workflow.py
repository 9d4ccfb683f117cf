"""The "second expert of the owner country" workflow that countries requiring review
send their items through (``portal.lifecycle.services.review_workflow`` makes it again
if an administrator removes it)."""

from django.db import migrations

NAME = "Second expert of the owner country"


def create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    SecondExpertTask = apps.get_model("lifecycle", "SecondExpertTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="lifecycle", model="secondexperttask"
    )
    task = SecondExpertTask.objects.filter(active=True).first()
    if task is None:
        task = SecondExpertTask.objects.create(name=NAME, content_type=content_type, active=True)
    if not WorkflowTask.objects.filter(task=task, workflow__active=True).exists():
        workflow = Workflow.objects.create(name=NAME, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
