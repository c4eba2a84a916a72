"""How a run writes: what it leaves for the next writer to do."""

import pytest
from django.db import connection

from claims.actions.matching import match_story

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes: PostgreSQL"),
]


def pending_gin_rows() -> dict[str, int]:
    """Rows queued in each GIN index of the claims (pgstattuple's pgstatginindex)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = 'claims_claim'::regclass AND a.amname = 'gin'"
        )
        names = [row[0] for row in cursor.fetchall()]
        pending = {}
        for name in names:
            cursor.execute("SELECT pending_tuples FROM pgstatginindex(%s::regclass)", [name])
            pending[name] = cursor.fetchone()[0]
        return pending


def test_a_run_leaves_no_claims_queued_in_the_search_index(seed_story):
    """The claims a run moves into events are new row versions, queued in the trigram index;
    the run merges them into it after each batch, outside its transactions, instead of
    leaving a later writer (a label's transaction, the run's own next batch) to merge the
    whole queue with the story's lock held."""
    pending = pending_gin_rows()
    if not pending:
        pytest.skip("no trigram index here (pg_trgm was not available)")
    match_story(seed_story)
    assert seed_story.events.exists()
    assert pending_gin_rows() == dict.fromkeys(pending, 0)
