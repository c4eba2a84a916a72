"""An index for search (claims/search.py): substring search reads it instead of every claim.

SQLite: an FTS5 table with the trigram tokenizer over the claims' text, kept in step with
claims_claim by triggers. PostgreSQL: a pg_trgm GIN index on UPPER(text), the expression
Django's `icontains` compares; when the extension cannot be created (it needs a superuser or a
trusted extension), nothing is created and search scans as before.
"""

from django.db import migrations

SQLITE_FORWARD = [
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
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS claims_claim_search_insert",
    "DROP TRIGGER IF EXISTS claims_claim_search_delete",
    "DROP TRIGGER IF EXISTS claims_claim_search_update",
    "DROP TABLE IF EXISTS claims_claim_search",
]
POSTGRES_INDEX = (
    "CREATE INDEX IF NOT EXISTS claims_claim_text_trgm "
    "ON claims_claim USING gin (UPPER(text) gin_trgm_ops)"
)


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            if not _sqlite_has_trigram(cursor):
                return  # SQLite older than 3.34 or without FTS5: search scans
            for sql in SQLITE_FORWARD:
                cursor.execute(sql)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone() is None:
                try:
                    cursor.execute("SAVEPOINT claims_pg_trgm")
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute("RELEASE SAVEPOINT claims_pg_trgm")
                except Exception:  # not allowed to: search scans, as before
                    cursor.execute("ROLLBACK TO SAVEPOINT claims_pg_trgm")
                    return
            cursor.execute(POSTGRES_INDEX)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_BACKWARD:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS claims_claim_text_trgm")


def _sqlite_has_trigram(cursor) -> bool:
    try:
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.claims_trigram_probe USING fts5(t, tokenize='trigram')"
        )
    except Exception:
        return False
    cursor.execute("DROP TABLE temp.claims_trigram_probe")
    return True


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_match_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
