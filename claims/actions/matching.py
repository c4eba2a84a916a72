"""The last step of matching: load a story from the database, run the matcher, and store its
events and links without undoing what people decided.

People's work survives every re-run: confirmed links are must-links and stay confirmed,
rejected links are cannot-links and stay rejected, claims a person moved are pinned to their
event, and an event keeps its id (and so the name a person gave it) as long as most of its
claims are still together.
"""

import datetime
import hashlib
import json
import secrets
import sys
import time
import unicodedata
import zlib
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import psycopg
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.constants import OnConflict
from django.utils import timezone

from articles.ingest.counts import counted
from articles.models import Article, Story
from claims import matching
from claims.actions.editing import lock
from claims.matching.beside import beside
from claims.matching.pause import paused_gc
from claims.models import (
    Adjudication,
    Alias,
    Annotation,
    AnnotationChange,
    Claim,
    Event,
    GoneEvent,
    Link,
    LinkStatus,
    MatchIndex,
    MatchIndexPart,
    MatchJob,
    MatchState,
)
from claims.text.dates import dates_in

BATCH = 2000
# Events from which a full run works out their dates in a forked child, beside the first steps
# of the store (about a tenth of a millisecond an event).
DATES_BESIDE_FROM = 500


@dataclass
class Summary:
    claims: int
    events: int
    links: int
    created_links: int
    removed_links: int
    seconds: float
    incremental: bool = False
    unchanged: bool = False  # nothing changed since the last full run: it was not run again

    def __str__(self):
        claims, events, links = (
            counted(self.claims, "claim"),
            counted(self.events, "event"),
            counted(self.links, "link"),
        )
        if self.unchanged:
            return (
                f"{MatchJob.UNCHANGED} of {claims}: {events}, {links} (0 new, 0 dropped); "
                f"not matched again, checked in {self.seconds:.2f} s"
            )
        if self.incremental:
            return (
                f"matched {counted(self.claims, 'new claim')} into the story: "
                f"{self._taken_in()} in {self.seconds:.2f} s"
            )
        return (
            f"matched {claims}: {events}, {links} "
            f"({self.created_links} new, {self.removed_links} dropped) in {self.seconds:.2f} s"
        )

    def _taken_in(self) -> str:
        """What an incremental run did with the new claims. Its events are those that gained
        one (the story has others), its links those that touch one (some an earlier run
        stored); it drops none. "0 events, 3 links (0 new, 0 dropped)" read as a story
        emptied of its events."""
        one = self.claims == 1
        them = "it" if one else "them"
        events = (
            f"{counted(self.events, 'event')} gained {'a claim' if one else 'new claims'}"
            if self.events
            else "no event gained a claim"
        )
        stored = self.links - self.created_links
        if not self.links:
            links = f"no link to {them}"
        elif not stored:
            links = f"{counted(self.links, 'new link')} to {them}"
        else:
            links = f"{counted(self.links, 'link')} to {them} "
            links += f"({self.created_links} new, {stored} already there)"
        return f"{events}, {links}"


# The collector is paused for a whole run, its loading and storing too (the matcher pauses it
# for its own steps): while the run's millions of objects are alive, each of its passes walks
# them all, a tenth of a large run's time spent on finding no cycles.
@paused_gc()
def match_story(story: Story, full: bool = False) -> Summary:
    """Match the whole story again from its claims and people's decisions. When nothing the
    result depends on changed since the last full run stored its result (Digest), the story is
    not matched again and the Summary says so (`unchanged`); `full` matches it anyway."""
    started = timezone.now()
    digest = Digest()
    articles, claims, claim_rows = _story_inputs(story, digest)
    aliases = story_aliases(story, digest)
    rules = constraints(story, digest)
    state = MatchState.objects.filter(story=story).first()
    kept = state.stats.get(DIGEST) if state is not None else None
    if not full and kept and kept.split(":")[0] == digest.inputs():
        claim_events = [(row[0], row[7]) for row in claim_rows]
        if kept == digest.inputs() + ":" + outcome_digest(story, claim_events):
            seconds = (timezone.now() - started).total_seconds()
            # the figures that run reported (the stored counts also hold links people
            # rejected and events people made)
            counts = state.stats.get(DIGEST_COUNTS) or (
                state.claim_count,
                state.event_count,
                state.link_count,
            )
            return Summary(*counts, 0, 0, seconds, unchanged=True)
    del claim_rows
    index = matching.StoryIndex.build(articles, claims, aliases)
    result = matching.match_index(index, rules)
    published = {a.id: a.published for a in articles}
    # the events' dates on the other core while the store begins (matching/beside.py)
    worth = len(result.events) >= DATES_BESIDE_FROM
    with beside(event_dates, result.events, claims, published, worth=worth) as dates:
        return _store(story, index, result, dates, len(claims), started, True, digest)


@paused_gc()
def match_new_articles(story: Story, new_articles: list[Article]) -> Summary | None:
    """Match just these articles against a story already matched. None when the story has
    never been matched (there is nothing to match against incrementally)."""
    state = MatchState.objects.filter(story=story).first()
    if state is None:
        return None
    started = timezone.now()
    try:
        index = load_index(story)
    except matching.StaleIndex:
        return match_story(story)  # kept by an earlier version of the matcher: start afresh
    articles, claims = _inputs(Article.objects.filter(pk__in=[a.pk for a in new_articles]))
    existing = dict(
        Claim.objects.filter(article__story=story, event__isnull=False)
        .exclude(article__in=new_articles)
        .values_list("id", "event__key")
    )
    result = matching.match_incremental(index, articles, claims, constraints(story), existing)
    member_claims = _claim_inputs(
        Claim.objects.filter(id__in=[c for e in result.events for c in e.claim_ids])
    )
    published = dict(
        Article.objects.filter(id__in={c.article_id for c in member_claims}).values_list(
            "id", "published"
        )
    )
    dates = event_dates(result.events, member_claims, published)
    return _store(story, index, result, dates, len(claims), started, full=False)


