"""Annotators labelling while an editor re-matches a large story, then every acknowledged write
compared with the database.

    python bench/load.py                                  # a fresh SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parallax_load python bench/load.py
    python bench/load.py --claims 20000 --annotators 8 --seconds 60
    python bench/load.py --share -1                       # the same without re-matching

The database named by DATABASE_URL is flushed first. A synthetic story (bench/match.py's
corpus) is stored and matched once. Then, for --seconds, each annotator (a thread with its own
database connection, calling the same verbs as the views: annotating.annotate and undo) labels
links at random: new labels, changed notes, labels sent with a stale version on purpose (the
409 the page would show), and undo. Meanwhile the editor re-matches the story again and again,
each time after making a share of its links look out of date (so the run rewrites them) and
adding suggestions the matcher does not make (so the run deletes them, while annotators may
be labelling exactly those). The editor is a process of its own, as the task worker is.

Afterwards it prints: acknowledged writes; lost (an acknowledged label that is not in the
database as acknowledged, or a history row missing); duplicated (more history rows than
acknowledged changes); errors other than the expected refusals (a view would answer 5xx);
deadlocks; p50/p95/max of a label's wait; and the re-matches with their longest transaction.
It asserts nothing: it prints numbers.
"""

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/load.sqlite3"

LABELS = ["agrees", "contradicts", "partly", "unrelated"]


def build_story(n_claims: int):
    from match import corpus

    from articles.models import Article, Outlet, Story
    from claims.models import Claim

    articles, claims = corpus(n_claims)
    story = Story.objects.create(slug="load", title="Load")
    outlets = {}
    by_article = defaultdict(list)
    for claim in claims:
        by_article[claim.article_id].append(claim)
    for a in articles:
        outlet = outlets.get(a.outlet) or outlets.setdefault(
            a.outlet, Outlet.objects.for_name(a.outlet)
        )
        stored = Article.objects.create(
            story=story,
            outlet=outlet,
            source=f"{a.id}.txt",
            body=a.body,
            original=a.body,
            original_format="txt",
            content_hash=f"load-{a.id}",
        )
        rows, start = [], 0
        for position, c in enumerate(by_article[a.id]):
            rows.append(
                Claim(
                    article=stored,
                    start=start,
                    end=start + len(c.text),
                    text=c.text,
                    position=position,
                )
            )
            start += len(c.text) + 1
        Claim.objects.bulk_create(rows)
    return story


class Transactions:
    """The longest of the re-matches' write transactions, from when it held the story's lock
    (or began) to its commit: how long it could hold up a label."""

    def __init__(self):
        self.longest, self.count, self.where, self.locked_at = 0.0, 0, "", None

    def lock(self, real_lock):
        def locked(*args, **kwargs):
            real_lock(*args, **kwargs)
            self.locked_at = time.perf_counter()

        return locked

    @contextmanager
    def timed(self, real_atomic):
        from django.db import connection

        outer = not connection.in_atomic_block
        if outer:
            self.locked_at = None
        started = time.perf_counter()
        with real_atomic():
            yield
        if outer:
            self.count += 1
            # from the moment it had the story's lock (waiting for it blocks nobody)
            seconds = time.perf_counter() - (self.locked_at or started)
            if seconds > self.longest:
                steps = [f.name for f in traceback.extract_stack() if "claims/store" in f.filename]
                self.longest, self.where = seconds, " > ".join(steps[:-1])


def out_of_date(story_id, claim_ids, share, rng, stale=200):
    """Before a re-match: a share of the story's links made to look out of date (the run
    rewrites them) and `stale` suggestions the matcher does not make, scored 0.5 (the run
    deletes them, while annotators may be labelling exactly those)."""
    from claims.models import Link

    ids = list(Link.objects.filter(story_id=story_id).values_list("id", flat=True))
    Link.objects.filter(id__in=rng.sample(ids, int(len(ids) * share))).update(score=0.01)
    pairs = set()
    while len(pairs) < stale:
        pairs.add(tuple(sorted(rng.sample(claim_ids, 2))))
    Link.objects.bulk_create(
        [Link(story_id=story_id, claim_a_id=a, claim_b_id=b, score=0.5) for a, b in pairs],
        ignore_conflicts=True,
    )


