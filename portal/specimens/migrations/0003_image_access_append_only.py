from django.db import migrations

# On PostgreSQL the database itself refuses to change or delete access-log rows, so
# not even a queryset ``update()``/``delete()`` or a SQL console can rewrite history.
# (Deleting a user still works: the log keeps the copied name and country.)
CREATE = """
CREATE OR REPLACE FUNCTION specimens_imageaccess_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
       AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the image access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER specimens_imageaccess_append_only
    BEFORE UPDATE OR DELETE ON specimens_imageaccess
    FOR EACH ROW EXECUTE FUNCTION specimens_imageaccess_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS specimens_imageaccess_append_only ON specimens_imageaccess;
DROP FUNCTION IF EXISTS specimens_imageaccess_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("specimens", "0002_glossary")]

    operations = [migrations.RunPython(forwards, backwards)]
