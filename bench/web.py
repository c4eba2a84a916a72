"""Pages under load: a story of 2,000 articles and ~50,000 claims served by gunicorn.

Builds the story in its own SQLite database (real sentences with new names, see _webdata.py),
runs the real matcher on it, serves the app with gunicorn (2 sync workers, as `make run`) and
loads each page with wrk (or a Python client when wrk is missing) on 127.0.0.1. Prints
requests/s, median and 95th-percentile latency per page next to a trivial Django view served by
the same gunicorn in the same run. Under load the pages come from the page cache
(articles/pagecache.py), so it also prints what each page costs "cold": the first request after
a change to the story, when nothing is cached. Then it counts queries and profiles one cold
request of each page in-process. Prints numbers; never fails on timing.

    python bench/web.py                # the built database is cached between runs
    python bench/web.py --rebuild      # build and match the story again
    python bench/web.py --seconds 10 --client python
    python bench/web.py --only search  # the trivial view and the search pages only
"""

import argparse
import cProfile
import http.client
import json
import os
import pstats
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _webdata  # noqa: E402

VERSION = 1  # bump when _webdata changes the story
SLUG = "bench-web"
CACHE = Path(tempfile.gettempdir()) / "parallax-bench-web"
WORKERS = 2
TARGET_RPS, TARGET_MEDIAN_MS = 100, 50
HTMX = {"HX-Request": "true"}
TIMEOUT_S = 120  # gunicorn's worker timeout too: a slow page is measured, not killed

