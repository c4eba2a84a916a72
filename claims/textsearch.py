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
        _has_table[key] = "claims_claim_search" in connection.introspection.table_names()
    return _has_table[key]
