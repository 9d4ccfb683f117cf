from django.db import migrations


def load(apps, schema_editor):
    from portal.access.countries import countries_load

    countries_load(apps.get_model("access", "Country"))


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
