"""Annotators and an editor using the site over HTTP, through real gunicorn and a real task
worker, while a web worker and the task worker are killed with SIGKILL; then every
acknowledged write compared with the database.

    python bench/load_http.py                                   # SQLite, 2 sync workers
    python bench/load_http.py --db postgres --worker-class gthread
    python bench/load_http.py --annotators 8 --seconds 30 --claims 2000 --web-kills 2

It makes a throwaway database (an SQLite file in a temp dir, or a PostgreSQL database it
creates on --pg-server and drops afterwards), stores a synthetic story (bench/load.py's),
matches it, creates annotators and an editor with their roles in the story, and starts
gunicorn (`--workers 2`, sync or gthread) and `manage.py db_worker` on 127.0.0.1.

For --seconds, each annotator signs in through the login form and labels links as a browser
does, half the time as htmx: it loads the review page at a link (half the time one of the
suggestions the next re-match deletes), then posts a label with a note, or the same with the
version bumped (a stale page: must be refused with 409), or undoes. The editor uploads
articles through the import form and clicks "Match again", each time after making a share of
the links look out of date (so the re-match rewrites them). Meanwhile it kill -9s the task
worker in the middle of an import and in the middle of a re-match (and starts another, as a
supervisor would), and the web workers are killed --web-kills times (gunicorn starts others).

A write is acknowledged when the server answered it with a redirect (or 200 for htmx). A
write whose answer never came (its web worker was killed) may or may not have happened: it is
counted apart and excused, not taken as lost. Afterwards it waits (at most 60 s after each
kill) for the killed jobs to end, and prints: lost (an acknowledged label not in the database
as acknowledged, an uploaded file missing from its import's report, a stored article missing,
a "Match again" without its edit row), duplicated (more label history rows than acknowledged
changes), 5xx, deadlocks (and "database is locked") found in the server and worker logs,
p50/p95/max of a label's answer, and each killed job: how it ended and how long after the kill.
It asserts nothing: it prints numbers (and exits 1 when a target is missed).
"""

import argparse
import html
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import load  # noqa: E402
from load import LABELS, percentile  # noqa: E402

SLUG = "load"  # load.build_story's
PASSWORD = "load-http-" + secrets.token_hex(8)
TIMEOUT_S = 120  # a client's patience: longer than gunicorn's worker timeout (30 s)
KILLED_JOB_LIMIT_S = 60
FILES_PER_IMPORT = 6
WENT = (OSError, http.client.HTTPException)  # no answer: the worker died, or the connection

# The app's settings with every 500 (and every warning: the job reaper, failed tasks) logged to
# stderr, which is the server's and the worker's log: DEBUG off logs them nowhere otherwise.
SETTINGS = """from config.settings import *  # noqa: F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}},  # not every 409
}
# Signing in is not what this measures: a cheap hash, so that it does not hold up the workers.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""


# --- processes ------------------------------------------------------------------------------


def environment(work: Path, database_url: str) -> dict[str, str]:
    mod = work / "mod"
    mod.mkdir()
    (mod / "bench_http_settings.py").write_text(SETTINGS)
    return {
        "DATABASE_URL": database_url,
        "PARALLAX_VAR_DIR": str(work / "var"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "bench_http_settings",
        "PYTHONPATH": os.pathsep.join([str(mod), str(ROOT)]),
    }


class TaskWorker:
    """`manage.py db_worker`, killed and started again as a supervisor would."""

    def __init__(self, work: Path, env: dict[str, str]):
        self.work, self.env, self.proc, self.count, self.logs = work, env, None, 0, []

    def start(self):
        self.count += 1
        log = self.work / f"db_worker-{self.count}.log"
        self.logs.append(log)
        with open(log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"]
                + ["--interval", "0.5"],
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> int:
        pid = self.proc.pid
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.start()
        return pid

    def stop(self):
        from web import stop_process

        stop_process(self.proc)


def web_workers(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def kill_web_workers(master: int, at: list[float], out: dict):
    """SIGKILL a gunicorn worker at each of these times (gunicorn starts another)."""
    for when in at:
        time.sleep(max(0.0, when - time.monotonic()))
        workers = web_workers(master)
        if workers:
            pid = random.choice(workers)
            os.kill(pid, signal.SIGKILL)
            out["web_kills"].append(time.monotonic())


# --- a browser ------------------------------------------------------------------------------


class Response:
    def __init__(self, status: int, headers, text: str):
        self.status, self.headers, self.text = status, headers, text

    @property
    def acknowledged(self) -> bool:
        """The server said it did it: a redirect, or 200 for htmx."""
        return self.status in (200, 302)


class Browser:
    """Cookies, CSRF from the page's form, and forms posted as a browser posts them."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.port, self.host, self.cookies = port, host, {}

    def get(self, path: str, htmx=False) -> Response:
        return self.send("GET", path, htmx=htmx)

    def post(self, path: str, fields: dict, files=None, htmx=False) -> Response:
        if files:
            body, kind = multipart(fields, files)
        else:
            body, kind = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        headers = {"Content-Type": kind, "Origin": f"http://{self.host}:{self.port}"}
        return self.send("POST", path, body, headers, htmx)

    def send(self, method, path, body=None, headers=None, htmx=False) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(answer.status, answer.headers, text)

    def sign_in(self, username: str):
        page = self.get("/accounts/login/")
        fields = {"csrfmiddlewaretoken": csrf(page.text), "username": username}
        answer = self.post("/accounts/login/", fields | {"password": PASSWORD, "next": ""})
        if answer.status != 302:
            raise SystemExit(f"{username} could not sign in: {answer.status}")


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for field, filename, data in files:
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{field}"; filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def csrf(text: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)


