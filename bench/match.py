"""Matching speed on a synthetic story built from real sentences.

Seed and ECB+ sentences are templates; each synthetic event is one template with its names and
numbers replaced (and a word dropped or two swapped per report), reported by several articles of
one occurrence; every article also carries unrelated claims. Prints, per size: wall time, peak
memory, candidate pairs and seconds per step; exhaustive cdist on a 10k subset as a ratio; new
articles matched one at a time into the 100k story (median of three), as a share of the whole
match.

With --process it measures `manage.py match_claims` instead, as a process on a real database:
a throwaway database (an SQLite file under /tmp, or PostgreSQL database parallax_bench_e2e,
created and dropped here; BENCH_PG_DATABASE names another, for two runs at once) holding the
100k story, matched three times: the first run, the unchanged re-run (which finds nothing
changed and matches nothing), and a forced full re-run (`--full`). Per run: wall time, CPU
time (the process's and, for PostgreSQL on this machine, its server process's: on a shared
machine a steadier figure than wall time), peak memory of the process, the longest write
transaction (every transaction and every write statement outside one, timed on the
connection), where the time went (loading, the pipeline, storing; wall and CPU seconds), the
time spent collecting garbage, and the wall time as a multiple of the pipeline inside it.

    python bench/match.py            # 10k and 100k
    python bench/match.py --million  # and 1M (a few minutes)
    python bench/match.py --process --database sqlite      # the command, 100k claims
    python bench/match.py --process --database postgres --million
    python bench/match.py --process --profile /tmp/run.prof  # and cProfile each run
"""

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _corpus import ECB, ROOT

from claims.matching import (
    ArticleInput,
    ClaimInput,
    StoryIndex,
    match_incremental,
    match_index,
    score,
)

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "vor",
    "dul",
    "sa",
    "ne",
    "bri",
    "ost",
    "pel",
    "gan",
    "tre",
    "mu",
    "zor",
    "hal",
    "fin",
    "dra",
    "ko",
]
SKIP_EXHAUSTIVE = bool(os.environ.get("SKIP_EXHAUSTIVE"))
LABELS: list[int | None] = []  # the synthetic event of each claim of the last corpus, or None
PER_ARTICLE, EVENT_CLAIMS_PER_ARTICLE, EVENTS_PER_OCCURRENCE, ARTICLES_PER_OCCURRENCE = 30, 2, 5, 6