SETTINGS = """from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_web_urls"
"""
URLS = """from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench-trivial/", trivial), path("", include("config.urls"))]
"""
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load per page (default 5)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached database")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="bound for the Python client, per page"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument(
        "--only", help="load only the pages whose name contains this (and the trivial view)"
    )
    args = parser.parse_args()
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    elif client == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not on PATH (apt-get install wrk), or use --client python")

    work = Path(tempfile.mkdtemp(prefix="parallax-web-"))
    env = environment(work)
    os.environ.update(env)
    sys.path.insert(0, str(work / "mod"))
    server = None
    try:
        pages = setup(work, args)
        if args.only:
            pages = {n: p for n, p in pages.items() if args.only in n or n == "trivial view"}
        server = Gunicorn(work, env, port=args.port)
        server.start()
        results = load_all(server.port, pages, client, args)
        server.stop()
        server = None
        print_table(results, client, args)
        print_search(results)
        profile_all(pages, results)
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def environment(work: Path) -> dict[str, str]:
    """The environment of both this process and gunicorn: own database, DEBUG off."""
    mod = work / "mod"
    mod.mkdir()
    (mod / "bench_web_settings.py").write_text(SETTINGS)
    (mod / "bench_web_urls.py").write_text(URLS)
    return {
        "DATABASE_URL": f"sqlite:///{work / 'parallax.sqlite3'}",
        "PARALLAX_VAR_DIR": str(work / "var"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "bench_web_settings",
        "PYTHONPATH": os.pathsep.join([str(mod), str(ROOT)]),
    }


# --- the story ------------------------------------------------------------------------------


def cache_key(n_articles: int) -> str:
    """VERSION names the story; a change to the schema is migrated on the copy, a change to the
    matcher needs --rebuild (matching takes minutes, so it is not redone on every edit)."""
    return f"story-v{VERSION}-{n_articles}"


def setup(work: Path, args) -> dict[str, dict]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    db = work / "parallax.sqlite3"
    cached = CACHE / f"{cache_key(args.articles)}.sqlite3"
    if from_cache(db, cached, args.rebuild):
        info = json.loads(cached.with_suffix(".json").read_text())
        print(
            f"story from cache {cached} (built in {info['build_s']:.1f} s, "
            f"matched in {info['match_s']:.1f} s when it was made)"
        )
    else:
        t = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        build_s = build_story(args.articles)
        t_match = time.perf_counter()
        from articles.models import Story
        from claims.actions.matching import match_story

        summary = match_story(Story.objects.get(slug=SLUG))
        match_s = time.perf_counter() - t_match
        print(
            f"setup: migrate + build {t_match - t:.1f} s (bulk_create {build_s:.1f} s); "
            f"match_story {match_s:.1f} s: {summary}"
        )
        to_cache(db, cached)
        cached.with_suffix(".json").write_text(json.dumps({"build_s": build_s, "match_s": match_s}))
    t = time.perf_counter()
    call_command("collectstatic", verbosity=0, interactive=False)
    print(f"collectstatic {time.perf_counter() - t:.1f} s")
    pages = choose_pages()
    connection.close()
    return pages


def from_cache(db: Path, cached: Path, rebuild: bool) -> bool:
    """The cached database copied to `db` and migrated, when there is one and it is wanted."""
    from django.core.management import call_command

    if rebuild or not cached.exists():
        return False
    shutil.copy(cached, db)
    call_command("migrate", verbosity=0, interactive=False)
    return True


def to_cache(db: Path, cached: Path) -> None:
    """The database just built at `db` kept as `cached` for the next runs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    CACHE.mkdir(exist_ok=True)
    shutil.copy(db, cached)


def build_story(n_articles: int) -> float:
    """Outlets, articles and claims with bulk_create; claims are exact spans of the body."""
    from django.db import transaction
    from django.utils.text import slugify

    from articles.models import Article, Format, Outlet, Story, content_hash
    from claims.models import Claim
    from claims.text.attribution import speaker

    t = time.perf_counter()
    specs = _webdata.story(n_articles)
    with transaction.atomic():
        story = Story.objects.create(
            slug=SLUG,
            title="The ceasefire's collapse, retold 2,000 times",
            description="A synthetic story for bench/web.py.",
        )
        outlets = {
            o.name: o
            for o in Outlet.objects.bulk_create(
                [Outlet(name=name, slug=slugify(name)) for name in _webdata.OUTLETS]
            )
        }
        articles = []
        for n, spec in enumerate(specs):
            body = " ".join(spec.claims)
            articles.append(
                Article(
                    story=story,
                    outlet=outlets[spec.outlet],
                    title=spec.title,
                    published=spec.published,
                    source=f"bench-web/{n:04d}.jsonl",
                    body=body,
                    original=body,
                    original_format=Format.JSONL,
                    content_hash=content_hash(body),
                )
            )
        articles = Article.objects.bulk_create(articles, batch_size=500)
        claims = []
        for article, spec in zip(articles, specs, strict=True):
            start = 0
            for position, text in enumerate(spec.claims):
                end = start + len(text)
                assert article.body[start:end] == text
                claims.append(
                    Claim(
                        article=article,
                        start=start,
                        end=end,
                        text=text,
                        position=position,
                        speaker=speaker(text),
                    )
                )
                start = end + 1
        Claim.objects.bulk_create(claims, batch_size=2000)
    return time.perf_counter() - t


def choose_pages() -> dict[str, dict]:
    """The URLs to load: overview, the largest and a typical event, the reader (with a claim
    chosen), the search fragment, and the trivial view."""
    from django.db.models import Count, Q

    from articles.models import Article, Story
    from claims.models import Claim, Event, Link

    story = Story.objects.get(slug=SLUG)
    events = list(
        Event.objects.filter(story=story)
        .annotate(n=Count("claims"))
        .order_by("-n", "id")
        .values_list("id", "n")
    )
    links = Link.objects.filter(story=story).count()
    claims = Claim.objects.filter(article__story=story).count()
    articles = story.articles.count()
    print(
        f"story: {articles} articles, {claims} claims, {len(events)} events, {links} links; "
        f"largest event {events[0][1]} claims, median event "
        f"{statistics.median(n for _, n in events):.0f}"
    )
    largest = events[0]
    typical = events[len(events) // 2]
    # A reader page like most: an article of about average length with matched claims.
    article = (
        Article.objects.filter(story=story)
        .annotate(n=Count("claims"), matched=Count("claims", filter=Q(claims__event__isnull=False)))
        .filter(n__gte=23, n__lte=27)
        .order_by("-matched", "id")
        .first()
    )
    claim = (
        Claim.objects.filter(article=article)
        .annotate(links=Count("links_as_a", distinct=True) + Count("links_as_b", distinct=True))
        .order_by("-links", "id")
        .first()
    )
    base = f"/stories/{SLUG}"
    return {
        "trivial view": {"url": "/bench-trivial/"},
        "story overview": {"url": f"{base}/"},
        f"event, largest ({largest[1]} claims)": {"url": f"{base}/events/{largest[0]}/"},
        f"event, typical ({typical[1]} claims)": {"url": f"{base}/events/{typical[0]}/"},
        "reader": {"url": f"{base}/articles/{article.pk}/"},
        f"reader ?claim ({claim.links} links)": {
            "url": f"{base}/articles/{article.pk}/?claim={claim.pk}"
        },
        "search fragment (htmx)": {"url": f"{base}/search/?q=convoy", "headers": HTMX},
        **search_pages(story, base),
    }


# Typed alias groups of the bench story: the seed story's own, and one the outlets' synonyms
# (_webdata.SYNONYMS) call for, some claims saying "raid" where others say "strike": a broad
# one, a name in one claim of twenty.
BENCH_ALIASES = ["Islamic State, ISIS, ISIL, Daesh", "strike, raid"]
SEARCHES = {
    "two words": "convoy Okafor",
    "alias-expanded": "ISIS",
    "alias-expanded, broad": "raid",
    "phrase": '"the aid convoy"',
}


def search_pages(story, base: str) -> dict[str, dict]:
    """The search fragment for a query of each kind (claims/text/query.py), with how many
    claims each finds: two words in any order, a name whose alias group is searched too, a
    phrase."""
    from urllib.parse import urlencode

    from claims.actions.matching import story_aliases
    from claims.models import Alias
    from claims.text.query import parse
    from claims.views.search import found_ids

    for terms in BENCH_ALIASES:
        Alias.objects.get_or_create(story=story, terms=terms)
    pages = {}
    for kind, q in SEARCHES.items():
        n = len(found_ids(story, parse(q, story_aliases(story)), {}))
        print(f"search, {kind}: {q!r} finds {n} claims")
        url = f"{base}/search/?{urlencode({'q': q})}"
        pages[f"search, {kind}"] = {"url": url, "headers": HTMX, "cold_n": 15}
    return pages


# --- the server -----------------------------------------------------------------------------


class Gunicorn:
    """gunicorn serving the app on `port` of 127.0.0.1 (0: a free one), its log in
    work/gunicorn.log.
    bench/load_http.py starts it with other workers and another page to wait for."""

    def __init__(
        self,
        work: Path,
        env: dict[str, str],
        worker_class: str = "sync",
        threads: int = 1,
        timeout: int = TIMEOUT_S,
        ready: str = "/bench-trivial/",
        port: int = 0,
    ):
        self.work, self.env = work, {**os.environ, **env}
        self.worker_class, self.threads = worker_class, threads
        self.timeout, self.ready = timeout, ready
        self.proc = self.log = None
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
            self.port = s.getsockname()[1]

    def start(self):
        self.log = open(self.work / "gunicorn.log", "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--worker-class",
                self.worker_class,
                "--threads",
                str(self.threads),
                "--timeout",
                str(self.timeout),
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if get(self.port, self.ready)[0] == 200:
                    kind = self.worker_class + (f" ({self.threads} threads)" * (self.threads > 1))
                    print(f"gunicorn: {WORKERS} {kind} workers on 127.0.0.1:{self.port}")
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn did not answer:\n{(self.work / 'gunicorn.log').read_text()[-2000:]}")

    def stop(self):
        stop_process(self.proc)
        self.proc = None
        if self.log:
            self.log.close()
            self.log = None


def stop_process(proc: subprocess.Popen | None) -> None:
    """Ask a process to end, kill it after 15 s, and wait for it."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def get(port: int, url: str, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        conn.request("GET", url, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- load -----------------------------------------------------------------------------------


def load_all(port: int, pages: dict, client: str, args) -> dict[str, dict]:
    results = {}
    for name, page in pages.items():
        try:
            status, body = get(port, page["url"], page.get("headers"))
        except (OSError, http.client.HTTPException) as e:
            print(f"ERROR {name}: GET {page['url']} failed ({e!r}); not loaded")
            continue
        if status != 200:
            print(f"ERROR {name}: GET {page['url']} answered {status}; not loaded")
            continue
        alone = serial_latency(port, page)
        cold = cold_latency(port, page, page.get("cold_n", 5))
        run = run_wrk if client == "wrk" else run_python
        run(port, page, 1.0, args)  # warm-up
        # A slow page needs longer than `seconds` for requests queued behind 15 others to
        # finish at all: run it long enough for ~3 rounds (at most a minute).
        seconds = min(60.0, max(args.seconds, 3 * alone / 1000 * args.connections / WORKERS))
        result = run(port, page, seconds, args)
        result["seconds"] = seconds
        result.update(alone_ms=alone, cold_ms=cold, bytes=len(body), url=page["url"])
        results[name] = result
    return results


def serial_latency(port: int, page: dict, n: int = 20, budget_s: float = 3.0) -> float:
    """Median ms of one request at a time (up to n, for at most ~budget_s): what one request
    costs without queueing."""
    times = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    while len(times) < n and sum(times) < budget_s:
        t = time.perf_counter()
        conn.request("GET", page["url"], headers=page.get("headers", {}))
        conn.getresponse().read()
        times.append(time.perf_counter() - t)
    conn.close()
    return 1000 * statistics.median(times)


def touch_story() -> None:
    """A change to the story as every write makes one: its cached page fragments are stale."""
    from django.db import connection

    from articles.models import Story

    Story.objects.filter(slug=SLUG).touch()
    connection.close()


def cold_latency(port: int, page: dict, n: int = 5) -> float:
    """Median ms of the first request after the story changed (nothing cached): what a page
    costs when it has to be rendered, as after every edit, import or re-match."""
    times = []
    for _ in range(n):
        touch_story()
        t = time.perf_counter()
        get(port, page["url"], page.get("headers"))
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def run_wrk(port: int, page: dict, seconds: float, args) -> dict:
    script = Path(tempfile.gettempdir()) / f"parallax-bench-wrk-{os.getpid()}.lua"
    script.write_text(WRK_SCRIPT)
    cmd = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(args.connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        f"{TIMEOUT_S}s",
        "-s",
        str(script),
    ]
    for key, value in page.get("headers", {}).items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        cmd + [f"http://127.0.0.1:{port}{page['url']}"], capture_output=True, text=True, check=True
    ).stdout
    script.unlink()
    line = next(ln for ln in out.splitlines() if ln.startswith("BENCH "))
    requests, duration_us, errors, p50_us, p95_us = map(int, line.split()[1:])
    return dict(
        rps=requests / (duration_us / 1e6),
        median_ms=p50_us / 1000,
        p95_ms=p95_us / 1000,
        errors=errors,
        requests=requests,
    )


