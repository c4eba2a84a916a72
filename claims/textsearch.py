"""Substring search over claims' text through an index of the text with its accents taken off
(migrations 0007 and 0018; claims/text/fold.py).

- SQLite: the FTS5 trigram table `claims_claim_search` holds each claim's text folded by
  `claims_fold` (claims/text/fold.py's `fold`, a function every Django connection to SQLite
  gets: `register`), kept in step with claims_claim by triggers. A connection without the
  function (the sqlite3 shell) cannot write claims' text: use `manage.py shell`.
- PostgreSQL: a pg_trgm index on UPPER(claims_unaccent(text)), `unaccent` made immutable. Where
  the extension could not be made, nothing narrows: search reads every claim of the story.

`first_ids` keeps the meaning of Django's `icontains` (case aside, accents count): the index
yields, in id order, the claims that may hold every three-letter piece of the text; each is
then checked with `icontains`' own LIKE, and the query stops at the first `limit` found. On
PostgreSQL, `icontains` is a scan.

A trigram index cannot serve a query under three characters: those scan the story's claims
in id order, as before, and so does a database where the index could not be made.

The search page's query (claims/text/query.py: words, phrases, alias groups) goes through
`narrowed`: the index keeps the claims that may match, the query decides which do.
"""

from collections.abc import Iterator
from functools import reduce
from operator import and_, or_

from django.db import connections, transaction
from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from claims.text.fold import fold
from claims.text.query import Query, runs

TRIGRAM = 3
_has_table: dict[tuple[str, str], bool] = {}
_has_fold: dict[tuple[str, str], bool] = {}
# The database's fold of a text: the function migration 0018 makes on PostgreSQL, the one
# `register` gives every SQLite connection.
FOLD = {"postgresql": "claims_unaccent", "sqlite": "claims_fold"}


def register(sender, connection, **kwargs):
    """Give a new SQLite connection `claims_fold` (connection_created, claims/apps.py): the
    index's triggers call it."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("claims_fold", 1, _fold, deterministic=True)


def _fold(text):
    return None if text is None else fold(text)


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
    phrase = '"' + fold(text).replace('"', '""') + '"'  # the index holds folded text
    like = "%" + connection.ops.prep_for_like_query(text) + "%"  # as `icontains` has it
    sql = FIRST_IDS.format(icontains=connection.operators["icontains"])
    with connection.cursor() as cursor:
        cursor.execute(sql, (phrase, story_id, like, limit))
        return [row[0] for row in cursor.fetchall()]


MATCHING = "SELECT rowid FROM claims_claim_search WHERE claims_claim_search MATCH %s"
# PostgreSQL's planner prices UPPER(...) LIKE far below what it costs, and for a name and its
# alias group scans every claim (230 ms at 50,000 claims) where the pg_trgm index answers in
# 20: for the candidates' query it is asked to use the index.
INDEX_ONLY = {"enable_seqscan": "off", "enable_indexscan": "off"}


def candidates(claims: QuerySet, query: Query, batch: int = 2000) -> Iterator[tuple[int, str]]:
    """(id, text) of `narrowed(claims, query)`, in the order of `claims`, read as needed.
    SQLite reads one query as it goes. PostgreSQL would plan such a cursor for its first rows
    (walking every claim in id order, 20 times slower than the index): it gives the ids
    first, then the texts a batch at a time."""
    if connections[claims.db].vendor != "postgresql":
        found = narrowed(claims, query).values_list("id", "text")
        yield from found.iterator(chunk_size=batch)
        return
    ids = candidate_ids(claims, query)
    for start in range(0, len(ids), batch):
        some = ids[start : start + batch]
        texts = dict(
            claims.model.objects.using(claims.db).filter(id__in=some).values_list("id", "text")
        )
        yield from ((pk, texts[pk]) for pk in some if pk in texts)


def candidate_ids(claims: QuerySet, query: Query) -> list[int]:
    """The ids of `narrowed(claims, query)`, in the order of `claims`."""
    ids = narrowed(claims, query).values_list("id", flat=True)
    connection = connections[claims.db]
    if connection.vendor != "postgresql" or not query or not _indexed(query):
        return list(ids)
    with transaction.atomic(using=claims.db), connection.cursor() as cursor:
        before = {}
        for name, value in INDEX_ONLY.items():
            sql = "SELECT current_setting(%s), set_config(%s, %s, true)"
            cursor.execute(sql, [name, name, value])
            before[name] = cursor.fetchone()[0]
        found = list(ids)
        for name, value in before.items():  # as it was, for the rest of an outer transaction
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return found


def narrowed(claims: QuerySet, query: Query) -> QuerySet:
    """`claims` down, through the index, to those that may match `query`: every claim that
    matches is kept, and few others (`query.matches` decides). The pieces of a term's words
    that an index can look up (claims/text/query.py `runs`, accents off) must occur in the
    folded text, case aside:
    - SQLite: in the FTS5 trigram table, whose case folding covers the query's (all of
      Unicode); pieces under three letters are not in it, and are looked up with LIKE only
      when ASCII (LIKE folds no other case);
    - PostgreSQL: in UPPER(claims_unaccent(text)), which the pg_trgm index serves; unaccent
      folds every letter the query folds, and more.
    A term with a name that has nothing to look up narrows nothing."""
    vendor = connections[claims.db].vendor
    if vendor not in FOLD or not _db_fold(claims.db):
        return claims
    sqlite = vendor == "sqlite"
    fts = sqlite and _sqlite_index(claims.db)
    claims = claims.alias(folded_text=Func(F("text"), function=FOLD[vendor]))
    whole: list[str] = []  # the terms the FTS5 table serves alone, as FTS5 expressions
    for term in query.terms:
        pieces = [_pieces(alt) for alt in term.alternatives]
        if fts and all(_long(p) for p in pieces):
            whole.append(" OR ".join(f"({_fts(p)})" for p in pieces))
            continue
        conditions = [_condition(p, fts, sqlite) for p in pieces]
        if all(c is not None for c in conditions):
            claims = claims.filter(reduce(or_, conditions))
    if whole:
        claims = claims.filter(id__in=RawSQL(MATCHING, [" AND ".join(f"({e})" for e in whole)]))
    return claims


def _indexed(query: Query) -> bool:
    """Whether a trigram index can look up every name of every term (none under 3 letters)."""
    return all(_long(_pieces(alt)) for term in query.terms for alt in term.alternatives)


def _pieces(alternative: tuple[str, ...]) -> list[str]:
    """What to look up for one alternative of a term: its pieces of three letters or more
    when it has any, else its shorter ones."""
    found = sorted({r for needle in alternative for r in runs(needle)}, key=lambda r: -len(r))
    return [r for r in found if len(r) >= TRIGRAM] or found


def _long(pieces: list[str]) -> bool:
    return bool(pieces) and len(pieces[0]) >= TRIGRAM


def _condition(pieces: list[str], fts: bool, sqlite: bool) -> Q | None:
    if fts and _long(pieces):
        return Q(id__in=RawSQL(MATCHING, [_fts(pieces)]))
    if not pieces or (sqlite and not all(p.isascii() for p in pieces)):
        return None
    function = FOLD["sqlite" if sqlite else "postgresql"]
    return reduce(
        and_, (Q(folded_text__icontains=Func(Value(p), function=function)) for p in pieces)
    )


def _fts(pieces: list[str]) -> str:
    return " AND ".join('"' + p.replace('"', '""') + '"' for p in pieces)


def _db_fold(using: str) -> bool:
    """Whether the database folds text as the index does (PostgreSQL: whether migration 0018
    could make claims_unaccent)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        return True
    key = (using, str(connection.settings_dict["NAME"]))
    if key not in _has_fold:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'claims_unaccent'")
            _has_fold[key] = cursor.fetchone() is not None
    return _has_fold[key]