def editor(story_id, deadline, share, results):
    from django.db import connection, transaction

    from articles.models import Story
    from claims.actions import matching as store
    from claims.models import Claim

    rng = random.Random(1)
    timer = Transactions()
    real_atomic = transaction.atomic

    class Shim:
        def __getattr__(self, name):
            return getattr(transaction, name)

        @staticmethod
        def atomic(*args, **kwargs):
            return timer.timed(lambda: real_atomic(*args, **kwargs))

    store.transaction = Shim()
    store.lock = timer.lock(store.lock)
    out = {"rematches": [], "rematch_errors": []}
    try:
        claim_ids = list(
            Claim.objects.filter(article__story_id=story_id).values_list("id", flat=True)
        )
        while time.monotonic() < deadline and share >= 0:
            out_of_date(story_id, claim_ids, share, rng)
            started = time.perf_counter()
            try:
                summary = store.match_story(Story.objects.get(pk=story_id))
                out["rematches"].append((time.perf_counter() - started, str(summary)))
            except Exception as error:  # noqa: BLE001 - counted and printed
                out["rematch_errors"].append(repr(error))
    finally:
        store.transaction = transaction
        out["longest_transaction"] = timer.longest
        out["transactions"] = timer.count
        out["longest_where"] = timer.where
        connection.close()
        results.put(out)


class LinkPicker:
    """The story's link ids as an annotator picks them, read again every 2 s: half the time
    one of the suggestions the next re-match deletes (score 0.5), so that labels race it."""

    def __init__(self, story_id: int, rng: random.Random):
        self.story_id, self.rng = story_id, rng
        self.pool, self.stale, self.refreshed = [], [], 0.0

    def choices(self) -> list[int]:
        from claims.models import Link

        if time.monotonic() - self.refreshed > 2:
            links = Link.objects.filter(story_id=self.story_id)
            self.pool = list(links.values_list("id", flat=True))
            self.stale = list(links.filter(score=0.5).values_list("id", flat=True))
            self.refreshed = time.monotonic()
        return self.stale if self.stale and self.rng.random() < 0.5 else self.pool


def annotator(user_id, story_id, deadline, seed, out):
    from django.contrib.auth import get_user_model
    from django.db import OperationalError, connection

    from articles.models import Story
    from claims.actions import annotating
    from claims.models import Annotation, Link

    rng = random.Random(seed)
    user = get_user_model().objects.get(pk=user_id)
    story = Story.objects.get(pk=story_id)
    mine = out["expected"]
    picker = LinkPicker(story_id, rng)
    try:
        while time.monotonic() < deadline:
            choice = picker.choices()
            link = Link.objects.filter(pk=rng.choice(choice)).first() if choice else None
            if link is None:
                continue
            current = Annotation.objects.filter(link=link, annotator=user).first()
            version = current.version if current else 0
            action = rng.random()
            started = time.perf_counter()
            try:
                if action < 0.1:
                    undone = annotating.undo(story, user)
                    out["waits"].append(time.perf_counter() - started)
                    if undone is not None:
                        after = Annotation.objects.filter(link=undone, annotator=user).first()
                        mine[(undone.pk, user_id)] = (after.label, after.note) if after else None
                        out["acknowledged"] += 1
                        out["changes"][user_id] += 1
                    continue
                if action < 0.2:
                    version += 1  # a page out of date: must be refused
                label = rng.choice(LABELS)
                note = rng.choice(["", "", "seen", f"note {rng.randrange(1000)}"])
                before = (current.label, current.note) if current else None
                saved = annotating.annotate(link, user, label, note, version)
                out["waits"].append(time.perf_counter() - started)
                mine[(link.pk, user_id)] = (saved.label, saved.note)
                out["acknowledged"] += 1
                if before != (label, note):
                    out["changes"][user_id] += 1
            except (annotating.Conflict, annotating.LinkGone) as refused:
                out["waits"].append(time.perf_counter() - started)
                out["refused"][type(refused).__name__] += 1
            except OperationalError as error:
                key = "deadlocks" if "deadlock" in str(error) else "errors"
                out[key].append(repr(error))
            except Exception as error:  # noqa: BLE001 - a view would answer 500
                out["errors"].append(repr(error))
    finally:
        connection.close()


