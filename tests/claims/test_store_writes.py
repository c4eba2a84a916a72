"""How a run writes: what it leaves for the next writer to do."""

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from claims.actions import matching as store
from claims.actions.matching import load_index, match_story
from claims.models import MatchIndex

pytestmark = pytest.mark.django_db


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes: PostgreSQL")
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


def test_the_index_is_kept_compressed_and_read_back(seed_story):
    match_story(seed_story)
    index = load_index(seed_story)
    kept = MatchIndex.objects.get(story=seed_story)
    assert kept.size * 2 < len(index.to_bytes())
    assert set(index.claim_ids) == set(seed_story.articles.values_list("claims", flat=True))


def test_an_index_kept_uncompressed_is_still_read(seed_story):
    """As runs before compression kept it."""
    match_story(seed_story)
    index = load_index(seed_story)
    store.save_index(seed_story, index.to_bytes())
    assert load_index(seed_story).claim_ids == index.claim_ids


def test_batches_grow_while_transactions_are_short_and_shrink_when_long(monkeypatch):
    """_write_timed: each batch sized from how long the last took (a fake clock here)."""
    sizes, clock = [], [0.0]
    monkeypatch.setattr(store.time, "perf_counter", lambda: clock[0])

    def write(first, end):
        sizes.append(end - first)
        # 0.1 ms a row for the first 10,000 rows, then 2 ms a row (the machine got busy)
        clock[0] += (end - first) * (1e-4 if first < 10_000 else 2e-3)

    store._write_timed(14_000, write)
    assert sum(sizes) == 14_000
    assert sizes[:3] == [500, 1000, 2000]  # at most twice the last
    assert max(sizes) == 2000  # 0.2 s at 0.1 ms a row
    slow = next(i for i, _ in enumerate(sizes) if sum(sizes[:i]) >= 10_000)
    assert sizes[slow + 1] == 100  # 0.2 s at 2 ms a row


def test_batches_stop_growing_at_a_ceiling_however_fast_the_writes(monkeypatch):
    """A fast start must not grow a batch so large that a machine slowing down afterwards
    holds the story's lock for seconds: batches stop at WRITE_BATCH_MOST rows."""
    sizes, clock = [], [0.0]
    monkeypatch.setattr(store.time, "perf_counter", lambda: clock[0])

    def write(first, end):
        sizes.append(end - first)
        clock[0] += (end - first) * 1e-6  # a microsecond a row: 0.2 s would fit 200,000

    store._write_timed(60_000, write)
    assert sum(sizes) == 60_000
    assert max(sizes) == store.WRITE_BATCH_MOST == 2000


def cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_a_run_stores_its_links_with_a_large_page_cache_and_gives_it_back(seed_story, monkeypatch):
    """The pages of the links' indexes a run's inserts land in stay in the connection's
    cache while it stores; a kept connection (a web worker's) then has its small one back."""
    before, seen = cache_size(), []
    save_links = store._save_links

    def recording(*args, **kwargs):
        seen.append(cache_size())
        return save_links(*args, **kwargs)

    monkeypatch.setattr(store, "_save_links", recording)
    match_story(seed_story)
    assert seen == [-store.STORE_CACHE_KIB]
    assert cache_size() == before != seen[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_a_store_that_breaks_its_callers_transaction_raises_its_own_error_and_gives_back():
    """A write that fails inside a caller's atomic block (as Model.save marks it) is what the
    caller sees, not Django's refusal to run the PRAGMA that gives the cache back."""
    before = cache_size()
    with (
        pytest.raises(IntegrityError, match="a write failed"),
        transaction.atomic(),
        store._store_cache(),
        transaction.mark_for_rollback_on_error(),
    ):
        raise IntegrityError("a write failed")
    assert cache_size() == before != -store.STORE_CACHE_KIB


@pytest.mark.parametrize(
    "value",
    [
        {"terms": 0.162, "wording": 1e-07, "same_occurrence": 1.0, "lead": 0, "x": None},
        ["Daesh", "Islamic State", "Ködur", "“quoted”", 'a "b" \\ c', "\n\t"],
        [["SAA", "Syrian troops"], ["ünïcode", "日本"]],
        {"nested": {"deep": [True, False, 1.5e300, -0.0, 12345678901234567890]}},
        [],
        {},
        "plain",
        # a NaN score would be a bug of its own, but both write it alike (NaN, Infinity)
        {"terms": float("nan"), "lead": float("inf"), "dates": -float("inf")},
    ],
)
def test_link_json_is_the_text_json_dumps_gives(value):
    """New links' JSON columns are written as json.dumps would (and JSONField does)."""
    assert store.json_text()(value) == json.dumps(value)


def test_link_json_refuses_what_json_dumps_refuses():
    with pytest.raises(TypeError):
        store.json_text()({"a": object()})


def test_the_events_a_run_inserts_are_the_rows_the_orm_would_make(seed_story):
    """A run inserts its new events with prepared statements, not bulk_create: each row holds
    what saving the same Event would (its own key, name and day; the defaults; the run's
    time), and the events know their ids."""
    from django.forms.models import model_to_dict

    from claims.models import Event

    before = timezone.now()
    match_story(seed_story)
    made = list(Event.objects.filter(story=seed_story).order_by("id"))
    assert len(made) > 3
    same = Event.objects.create(story=seed_story, key="orm-made", auto_label="x")
    own = {"id", "key", "auto_label", "occurred_on", "claim_count", "outlet_count"}
    expected = {k: v for k, v in model_to_dict(same).items() if k not in own}
    for event in made:
        assert {k: v for k, v in model_to_dict(event).items() if k not in own} == expected
        assert before <= event.created_at == event.updated_at <= same.created_at
        assert event.claim_count == event.claims.count() > 1
    assert len({e.occurred_on for e in made}) > 1  # each its own day
    assert len({e.auto_label for e in made}) == len(made)