def run_python(port: int, page: dict, seconds: float, args) -> dict:
    """`connections` threads, each with its own keep-alive connection (http.client reconnects
    when gunicorn's sync workers close it), until the time or the request budget runs out."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    budget = max(1, args.max_requests // args.connections)
    start = time.perf_counter()
    deadline = start + seconds

    def worker():
        mine, bad = [], 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        while len(mine) + bad < budget and time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                conn.request("GET", page["url"], headers=page.get("headers", {}))
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    mine.append(time.perf_counter() - t)
                else:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    latencies.sort()

    def p(q: float) -> float:
        if not latencies:
            return float("nan")
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return dict(
        rps=len(latencies) / elapsed,
        median_ms=p(0.5),
        p95_ms=p(0.95),
        errors=errors[0],
        requests=len(latencies),
    )


def print_table(results: dict, client: str, args) -> None:
    base = results.get("trivial view", {}).get("rps")
    print(
        f"\n{args.connections} connections, {args.seconds:g} s per page, load by {client}, "
        f"gunicorn {WORKERS} sync workers, {os.cpu_count()} cores; "
        f"targets >= {TARGET_RPS} req/s and <= {TARGET_MEDIAN_MS} ms median"
    )
    head = (
        f"{'page':<28} {'req/s':>7} {'median':>8} {'p95':>8} {'errors':>6} {'x trivial':>9} "
        f"{'1 conn':>7} {'cold':>7} {'KB':>6}  {'target':<11} url"
    )
    print(head)
    print("-" * len(head))
    for name, r in results.items():
        ratio = f"{r['rps'] / base:.3f}" if base else "-"
        ok = r["rps"] >= TARGET_RPS and r["median_ms"] <= TARGET_MEDIAN_MS
        verdict = "" if name == "trivial view" else ("ok" if ok else "MISS")
        if not r["requests"]:
            r["median_ms"] = r["p95_ms"] = float("nan")
        if r["seconds"] > args.seconds:
            verdict += f" ({r['seconds']:.0f} s)"
        print(
            f"{name:<28} {r['rps']:7.1f} {r['median_ms']:6.0f}ms {r['p95_ms']:6.0f}ms "
            f"{r['errors']:6d} {ratio:>9} {r['alone_ms']:5.1f}ms {r['cold_ms']:5.1f}ms "
            f"{r['bytes'] / 1024:6.0f}  "
            f"{verdict:<11} {r['url']}"
        )
    print(
        "(median and p95 under load include queueing: with 16 connections on 2 sync workers "
        "a request waits for ~14 others, so median ~ 16 / (req/s); '1 conn' is the median of "
        "up to 20 requests made one at a time; 'cold' the median of 5 first requests after a "
        "change to the story, with nothing cached (as after every edit, import or re-match); "
        "slow pages run longer, seconds shown)"
    )


def print_search(results: dict) -> None:
    """Search, cold (each new query is computed afresh: only its repeats come from the cache):
    median ms of the first request after a change to the story, and as a multiple of the
    trivial view's."""
    trivial = results.get("trivial view")
    searches = {n: r for n, r in results.items() if n.startswith("search, ")}
    if not trivial or not searches:
        return
    print(f"\nSearch, cold, over HTTP (trivial view {trivial['cold_ms']:.1f} ms):")
    for name, r in searches.items():
        print(
            f"  {name:<26} median {r['cold_ms']:6.1f} ms = {r['cold_ms'] / trivial['cold_ms']:5.1f}"
            f" x trivial view   {r['url']}"
        )


