"""Full-text index for the people directory (see profiles/search.py).

SQLite: an FTS5 external-content table over ``profiles_profile.search_text`` (rowid = user_id),
kept in sync by triggers, with prefix indexes so "mar*" is an index lookup.
PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``; the query uses the same
expression with ``:*`` prefix terms so the planner can use it.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE profiles_profile_fts USING fts5(
        search_text,
        content='profiles_profile',
        content_rowid='user_id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='1 2 3'
    )
    """,
    """
    CREATE TRIGGER profiles_profile_fts_insert AFTER INSERT ON profiles_profile BEGIN
        INSERT INTO profiles_profile_fts(rowid, search_text) VALUES (new.user_id, new.search_text);
    END
    """,
    """
    CREATE TRIGGER profiles_profile_fts_delete AFTER DELETE ON profiles_profile BEGIN
        INSERT INTO profiles_profile_fts(profiles_profile_fts, rowid, search_text)
        VALUES ('delete', old.user_id, old.search_text);
    END
    """,
    """
    CREATE TRIGGER profiles_profile_fts_update AFTER UPDATE OF search_text ON profiles_profile BEGIN
        INSERT INTO profiles_profile_fts(profiles_profile_fts, rowid, search_text)
        VALUES ('delete', old.user_id, old.search_text);
        INSERT INTO profiles_profile_fts(rowid, search_text) VALUES (new.user_id, new.search_text);
    END
    """,
    # Index whatever profiles already exist.
    "INSERT INTO profiles_profile_fts(profiles_profile_fts) VALUES ('rebuild')",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS profiles_profile_fts_update",
    "DROP TRIGGER IF EXISTS profiles_profile_fts_delete",
    "DROP TRIGGER IF EXISTS profiles_profile_fts_insert",
    "DROP TABLE IF EXISTS profiles_profile_fts",
]

# Must stay identical to hallway.profiles.search.PG_DOCUMENT, or the index is not used.
POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS profile_search_tsv ON profiles_profile "
    "USING gin ((to_tsvector('simple'::regconfig, search_text)))",
]

POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS profile_search_tsv"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
