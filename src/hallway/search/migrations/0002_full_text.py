"""The full-text index over ``SearchDocument`` (see search/backends.py).

SQLite: an FTS5 external-content table over ``search_title`` and ``search_body`` (rowid = the
document's id), kept in sync by triggers, with prefix indexes so ``pric*`` is an index lookup.
PostgreSQL: a generated, stored ``tsvector`` column (title weighted A, body B) with a GIN index;
storing it lets the planner know how common a word is and saves recomputing it per row.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        search_title,
        search_body,
        content='search_searchdocument',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    )
    """,
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update
    AFTER UPDATE OF search_title, search_body ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO search_document_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]

# Must stay identical to what hallway.search.backends.PostgresBackend queries.
POSTGRES_FORWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS searchdoc_tsv ON search_searchdocument USING gin (tsv)",
]

POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS searchdoc_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


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
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