DISPLAY = {}  # a label as the page shows it -> its value


class Panel:
    """What the review page shows: the link, the version of my label, my label and note."""

    def __init__(self, text: str):
        link = re.search(r'id="review-panel"[^>]*data-link="(\d*)"', text)
        self.link = int(link.group(1)) if link and link.group(1) else None
        version = re.search(r'name="version" value="(\d+)"', text)
        self.version = int(version.group(1)) if version else 0
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        self.csrf = token.group(1) if token else ""
        mine = re.search(
            r'Your label: <strong>(.*?)</strong>(?:\. Your note: <q class="note">(.*?)</q>)?',
            text,
            re.S,
        )
        self.state = (
            (DISPLAY[html.unescape(mine.group(1))], html.unescape(mine.group(2) or ""))
            if mine
            else None
        )


# --- annotators -----------------------------------------------------------------------------


def review_url(link_id: int) -> str:
    return f"/stories/{SLUG}/review/?" + urlencode({"order": "uncertain", "link": link_id})


def annotator(browser, user_id, story_id, deadline, seed, out):
    from django.db import connection

    from claims.models import Link

    rng = random.Random(seed)
    expected, unsure = out["expected"], out["unsure"]
    changed = []  # links of my acknowledged changes not undone yet, latest last
    picker = load.LinkPicker(story_id, rng)
    try:
        while time.monotonic() < deadline:
            choice = picker.choices()
            htmx = rng.random() < 0.5
            try:
                page = browser.get(review_url(rng.choice(choice)))
            except WENT:
                out["no_answer"]["GET"] += 1
                continue
            if page.status != 200:
                out["errors"].append(f"GET review: {page.status} {page.text[:200]}")
                continue
            shown = Panel(page.text)
            if shown.link is None:
                continue
            action = rng.random()
            started = time.perf_counter()
            if action < 0.1:
                undo(browser, shown, user_id, htmx, started, changed, out)
                continue
            stale_page = action < 0.2
            label = rng.choice(LABELS)
            note = rng.choice(["", "", "seen", f"note {rng.randrange(1000)}"])
            fields = {
                "csrfmiddlewaretoken": shown.csrf,
                "version": shown.version + stale_page,
                "order": "uncertain",
                "label": label,
                "note": note,
            }
            key = (shown.link, user_id)
            try:
                answer = browser.post(
                    f"/stories/{SLUG}/review/links/{shown.link}/", fields, htmx=htmx
                )
            except WENT:
                out["no_answer"]["label"] += 1
                out["uncertain"][user_id] += 1
                unsure.add(key)
                continue
            out["waits"].append(time.perf_counter() - started)
            out["slowest"] = max(out["slowest"], (out["waits"][-1], time.monotonic()))
            if answer.acknowledged:
                if stale_page:
                    out["stale_accepted"].append(f"link {shown.link} user {user_id}")
                expected[key] = (label, note)
                out["acknowledged"] += 1
                if shown.state != (label, note):
                    out["changes"][user_id] += 1
                    changed.append(shown.link)
            elif answer.status == 409:
                conflict = "was not saved: it was changed elsewhere" in answer.text
                out["refused"]["Conflict" if conflict else "LinkGone"] += 1
                if conflict and not stale_page:
                    out["unexpected"].append(f"409 on a fresh page: link {shown.link}")
            elif answer.status == 404 and not Link.objects.filter(pk=shown.link).exists():
                out["unexpected"].append(
                    f"404 for link {shown.link}, which a re-match deleted after the page showed "
                    "it (the 'link replaced' 409 was expected)"
                )
            else:
                note_error(out, "POST label", answer)
    finally:
        connection.close()