def _sqlite_index(using: str) -> bool:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    key = (using, str(connection.settings_dict["NAME"]))
    if key not in _has_table:
        with connection.cursor() as cursor:
            _has_table[key] = _sqlite_state(cursor) == (True, set())
    return _has_table[key]


# What migration 0018 creates on SQLite. SQLite drops a table's triggers with the table, and
# Django rebuilds claims_claim for many schema changes: `repair` (after every migrate) puts back
# what such a rebuild took away, so that the index never silently stops following the claims.
TRIGGERS = {
    "claims_claim_search_insert": "CREATE TRIGGER IF NOT EXISTS claims_claim_search_insert "
    "AFTER INSERT ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(rowid, text) VALUES (new.id, claims_fold(new.text)); END",
    "claims_claim_search_delete": "CREATE TRIGGER IF NOT EXISTS claims_claim_search_delete "
    "AFTER DELETE ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(claims_claim_search, rowid, text) "
    "VALUES ('delete', old.id, claims_fold(old.text)); END",
    "claims_claim_search_update": "CREATE TRIGGER IF NOT EXISTS claims_claim_search_update "
    "AFTER UPDATE OF text ON claims_claim BEGIN "
    "INSERT INTO claims_claim_search(claims_claim_search, rowid, text) "
    "VALUES ('delete', old.id, claims_fold(old.text)); "
    "INSERT INTO claims_claim_search(rowid, text) VALUES (new.id, claims_fold(new.text)); END",
}
# The index is contentless: it is filled from the claims' folded text, not read from them.
REBUILD = [
    "INSERT INTO claims_claim_search(claims_claim_search) VALUES ('delete-all')",
    "INSERT INTO claims_claim_search(rowid, text) SELECT id, claims_fold(text) FROM claims_claim",
]


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
    _has_table.clear()
    _has_fold.clear()
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        has_table, missing = _sqlite_state(cursor)
        if not has_table or not missing:
            return False
        for name in sorted(missing):
            cursor.execute(TRIGGERS[name])
        for sql in REBUILD:
            cursor.execute(sql)
    return True