# --- why ------------------------------------------------------------------------------------


def profile_all(pages: dict, results: dict) -> None:
    """Per page, in-process against the same database: queries, SQL time, template time, and
    the top costs of one profiled request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    print(
        "\nOne request in-process, cached (after a warm-up) and cold (after a change to the "
        "story): total, queries, SQL, template rendering"
    )
    for name, page in pages.items():
        if name == "trivial view":
            continue
        headers = {
            f"HTTP_{k.upper().replace('-', '_')}": v for k, v in page.get("headers", {}).items()
        }
        client.get(page["url"], **headers)
        line = []
        for cold in (False, True):
            if cold:
                touch_story()
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                client.get(page["url"], **headers)
                total = 1000 * (time.perf_counter() - t)
            captured = list(queries.captured_queries)  # the next request resets the log
            sql = sum(float(q["time"]) for q in captured) * 1000
            line.append(f"{total:.1f} ms, {len(captured)} queries, SQL {sql:.1f} ms")
        touch_story()
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(page["url"], **headers)
        profiler.disable()
        stats = pstats.Stats(profiler)
        render = cumulative(stats, "django/template/backends/django.py", "render")
        nodes = calls(stats, "django/template/base.py", "render_annotated")
        print(
            f"\n{name}: cached {line[0]}; cold {line[1]}; cold template render {render:.1f} ms "
            f"({nodes} template nodes rendered)"
        )
        r = results.get(name)
        slow = r and (
            r["rps"] < TARGET_RPS or r["median_ms"] > TARGET_MEDIAN_MS or r["cold_ms"] > 20
        )
        if slow:
            slowest = sorted(captured, key=lambda q: -float(q["time"]))[:2]
            for q in slowest:
                print(f"  slowest cold query {float(q['time']) * 1000:.1f} ms: {q['sql'][:160]}")
            for text in top_costs(stats):
                print("  cold, " + text)
    editor_page(pages)


def editor_page(pages: dict) -> None:
    """An editor's largest event page: its columns and links from the cache, its forms (200
    events to merge or move claims into, a checkbox per claim, a decision form per link)
    rendered on every request."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    found = [(n, p) for n, p in pages.items() if n.startswith("event, largest")]
    if not found:  # not loaded (--only)
        return
    name, page = found[0]
    user = get_user_model().objects.create_superuser("bench-editor", password=secrets.token_hex())
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(page["url"])
    times = []
    for _ in range(30):
        t = time.perf_counter()
        response = client.get(page["url"])
        times.append(1000 * (time.perf_counter() - t))
    print(
        f"\n{name}, as an editor (forms rendered each time), 30 requests in-process (test client): "
        f"fastest {min(times):.1f} ms, median {statistics.median(times):.1f} ms, "
        f"{len(response.content) / 1024:.0f} KB"
    )