def undo(browser, shown, user_id, htmx, started, changed, out):
    fields = {"csrfmiddlewaretoken": shown.csrf, "order": "uncertain"}
    try:
        answer = browser.post(f"/stories/{SLUG}/review/undo/", fields, htmx=htmx)
    except WENT:
        # it may have undone my latest change (or, if my view is behind, the one before)
        out["no_answer"]["undo"] += 1
        out["uncertain"][user_id] += 1
        out["unsure"].update((link, user_id) for link in changed[-2:])
        return
    out["waits"].append(time.perf_counter() - started)
    if not answer.acknowledged:
        note_error(out, "POST undo", answer)
        return
    where = answer.headers.get("Location") or answer.headers.get("HX-Push-Url") or ""
    undone = re.search(r"[?&]link=(\d+)", where)
    if not undone:
        return  # nothing to undo
    link = int(undone.group(1))
    out["acknowledged"] += 1
    out["changes"][user_id] += 1
    if link in changed:
        changed.reverse()
        changed.remove(link)
        changed.reverse()
    panel = Panel(answer.text) if htmx else None
    if panel is None or panel.link != link:
        try:
            page = browser.get(review_url(link))
        except WENT:
            out["unsure"].add((link, user_id))
            return
        panel = Panel(page.text)
    if panel.link != link:
        out["unexpected"].append(f"undo went to link {link}, its page shows {panel.link}")
        return
    out["expected"][(link, user_id)] = panel.state


def note_error(out, what, answer):
    kind = "errors" if answer.status >= 500 else "unexpected"
    out[kind].append(f"{what}: {answer.status} {answer.text[:200]}")


# --- the editor -----------------------------------------------------------------------------


def editor(browser, story_id, deadline, kills, share, workers, out):
    """Upload, then match again, until the deadline; kill -9 the task worker in the middle of
    an import and of a re-match once each of their times in `kills` has come."""
    from django.db import connection

    from claims.models import Claim

    rng = random.Random(99)
    claim_ids = list(Claim.objects.filter(article__story_id=story_id).values_list("id", flat=True))
    try:
        n = 0
        while time.monotonic() < deadline:
            n += 1
            job = upload(browser, n, out)
            if job and due(kills, "import"):
                kill_mid_job(workers, "import", job, kills, deadline, out)
            elif job:
                wait_ended("import", job, deadline)
            if time.monotonic() >= deadline:
                break
            load.out_of_date(story_id, claim_ids, share, rng)
            job = match_again(browser, out)
            if job and due(kills, "match"):
                kill_mid_job(workers, "match", job, kills, deadline, out)
            elif job:
                wait_ended("match", job, deadline)
    finally:
        connection.close()


def upload(browser, n, out) -> int | None:
    from match import PER_ARTICLE, corpus

    try:
        page = browser.get(f"/stories/{SLUG}/import/")
    except WENT:  # the web worker serving the form was killed: no upload this time
        out["no_answer"]["GET"] += 1
        return None
    # new articles: ids far above the story's, another seed
    articles, _ = corpus(FILES_PER_IMPORT * PER_ARTICLE, first_article=100_000 * n, seed=n)
    files = [
        ("files", f"upload-{n}-{a.id}.txt", f"Upload {n}, article {a.id}\n\n{a.body}\n".encode())
        for a in articles[:FILES_PER_IMPORT]
    ]
    fields = {"csrfmiddlewaretoken": csrf(page.text), "outlet": f"Upload outlet {n % 7}"}
    fields |= {"text": "", "text_title": "", "text_outlet": ""}
    try:
        answer = browser.post(f"/stories/{SLUG}/import/", fields, files)
    except WENT:
        out["no_answer"]["import"] += 1
        return None
    if answer.status != 302:
        note_error(out, "POST import", answer)
        return None
    job = int(re.search(r"/imports/(\d+)/", answer.headers["Location"]).group(1))
    out["imports"][job] = [name for _, name, _ in files]
    try:
        browser.get(answer.headers["Location"])  # where the browser goes
    except WENT:
        out["no_answer"]["GET"] += 1
    return job