def _store(story, index, result, dates, claim_count, started, full: bool, digest=None) -> Summary:
    """Events, links and the index of one run, written in short transactions (each first
    locks the story, as every label and edit does: editing.lock), so that nobody labelling
    waits long for a large run; what the run did, in a Summary.

    Only what changed is written: new and renamed events, claims that change event, links
    that are new, changed or no longer suggested; then the index. A page read in between
    shows part of the run (some claims in their new events, some links still as before);
    a run that stops halfway leaves such a mix, which the next run completes. A link a person
    labelled or decided is never deleted (see _drop_suggestions). The digest of the last full
    run goes before the first write and a full run's `digest` (of what it read) is kept with
    its counts at the end: a run stopped in between leaves none, and the next one runs."""
    with _store_cache():
        _forget_digest(story)
        # the new links' rows made first (their JSON above all), while `dates` may still be
        # worked out beside this process (match_story)
        links = _LinkRows(story, result.links)
        dates = dates() if callable(dates) else dates
        event_of_key = _save_events(story, result.events, dates, result.also, full=full)
        created, removed = _save_links(story, links, event_of_key, full=full)
        # The index is large (seconds to write on PostgreSQL) and only runs read it: it takes
        # no story lock, so that no label waits for it.
        save_index(story, zlib.compress(index.to_bytes(), 1))
        kept = None
        if digest is not None:  # what the run read, and what the story holds now it is stored
            kept = digest.inputs() + ":" + outcome_digest(story)
        counts = [claim_count, len(result.events), len(result.links)]
        _save_state(story, index, result, kept, counts)
    seconds = (timezone.now() - started).total_seconds()
    return Summary(
        claim_count,
        len(result.events),
        len(result.links),
        created,
        removed,
        seconds,
        incremental=not full,
    )


# SQLite's page cache while a run stores (KiB): the pages of the links' indexes that 200k
# new links land in at random places stay in it instead of being read again from the file,
# a quarter of the CPU time of inserting them (2 MB by default). Allocated as pages are
# read, and given back when the run is done (_store_cache).
STORE_CACHE_KIB = 64 * 1024


