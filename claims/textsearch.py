"""Substring search over claims' text through an index (migration 0007), with the meaning of
Django's `icontains`: a claim is found when its text contains the words as typed, case aside.

- SQLite: the FTS5 trigram table `claims_claim_search` (kept in step with claims_claim by
  triggers) yields, in id order, the claims holding every three-letter piece of the query;
  each is then checked with `icontains`' own LIKE, so what is found is exactly what a scan
  finds (FTS5 folds the case of more letters than LIKE does: the check keeps LIKE's meaning).
  The query stops at the first `limit` found, however many claims hold the words.
- PostgreSQL: the pg_trgm index on UPPER(text) serves `icontains` as it is: nothing to do here.

A trigram index cannot serve a query under three characters: those scan the story's claims
in id order, as before, and so does a database where the index could not be made.
"""

from django.db import connections

TRIGRAM = 3
_has_table: dict[tuple[str, str], bool] = {}

FIRST_IDS = """
SELECT claims_claim.id
FROM claims_claim_search
JOIN claims_claim ON claims_claim.id = claims_claim_search.rowid
JOIN articles_article ON articles_article.id = claims_claim.article_id
WHERE claims_claim_search MATCH %s AND articles_article.story_id = %s
  AND claims_claim.text {icontains}
ORDER BY claims_claim_search.rowid
LIMIT %s
"""


def first_ids(story_id: int, text: str, limit: int, using: str = "default") -> list[int] | None:
    """The ids of the story's first `limit` claims (by id) whose text contains `text`, case
    aside; None when the index cannot serve the query (then scan)."""
    if len(text) < TRIGRAM or not _sqlite_index(using):
        return None
    connection = connections[using]
    phrase = '"' + text.replace('"', '""') + '"'
    like = "%" + connection.ops.prep_for_like_query(text) + "%"  # as `icontains` has it
    sql = FIRST_IDS.format(icontains=connection.operators["icontains"])
    with connection.cursor() as cursor:
        cursor.execute(sql, (phrase, story_id, like, limit))
        return [row[0] for row in cursor.fetchall()]


def _sqlite_index(using: str) -> bool:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    key = (using, str(connection.settings_dict["NAME"]))
    if key not in _has_table:
        with connection.cursor() as cursor:
            _has_table[key] = _sqlite_state(cursor) == (True, set())
    return _has_table[key]


# What migration 0007 creates on SQLite. SQLite drops a table's triggers with the table, and
# Django rebuilds claims_claim for many schema changes: `repair` (after every migrate) puts back
# what such a rebuild took away, so that the index never silently stops following the claims.
TRIGGERS = {
    "claims_claim_search_insert": "CREATE TRIGGER IF NOT EXISTS claims_claim_search_insert "
    "AFTER INSERT ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(rowid, text) VALUES (new.id, new.text); END",
    "claims_claim_search_delete": "CREATE TRIGGER IF NOT EXISTS claims_claim_search_delete "
    "AFTER DELETE ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(claims_claim_search, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "claims_claim_search_update": "CREATE TRIGGER IF NOT EXISTS claims_claim_search_update "
    "AFTER UPDATE OF text ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(claims_claim_search, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO claims_claim_search(rowid, text) VALUES (new.id, new.text); END",
}


def _sqlite_state(cursor) -> tuple[bool, set[str]]:
    """Whether the index table exists, and which of its triggers are missing."""
    cursor.execute(
        "SELECT type, name FROM sqlite_master WHERE (type = 'table' AND name = "
        "'claims_claim_search') OR (type = 'trigger' AND tbl_name = 'claims_claim')"
    )
    found = {name for _, name in cursor.fetchall()}
    return "claims_claim_search" in found, set(TRIGGERS) - found


def repair(using: str = "default") -> bool:
    """Recreate missing triggers and rebuild the index from the claims; whether it had to."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    _has_table.clear()
    with connection.cursor() as cursor:
        has_table, missing = _sqlite_state(cursor)
        if not has_table or not missing:
            return False
        for name in sorted(missing):
            cursor.execute(TRIGGERS[name])
        cursor.execute("INSERT INTO claims_claim_search(claims_claim_search) VALUES ('rebuild')")
    return True