def match_again(browser, out) -> int | None:
    from claims.models import MatchJob

    try:
        page = browser.get(f"/stories/{SLUG}/")
    except WENT:
        out["no_answer"]["GET"] += 1
        return None
    try:
        answer = browser.post(f"/stories/{SLUG}/match/", {"csrfmiddlewaretoken": csrf(page.text)})
    except WENT:
        out["no_answer"]["match"] += 1
        return None
    if answer.status != 302:
        note_error(out, "POST match", answer)
        return None
    out["rematches_acknowledged"] += 1
    job = MatchJob.objects.filter(story__slug=SLUG).order_by("-id").first()
    return job.pk if job else None


def due(kills, kind) -> bool:
    return kind in kills and time.monotonic() >= kills[kind]


def model(kind):
    from articles.models import ImportJob
    from claims.models import MatchJob

    return ImportJob if kind == "import" else MatchJob


def kill_mid_job(workers, kind, pk, kills, deadline, out):
    """Once the job runs (an import: after its first file), SIGKILL the task worker and start
    another; when the job ends before, or the run does, try again with the next one."""
    from articles.models import JobStatus

    rows = model(kind).objects.filter(pk=pk)
    while time.monotonic() < deadline:
        job = rows.first()
        if job.finished:
            return
        if job.status == JobStatus.RUNNING and (kind != "import" or job.done >= 1):
            break
        time.sleep(0.05)
    else:
        return
    if kind == "match":
        time.sleep(random.uniform(0.1, 0.6))  # somewhere in the middle
        if rows.first().finished:
            return
    pid = workers.kill()
    del kills[kind]
    out["job_kills"].append({"kind": kind, "job": pk, "pid": pid, "at": time.monotonic()})


def wait_ended(kind, pk, deadline):
    rows = model(kind).objects.filter(pk=pk)
    while time.monotonic() < deadline and not rows.first().finished:
        time.sleep(0.2)


# --- afterwards -----------------------------------------------------------------------------


def follow_killed_jobs(out):
    """Wait (at most KILLED_JOB_LIMIT_S after its kill) for each killed job to end, watching
    the database only: no page polls it, so the task worker has to notice by itself."""
    for kill in out["job_kills"]:
        rows = model(kill["kind"]).objects.filter(pk=kill["job"])
        until = kill["at"] + KILLED_JOB_LIMIT_S + 5
        while True:
            job = rows.first()
            if job.finished or time.monotonic() > until:
                break
            time.sleep(0.25)
        kill["status"], kill["error"] = job.status, job.error
        kill["after"] = time.monotonic() - kill["at"] if job.finished else None


def wait_settled(story, seconds=60) -> list[str]:
    """Every job ended and every stored article matched, else what is still pending."""
    from articles.models import ImportJob
    from claims.actions.backlog import unindexed
    from claims.models import MatchJob

    until = time.monotonic() + seconds
    while True:
        pending = [
            f"{m.__name__} {pk}"
            for m in (ImportJob, MatchJob)
            for pk in m.objects.unfinished().values_list("pk", flat=True)
        ]
        if left := unindexed(story):
            pending.append(f"{len(left)} stored articles not matched")
        if not pending or time.monotonic() > until:
            return pending
        time.sleep(0.5)


def check_imports(out) -> tuple[int, list[str]]:
    """Each acknowledged upload: every file in its job's report; every article the report
    names stored; no upload left behind by a job that ended."""
    from articles.models import Article, ImportFile, ImportJob

    lost, examples = 0, []
    for pk, names in out["imports"].items():
        job = ImportJob.objects.get(pk=pk)
        reported = {row["name"] for row in job.report}
        for name in names:
            if name not in reported:
                lost += 1
                examples.append(f"import {pk} ({job.status}): {name} not in its report")
        for row in job.report:
            if row.get("article_id") and not Article.objects.filter(pk=row["article_id"]).exists():
                lost += 1
                examples.append(f"import {pk}: article {row['article_id']} of {row['name']} gone")
        if job.finished and ImportFile.objects.filter(job_id=pk).exists():
            examples.append(f"import {pk} ended {job.status} but its uploads were kept")
    return lost, examples


