"""Entries carry a copy of their item's view keys (``rule.keys_copy``); existing entries get
theirs from the keys table (reference types open to members: ``members``)."""

from django.db import migrations, models


def copy_keys(apps, schema_editor):
    from search.registry import search_types

    aggregate = {"postgresql": "jsonb_object_agg(k.key, true)"}.get(
        schema_editor.connection.vendor, "json_group_object(k.key, json('true'))"
    )
    schema_editor.execute(
        f"""UPDATE search_searchentry SET view_keys = COALESCE((
            SELECT {aggregate} FROM access_visibilitykey k
            WHERE k.content_type_id = search_searchentry.content_type_id
              AND k.object_id = search_searchentry.object_id AND k.action = 'view'
        ), '{{}}')"""
    )
    content_type_model = apps.get_model("contenttypes", "ContentType")
    open_types = [
        content_type_model.objects.get_for_model(t.model).pk
        for t in search_types()
        if t.open_to_members
    ]
    entry_model = apps.get_model("search", "SearchEntry")
    entry_model.objects.filter(content_type_id__in=open_types).update(view_keys={"members": True})


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_fulltext"),
        ("access", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="view_keys",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(copy_keys, migrations.RunPython.noop),
    ]
