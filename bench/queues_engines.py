"""The task queue's engine, measured on one load: django-tasks-db (the task table in
PostgreSQL, `db_worker`, what Parallax uses) beside django-tasks-rq (Redis, `rqworker`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parallax_bench python bench/queues_engines.py
    python bench/queues_engines.py --quick       # 4 stories, a 6 s lease: a minute or two

For each engine, with 2 workers (2 more than the machine has cores is no test of the engine):
the time `start_import` and `start_matching` take (the page's side: the job's row, its files,
the enqueue), how long an idle worker takes to pick a job up, imports, re-matches and trivial
tasks a second when as many are queued at once, and what happens to an import whose worker is
killed (kill -9 of its process group) mid-job: when the job ends and how, what the engine says
of its task, whether the import was run again and finished.

The jobs' rows are in the database with either engine. The database named by DATABASE_URL is
emptied first (a fresh SQLite file without it), and for rq the Redis database of `REDIS_URL`
(default redis://127.0.0.1:6379/5) too. rq is not a dependency of Parallax: without
django-tasks-rq installed only db is measured and the script says how to install it. Each
engine runs in its own process (its settings); the load average is printed at the start and
the end.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter

from _corpus import scaled_corpus
from _workers import (
    HANG_IMPORT,
    ROOT,
    RQ_MISSING,
    Workers,
    all_done,
    database_name,
    load_average,
    rq_installed,
    setup,
    wait_for,
)


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def pick_up(stories, env, engine) -> list[float]:
    """Seconds from a "Match again" to its worker starting it, one job at a time, the two
    workers idle: the database's clock (created_at, started_at) on one machine."""
    from claims.models import MatchJob
    from claims.tasks import start_matching

    waits = []
    with Workers(engine, env).start(2):
        for story in stories:
            job = start_matching(story, None)
            wait_for("the re-match", lambda job=job: all_done(engine), every=0.05)
            job = MatchJob.objects.get(pk=job.pk)
            waits.append((job.started_at - job.created_at).total_seconds())
    return waits


def load(stories, corpus, env, engine) -> dict:
    """Every story's import queued at once, then every story's re-match, then as many trivial
    tasks (the backlog match of a story with nothing to match): their rates, and the enqueue
    times of the first two."""
    from articles.tasks import start_import
    from claims.tasks import run_backlog, start_matching

    out = {}
    with Workers(engine, env).start(2):
        for kind, start in (
            ("import", lambda s: start_import(s, None, files(corpus, s))),
            ("re-match", lambda s: start_matching(s, None)),
            ("trivial", lambda s: run_backlog.enqueue(s.pk)),
        ):
            started = time.perf_counter()
            enqueue = [timed(lambda s=s, start=start: start(s)) for s in stories]
            wait_for(f"the {kind} jobs", lambda: all_done(engine), every=0.05)
            out[kind] = (enqueue, len(stories) / (time.perf_counter() - started))
    out["failed"] = failed_jobs()
    return out


def failed_jobs() -> list[str]:
    """The kind and error of every job that failed (none should, under this load)."""
    from articles.jobs import job_models
    from articles.models import JobStatus

    return [
        f"{model.__name__}: {error}"
        for model in job_models()
        for error in model.objects.filter(status=JobStatus.FAILED).values_list("error", flat=True)
    ]


def files(corpus, story):
    from articles.models import ImportFile

    return [ImportFile(name=n, data=d) for n, d in corpus[story.slug]]


def killed(story, corpus, env, engine, observe: float) -> dict:
    """An import whose worker is killed mid-job (it has stored the first file), two other
    workers running: what the workers alone make of it within `observe` seconds, then what the
    job's status page (`articles.jobs.check`) makes of it."""
    from articles.jobs import check
    from articles.models import Article, ImportJob, JobStatus
    from articles.tasks import start_import

    with Workers(engine, env) as workers:
        slow = workers.start(1, hang=HANG_IMPORT).processes[0]
        job = start_import(story, None, files(corpus, story))
        wait_for("the first article", lambda: story.articles.exists(), timeout=120)
        workers.start(2)
        workers.kill(slow)
        killed_at = time.monotonic()
        ended = wait_for_or_none(lambda: ImportJob.objects.get(pk=job.pk).finished, observe)
        job = ImportJob.objects.get(pk=job.pk)
        by = "the workers" if ended is not None else None
        page = ""
        if ended is None:  # what a visit of the job's page does
            try:
                check(job)
            except Exception as exc:  # the page would answer 500
                page = f"{type(exc).__name__}: {exc}"
            job = ImportJob.objects.get(pk=job.pk)
            by = "its status page" if job.finished else None
            if job.status != JobStatus.DONE:
                finished = wait_for_or_none(
                    lambda: ImportJob.objects.get(pk=job.pk).finished, min(observe, 60)
                )
                job = ImportJob.objects.get(pk=job.pk)
                by = by or ("its status page" if finished is not None else None)
        return {
            "status": job.status,
            "seconds": ended if ended is not None else time.monotonic() - killed_at,
            "by": by,
            "error": job.error,
            "articles": Article.objects.filter(story=story).count(),
            "of": len(corpus[story.slug]),
            "tasks": task_states(job),
            "page": page,
            "report": dict(Counter(row["status"] for row in job.report or [])),
        }