@contextmanager
def _store_cache():
    """SQLite: the connection's page cache at STORE_CACHE_KIB for the block, then as it was
    (a web worker's connection, kept between requests, keeps the small one). Nothing on
    PostgreSQL, whose server has its own.

    Given back through the DB-API connection: Django refuses any query inside an atomic
    block a failed write broke, and its TransactionManagementError would hide the error of
    the store (and keep the large cache). A connection closed meanwhile has none to give."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-STORE_CACHE_KIB}")
    try:
        yield
    finally:
        if connection.connection is not None:
            connection.connection.execute(f"PRAGMA cache_size = {int(before)}")


INDEX_PART = 4 * 1024 * 1024  # bytes of the pickled index a transaction writes
# A run keeps its pickled index compressed (zlib's fastest level): a third of the bytes to
# write (62 MB -> 21 MB at 100k claims), for 0.6 s of compressing and 0.2 s of reading back.
# A pickle (as kept before) begins with another byte, and is read as it is.
ZLIB = b"\x78"
ORPHANS_AFTER = datetime.timedelta(hours=1)  # parts of a run that never switched to them


def load_index(story: Story) -> matching.StoryIndex:
    """The index the story's last run kept. StaleIndex when there is none to use (never kept,
    parts gone, or kept by another version of the matcher): then match the story afresh."""
    data = MatchIndex.objects.bytes_of(story)
    if data is None:
        raise matching.StaleIndex("no index kept")
    if data[:1] == ZLIB:
        try:
            data = zlib.decompress(data)
        except zlib.error as exc:
            raise matching.StaleIndex(f"the kept index does not decompress ({exc})") from exc
    return matching.StoryIndex.from_bytes(data)


def save_index(story: Story, data: bytes) -> None:
    """The pickled index, cut into parts each written in a transaction of its own (none holds
    the whole index: seconds for a large story), then made current in one short transaction.
    Readers see the old generation until then, never a mix. The old generation's parts go
    then, and parts of runs killed before switching once they are an hour old."""
    generation = secrets.randbits(62) + 1
    parts = [data[i : i + INDEX_PART] for i in range(0, len(data), INDEX_PART)] or [b""]
    for number, part in enumerate(parts):
        with transaction.atomic():
            _insert_part(story, generation, number, part)
    with transaction.atomic():
        row = MatchIndex.objects.select_for_update().filter(story=story).first()
        if row is None:
            row = MatchIndex.objects.create(story=story)
        previous = row.generation
        row.generation, row.parts, row.size = generation, len(parts), len(data)
        row.save(update_fields=["generation", "parts", "size"])
    # the parts no reader uses now, a part a transaction (a large one each, freed on SQLite
    # while every other writer waits)
    stale = Q(generation=previous) | Q(created_at__lt=timezone.now() - ORPHANS_AFTER)
    stale = MatchIndexPart.objects.filter(stale, story=story).exclude(generation=generation)
    for part in stale.values_list("id", flat=True):
        with transaction.atomic():
            MatchIndexPart.objects.filter(pk=part).delete()


def _insert_part(story: Story, generation: int, number: int, data: bytes) -> None:
    """One part. On PostgreSQL its bytes go as a bound binary parameter: Django's cursors
    write parameters into the statement's text, the bytes as hex, twice their size for the
    server to parse back."""
    if connection.vendor != "postgresql":
        MatchIndexPart.objects.create(story=story, generation=generation, number=number, data=data)
        return
    quote = connection.ops.quote_name
    field = MatchIndexPart._meta.get_field
    sql = "INSERT INTO {} ({}, {}, {}, {}, {}) VALUES (%s, %s, %s, %b, %s)".format(
        quote(MatchIndexPart._meta.db_table),
        *(quote(field(name).column) for name in ("story", "generation", "number", "data")),
        quote(field("created_at").column),
    )
    # (a cursor binding on the server, wrapped as Django wraps its own: the statement is seen
    # by connection.execute_wrappers and logged like every other)
    with CursorWrapper(psycopg.Cursor(connection.connection), connection) as cursor:
        cursor.execute(sql, [story.pk, generation, number, data, timezone.now()])


def story_aliases(story: Story, digest: "Digest | None" = None) -> list[list[str]]:
    aliases = Alias.objects.filter(Q(story=story) | Q(story__isnull=True))
    terms = [a.term_list for a in aliases]
    if digest is not None:
        digest.add("aliases", terms)
    return terms


def constraints(story: Story, digest: "Digest | None" = None) -> matching.Constraints:
    """What people decided. A confirmed link is a must-link, unless it ties a claim to another
    event that claim also tells of: then the claim stays in its event, listed on the other.
    The decisions go into `digest` (the events they name are the stored outcome's)."""
    decided = Link.objects.filter(story=story).decided().order_by("id")
    rows = list(
        decided.values_list(
            "claim_a", "claim_b", "status", "event", "claim_a__event", "claim_b__event"
        )
    )
    if digest is not None:
        digest.add("decided", [row[:3] for row in rows])
    listed = set(
        Event.also_claims.through.objects.filter(event__story=story).values_list(
            "event_id", "claim_id"
        )
    )
    must, also = set(), set()
    for a, b, status, told, event_a, event_b in rows:
        if status != LinkStatus.CONFIRMED:
            continue
        # the claim listed on the event the link tells of, while it sits outside it
        if (told, a) in listed and event_a != told and event_b == told:
            also.add((a, b))  # (the claim, a claim of the event)
        elif (told, b) in listed and event_b != told and event_a == told:
            also.add((b, a))
        else:
            must.add((a, b))
    cannot = frozenset((a, b) for a, b, s, *_ in rows if s == LinkStatus.REJECTED)
    pinned = dict(
        Claim.objects.filter(
            article__story=story, event_pinned=True, event__isnull=False
        ).values_list("id", "event__key")
    )
    return matching.Constraints(
        must_link=frozenset(must), cannot_link=cannot, pinned=pinned, also_confirmed=frozenset(also)
    )


# What matching.ArticleInput and matching.ClaimInput hold, in their order: every reader of a
# run's articles and claims reads these.
ARTICLE_FIELDS = ("id", "outlet__name", "title", "published", "body")
CLAIM_FIELDS = ("id", "article_id", "text", "position")


def _inputs(articles_qs):
    rows = articles_qs.order_by("id").values_list(*ARTICLE_FIELDS)
    articles = [matching.ArticleInput(*row) for row in rows]
    claims = _claim_inputs(Claim.objects.filter(article__in=[a.id for a in articles]))
    return articles, claims


def _story_inputs(story: Story, digest: "Digest"):
    """A full run's articles and claims, each fed to `digest` with what else of them the run
    reads (offsets, pins); and the claims' rows, their event id last."""
    rows = list(story.articles.order_by("id").values_list(*ARTICLE_FIELDS))
    digest.add("articles", rows)
    articles = [matching.ArticleInput(*row) for row in rows]
    del rows
    claim_rows = Claim.objects.filter(article__story=story).order_by("id")
    claim_rows = list(
        claim_rows.values_list(*CLAIM_FIELDS, "start", "end", "event_pinned", "event_id")
    )
    digest.add("claims", claim_rows, width=7)
    claims = [matching.ClaimInput(*row[: len(CLAIM_FIELDS)]) for row in claim_rows]
    return articles, claims, claim_rows


def _claim_inputs(claims_qs) -> list:
    rows = claims_qs.order_by("id").values_list(*CLAIM_FIELDS)
    return [matching.ClaimInput(*row) for row in rows]


def event_dates(events, claims, published: dict) -> dict[str, datetime.date]:
    """Per event key, the date its claims state most often (article id -> publication date
    resolves weekdays)."""
    text = {c.id: (c.text, c.article_id) for c in claims}
    found = {}
    for event in events:
        counts = Counter(
            mention.date
            for claim_id in event.claim_ids
            if claim_id in text
            for mention in dates_in(text[claim_id][0], published.get(text[claim_id][1]))
        )
        if counts:
            found[event.key] = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return found


def _save_events(story: Story, events: list, dates: dict, also: list, full: bool) -> dict:
    """Events by key; a result event with a new key takes over the old event that held most of
    its claims, so that names people gave survive changes of membership. Returns the id of
    the event each key of the run now stands for. Written in short transactions (_writing)."""
    old = {e.key: e for e in story.events.all()}
    in_events = Claim.objects.filter(article__story=story, event__isnull=False)
    old_event_of = dict(in_events.values_list("id", "event_id"))
    old_members = Counter(old_event_of.values())
    by_id = {e.id: e for e in old.values()}
    taken, chosen, created, to_update = set(), [], [], []
    for result in sorted(events, key=lambda e: -len(e.claim_ids)):
        event = old.get(result.key)
        if event is None or event.id in taken:
            event = _best_overlap(result.claim_ids, old_event_of, old_members, by_id, taken)
        label, day = _named(result, dates), dates.get(result.key)
        if event is None:
            event = Event(story=story, key=matching.free_key(result.key, old), auto_label=label)
            event.occurred_on = day
            old[event.key] = event
            created.append(event)
        else:
            taken.add(event.id)
            if (event.auto_label, event.occurred_on) != (label, day):
                event.auto_label, event.occurred_on = label, day
                to_update.append(event)
        chosen.append((result, event))
    _insert_events(story, created)
    for batch in _batches(to_update):
        with _writing(story):
            Event.objects.bulk_update(batch, ["auto_label", "occurred_on", "updated_at"])
    assignment, kept, event_of_key = {}, set(), {}
    for result, event in chosen:
        kept.add(event.id)
        event_of_key[result.key] = event.id
        for claim_id in result.claim_ids:
            assignment[claim_id] = event.id
    moved = _assign(story, assignment, old_event_of, full)
    event_of_key |= {k: e.id for k, e in old.items() if k not in event_of_key}
    if full:
        _replace_also(story, also, event_of_key)
        with _writing(story):
            _retire_emptied(story, kept, old_event_of)
    else:
        with _writing(story):
            _save_also(story, also, event_of_key)
    touched = {e.id for e in created} | moved
    for batch in _batches(sorted(touched)):
        with _writing(story):
            Event.objects.filter(id__in=batch).refresh_counts()
    return event_of_key


def _insert_events(story: Story, created: list) -> None:
    """The new events (unsaved Event objects), a batch a write transaction, each one's
    parameters made ready outside the transactions (bulk_create made them inside, through
    the ORM's layers: a second of a 12k-event run's lock held; _insert_rows); their ids then
    read back by key (unique in a story). A value the events share is made ready once."""
    if not created:
        return
    now = timezone.now()
    for event in created:
        event.created_at = event.updated_at = now
    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    first = [getattr(created[0], f.attname) for f in fields]
    ready = [f.get_db_prep_save(value, connection) for f, value in zip(fields, first, strict=True)]
    rows = []
    for event in created:
        row = list(ready)
        for i, field in enumerate(fields):
            value = getattr(event, field.attname)
            if value is not first[i] and value != first[i]:
                row[i] = field.get_db_prep_save(value, connection)
        rows.append(row)
    _insert_rows(story, Event, fields, rows)
    ids = dict(story.events.values_list("key", "id"))  # (a parameter a key cost more)
    for event in created:
        event.pk = ids[event.key]
        event._state.adding = False


@contextmanager
def _writing(story: Story):
    """A short write transaction of the run, queued like every label and edit (editing.lock)."""
    with transaction.atomic():
        lock(story.pk)
        yield


def _retire_emptied(story: Story, kept: set, old_event_of: dict[int, int]) -> None:
    """Delete the events this run left empty; each one's address then leads to wherever the
    claims it held before the run went (GoneEvent). The empty events are read first and
    those the run kept set aside here: a statement excluding the run's events by id (one
    parameter each, thousands) took seconds to build and parse, twice, the lock held."""
    empty = story.events.filter(claims__isnull=True).values_list("id", flat=True)
    gone = sorted(set(empty) - kept)
    emptied = Event.objects.filter(id__in=gone, claims__isnull=True)
    held = defaultdict(list)
    for claim_id, event_id in old_event_of.items():
        held[event_id].append(claim_id)
    emptied.retire(GoneEvent.Cause.MATCHING, held)


def _named(result, dates: dict) -> str:
    """The matcher's name for an event, with the day its claims state."""
    return matching.explain.dated(result.label, dates.get(result.key))[:2000]


def _save_also(story: Story, also: list, event_of_key: dict[str, int]) -> None:
    """The claims that also tell of each event, for an incremental run (which saw only the
    new claims' neighbourhood): adds what it found, and drops only the claims that now sit
    in the event itself. A full run replaces them all (_replace_also)."""
    rows = Event.also_claims.through.objects
    new = {(event_of_key[key], claim_id) for claim_id, key in also if key in event_of_key}
    rows.bulk_create(
        [Event.also_claims.through(event_id=e, claim_id=c) for e, c in sorted(new)],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    rows.filter(event__story=story, claim__event_id=F("event_id")).delete()


def _replace_also(story: Story, also: list, event_of_key: dict[str, int]) -> None:
    """A full run's claims that also tell of each event, in place of those stored: only the
    rows that differ are deleted or written, a batch a transaction (an unchanged re-run
    writes none)."""
    rows = Event.also_claims.through.objects
    stored = {
        (e, c): row_id
        for row_id, e, c in rows.filter(event__story=story).values_list(
            "id", "event_id", "claim_id"
        )
    }
    new = {(event_of_key[key], claim_id) for claim_id, key in also if key in event_of_key}
    stale = sorted(row_id for pair, row_id in stored.items() if pair not in new)
    for batch in _batches(stale):
        with _writing(story):
            rows.filter(id__in=batch).delete()
    missing = [
        Event.also_claims.through(event_id=e, claim_id=c) for e, c in sorted(new - stored.keys())
    ]
    for batch in _batches(missing):
        with _writing(story):
            rows.bulk_create(batch, ignore_conflicts=True)


def _best_overlap(claim_ids, old_event_of, old_members, by_id, taken):
    """The old event holding most of these claims (at least half of the smaller side)."""
    counts = Counter(old_event_of[c] for c in claim_ids if c in old_event_of)
    for event_id, overlap in counts.most_common():
        if event_id not in taken and overlap * 2 >= min(len(claim_ids), old_members[event_id]):
            return by_id.get(event_id)
    return None


def _assign(story, assignment: dict[int, int], old_event_of: dict[int, int], full: bool) -> set:
    """Claims into their events, those that change event only, a few batches a transaction;
    a full run also takes unmatched claims out of events. Claims a person pinned stay where
    they are (checked as each is written). Returns the events that gained or lost claims."""
    moves = defaultdict(list)
    for claim_id, event_id in assignment.items():
        if old_event_of.get(claim_id) != event_id:
            moves[event_id].append(claim_id)
    leaving = [c for c in old_event_of if c not in assignment] if full else []
    touched = set(moves) | {
        old_event_of[c] for ids in moves.values() for c in ids if c in old_event_of
    }
    touched |= {old_event_of[c] for c in leaving}
    rows = [(c, event_id) for event_id, ids in moves.items() for c in ids]
    rows += [(c, None) for c in leaving]
    rows.sort(key=lambda row: row[0])  # in the table's order: batches touch fewer pages
    quote = connection.ops.quote_name
    table = quote(Claim._meta.db_table)
    event = quote(Claim._meta.get_field("event").column)
    pk = quote(Claim._meta.pk.column)
    pinned = quote(Claim._meta.get_field("event_pinned").column)
    if connection.vendor == "postgresql":
        # one statement a batch, from the rows staged on the server (_write_staged)
        sql = (
            f"UPDATE {table} SET {event} = s.event FROM {STAGE} s "
            f"WHERE s.n >= %s AND s.n < %s AND {table}.{pk} = s.id AND NOT {table}.{pinned}"
        )
        after = _gin_cleaner(Claim._meta.db_table)
        _write_staged(story, f"{pk} AS id, {event} AS event FROM {table}", rows, sql, after)
        return touched
    # SQLite (in the process, no round trips): one prepared statement a claim
    sql = f"UPDATE {table} SET {event} = %s WHERE {pk} = %s AND NOT {pinned}"
    _write_each(story, sql, [(e, c) for c, e in rows])
    return touched


STAGE = "parallax_staged_rows"  # a temporary table of the connection (_write_staged)


def _gin_cleaner(table: str):
    """PostgreSQL: a function that moves the pending entries of the table's GIN indexes (the
    claims' trigram search) into the index, each in a statement of its own. A claim that
    changes event is a new row version with new entries in every index; GIN queues them,
    and the write that finds the queue over 4 MB merges it all, a second or more inside
    that write's transaction (with the story's lock held, when it is the run's). Called
    after each of the run's batches, the queue stays a batch long. Only the index's owner
    may: for any other user the queue is merged as before."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [connection.ops.quote_name(table)],
        )
        names = [row[0] for row in cursor.fetchall()]

    def clean():
        for name in list(names):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
            except DatabaseError:  # not the owner
                names.remove(name)

    return clean


def _write_each(story: Story, sql: str, rows: list) -> None:
    """`sql` run for each row (one prepared statement), a batch a write transaction."""

    def write(first, end):
        with _writing(story), connection.cursor() as cursor:
            cursor.executemany(sql, rows[first:end])

    _write_timed(len(rows), write)


def _write_timed(count: int, write, after=None) -> None:
    """write(first, end) for batches of `count` rows, each a write transaction, `after()`
    after each: WRITE_BATCH rows first, then as many as the last transaction suggests fit in
    TX_SECONDS (at most twice as many as the last, at least a tenth of WRITE_BATCH, at most
    WRITE_BATCH_MOST: a machine that slows down after a fast batch holds the lock for at most
    that many rows). Each commit writes again the pages its batch touched (ten indexes on
    links): fewer, fuller transactions write less, while a label still waits a fraction of a
    second for the story's lock."""
    first, size = 0, WRITE_BATCH
    while first < count:
        end = min(count, first + size)
        began = time.perf_counter()
        write(first, end)
        seconds = max(time.perf_counter() - began, 1e-4)
        if after is not None:
            after()
        fit = round((end - first) * TX_SECONDS / seconds)
        size = max(WRITE_BATCH // 10, min(2 * size, fit, WRITE_BATCH_MOST))
        first = end


def _write_staged(story: Story, columns: str, rows: list, sql: str, after=None) -> None:
    """PostgreSQL: rows copied to the server in one COPY stream, into a temporary table
    STAGE of this connection with the given columns ("<expressions> FROM <table>", their
    types taken from that table) and a row number n from 0; then `sql` run with the (first,
    end) row numbers of each write batch, a write transaction each, reading its batch from
    STAGE. The copy locks nothing a label needs: only the batches take the story's lock.
    Statements with thousands of parameters instead cost a second or more to quote and parse
    per batch, the lock held meanwhile. The table lives in the server session, from the copy
    to the last batch: behind a pooler, the pool must give a connection whole (PgBouncer's
    session pooling), not a transaction at a time. `after` is called after each batch,
    outside its transaction."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} AS SELECT 0 AS n, {columns} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {STAGE} FROM STDIN") as copy:
            for n, row in enumerate(rows):
                copy.write_row((n, *row))
        cursor.execute(f"CREATE INDEX ON {STAGE} (n)")
        cursor.execute(f"ANALYZE {STAGE}")

    def write(first, end):
        with _writing(story), connection.cursor() as cursor:
            cursor.execute(sql, [first, end])

    try:
        _write_timed(len(rows), write, after)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


LINK_FIELDS = ["score", "components", "shared_terms", "shared_aliases", "explanation", "event"]
# Rows one of a run's write transactions writes: few enough that a label posted meanwhile
# waits well under a second for the story's lock.
WRITE_BATCH = 500
WRITE_BATCH_MOST = 4 * WRITE_BATCH  # a 1M-claim run under load held the lock 1.33 s uncapped
TX_SECONDS = 0.2  # what a transaction of the run's large writes aims at (_write_timed)


class _LinkRows:
    """A run's links against those the story holds: the rows of the new ones made ready to
    insert (their event still as the run's key), the others kept to compare."""

    def __init__(self, story: Story, links: list):
        self.existing = _stored_links(story)
        self.seen = {(link.a, link.b) for link in links}
        self.kept = [link for link in links if (link.a, link.b) in self.existing]
        new = [link for link in links if (link.a, link.b) not in self.existing]
        fields = _insert_fields()
        self.rows = _link_rows(story, fields, new)
        self.event = [f.name for f in fields].index("event")  # its column in a new row


def _link_fields(link, event) -> dict:
    """The values of a link's row (LINK_FIELDS), plain JSON values already (str keys, Python
    floats and strings, lists): compared as they are with what a row holds, decoded."""
    return dict(
        score=_score(link),
        components=link.components,
        shared_terms=list(link.shared_terms),
        shared_aliases=[list(p) for p in link.shared_aliases],
        explanation=link.explanation,
        event_id=event,
    )


def _score(link) -> float:
    """A link's score as stored: within 0..1 (the column's constraint)."""
    return min(max(link.score, 0.0), 1.0)


def _save_links(story: Story, links: _LinkRows, event_of_key: dict, full: bool) -> tuple[int, int]:
    """The run's links: new ones created, changed ones updated (unchanged ones are not
    written), and on a full run the matcher's suggestions it no longer makes deleted. Each
    batch is a transaction of its own. Returns (links created, links deleted)."""
    existing = links.existing
    for row in links.rows:
        row[links.event] = event_of_key.get(row[links.event])
    update = []
    # the stored links were read before the events were saved: an event deleted since (the
    # run left it empty) is no longer theirs (its foreign key set them to NULL)
    events = set(story.events.values_list("id", flat=True)) if links.kept else set()
    for link in links.kept:
        fields = _link_fields(link, event_of_key.get(link.event))
        row = existing[link.a, link.b]
        if row[-1] is not None and row[-1] not in events:
            row = (*row[:-1], None)
        if _changed(fields, row):
            update.append(Link(id=row[0], **fields))
    _insert_links(story, links.rows)
    _write_each(story, *_link_updates(update))
    removed = 0
    if full:
        stale = sorted(row[0] for pair, row in existing.items() if pair not in links.seen)
        for batch in _batches(stale):
            removed += _drop_suggestions(story, batch)
    return len(links.rows), removed


def _stored_links(story: Story) -> dict[tuple[int, int], tuple]:
    """(claim a, claim b) -> (id, score, components, shared terms, shared aliases,
    explanation, event id) of the story's links; the JSON columns as the text the database
    holds, decoded only when a link's other fields are the same (_changed)."""
    table = Link._meta.db_table
    quote = connection.ops.quote_name
    columns = ["id", "claim_a", "claim_b", *LINK_FIELDS]
    sql = "SELECT {} FROM {} WHERE {} = %s".format(
        ", ".join(f"{quote(table)}.{quote(Link._meta.get_field(c).column)}" for c in columns),
        quote(table),
        quote(Link._meta.get_field("story").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [story.pk])
        return {(row[1], row[2]): (row[0], *row[3:]) for row in cursor.fetchall()}


def _changed(fields: dict, row: tuple) -> bool:
    """Whether the link differs from its row (id, then LINK_FIELDS): the plain fields first,
    the JSON ones decoded only when those are the same."""
    _, score, components, terms, aliases, explanation, event_id = row
    if (fields["score"], fields["explanation"], fields["event_id"]) != (
        score,
        explanation,
        event_id,
    ):
        return True
    stored = (terms, aliases, components)
    if all(isinstance(text, str) for text in stored):
        try:  # the three at once: one call to the decoder, not three
            stored = json.loads(f"[{terms},{aliases},{components}]")
        except json.JSONDecodeError:
            stored = [_json(text) for text in stored]
    else:
        stored = [_json(text) for text in stored]
    return stored != [fields["shared_terms"], fields["shared_aliases"], fields["components"]]


def _json(text):
    """A JSON column as the model reads it (JSONField.from_db_value)."""
    if text is None or not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _insert_fields() -> list:
    """The columns of a new link's row (_link_rows), in order."""
    names = ["story", "claim_a", "claim_b", *LINK_FIELDS, "status", "created_at", "updated_at"]
    return [Link._meta.get_field(name) for name in names]


def _insert_links(story: Story, rows: list) -> None:
    """The new links' rows (_link_rows); a pair that exists is skipped (as bulk_create's
    ignore_conflicts does): a run matching new articles may have made it meanwhile."""
    _insert_rows(story, Link, _insert_fields(), rows, OnConflict.IGNORE)


def _insert_rows(story: Story, model, fields: list, rows: list, on_conflict=None) -> None:
    """Rows of `fields` into the model's table, a batch a write transaction, their parameters
    made ready before. PostgreSQL: each batch one INSERT ... SELECT of rows staged on the
    server (_write_staged); SQLite (in the process): one prepared statement a row."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    head = f"{connection.ops.insert_statement(on_conflict=on_conflict)} {table} ({columns})"
    suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    if connection.vendor == "postgresql":
        sql = f"{head} SELECT {columns} FROM {STAGE} WHERE n >= %s AND n < %s ORDER BY n {suffix}"
        _write_staged(story, f"{columns} FROM {table}", rows, sql)
        return
    sql = f"{head} VALUES ({', '.join(['%s'] * len(fields))}) {suffix}".rstrip()
    _write_each(story, sql, rows)


def json_text():
    """A function giving json.dumps(value)'s text: the C encoder json.dumps builds anew for
    every call, built once (600k calls in a 100k-claim run: 12.7 -> 6.0 us a link). The same
    settings; only no check for a value that contains itself (the matcher's never do).
    json.dumps itself where Python has no C encoder."""
    make = json.encoder.c_make_encoder
    if make is None:
        return json.dumps
    default = json.JSONEncoder()
    encode = make(
        None,
        default.default,
        json.encoder.encode_basestring_ascii,
        None,
        default.key_separator,
        default.item_separator,
        default.sort_keys,
        default.skipkeys,
        default.allow_nan,
    )
    join = "".join
    return lambda value: join(encode(value, 0))


def _link_rows(story: Story, fields: list, new: list) -> list[list]:
    """The column values of each new link (the matcher's), in the order of fields; the
    event as the run's key (_save_links puts its id in)."""
    prep = {f.name: f for f in fields}
    now = timezone.now()
    constant = [
        prep["story"].get_db_prep_save(story.pk, connection),
        # the plain str, not the enum member: SQLite's driver looks up an adapter for each
        # value of a str subclass (0.4 s in a 200k-link run)
        prep["status"].get_db_prep_save(LinkStatus.SUGGESTED.value, connection),
        prep["created_at"].get_db_prep_save(now, connection),
    ]
    # the JSON columns as JSONField writes a plain value (json.dumps: it has no encoder),
    # without its layers (a third of a large first run's time in them); as text, which
    # SQLite stores and PostgreSQL's COPY reads; score, explanation and event id are plain
    assert all(prep[n].encoder is None for n in ("components", "shared_terms", "shared_aliases"))
    dumps = json_text()
    rows = []
    for link in new:
        # tuples as lists: the same JSON (_link_fields gives the lists the rows are compared to)
        rows.append(
            [
                constant[0],
                link.a,
                link.b,
                _score(link),
                dumps(link.components),
                dumps(link.shared_terms),
                dumps(link.shared_aliases),
                link.explanation,
                link.event,
                constant[1],
                constant[2],
                constant[2],
            ]
        )
    return rows


def _link_updates(links: list[Link]) -> tuple[str, list[list]]:
    """One UPDATE per link, its parameters made ready here, outside the transaction:
    bulk_update would build a CASE expression per batch, in Python, while the lock is held."""
    fields = [Link._meta.get_field(name) for name in LINK_FIELDS]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(Link._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(Link._meta.pk.column),
    )
    rows = [
        [f.get_db_prep_save(getattr(link, f.attname), connection) for f in fields] + [link.pk]
        for link in links
    ]
    return sql, rows


def _batches(rows: list):
    for start in range(0, len(rows), WRITE_BATCH):
        yield rows[start : start + WRITE_BATCH]


def _drop_suggestions(story: Story, ids: list[int]) -> int:
    """Delete those of these links that are still only the matcher's suggestion, as they are
    at the moment of the delete: no status set by a person, no label, no label history (an
    undone label stays on record), no adjudication. The story's lock keeps every label out
    until the delete commits, so none can be cascaded away. Returns the links deleted."""
    with _writing(story):
        labelled = Q(Exists(Annotation.objects.filter(link=OuterRef("pk"))))
        labelled |= Q(Exists(AnnotationChange.objects.filter(link=OuterRef("pk"))))
        labelled |= Q(Exists(Adjudication.objects.filter(link=OuterRef("pk"))))
        doomed = (
            Link.objects.filter(id__in=ids, story=story, status=LinkStatus.SUGGESTED)
            .exclude(labelled)
            .select_for_update(of=("self",))
            .order_by("id")
        )
        doomed = list(doomed.values_list("id", flat=True))
        return Link.objects.filter(id__in=doomed).delete()[1].get(Link._meta.label, 0)


def _save_state(story, index, result, digest: str | None = None, counts=None) -> None:
    """The run's counts, read before its transaction (they are a summary: a label meanwhile
    changes none of them), and a full run's digest (match_story) with the figures its Summary
    gave (claims, events, links); only the row's write holds the story's lock."""
    stats = json.loads(json.dumps(result.stats, default=str))
    if digest is not None:
        stats[DIGEST], stats[DIGEST_COUNTS] = digest, counts
    defaults = {
        "claim_count": len(index.claim_ids),
        "unmatched_count": Claim.objects.filter(article__story=story, event=None).count(),
        "event_count": story.events.count(),
        "link_count": story.links.count(),
        "matched_at": timezone.now(),
        "stats": stats,
    }
    with _writing(story):
        MatchState.objects.update_or_create(story=story, defaults=defaults)


DIGEST = "digest"  # MatchState.stats: "<inputs>:<outcome>" of the last full run (Digest)
DIGEST_COUNTS = "digest_counts"  # and the claims, events and links its Summary reported


class Digest:
    """What a full run's result depends on, hashed: the matcher's code and calibration, the
    story's articles (outlet, title, date, text), claims (text, offsets, position, pin),
    aliases and decided links, as a run reads them (match_story). Kept with the run's
    outcome as the story then held it (outcome_digest): a run that finds both the same has
    nothing to do. Rows are hashed as their repr, in the order read (by id)."""

    def __init__(self):
        self.hash = hashlib.blake2b(matcher_version().encode(), digest_size=20)

    def add(self, name: str, rows: list, width: int | None = None) -> None:
        _feed(self.hash, name, rows, width)

    def inputs(self) -> str:
        return self.hash.hexdigest()


def _feed(hash, name: str, rows, width: int | None = None) -> None:
    """Rows (their first `width` values) into `hash`, under a name and their count, a few
    thousand at a time (a repr of millions of rows at once would double a run's memory)."""
    rows = rows if isinstance(rows, list) else list(rows)
    hash.update(f"{name} {len(rows)}\n".encode())
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        hash.update(repr(chunk if width is None else [row[:width] for row in chunk]).encode())


# The libraries the matcher's result depends on: an upgrade (of rapidfuzz's scores, numpy's or
# scipy's sorting) may change it with no line of ours changed. The sentence segmenter is not
# one: it runs at import, and the claims it made are inputs of the digest.
LIBRARIES = ("numpy", "scipy", "rapidfuzz")


@cache
def matcher_version() -> str:
    """A hash of the code that makes and stores a result: the matcher (claims/matching with
    its calibration), the text helpers it uses (claims/text) and this module; the versions
    of the libraries they use (LIBRARIES), of Python and of its Unicode tables (folding)."""
    here = Path(__file__).resolve()
    claims_dir = here.parents[1]
    files = sorted(
        [*(claims_dir / "matching").glob("*.py"), *(claims_dir / "matching").glob("*.json")]
        + [*(claims_dir / "text").glob("*.py"), here]
    )
    hash = hashlib.blake2b(digest_size=20)
    versions = [f"{name} {metadata.version(name)}" for name in LIBRARIES]
    versions += [f"python {sys.version_info[:3]}", f"unicode {unicodedata.unidata_version}"]
    hash.update(("\n".join(versions) + "\n").encode())
    for path in files:
        hash.update(f"{path.relative_to(claims_dir)} {path.stat().st_size}\n".encode())
        hash.update(path.read_bytes())
    return hash.hexdigest()


# Hashed as this module is loaded, with the matcher it imports: a worker that keeps running
# while newer code is deployed goes on naming the code it runs, not the files now on disk.
matcher_version()


def outcome_digest(story: Story, claim_events: list | None = None) -> str:
    """A hash of what matching stored for the story: each claim's event, the events (key,
    name the matcher gave, date), the claims listed as also telling of each, every link's row
    and the kept index (its generation and parts). `claim_events`: (claim id, event id) of
    each claim, when already read."""
    hash = hashlib.blake2b(digest_size=20)
    if claim_events is None:
        claims = Claim.objects.filter(article__story=story).order_by("id")
        claim_events = list(claims.values_list("id", "event_id"))
    _feed(hash, "claims", claim_events)
    events = story.events.order_by("id")
    _feed(hash, "events", events.values_list("id", "key", "auto_label", "occurred_on"))
    also = Event.also_claims.through.objects.filter(event__story=story)
    _feed(hash, "also", also.order_by("event_id", "claim_id").values_list("event_id", "claim_id"))
    _feed_links(hash, story)
    index = list(MatchIndex.objects.filter(story=story).values_list("generation", "parts", "size"))
    _feed(hash, "index", index)
    parts = MatchIndexPart.objects.filter(story=story, generation__in=[i[0] for i in index])
    _feed(hash, "parts", parts.order_by("number").values_list("number", flat=True))
    return hash.hexdigest()


def _feed_links(hash, story: Story) -> None:
    """Every link's row of the story (LINK_FIELDS, status, claims), by id. PostgreSQL hashes
    the rows itself (md5 of each row's text, then of them all) and sends the one hash: the
    rows' text, their JSON above all, is most of what a large story holds."""
    quote = connection.ops.quote_name
    columns = ["id", "claim_a", "claim_b", "status", *LINK_FIELDS]
    names = [quote(Link._meta.get_field(c).column) for c in columns]
    where = "FROM {} WHERE {} = %s".format(
        quote(Link._meta.db_table), quote(Link._meta.get_field("story").column)
    )
    pk = quote(Link._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            row = f"md5(ROW({', '.join(names)})::text)"
            cursor.execute(
                f"SELECT count(*), md5(string_agg({row}, '' ORDER BY {pk})) {where}", [story.pk]
            )
            hash.update(repr(cursor.fetchone()).encode())
            return
        cursor.execute(f"SELECT {', '.join(names)} {where} ORDER BY {pk}", [story.pk])
        while rows := cursor.fetchmany(5000):
            hash.update(repr(rows).encode())


def _forget_digest(story: Story) -> None:
    """Drop the kept digest before a run's first write (a plain update: no page is stale)."""
    state = MatchState.objects.filter(story=story).values_list("id", "stats").first()
    if state is None or DIGEST not in (state[1] or {}):
        return
    with _writing(story):
        stats = MatchState.objects.filter(pk=state[0]).values_list("stats", flat=True).first()
        if stats and DIGEST in stats:
            del stats[DIGEST]
            MatchState.objects.filter(pk=state[0]).update(stats=stats)
