"""The search index folds accents (claims/text/fold.py): "Sao Paulo" finds "São Paulo".

SQLite: the FTS5 trigram table of migration 0007 is made again, contentless, and filled with
each claim's text folded by `claims_fold` (a function claims/textsearch.py gives every SQLite
connection); its triggers fold what they add and remove.

PostgreSQL: `unaccent` (a trusted extension: the database's owner may create it) wrapped in an
immutable `claims_unaccent`, and a pg_trgm index on UPPER(claims_unaccent(text)) in place of
0007's index on UPPER(text). When either extension cannot be made, nothing is created and search
reads every claim of the story.
"""

from django.db import migrations

SQLITE_OLD = [
    "DROP TRIGGER IF EXISTS claims_claim_search_insert",
    "DROP TRIGGER IF EXISTS claims_claim_search_delete",
    "DROP TRIGGER IF EXISTS claims_claim_search_update",
    "DROP TABLE IF EXISTS claims_claim_search",
]
SQLITE_FOLDED = [
    "CREATE VIRTUAL TABLE claims_claim_search USING fts5(text, content='', tokenize='trigram')",
    "CREATE TRIGGER claims_claim_search_insert AFTER INSERT ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(rowid, text) VALUES (new.id, claims_fold(new.text)); END",
    "CREATE TRIGGER claims_claim_search_delete AFTER DELETE ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(claims_claim_search, rowid, text) "
    "VALUES ('delete', old.id, claims_fold(old.text)); END",
    "CREATE TRIGGER claims_claim_search_update AFTER UPDATE OF text ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(claims_claim_search, rowid, text) "
    "VALUES ('delete', old.id, claims_fold(old.text)); "
    "INSERT INTO claims_claim_search(rowid, text) VALUES (new.id, claims_fold(new.text)); END",
    "INSERT INTO claims_claim_search(rowid, text) SELECT id, claims_fold(text) FROM claims_claim",
]
# 0007's, for going back.
SQLITE_PLAIN = [
    "CREATE VIRTUAL TABLE claims_claim_search USING fts5("
    "text, content='claims_claim', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER claims_claim_search_insert AFTER INSERT ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER claims_claim_search_delete AFTER DELETE ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(claims_claim_search, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER claims_claim_search_update AFTER UPDATE OF text ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(claims_claim_search, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO claims_claim_search(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO claims_claim_search(claims_claim_search) VALUES ('rebuild')",
]
POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION claims_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
)
POSTGRES_FOLDED = (
    "CREATE INDEX IF NOT EXISTS claims_claim_text_fold_trgm "
    "ON claims_claim USING gin (UPPER(claims_unaccent(text)) gin_trgm_ops)"
)
POSTGRES_PLAIN = (
    "CREATE INDEX IF NOT EXISTS claims_claim_text_trgm "
    "ON claims_claim USING gin (UPPER(text) gin_trgm_ops)"
)


def forward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if _sqlite_has_index(cursor):  # else SQLite lacks FTS5's trigrams: search scans
                for sql in SQLITE_OLD + SQLITE_FOLDED:
                    cursor.execute(sql)
        elif connection.vendor == "postgresql":
            schema = _unaccent_schema(cursor)
            if schema is None or not _has_extension(cursor, "pg_trgm"):
                return
            cursor.execute(POSTGRES_FUNCTION.format(schema=_quoted(schema)))
            cursor.execute(POSTGRES_FOLDED)
            cursor.execute("DROP INDEX IF EXISTS claims_claim_text_trgm")


def backward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if _sqlite_has_index(cursor):
                for sql in SQLITE_OLD + SQLITE_PLAIN:
                    cursor.execute(sql)
        elif connection.vendor == "postgresql":
            if _has_extension(cursor, "pg_trgm"):
                cursor.execute(POSTGRES_PLAIN)
            cursor.execute("DROP INDEX IF EXISTS claims_claim_text_fold_trgm")
            cursor.execute("DROP FUNCTION IF EXISTS claims_unaccent(text)")


def _sqlite_has_index(cursor) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'claims_claim_search'")
    return cursor.fetchone() is not None


def _has_extension(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
    return cursor.fetchone() is not None


def _unaccent_schema(cursor) -> str | None:
    """The schema unaccent is in, made when it is not there and may be; None if not."""
    if not _has_extension(cursor, "unaccent"):
        try:
            cursor.execute("SAVEPOINT claims_unaccent")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cursor.execute("RELEASE SAVEPOINT claims_unaccent")
        except Exception:  # not allowed to: search scans
            cursor.execute("ROLLBACK TO SAVEPOINT claims_unaccent")
            return None
    cursor.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'"
    )
    return cursor.fetchone()[0]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Migration(migrations.Migration):
    dependencies = [("claims", "0017_discrepancy_cause")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
