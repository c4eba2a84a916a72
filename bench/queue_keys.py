"""The review queue under the keys: from a label key to the next link shown, on a story of
50,000 links, beside a trivial Django view.

A key in the review queue posts the label (htmx, as review.html's label form does) and the
answer is the panel of the next open link, which htmx swaps in: that POST is the time from key
press to the next link on the screen, less the browser's own few milliseconds. This builds a
synthetic story with bulk_create (200 articles, 10,000 claims in 1,000 events, 50,000 links:
45 within each event, the rest across events; random scores), cached between runs like
bench/web.py, then, as one signed-in annotator in-process (Django's test client), labels link
after link in each order and prints the median and 90th percentile of the POST, the queries it
made, and the ratio to the trivial view. Prints numbers; never fails on timing.

    python bench/queue_keys.py
    python bench/queue_keys.py --labels 100 --links 20000
    python bench/queue_keys.py --rebuild          # build the story again
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import web  # noqa: E402

VERSION = 1  # bump when the story built here changes
SLUG = "bench-queue-keys"
ARTICLES, CLAIMS_PER_ARTICLE, OUTLETS = 200, 50, 20
CLASSES = 20  # articles a, a + 20, a + 40, ... tell of the same events
HTMX = {"HTTP_HX_REQUEST": "true"}
ORDERS = ("uncertain", "event")
LABELS = ("agrees", "contradicts", "partly", "unrelated")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=50_000)
    parser.add_argument("--labels", type=int, default=60, help="labels posted per order")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached database")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parallax-queue-keys-"))
    try:
        os.environ.update(web.environment(work))
        sys.path.insert(0, str(work / "mod"))
        setup(work, args)
        report(measure(args))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def setup(work: Path, args) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    db = work / "parallax.sqlite3"
    cached = web.CACHE / f"queue-keys-v{VERSION}-{args.links}.sqlite3"
    call_command("collectstatic", verbosity=0, interactive=False)
    if web.from_cache(db, cached, args.rebuild):
        print(f"story from cache {cached}")
        return
    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    build(args.links)
    print(f"built the story in {time.perf_counter() - t:.1f} s (migrate and bulk_create)")
    web.to_cache(db, cached)


def build(n_links: int) -> None:
    """Outlets, articles, claims (exact spans of their bodies), events and links."""
    from django.db import transaction

    from articles.models import Article, Format, Outlet, Story, content_hash
    from claims.models import Claim, Event, Link

    rng = random.Random(12)
    with transaction.atomic():
        story = Story.objects.create(slug=SLUG, title="50,000 links to review")
        outlets = Outlet.objects.bulk_create(
            [Outlet(name=f"Outlet {n}", slug=f"outlet-{n}") for n in range(OUTLETS)]
        )
        texts = {}
        articles = []
        for a in range(ARTICLES):
            sentences = [
                f"Officials in town {a % CLASSES}-{p} said on day {p} that {rng.randint(2, 900)} "
                f"people left after the strike reported by outlet {a // 10}."
                for p in range(CLAIMS_PER_ARTICLE)
            ]
            texts[a] = sentences
            body = " ".join(sentences)
            articles.append(
                Article(
                    story=story,
                    outlet=outlets[a // (ARTICLES // OUTLETS)],
                    title=f"Article {a}",
                    source=f"bench-queue-keys/{a:04d}",
                    body=body,
                    original=body,
                    original_format=Format.JSONL,
                    content_hash=content_hash(body),
                )
            )
        articles = Article.objects.bulk_create(articles)
        events = Event.objects.bulk_create(
            [
                Event(story=story, key=f"e{c}-{p}", auto_label=f"Event {c}-{p}")
                for c in range(CLASSES)
                for p in range(CLAIMS_PER_ARTICLE)
            ]
        )
        event_of = {(e.key): e for e in events}
        claims = []
        for a, article in enumerate(articles):
            start = 0
            for p, text in enumerate(texts[a]):
                claims.append(
                    Claim(
                        article=article,
                        start=start,
                        end=start + len(text),
                        text=text,
                        position=p,
                        event=event_of[f"e{a % CLASSES}-{p}"],
                    )
                )
                start += len(text) + 1
        claims = Claim.objects.bulk_create(claims, batch_size=2000)
        members = {}
        for claim in claims:
            members.setdefault(claim.event_id, []).append(claim.pk)
        pairs = {}
        for event_id, ids in members.items():
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    pairs[(a, b)] = event_id
        pairs = dict(list(pairs.items())[:n_links])
        ids = [c.pk for c in claims]
        while len(pairs) < n_links:
            a, b = sorted(rng.sample(ids, 2))
            pairs.setdefault((a, b), None)
        Link.objects.bulk_create(
            [
                Link(
                    story=story,
                    claim_a_id=a,
                    claim_b_id=b,
                    event_id=event_id,
                    score=round(rng.random(), 4),
                    shared_terms=["strike", "town"],
                    explanation="Both mention strike, town.",
                )
                for (a, b), event_id in pairs.items()
            ],
            batch_size=2000,
        )
        Event.objects.filter(story=story).refresh_counts()


def measure(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.models import Membership, Story
    from claims.models import Link

    story = Story.objects.get(slug=SLUG)
    out = {"links": Link.objects.filter(story=story).count(), "orders": {}}
    client = Client(HTTP_HOST="127.0.0.1")
    timed(lambda: client.get("/bench-trivial/"), 20)  # warm-up
    for order in ORDERS:
        user = get_user_model().objects.create_user(
            f"bench-keys-{order}-{secrets.token_hex(3)}", password=secrets.token_hex()
        )
        Membership.objects.create(story=story, user=user, role="annotator")
        client.force_login(user)
        out["orders"][order] = label_run(client, order, args.labels)
    trivial = [t for r in out["orders"].values() for t in r.pop("trivial")]
    out["trivial"] = {"median": statistics.median(trivial)}
    return out


def label_run(client, order: str, n: int) -> dict:
    """Label `n` links one after another as the queue's keys do; each POST's ms and queries.
    A trivial GET before each label, so that the ratio compares the two under the same load
    (this machine may be shared)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    base = f"/stories/{SLUG}/review/"
    panel = client.get(f"{base}?order={order}", **HTMX).content.decode()
    times, queries, trivial, rng = [], [], [], random.Random(order)
    for _ in range(n):
        trivial += timed(lambda: client.get("/bench-trivial/"), 5)["all"]
        form = next_form(panel)
        data = {**form, "label": rng.choice(LABELS), "note": "", "order": order}
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            response = client.post(f"{base}links/{form['link']}/", data, **HTMX)
            times.append(1000 * (time.perf_counter() - t))
        assert response.status_code == 200, response.status_code
        queries.append(len(captured))
        panel = response.content.decode()
    times.sort()
    return {
        "median": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "queries": statistics.median(queries),
        "n": n,
        "trivial": trivial,
    }


FORM = re.compile(r'action="[^"]*/review/links/(\d+)/"')
HIDDEN = re.compile(r'name="(version|claim_a|claim_b)" value="(\d+)"')


def next_form(panel: str) -> dict:
    """The label form of the panel's link: its id and hidden fields."""
    found = FORM.search(panel)
    assert found, "the panel shows no link to label"
    fields = {k: v for k, v in HIDDEN.findall(panel[found.start() :])[:3]}
    return {"link": found.group(1), **fields}


def timed(call, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - t))
    return {"median": statistics.median(times), "all": times}


def report(out: dict) -> None:
    trivial = out["trivial"]["median"]
    print(
        f"\nReview queue, {out['links']:,} links: a label key posted (htmx) until the next "
        "link's panel is back; in-process, SQLite, one annotator"
    )
    print(f"  {'trivial view (GET)':<26} {trivial:8.2f} ms")
    for order, r in out["orders"].items():
        print(
            f"  {'label -> next, ' + order:<26} {r['median']:8.2f} ms median, "
            f"{r['p90']:.2f} ms p90, {r['queries']:.0f} queries, "
            f"{r['median'] / trivial:.0f}x trivial ({r['n']} labels)"
        )
    print("RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
