"""Entries keep their facets in one generic JSON object (``{name: [values]}``) instead of
a column per specimen and alert vocabulary, so that a type declaring a facet of its own
needs no migration. Existing entries keep their values (the old columns' names were the
facets' names, ``light_sources`` became ``light_source``); PostgreSQL indexes the object
with GIN (``jsonb_path_ops``: the ``@>`` of the filters). ``rebuild_search_index`` writes
every entry from its item again, should a type's facets change."""

from django.db import migrations, models

#: The columns of migration 0001 and the facet each one held.
OLD_COLUMNS = {
    "issuing_country": "issuing_country",
    "document_type": "document_type",
    "fraud_type": "fraud_type",
}

POSTGRES = [
    "CREATE INDEX IF NOT EXISTS search_entry_facets ON search_searchentry"
    " USING gin (facets jsonb_path_ops)"
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS search_entry_facets"]


def facets_from_columns(apps, schema_editor):
    entry_model = apps.get_model("search", "SearchEntry")
    changed = []
    for entry in entry_model.objects.only(*OLD_COLUMNS, "light_sources").iterator(chunk_size=500):
        facets = {name: [getattr(entry, column)] for column, name in OLD_COLUMNS.items()}
        facets["light_source"] = sorted(set(entry.light_sources or []))
        entry.facets = {name: values for name, values in facets.items() if any(values)}
        changed.append(entry)
        if len(changed) >= 500:
            entry_model.objects.bulk_update(changed, ["facets"])
            changed = []
    entry_model.objects.bulk_update(changed, ["facets"])


def columns_from_facets(apps, schema_editor):
    entry_model = apps.get_model("search", "SearchEntry")
    for entry in entry_model.objects.iterator(chunk_size=500):
        for column, name in OLD_COLUMNS.items():
            setattr(entry, column, (entry.facets.get(name) or [""])[0])
        entry.light_sources = entry.facets.get("light_source", [])
        entry.save(update_fields=[*OLD_COLUMNS, "light_sources"])


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_entry_view_keys")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="facets",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(facets_from_columns, columns_from_facets),
        migrations.RemoveField(model_name="searchentry", name="issuing_country"),
        migrations.RemoveField(model_name="searchentry", name="document_type"),
        migrations.RemoveField(model_name="searchentry", name="fraud_type"),
        migrations.RemoveField(model_name="searchentry", name="light_sources"),
        migrations.RunPython(_run({"postgresql": POSTGRES}), _run({"postgresql": POSTGRES_REVERSE})),
    ]
