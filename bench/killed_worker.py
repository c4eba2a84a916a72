"""Kill -9 the task worker in the middle of an import and of a re-match, start another, and
print how long each job took to end (tried again by the second worker, `PARALLAX_JOB_ATTEMPTS`
2 by default: done; with `--attempts 1`: failed, saying what was done), each job's attempts,
whether the uploads were dropped, whether every file is reported once, whether the articles the
import stored were matched, and whether "Match again" then works.

    python bench/killed_worker.py                 # a fresh SQLite file in a temp dir
    python bench/killed_worker.py --db postgres   # postgres://postgres@127.0.0.1:5432/parallax_kill
    python bench/killed_worker.py --attempts 1    # no retry: the killed jobs end failed

A DATABASE_URL in the environment wins over --db; the database it names is flushed first. Each
slowed worker is the real `manage.py db_worker` with one step made to hang (the import after
its first file, the re-match before it stores), so the kill lands mid-job.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from _workers import HANG_IMPORT, WORKER
from _workers import wait_for as _wait_for

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
HANG_MATCH = """
import time, claims.tasks as t
t.match_story = lambda story, *args, **kwargs: time.sleep(3600)
"""


def worker(env, name, hang=""):
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, hang, "db_worker", "--no-startup-delay"]
        + ["--interval", "0.2", "--worker-id", name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


wait_for = partial(_wait_for, timeout=120, every=0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--attempts", type=int, default=2, help="PARALLAX_JOB_ATTEMPTS")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PARALLAX_JOB_ATTEMPTS": str(args.attempts),
    }
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = (
            "postgres://postgres@127.0.0.1:5432/parallax_kill"
            if args.db == "postgres"
            else f"sqlite:///{tempfile.mkdtemp()}/kill.sqlite3"
        )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from articles.jobs import attempts
    from articles.models import Article, ImportFile, ImportJob, JobStatus, Story
    from articles.tasks import start_import
    from claims.actions.backlog import unindexed
    from claims.models import MatchJob
    from claims.tasks import start_matching

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_seeds", verbosity=0)
    story = Story.objects.get()
    call_command("match_claims", "--story", story.slug, verbosity=0)
    # The seed articles go out of the story and come back through the import under test.
    files = sorted(SEEDS.glob("*.txt"))[:3]
    Article.objects.filter(source__in=[f.name for f in files]).delete()
    call_command("match_claims", "--story", story.slug, verbosity=0)
    print(f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, ", end="")
    print(
        f"PARALLAX_JOB_LEASE={settings.PARALLAX_JOB_LEASE} s, "
        f"PARALLAX_JOB_ATTEMPTS={settings.PARALLAX_JOB_ATTEMPTS}"
    )

    upload = [ImportFile(name=f.name, data=f.read_bytes()) for f in files]
    job = start_import(story, None, upload)
    slow = [worker(env, "slow-import", HANG_IMPORT)]
    wait_for("the import's first file", lambda: Article.objects.filter(story=story).count() > 2)
    match = start_matching(story, None)
    slow.append(worker(env, "slow-match", HANG_MATCH))
    wait_for("the re-match to run", lambda: MatchJob.objects.get(pk=match.pk).status == "running")

    for process in slow:
        process.send_signal(signal.SIGKILL)
        process.wait()
    killed = time.monotonic()
    print("killed both workers mid-job; a second worker starts")
    second = worker(env, "second")
    try:
        for kind, model, pk in (("import", ImportJob, job.pk), ("re-match", MatchJob, match.pk)):
            wait_for(f"the {kind} to end", lambda m=model, pk=pk: m.objects.get(pk=pk).finished)
            ended = model.objects.get(pk=pk)
            print(f"{kind}: {ended.status} {time.monotonic() - killed:.1f} s after the kill")
            for part in [*getattr(ended, "chunks", model.objects.none()).all(), ended]:
                print(f"  {part}: {part.status}, {attempts(part)} attempt(s)")
            print(f"  {ended.error or getattr(ended, 'summary', '')}")
        imported = ImportJob.objects.get(pk=job.pk)
        names = sorted(row["name"] for row in imported.report)
        print(f"files in the import's report: {len(names)} of {len(files)}, once each: ", end="")
        print(names == sorted(f.name for f in files))
        print(
            f"  imported {len(imported.imported)}, duplicates {len(imported.duplicates)}, ", end=""
        )
        print(f"failed {len(imported.failures)}")
        print(f"uploads left: {ImportFile.objects.count()}")
        wait_for("the stored articles to be matched", lambda: not unindexed(story))
        print(f"articles stored but not matched, {time.monotonic() - killed:.1f} s after: 0")
        again = start_matching(story, None)
        print(f"Match again: a new job ({again.pk != match.pk})", end="")
        wait_for("the new re-match", lambda: MatchJob.objects.get(pk=again.pk).finished)
        print(f", {MatchJob.objects.get(pk=again.pk).status}")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait()
    expected = JobStatus.DONE if args.attempts > 1 else JobStatus.FAILED
    assert ImportJob.objects.get(pk=job.pk).status == expected


if __name__ == "__main__":
    main()