def _match(stats, path_end: str, func: str):
    for (path, _line, name), row in stats.stats.items():
        if name == func and path.endswith(path_end):
            yield row


def cumulative(stats, path_end: str, func: str) -> float:
    return 1000 * sum(row[3] for row in _match(stats, path_end, func))


def calls(stats, path_end: str, func: str) -> int:
    return sum(row[1] for row in _match(stats, path_end, func))


def top_costs(stats, n: int = 6) -> list[str]:
    """Project code by cumulative time, then any code by own time."""
    rows = []
    for (path, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():
        rows.append((path, line, func, nc, tt, ct))
    short = lambda p: p.replace(str(ROOT) + "/", "").split("site-packages/")[-1]  # noqa: E731
    ours = [
        r
        for r in rows
        if r[0].startswith(str(ROOT))
        and ".venv" not in r[0]
        and "/bench/" not in r[0]
        and "bench_web" not in r[0]
    ]
    out = [
        f"ours, cumulative: {short(p)}:{ln} {f}() {ct * 1000:.1f} ms in {nc} calls"
        for p, ln, f, nc, tt, ct in sorted(ours, key=lambda r: -r[5])[:n]
    ]
    out += [
        f"own time: {short(p)}:{ln} {f}() {tt * 1000:.1f} ms in {nc} calls"
        for p, ln, f, nc, tt, ct in sorted(rows, key=lambda r: -r[4])[:n]
    ]
    return out


if __name__ == "__main__":
    main()