def check_rematches(out) -> tuple[int, list[str]]:
    from claims.models import Edit, EditAction

    recorded = Edit.objects.filter(action=EditAction.REMATCH, user__username="editor").count()
    missing = max(out["rematches_acknowledged"] - recorded, 0)
    return missing, [f"{missing} 'Match again' acknowledged without their edit row"] * bool(missing)


def grep_logs(paths: list[Path]) -> Counter:
    found = Counter()
    patterns = {
        "deadlocks": "deadlock detected",
        "database is locked": "database is locked",
        "500s logged": "Internal Server Error",
        "tracebacks": "Traceback (most recent call last)",
        "worker timeouts": "WORKER TIMEOUT",
    }
    for path in paths:
        text = path.read_text(errors="replace") if path.exists() else ""
        for name, pattern in patterns.items():
            found[name] += text.count(pattern)
    return found


# --- main -----------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--web-kills", type=int, default=1)
    parser.add_argument("--share", type=float, default=0.3, help="links made out of date")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="parallax-load-http-"))
    pg_name = f"parallax_loadhttp_{os.getpid()}"
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(f"{args.pg_server}/postgres", autocommit=True) as pg:
            pg.execute(f"CREATE DATABASE {pg_name}")
        url = f"{args.pg_server}/{pg_name}"
    else:
        url = f"sqlite:///{work / 'parallax.sqlite3'}"
    env = environment(work, url)
    os.environ.update(env)
    sys.path.insert(0, str(work / "mod"))
    procs = {}  # what run() started, stopped here whatever happens
    try:
        met = run(work, env, args, procs)
    finally:
        for process in procs.values():
            process.stop()
        from django.db import connections

        connections.close_all()
        if args.db == "postgres":
            with psycopg.connect(f"{args.pg_server}/postgres", autocommit=True) as pg:
                pg.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if met else 1)


