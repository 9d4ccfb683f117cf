from django.db import migrations

# The image access log became the portal-wide access log (access.AccessRecord): its rows
# move there as file reads, with their own times (copied in SQL: ``auto_now_add`` would
# stamp them with the time of the move), then the old table and its trigger go.
DROP_FUNCTION = "DROP FUNCTION IF EXISTS specimens_imageaccess_append_only();"


def image_reads_move(apps, schema_editor):
    ImageAccess = apps.get_model("specimens", "ImageAccess")
    if not ImageAccess.objects.exists():
        return
    table = "access_accessrecord"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, user_id, username, country_code, outcome, channel, "
            "item_type, object_id, distribution_level, detail, method, path) "
            "SELECT at, user_id, username, country_code, 'read', 'file', "
            "'specimens.specimen', CAST(specimen_id AS varchar(40)), distribution_level, "
            "'image ' || CAST(image_id AS varchar(40)) || ' ' || size, 'GET', '' "
            "FROM specimens_imageaccess ORDER BY id"
        )


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("specimens", "0003_image_access_append_only"),
        ("access", "0003_access_log"),
    ]

    operations = [
        migrations.RunPython(image_reads_move, migrations.RunPython.noop),
        migrations.DeleteModel(name="ImageAccess"),
        migrations.RunPython(drop_function, migrations.RunPython.noop),
    ]