def compare(out) -> tuple[int, int, list[str]]:
    """Lost and duplicated writes. A write whose answer never came (its web worker was
    killed) may or may not have happened: out["unsure"] holds the (link, user) pairs whose
    state it may have changed, and out["uncertain"] how many such writes each user sent."""
    from claims.models import Annotation, AnnotationChange

    unsure, uncertain = out.get("unsure", set()), out.get("uncertain", Counter())
    lost, duplicated, examples = 0, 0, []
    for (link_id, user_id), state in out["expected"].items():
        row = Annotation.objects.filter(link_id=link_id, annotator_id=user_id).first()
        found = (row.label, row.note) if row else None
        if found != state and (link_id, user_id) not in unsure:
            lost += 1
            examples.append(f"link {link_id} user {user_id}: acknowledged {state}, found {found}")
    history = Counter(AnnotationChange.objects.values_list("user_id", flat=True))
    for user_id, acknowledged in out["changes"].items():
        lost += max(acknowledged - history[user_id], 0)
        duplicated += max(history[user_id] - acknowledged - uncertain[user_id], 0)
    return lost, duplicated, examples


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--share",
        type=float,
        default=0.3,
        help="links made out of date before each run; -1: no re-match (the labels' own waits)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    from claims.actions import matching as store

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    started = time.perf_counter()
    story = build_story(args.claims)
    first = store.match_story(story)
    print(
        f"{engine}: {args.claims} claims stored and matched in "
        f"{time.perf_counter() - started:.1f} s ({first})"
    )
    users = [get_user_model().objects.create_user(f"a{i}").pk for i in range(args.annotators)]

    out = {
        "expected": {},
        "changes": Counter(),
        "acknowledged": 0,
        "refused": Counter(),
        "waits": [],
        "errors": [],
        "deadlocks": [],
        "rematches": [],
        "rematch_errors": [],
    }
    deadline = time.monotonic() + args.seconds
    # The editor in a process of its own, as the task worker is: in a thread, matching would
    # hold the interpreter's lock and slow the annotators down by itself.
    connections.close_all()
    results = multiprocessing.get_context("fork").Queue()
    editing = multiprocessing.get_context("fork").Process(
        target=editor, args=(story.pk, deadline, args.share, results)
    )
    editing.start()
    threads = [
        threading.Thread(target=annotator, args=(u, story.pk, deadline, n, out))
        for n, u in enumerate(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out |= results.get()
    editing.join()

    lost, duplicated, examples = compare(out)
    waits = out["waits"]
    print(
        f"{args.annotators} annotators for {args.seconds:.0f} s: {out['acknowledged']} writes "
        f"acknowledged, refused {dict(out['refused'])}; lost {lost}, duplicated {duplicated}, "
        f"errors (5xx) {len(out['errors'])}, deadlocks {len(out['deadlocks'])}"
    )
    print(
        f"label wait: p50 {1000 * percentile(waits, 0.5):.0f} ms, p95 "
        f"{1000 * percentile(waits, 0.95):.0f} ms, max {1000 * max(waits, default=0):.0f} ms"
    )
    runs = out["rematches"]
    print(
        f"re-matches: {len(runs)} done, {len(out['rematch_errors'])} failed; "
        f"{out.get('transactions', 0)} write transactions, the longest "
        f"{out.get('longest_transaction', 0):.2f} s ({out.get('longest_where', '')})"
    )
    for seconds, summary in runs[:3]:
        print(f"  {seconds:.1f} s: {summary}")
    for line in (examples + out["errors"] + out["deadlocks"] + out["rematch_errors"])[:10]:
        print("  " + line[:300])


if __name__ == "__main__":
    main()