def run(work, env, args, procs) -> bool:
    """The run; True when every target was met."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    from articles.models import Membership, Role, Story
    from claims.actions import matching as store
    from claims.models import Label

    DISPLAY.update({text: value for value, text in Label.choices})
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    started = time.perf_counter()
    story = load.build_story(args.claims)
    first = store.match_story(story)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{engine}: {args.claims} claims stored and matched in ", end="")
    print(f"{time.perf_counter() - started:.1f} s ({first})")
    users = {}
    for i in range(args.annotators):
        user = get_user_model().objects.create_user(f"a{i}", password=PASSWORD)
        Membership.objects.create(story=story, user=user, role=Role.ANNOTATOR)
        users[f"a{i}"] = user.pk
    editor_user = get_user_model().objects.create_user("editor", password=PASSWORD)
    Membership.objects.create(story=story, user=editor_user, role=Role.EDITOR)
    story_id = story.pk
    connections.close_all()

    from web import Gunicorn

    server = Gunicorn(
        work,
        env,
        worker_class=args.worker_class,
        threads=args.threads if args.worker_class == "gthread" else 1,
        timeout=30,  # gunicorn's default, as `make run` has it
        ready="/accounts/login/",
    )
    procs["server"] = server
    server.start()
    workers = procs["workers"] = TaskWorker(work, env)
    workers.start()
    print(f"task worker: manage.py db_worker, PARALLAX_JOB_LEASE={settings.PARALLAX_JOB_LEASE} s")
    # Everyone signs in, and each web worker renders the review page once, before the clock.
    annotators = [(Browser(server.port), pk) for pk in users.values()]
    for (browser, _), name in zip(annotators, users, strict=True):
        browser.sign_in(name)
    editing = Browser(server.port)
    editing.sign_in("editor")
    for _ in range(4):
        annotators[0][0].get(f"/stories/{SLUG}/review/")
    load_before = os.getloadavg()

    out = {
        "expected": {},
        "unsure": set(),
        "uncertain": Counter(),
        "changes": Counter(),
        "acknowledged": 0,
        "refused": Counter(),
        "no_answer": Counter(),
        "waits": [],
        "errors": [],
        "unexpected": [],
        "stale_accepted": [],
        "imports": {},
        "rematches_acknowledged": 0,
        "job_kills": [],
        "web_kills": [],
        "slowest": (0.0, 0.0),  # the longest label wait and when it ended
    }
    begin = time.monotonic()
    deadline = begin + args.seconds
    kills = {"import": begin, "match": begin}  # the first of each
    web_at = [begin + args.seconds * (k + 1) / (args.web_kills + 1) for k in range(args.web_kills)]
    threads = [
        threading.Thread(target=annotator, args=(browser, pk, story_id, deadline, n, out))
        for n, (browser, pk) in enumerate(annotators)
    ]
    threads.append(
        threading.Thread(
            target=editor, args=(editing, story_id, deadline, kills, args.share, workers, out)
        )
    )
    threads.append(threading.Thread(target=kill_web_workers, args=(server.proc.pid, web_at, out)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    load_during = os.getloadavg()

    follow_killed_jobs(out)
    pending = wait_settled(Story.objects.get(pk=story_id))
    for kill in out["job_kills"]:  # the error as it stands now: ending a job takes two writes
        kill["error"] = model(kill["kind"]).objects.get(pk=kill["job"]).error
    server.stop()
    workers.stop()

    lost, duplicated, examples = load.compare(out)
    lost_imports, import_examples = check_imports(out)
    lost_rematches, rematch_examples = check_rematches(out)
    logs = grep_logs([work / "gunicorn.log", *workers.logs])
    waits = out["waits"]
    lost += lost_imports + lost_rematches
    fivexx = len(out["errors"])
    print(
        f"{args.annotators} annotators and an editor for {args.seconds:.0f} s over HTTP, "
        f"gunicorn --workers 2 --worker-class {args.worker_class}, "
        f"load average {load_before[0]:.1f} before, {load_during[0]:.1f} at the end"
    )
    print(
        f"{out['acknowledged']} label writes acknowledged, refused {dict(out['refused'])}; "
        f"{len(out['imports'])} uploads of {FILES_PER_IMPORT} files and "
        f"{out['rematches_acknowledged']} 'Match again' acknowledged"
    )
    print(
        f"lost {lost}, duplicated {duplicated}, 5xx {fivexx}, deadlocks {logs['deadlocks']} "
        f"(database is locked {logs['database is locked']}); stale pages accepted "
        f"{len(out['stale_accepted'])}; other unexpected answers {len(out['unexpected'])}"
    )
    print(
        f"label wait: p50 {1000 * percentile(waits, 0.5):.0f} ms, p95 "
        f"{1000 * percentile(waits, 0.95):.0f} ms, max {1000 * max(waits, default=0):.0f} ms "
        f"({len(waits)} answered)"
    )
    wait, ended = out["slowest"]
    kills = ", ".join(f"{at - begin:.0f} s" for at in out["web_kills"])
    job_kills = ", ".join(f"{k['kind']} {k['at'] - begin:.0f} s" for k in out["job_kills"])
    print(
        f"  the longest label wait ended {ended - begin:.0f} s in (web worker killed at {kills}; "
        f"task worker at {job_kills})"
    )
    print(
        f"web workers killed: {len(out['web_kills'])}; requests left without an answer "
        f"{dict(out['no_answer'])} (outcome unknown to the client: excused, not counted lost)"
    )
    in_time = True
    for kill in out["job_kills"]:
        after = f"{kill['after']:.1f} s after the kill" if kill["after"] is not None else ""
        in_time &= kill["after"] is not None and kill["after"] <= KILLED_JOB_LIMIT_S
        print(f"task worker killed mid-{kill['kind']} (job {kill['job']}): ", end="")
        print(f"{kill['status']} {after}")
        print(f"  {kill['error'][:200]}")
    if len(out["job_kills"]) < 2:
        print(f"only {len(out['job_kills'])} of 2 job kills landed mid-job: run longer")
    print(f"afterwards: {'; '.join(pending) or 'every job ended, every article matched'}")
    print(f"logs: {json.dumps(dict(logs))}")
    for line in (
        examples
        + import_examples
        + rematch_examples
        + out["errors"]
        + out["unexpected"]
        + out["stale_accepted"]
    )[:12]:
        print("  " + line[:300])
    return (
        not (lost or duplicated or fivexx or logs["deadlocks"] or pending)
        and not (out["stale_accepted"] or out["unexpected"])
        and in_time
        and len(out["job_kills"]) == 2
    )


if __name__ == "__main__":
    main()
