"""Countries named as ICAO Doc 9303 (Part 3) writes them: "Viet Nam", "Lao People's
Democratic Republic", "Republic of Korea"... (data/countries.csv). Existing databases get
the new names; codes, regions, languages and zones are written again unchanged."""

from django.db import migrations


def load(apps, schema_editor):
    from portal.access.countries import countries_load

    countries_load(apps.get_model("access", "Country"))


class Migration(migrations.Migration):
    dependencies = [("access", "0004_country_locale")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
