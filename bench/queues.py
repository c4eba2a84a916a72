"""The two review queues as a story grows: GET times of the discrepancy queue and the link review
queue at ~100 and ~900 articles, page cache off, beside a trivial Django view.

Builds and matches each story like bench/web.py (the same synthetic articles, the same cached
databases), then times GETs in-process with Django's test client as a signed-in annotator: the
discrepancy queue's first visit after matching (every event framed), its later visits (as a page
and as the htmx panel), and the review queue's page and panel. Prints medians, queries per
request and the ratio to the trivial view; never fails on timing.

    python bench/queues.py                      # 100 and 900 articles
    python bench/queues.py --sizes 100 300 --repeat 5
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import web  # noqa: E402

HTMX = {"HTTP_HX_REQUEST": "true"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 900])
    parser.add_argument("--repeat", type=int, default=7, help="GETs per page (median)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached databases")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = parser.parse_args()
    if args.one:
        print("RESULT " + json.dumps(measure(args.one, args)))
        return
    rows = []
    for n in args.sizes:
        # Settings hold the database: one process a story.
        cmd = [sys.executable, __file__, "--one", str(n), "--repeat", str(args.repeat)]
        out = subprocess.run(
            cmd + (["--rebuild"] if args.rebuild else []),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        print("\n".join(ln for ln in out.splitlines() if not ln.startswith("RESULT ")))
        rows.append(json.loads(next(ln for ln in out.splitlines() if ln.startswith("RESULT "))[7:]))
    report(rows)


def measure(n_articles: int, args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="parallax-queues-"))
    try:
        env = web.environment(work)
        env["PARALLAX_PAGE_CACHE"] = "0"
        os.environ.update(env)
        sys.path.insert(0, str(work / "mod"))
        web.setup(work, argparse.Namespace(articles=n_articles, rebuild=args.rebuild))
        return run_pages(args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_pages(repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.models import Membership, Story
    from claims.models import Claim, Discrepancy, Event, Link

    story = Story.objects.get(slug=web.SLUG)
    user = get_user_model().objects.create_user("bench-queues", password=secrets.token_hex())
    Membership.objects.create(story=story, user=user, role="annotator")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    base = f"/stories/{web.SLUG}"
    out = {
        "articles": story.articles.count(),
        "claims": Claim.objects.filter(article__story=story).count(),
        "events": Event.objects.filter(story=story, outlet_count__gte=2).count(),
        "links": Link.objects.filter(story=story).count(),
    }
    out["trivial"] = timed(client, "/bench-trivial/", {}, max(repeat, 50))
    out["discrepancies, first visit"] = timed(client, f"{base}/discrepancies/", {}, 1)
    out["rows"] = Discrepancy.objects.filter(story=story).count()
    middle = (
        Discrepancy.objects.filter(story=story)
        .order_by("event_id", "kind", "id")
        .values_list("id", flat=True)[out["rows"] // 2]
        if out["rows"]
        else 0
    )
    out["discrepancies"] = timed(client, f"{base}/discrepancies/", {}, repeat)
    item = f"{base}/discrepancies/?item={middle}"
    out["discrepancies panel (htmx)"] = timed(client, item, HTMX, repeat)
    out["review"] = timed(client, f"{base}/review/", {}, repeat)
    out["review panel (htmx)"] = timed(client, f"{base}/review/?order=event", HTMX, repeat)
    return out


def timed(client, url: str, headers: dict, repeat: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()  # the log keeps 9,000 queries: a longer request would count none
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            response = client.get(url, **headers)
            times.append(1000 * (time.perf_counter() - t))
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return {"ms": statistics.median(times), "queries": queries}


PAGES = [
    "trivial",
    "discrepancies, first visit",
    "discrepancies",
    "discrepancies panel (htmx)",
    "review",
    "review panel (htmx)",
]


def report(rows: list[dict]) -> None:
    print("\nGET in-process (test client), page cache off; median ms, queries, x trivial view")
    for row in rows:
        print(
            f"\n{row['articles']} articles, {row['claims']} claims, {row['events']} events of "
            f"2+ outlets, {row['links']} links, {row['rows']} discrepancies"
        )
        base = row["trivial"]["ms"]
        for page in PAGES:
            r = row[page]
            print(
                f"  {page:<28} {r['ms']:9.1f} ms {r['queries']:5d} queries {r['ms'] / base:9.0f}x"
            )
    print("('first visit' frames every event, as the first visit after a re-match does)")


if __name__ == "__main__":
    main()
