from django.db import migrations, models


def announced_as_stored(apps, schema_editor):
    """Meetings already published were announced when they were: nothing is announced
    again by their next publication unless it moves them."""
    Meeting = apps.get_model("meetings", "Meeting")
    Meeting.objects.filter(live=True).update(announced_sequence=models.F("ical_sequence"))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="announced_sequence",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(announced_as_stored, migrations.RunPython.noop),
    ]
