"""The full-text machinery of the database in use: PostgreSQL gets an unaccented English
text-search configuration and a GIN index; SQLite an FTS5 table (diacritics removed,
Porter stems) whose rows the indexer writes beside each entry."""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'portal_search') THEN
            CREATE TEXT SEARCH CONFIGURATION portal_search (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION portal_search
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END $$""",
    "CREATE INDEX IF NOT EXISTS search_entry_vector ON search_searchentry USING gin (search_vector)",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS search_entry_vector"]
SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_entry_fts USING fts5(
        title, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )"""
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_entry_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_entries")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
