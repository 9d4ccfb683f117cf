from django.db import migrations


def load(apps, schema_editor):
    from portal.specimens.glossary import glossary_load

    glossary_load(apps.get_model("specimens", "GlossaryTerm"))


class Migration(migrations.Migration):
    """The glossary of security-feature terms is reference data every install needs."""

    dependencies = [("specimens", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