def task_states(job) -> str:
    """What the engine says of the tasks of this job (and of its parts)."""
    from django.tasks import default_task_backend

    ids = [job.task_id, *(part.task_id for part in getattr(job, "parts", list)())]
    states = []
    for task_id in filter(None, ids):
        try:
            states.append(str(default_task_backend.get_result(task_id).status))
        except Exception as exc:
            states.append(type(exc).__name__)
    return ", ".join(states) or "none"


def wait_for_or_none(check, timeout: float):
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            return None
        time.sleep(0.2)
    return time.monotonic() - started


def measure(engine: str, args) -> dict:
    """One engine's figures (run in a process of its own: its settings)."""
    env = setup(engine)
    from articles.models import Story

    corpus = scaled_corpus(args.stories + 1, args.per_story)
    stories = [Story.objects.create(slug=s, title=s) for s in corpus]
    loaded = load(stories[:-1], corpus, env, engine)
    return {
        "database": database_name(),
        "pick_up": pick_up(stories[: args.pick_ups], env, engine),
        "load": loaded,
        "killed": killed(stories[-1], corpus, env, engine, args.observe),
    }


def ms(values) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"{statistics.median(values) * 1000:.0f} / {p95 * 1000:.0f} ms"


def rows(result: dict, args) -> list[tuple[str, str]]:
    load, kill = result["load"], result["killed"]
    out = [
        ("enqueue: start_import (median / p95)", ms(load["import"][0])),
        ("enqueue: start_matching", ms(load["re-match"][0])),
        ("enqueue: a trivial task", ms(load["trivial"][0])),
        ("pick-up by an idle worker", ms(result["pick_up"])),
    ]
    for kind in ("import", "re-match", "trivial"):
        out.append((f"{kind} jobs a second ({args.stories} queued)", f"{load[kind][1]:.2f}"))
    out += [
        ("jobs failed", str(len(load["failed"]))),
        ("killed mid-import: the job", kind_of(kill["status"])),
        ("  after", f"{kill['seconds']:.0f} s, by {kill['by'] or 'no one'}"),
        ("  articles stored", f"{kill['articles']} of {kill['of']}"),
        ("  its report", ", ".join(f"{n} {k}" for k, n in kill["report"].items()) or "none"),
        ("  its tasks in the engine", kill["tasks"]),
    ]
    return out


def kind_of(status: str) -> str:
    return {"done": "done (run again)", "failed": "failed"}.get(status, f"still {status}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=40, help="jobs of each kind queued")
    parser.add_argument("--per-story", type=int, default=10, help="articles an import")
    parser.add_argument("--pick-ups", type=int, default=10, help="jobs for the pick-up time")
    parser.add_argument("--observe", type=float, default=120, help="seconds after the kill")
    parser.add_argument("--engines", nargs="+", default=["db", "rq"], choices=["db", "rq"])
    parser.add_argument("--quick", action="store_true", help="4 stories of 4, a 6 s lease")
    parser.add_argument("--engine", help=argparse.SUPPRESS)  # one engine, in a child process
    args = parser.parse_args()
    if args.quick:
        args.stories, args.per_story, args.pick_ups, args.observe = 4, 4, 3, 20
        os.environ.setdefault("PARALLAX_JOB_LEASE", "6")
    if args.engine:
        print(json.dumps(measure(args.engine, args)))
        return

    print(f"load average at start: {load_average()}")
    lease = os.environ.get("PARALLAX_JOB_LEASE", "30 (default)")
    print(f"2 workers an engine; PARALLAX_JOB_LEASE={lease}")
    engines = [e for e in args.engines if e == "db" or rq_installed()]
    if len(engines) < len(args.engines):
        print(RQ_MISSING)
    results = {}
    for engine in engines:
        child = [sys.executable, __file__, *sys.argv[1:], "--engine", engine]
        done = subprocess.run(child, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
        results[engine] = json.loads(done.stdout.strip().splitlines()[-1])
    table = {engine: dict(rows(result, args)) for engine, result in results.items()}
    labels = list(next(iter(table.values())))
    names = {"db": "db (django-tasks-db)", "rq": "rq (django-tasks-rq)"}
    print(f"{'':40}" + "".join(f"{names[e]:>34}" for e in table))
    print(f"{'':40}" + "".join(f"{results[e]['database']:>34}" for e in table))
    for label in labels:
        print(f"{label:40}" + "".join(f"{table[e][label]:>34}" for e in table))
    for engine, result in results.items():
        for error in result["load"]["failed"]:
            print(f"{engine}: failed: {error[:200]}")
        if result["killed"]["page"]:
            print(f"{engine}: the killed import's status page raised {result['killed']['page']}")
        if result["killed"]["error"]:
            print(f"{engine}: the killed import says: {result['killed']['error'][:200]}")
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
