"""Task workers for the benchmarks that run jobs (throughput.py, queues_engines.py): Django on
the bench's database, worker processes of either queue engine started and stopped by their
process group (so a forked rq work-horse goes with its worker), and waiting until every job
has ended.

Engines: `db`, the product's django-tasks-db (`manage.py db_worker`, the task table in the
database), and `rq`, django-tasks-rq on Redis (`manage.py rqworker`, settings in
bench/_rq_settings.py), which is not a dependency of Parallax: `.venv/bin/pip install
django-tasks-rq` to measure it.
"""

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SETTINGS = {"db": "config.settings", "rq": "_rq_settings"}
# The command line of each engine's worker, and what it logs when it is ready for tasks.
COMMANDS = {
    "db": (["db_worker", "--no-reload", "--no-startup-delay", "-v", "2"], "Starting worker"),
    "rq": (["rqworker", "default", "--job-class", "django_tasks_rq.backend.Job"], "Listening on"),
}
# The worker's own process runs `hang` (Python, e.g. a patch that makes a step hang) first.
WORKER = """
import django, sys
django.setup()
exec(sys.argv[1])
from django.core.management import call_command
call_command(*sys.argv[2:])
"""
# A worker that hangs after storing the first file of its import (bench/killed_worker.py,
# bench/queues_engines.py kill it there).
HANG_IMPORT = """
import time, articles.tasks as t
real = t.import_uploads
def hang(uploads, story, *args, **kwargs):
    real(uploads[:1], story, *args, **kwargs)
    time.sleep(3600)
t.import_uploads = hang
"""
RQ_MISSING = (
    "django-tasks-rq is not installed: `.venv/bin/pip install django-tasks-rq` to measure rq"
)


def rq_installed() -> bool:
    return importlib.util.find_spec("django_tasks_rq") is not None


def environment(engine: str = "db") -> dict:
    """The environment of the bench and its workers: DATABASE_URL as given (a fresh SQLite
    file when unset), this engine's settings."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS[engine]}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(BENCH)])
    env.setdefault("PARALLAX_VAR_DIR", tempfile.mkdtemp(prefix="parallax-bench-var-"))
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    return env


def setup(engine: str = "db") -> dict:
    """Django in this process on the bench's database, migrated and emptied (and, for rq, its
    Redis database emptied); the environment for the workers."""
    env = environment(engine)
    os.environ.update(env)
    for path in (str(ROOT), str(BENCH)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    empty(engine)
    return env


def empty(engine: str) -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    if engine == "rq":
        import django_rq

        django_rq.get_connection("default").flushdb()


def database_name() -> str:
    from django.db import connection

    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class Workers:
    """Worker processes of one engine, each the leader of its own process group."""

    engine: str
    env: dict
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def start(self, count: int, hang: str = "", timeout: float = 120) -> "Workers":
        """Start `count` more workers and wait until each is ready for tasks."""
        command, ready = COMMANDS[self.engine]
        logs = []
        for _ in range(count):
            log = Path(tempfile.mkstemp(prefix=f"bench-{self.engine}-worker-", suffix=".log")[1])
            process = subprocess.Popen(
                [sys.executable, "-c", WORKER, hang, *command],
                cwd=ROOT,
                env=self.env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.processes.append(process)
            self.logs.append(log)
            logs.append(log)
        for log in logs:
            wait_for(f"a {self.engine} worker", lambda log=log: ready in log.read_text(), timeout)
        return self

    def kill(self, process: subprocess.Popen) -> None:
        """kill -9 a worker and whatever it forked, as a lost machine would (rq's work-horse
        puts itself in a process group of its own)."""
        forked = descendants(process.pid)
        os.killpg(process.pid, signal.SIGKILL)
        for pid in forked:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill(process)
        self.processes.clear()

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def descendants(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [n for child in map(int, children) for n in (child, *descendants(child))]


def wait_for(what: str, check, timeout: float = 3600, every: float = 0.1) -> float:
    """Seconds until `check()` is true; gives up (exits) after `timeout`."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(every)
    return time.monotonic() - started


def unfinished_jobs() -> int:
    """Imports and re-matches (of every kind of job, import chunks included) not yet ended."""
    from articles.jobs import job_models

    return sum(model.objects.unfinished().count() for model in job_models())


def queued_tasks(engine: str) -> int:
    """Tasks waiting or running in the engine's queue (jobs without a row, such as the
    matching of what an interrupted import stored, included)."""
    if engine == "rq":
        import django_rq

        queue = django_rq.get_queue("default")
        return queue.count + queue.started_job_registry.count
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    busy = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return DBTaskResult.objects.filter(status__in=busy).count()


def all_done(engine: str) -> bool:
    return not unfinished_jobs() and not queued_tasks(engine)