def templates() -> list[str]:
    out = []
    for split in ("train", "dev"):
        with open(ECB / f"{split}.jsonl") as f:
            out += [json.loads(line)["text"] for line in f]
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        out += [s for s in re.split(r"(?<=[.!?])\s+", path.read_text()) if len(s.split()) > 6]
    return out


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def event_text(template: str, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    words = sorted(set(re.findall(r"\b(?:[A-Z][a-z]+|\d+)\b", template)))  # same corpus each run
    return {w: name(rng) if w[0].isalpha() else str(rng.randint(2, 999)) for w in words}


def variant(template: str, names: dict[str, str], rng: random.Random) -> str:
    words = [names.get(w.strip(".,"), w) for w in template.split()]
    if len(words) > 6:
        del words[rng.randrange(len(words))]
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def corpus(n_claims: int, first_article: int = 1, seed: int = 0):
    rng = random.Random(seed)
    base = templates()
    articles, claims = [], []
    LABELS.clear()
    n_articles = n_claims // PER_ARTICLE
    for k in range(n_articles):
        aid = first_article + k
        occurrence = k // ARTICLES_PER_OCCURRENCE
        texts = []
        for e in range(EVENTS_PER_OCCURRENCE):
            event = occurrence * EVENTS_PER_OCCURRENCE + e
            t = base[event % len(base)]
            names = event_text(t, event)
            texts += [variant(t, names, rng) for _ in range(EVENT_CLAIMS_PER_ARTICLE)]
            LABELS.extend([event] * EVENT_CLAIMS_PER_ARTICLE)
        while len(texts) < PER_ARTICLE:
            t = rng.choice(base)
            texts.append(variant(t, event_text(t, rng.randrange(10**9)), rng))
            LABELS.append(None)
        articles.append(ArticleInput(aid, f"outlet {aid % 500}", "", None, " ".join(texts)))
        claims += [ClaimInput(aid * 100 + p, aid, t, p) for p, t in enumerate(texts)]
    return articles, claims


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_peak_mb() -> float:
    """The largest resident size of a child the matcher forked (claims/matching/beside.py);
    the pages it shares with this process (until either writes them) counted in both."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def one(n: int) -> dict:
    articles, claims = corpus(n)
    t = time.perf_counter()
    # a real caller keeps this index (pickled) for the articles imported later
    index = StoryIndex.build(articles, claims)
    build = time.perf_counter() - t
    result = match_index(index, explain_links=False)
    wall = time.perf_counter() - t
    out = dict(
        n=len(claims),
        wall=wall,
        peak_mb=peak_mb(),
        generated=result.stats["candidate_pairs_generated"],
        scored=result.stats["candidate_pairs_scored"],
        links=result.stats["links"],
        events=result.stats["events"],
        steps={"index": round(build, 2)}
        | {
            k[8:]: round(v, 2)
            for k, v in result.stats.items()
            if k.startswith("seconds_") and k != "seconds_normalise"
        },
        quality=event_quality(result, claims),
    )
    explained = match_index(index, explain_links=True)
    out["explain_us"] = (
        1e6
        * (explained.stats["seconds_explain"] - result.stats["seconds_explain"])
        / max(len(explained.links), 1)
    )
    del explained
    if n == 10_000 and not SKIP_EXHAUSTIVE:
        t = time.perf_counter()
        score.wording_all_pairs(index.texts)
        out["exhaustive"] = time.perf_counter() - t
    if n == 100_000:
        # three articles imported one after the other (timings are noisy: the median counts)
        existing = {c: e.key for e in result.events for c in e.claim_ids}
        times, links = [], 0
        for seed in (1, 2, 3):
            new_articles, new_claims = corpus(PER_ARTICLE, first_article=10**6 * seed, seed=seed)
            t = time.perf_counter()
            inc = match_incremental(index, new_articles, new_claims, existing=existing)
            times.append(1000 * (time.perf_counter() - t))
            links = links or len(inc.links)
        out["incremental_ms"] = sorted(times)[1]
        out["incremental_all_ms"] = [round(x) for x in times]
        out["incremental_links"] = links
    out["peak_explained_mb"] = peak_mb()  # with the explained result and the imports too
    out["child_peak_mb"] = child_peak_mb()
    return out


def event_quality(result, claims) -> str:
    """Pairwise precision and recall of the events against the corpus's own event labels."""
    truth = {c.id: label for c, label in zip(claims, LABELS, strict=True) if label is not None}
    from collections import Counter

    found = {c: e.key for e in result.events for c in e.claim_ids}
    both = Counter((truth[c], found[c]) for c in truth if c in found)
    per_truth = Counter(truth.values())
    per_found = Counter(found[c] for c in truth if c in found)
    tp = sum(k * (k - 1) // 2 for k in both.values())
    gold = sum(k * (k - 1) // 2 for k in per_truth.values())
    pred = sum(k * (k - 1) // 2 for k in per_found.values())
    return f"P {tp / max(pred, 1):.2f} R {tp / max(gold, 1):.2f}"


# --- the command end to end (--process) ---

PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
PG_NAME = os.environ.get("BENCH_PG_DATABASE", "parallax_bench_e2e")
SLUG = "bench-e2e"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
STORY_LOCK = ('FROM "articles_story"', "FOR NO KEY UPDATE")  # StoryQuerySet.lock, PostgreSQL
# store.py's steps, timed in the command's process (nested ones are inside the one above:
# _assign in _save_events, _drop_suggestions in _save_links); a missing name is skipped, and
# so is event_dates when a forked child works them out (claims/matching/beside.py)
STEPS = {
    "load": ["_inputs", "_story_inputs", "story_aliases", "constraints"],
    "pipeline": ["StoryIndex.build", "match_index"],
    "store": ["event_dates", "_store", "_LinkRows", "_save_events", "_assign", "_save_links"]
    + ["_drop_suggestions", "_save_state"],
    # what the result depends on and what is stored, compared with the last run's (the
    # unchanged re-run), then kept at the end of a full run
    "digest": ["outcome_digest"],
}
RUNS = [("first run", []), ("re-run", []), ("--full", ["--full"])]


def process(n: int, database: str, profile: str | None) -> None:
    """Store an n-claim story in a throwaway database, then run match_claims on it three times
    (RUNS)."""
    tmp = Path(tempfile.mkdtemp(prefix="parallax_bench_e2e_"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        env["DATABASE_URL"] = PG_SERVER + PG_NAME
        _postgres(f"DROP DATABASE IF EXISTS {PG_NAME}", f"CREATE DATABASE {PG_NAME}")
    try:
        t = time.perf_counter()
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
        articles = store_story(n, env)
        print(
            f"match_claims on {database}, {n} claims in {articles} articles (stored in "
            f"{time.perf_counter() - t:.0f} s, not counted below); the machine may be shared"
        )
        print(
            f"{'':9} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'longest write tx s':>19} "
            f"{'txs':>5} {'pipeline s':>10} {'wall/pipeline':>14}"
        )
        for i, (run, options) in enumerate(RUNS):
            stats = tmp / f"run{i}.json"
            cmd = [sys.executable, __file__, "--child", SLUG, str(stats)]
            cmd += ["--profile", f"{profile}.{i}"] if profile else []
            cmd += ["--full-run"] if "--full" in options else []
            t = time.perf_counter()
            env["BENCH_LAUNCHED"] = repr(time.time())
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - t
            if proc.returncode:
                sys.exit(f"{run} failed:\n{proc.stderr}")
            report(run, wall, json.loads(stats.read_text()), proc.stdout.strip())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if database == "postgres":
            _postgres(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def report(run: str, wall: float, r: dict, output: str) -> None:
    pipeline = sum(r["steps"].get(k, 0) for k in STEPS["pipeline"])
    txs = r["transactions"]
    longest = max(txs, key=lambda tx: tx[0], default=[0.0, 0, ""])
    print(
        f"{run:9} {wall:7.1f} {sum(r['cpu']):6.1f} {r['peak_mb']:8.0f} {longest[0]:19.2f} "
        f"{len(txs):5d} {pipeline:10.1f} "
        + (f"{wall / pipeline:13.1f}x" if pipeline else f"{'(not run)':>14}")
    )
    print(f"          {output}")
    if r.get("child_peak_mb"):
        print(
            "          a forked child (labels, definitions, dates) at most "
            f"{r['child_peak_mb']:.0f} MB resident, the pages it shares with the command counted"
        )
    print(
        f"          {r['startup']:.1f} s before the command (interpreter, imports, Django), "
        f"{r['command']:.1f} s in it ({r.get('gc', 0):.1f} s of it collecting garbage), "
        f"{wall - r['startup'] - r['command']:.1f} s after it (exit)"
    )
    process_cpu, server_cpu = r["cpu"]
    print(
        f"          CPU: {process_cpu + server_cpu:.1f} s ({process_cpu:.1f} s the process, "
        f"{server_cpu:.1f} s the database server); per step, wall s / CPU s:"
    )
    for part, names in STEPS.items():
        steps = {
            k: f"{r['steps'][k]:.1f}/{r['steps'][f'cpu {k}']:.1f}" for k in names if k in r["steps"]
        }
        print(f"          {part}: {steps}")
    over = sum(1 for tx in txs if tx[0] > 1)
    print(
        f"          write transactions: {sum(tx[0] for tx in txs):.1f} s in all, {over} over 1 s; "
        f"the longest ({longest[1]} statements): {longest[2]}"
    )
    # what a label waits for: on SQLite any write transaction (one writer at a time), on
    # PostgreSQL the story's lock (editing.lock), from the moment it is held to the commit
    held = max(txs, key=lambda tx: tx[3] if len(tx) > 3 else 0, default=[0.0, 0, "", 0.0])
    if len(held) > 3 and held[3]:
        print(f"          the story's lock held at most {held[3]:.2f} s: {held[2]}")


def _postgres(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def store_story(n: int, env: dict) -> int:
    """The corpus as one story: outlets, articles and claims written directly (bulk_create),
    as an import would leave them. Returns the number of articles."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections, transaction

    from articles.models import Article, Outlet, Story
    from claims.models import Claim

    articles, claims = corpus(n)
    with transaction.atomic():
        story = Story.objects.create(slug=SLUG, title=f"Synthetic story, {n} claims")
        names = sorted({a.outlet for a in articles})
        Outlet.objects.bulk_create(
            [Outlet(name=name, slug=f"bench-{i}") for i, name in enumerate(names)]
        )
        outlet = dict(Outlet.objects.values_list("name", "id"))
        Article.objects.bulk_create(
            [
                Article(
                    story=story,
                    outlet_id=outlet[a.outlet],
                    source=f"{a.id}.txt",
                    body=a.body,
                    original=a.body,
                    original_format="txt",
                    content_hash=f"bench-{a.id}",
                )
                for a in articles
            ],
            batch_size=1000,
        )
        stored = dict(story.articles.values_list("content_hash", "id"))
        rows, start, last = [], 0, None
        for c in claims:  # claims of one article are consecutive, in order, joined by spaces
            start = 0 if c.article_id != last else start
            last = c.article_id
            rows.append(
                Claim(
                    article_id=stored[f"bench-{c.article_id}"],
                    start=start,
                    end=start + len(c.text),
                    text=c.text,
                    position=c.position,
                )
            )
            start += len(c.text) + 1
        Claim.objects.bulk_create(rows, batch_size=5000)
    if connections["default"].vendor == "postgresql":
        # the statistics autovacuum gathers after an import (this server may run without it):
        # without them the planner takes the story for one article
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")
    connections.close_all()
    return len(articles)


def child(slug: str, stats_path: str, profile: str | None, full: bool = False) -> None:
    """`manage.py match_claims --story SLUG` in this process, timed from inside: its steps,
    its write transactions, its peak memory; written as JSON to stats_path."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    steps, transactions = _instrument()
    collected = _gc_timer()
    startup = time.time() - float(os.environ["BENCH_LAUNCHED"])
    command = ["manage.py", "match_claims", "--story", slug] + (["--full"] if full else [])
    t, cpu_before = time.perf_counter(), cpu()
    if profile:
        import cProfile

        cProfile.runctx("execute_from_command_line(command)", globals(), locals(), profile)
    else:
        execute_from_command_line(command)
    stats = dict(
        steps=steps,
        transactions=transactions,
        peak_mb=peak_mb(),
        child_peak_mb=child_peak_mb(),
        startup=startup,
        command=time.perf_counter() - t,
        cpu=[now - before for now, before in zip(cpu(), cpu_before, strict=True)],
        gc=collected[0],
    )
    Path(stats_path).write_text(json.dumps(stats))


_BACKEND: list[int] = []  # the PostgreSQL server process of the command's connection
_SERVER_CPU = [0.0]  # its CPU seconds when last read (the command closes its connection)


def cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process (all its threads, and the children it forked and
    waited for: claims/matching/beside.py) and by the database server process serving its
    connection (PostgreSQL on this machine; SQLite works in the process): unlike wall time,
    hardly changed by other work on a shared machine."""
    from django.db import connection

    server = 0.0
    if connection.vendor == "postgresql":
        if not _BACKEND:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                _BACKEND.append(cursor.fetchone()[0])
        try:
            fields = Path(f"/proc/{_BACKEND[0]}/stat").read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            _SERVER_CPU[0] = server
        except OSError:  # a server elsewhere, or the connection closed: as last read
            server = _SERVER_CPU[0]
    times = os.times()
    return time.process_time() + times.children_user + times.children_system, server


def _gc_timer() -> list[float]:
    """Seconds the cyclic garbage collector takes from now on (in the list's one item)."""
    import gc

    spent, began = [0.0], [0.0]

    def timer(phase, info):
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - began[0]

    gc.callbacks.append(timer)
    return spent


def _instrument() -> tuple[dict, list]:
    """Time store.py's steps (seconds by name) and every write transaction of the default
    connection, from its BEGIN to its COMMIT (an autocommitted write statement is one too):
    [seconds, statements, the first write statement]."""
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper

    from claims import matching
    from claims.actions import matching as store

    steps: dict[str, float] = {}
    transactions: list = []

    def timed(name, func):
        def run(*args, **kwargs):
            t, used = time.perf_counter(), sum(cpu())
            try:
                return func(*args, **kwargs)
            finally:
                steps[name] = steps.get(name, 0.0) + time.perf_counter() - t
                steps[f"cpu {name}"] = steps.get(f"cpu {name}", 0.0) + sum(cpu()) - used

        return run

    for names in STEPS.values():
        for name in names:
            if "." in name:
                cls, attr = name.split(".")
                owner = getattr(matching, cls)
                setattr(owner, attr, staticmethod(timed(name, getattr(owner, attr))))
            elif hasattr(store, name):
                setattr(store, name, timed(name, getattr(store, name)))
            elif hasattr(matching, name):  # store.py calls it as matching.name
                setattr(matching, name, timed(name, getattr(matching, name)))

    open_tx: dict = {}
    real_autocommit = BaseDatabaseWrapper.set_autocommit

    def set_autocommit(self, autocommit, *args, **kwargs):
        if not autocommit and self.get_autocommit():
            open_tx.update(began=time.perf_counter(), statements=0, first="", locked=None)
        real_autocommit(self, autocommit, *args, **kwargs)
        if autocommit and open_tx.get("began") is not None:
            now = time.perf_counter()
            seconds, locked = now - open_tx.pop("began"), open_tx["locked"]
            if open_tx["first"]:  # a transaction that wrote
                held = now - locked if locked is not None else 0.0
                transactions.append([seconds, open_tx["statements"], open_tx["first"], held])

    def statement(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            write = sql.lstrip().upper().startswith(WRITES)
            if open_tx.get("began") is not None:
                open_tx["statements"] += 1
                if open_tx["locked"] is None and all(part in sql for part in STORY_LOCK):
                    open_tx["locked"] = t
                if write and not open_tx["first"]:
                    open_tx["first"] = sql[:90]
            elif write:
                transactions.append([time.perf_counter() - t, 1, sql[:90], 0.0])

    BaseDatabaseWrapper.set_autocommit = set_autocommit
    real_close = BaseDatabaseWrapper.close

    def close(self, *args, **kwargs):
        if self.connection is not None and self is connection:
            cpu()  # the server's CPU read while it still serves this connection
        real_close(self, *args, **kwargs)

    BaseDatabaseWrapper.close = close
    connection.execute_wrappers.append(statement)
    return steps, transactions


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--million", action="store_true")
    parser.add_argument("--one", type=int)
    parser.add_argument("--process", action="store_true", help="time match_claims end to end")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--claims", type=int, help="with --process: this many claims instead")
    parser.add_argument("--profile", help="with --process: cProfile each run into this path")
    parser.add_argument("--child", nargs=2, metavar=("SLUG", "STATS"), help=argparse.SUPPRESS)
    parser.add_argument("--full-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, profile=args.profile, full=args.full_run)
        return
    if args.process:
        n = args.claims or (1_000_000 if args.million else 100_000)
        process(n, args.database, args.profile)
        return
    if args.one:
        print(json.dumps(one(args.one)))
        return
    sizes = [10_000, 100_000] + ([1_000_000] if args.million else [])
    print(
        f"{'claims':>9} {'wall s':>8} {'peak MB':>8} {'cand. generated':>16} {'scored':>10} "
        f"{'links':>8} {'events':>7}  steps (s)"
    )
    for n in sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['n']:9d} {r['wall']:8.2f} {r['peak_mb']:8.0f} {r['generated']:16d} "
            f"{r['scored']:10d} {r['links']:8d} {r['events']:7d}  {r['steps']}"
        )
        print(
            f"          explanations: {r['explain_us']:.0f} us a link more; peak "
            f"{r['peak_explained_mb']:.0f} MB with the explained result held as well; "
            f"a forked child (labels, definitions, dates) at most {r['child_peak_mb']:.0f} MB "
            "resident, the pages it shares with the parent counted"
        )
        if "exhaustive" in r:
            print(
                f"          exhaustive cdist on the same 10k claims: {r['exhaustive']:.2f} s "
                f"= {r['exhaustive'] / r['wall']:.1f}x the whole blocked match"
            )
        if "incremental_ms" in r:
            print(
                f"          one new article ({PER_ARTICLE} claims) into the 100k story: "
                f"{r['incremental_ms']:.0f} ms (median of {r['incremental_all_ms']}), "
                f"{r['incremental_links']} links; {r['incremental_ms'] / (1000 * r['wall']):.1%} "
                "of the whole match"
            )
    if not args.million:
        print("1M: run with --million")


if __name__ == "__main__":
    main()
