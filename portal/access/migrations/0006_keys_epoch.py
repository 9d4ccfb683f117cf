"""The keys epoch: one counter row, raised by triggers on everything users' keys are
computed from (``KeysEpoch``). PostgreSQL and SQLite (the embedded default) each get
their own trigger syntax; both fire for every write, whatever issues it."""

from django.db import migrations, models

#: (table, the columns whose change moves the counter on UPDATE, or None for any update).
WATCHED = [
    ("access_user", ["is_active", "is_superuser", "country_id"]),
    ("access_user_groups", None),
    ("auth_group", ["name"]),
    ("access_network", ["slug"]),
    ("access_networkmembership", None),
]

#: An upsert: a test database's flush empties this table too, and the next change must
#: bring the row back (a missing row means "nothing may be cached", ``rule.keys_epoch``).
BUMP = (
    "INSERT INTO access_keysepoch (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = access_keysepoch.value + 1"
)


def _postgresql(table: str, columns: list[str] | None) -> tuple[list[str], list[str]]:
    function = f"portal_keys_epoch_{table}"
    changed = (
        " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns) if columns else "TRUE"
    )
    forward = [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR ({changed}) THEN
    {BUMP};
  END IF;
  RETURN NULL;
END; $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {function}()""",
        f"CREATE TRIGGER {function}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {function}_truncate ON {table}",
        f"DROP TRIGGER IF EXISTS {function} ON {table}",
        f"DROP FUNCTION IF EXISTS {function}()",
    ]
    return forward, backward


def _sqlite(table: str, columns: list[str] | None) -> tuple[list[str], list[str]]:
    forward, backward = [], []
    for event in ("INSERT", "UPDATE", "DELETE"):
        name = f"portal_keys_epoch_{table}_{event.lower()}"
        when = ""
        if event == "UPDATE" and columns:
            when = " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        forward.append(f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN {BUMP}; END")
        backward.append(f"DROP TRIGGER IF EXISTS {name}")
    return forward, backward


def _statements(vendor: str, *, forward: bool) -> list[str]:
    make = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if make is None:
        raise RuntimeError(
            f"The keys epoch has no triggers for the {vendor} database: the push hub's "
            "cache of users' keys would go stale. Add them to access.0006."
        )
    statements = []
    for table, columns in WATCHED:
        up, down = make(table, columns)
        statements.extend(up if forward else down)
    return statements


def triggers_create(apps, schema_editor):
    apps.get_model("access", "KeysEpoch").objects.update_or_create(pk=1, defaults={"value": 0})
    for statement in _statements(schema_editor.connection.vendor, forward=True):
        schema_editor.execute(statement)


def triggers_drop(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0005_icao_country_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeysEpoch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "keys epoch"},
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
