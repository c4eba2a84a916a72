"""Parallax as a production deployment on hosts made on this machine (tests/cluster/hosts.py):
two app servers (gunicorn) and two task workers (`manage.py db_worker`), each in a network
namespace of its own, configured only through the environment (README "Production"), against
the machine's PostgreSQL (a database of the run's own, dropped afterwards) and Redis (database
9, emptied before and after). Both services listen on the host's loopback only: a relay
(tests/cluster/relay.py) on the host's end of each veth pair lets the hosts reach them."""

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import redis

from tests.cluster.hosts import Host, Hosts

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "test-artifacts" / "cluster"  # each process's output, kept after the run
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("PARALLAX_CLUSTER_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_SERVER = os.environ.get("PARALLAX_CLUSTER_REDIS", "127.0.0.1:6379")
REDIS_DB = 9
# The relays' ports, on the host's end of each veth pair (this machine's ports 8130-8139 are
# the test's); the servers' port is inside their namespaces.
PG_PORT, REDIS_PORT, WEB_PORT = 8130, 8131, 8000
LEASE = 6  # PARALLAX_JOB_LEASE: a killed job is noticed within seconds, not 40
SEED = "syria-ceasefire-2016"
ANNOTATORS = 4
START_S = 120  # a server or worker starting on a loaded machine
JOB_WAIT_S = 180


class Cluster:
    def __init__(self, work: Path):
        self.work = work
        shutil.rmtree(LOGS, ignore_errors=True)
        LOGS.mkdir(parents=True)
        self.hosts = Hosts()
        self.database = f"parallax_cluster_{self.hosts.suffix}"
        self.secret = secrets.token_urlsafe(50)
        self.processes: dict[str, subprocess.Popen] = {}
        self.servers: dict[str, Host] = {}
        self.workers: dict[str, Host] = {}
        self.figures: list[str] = []  # the summary printed at the end
        self._made_database = False
        self._starts: dict[str, int] = {}

    # -- what the hosts are given ----------------------------------------------------------

    def env(self, host: Host | None = None) -> dict[str, str]:
        """The environment of a server or worker on `host`, or of a command run in the host's
        namespace (straight to the services) when None."""
        pg = f"{host.gateway}:{PG_PORT}" if host else PG_SERVER.split("@", 1)[1]
        cache = f"{host.gateway}:{REDIS_PORT}" if host else REDIS_SERVER
        return {
            "PATH": f"{BIN}:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": str(self.work),
            "LANG": "C.UTF-8",
            "PARALLAX_PRODUCTION": "1",
            "SECRET_KEY": self.secret,
            "ALLOWED_HOSTS": ",".join(h.address for h in self.servers.values()),
            "DATABASE_URL": f"postgres://postgres@{pg}/{self.database}",
            "CACHE_URL": f"redis://{cache}/{REDIS_DB}",
            "PARALLAX_SESSIONS": "cache",
            "PARALLAX_JOB_LEASE": str(LEASE),
            "PARALLAX_VAR_DIR": str(self.work / "var"),  # the collected static files
        }

    def url(self, server: str) -> str:
        return f"http://{self.servers[server].address}:{WEB_PORT}"

    # -- up and down -----------------------------------------------------------------------

    def start(self):
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as pg:
            pg.execute(f"CREATE DATABASE {self.database}")
        self._made_database = True
        self.redis().flushdb()
        for name in ("a", "b"):
            self.servers[name] = self.hosts.add(name)
        for name in ("w1", "w2"):
            self.workers[name] = self.hosts.add(name)
        self._relay()
        static = self._spawn("collectstatic", None, self._manage("collectstatic", "--noinput"))
        self.manage("migrate", "--noinput")
        self.manage("shell", "-c", SEED_AND_USERS, PASSWORD=self.password())
        if static.wait():
            raise RuntimeError(f"collectstatic: {self.log('collectstatic')[-2000:]}")
        for name in self.servers:
            self.start_server(name)
        ready = [self.start_worker(name, wait=False) for name in self.workers]
        for name in self.servers:
            self._wait_healthy(name)
        for wait in ready:
            wait()

    def stop(self) -> list[str]:
        """Everything down and away, whatever state it is in; the problems met."""
        problems = self.hosts.remove()
        for process in self.processes.values():
            process.kill()
            process.wait()
        if self._made_database:
            try:
                with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as pg:
                    pg.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            except psycopg.Error as exc:
                problems.append(f"dropping {self.database}: {exc}")
            self.redis().flushdb()
        return problems

    def _relay(self):
        pg_host, pg_port = PG_SERVER.split("@", 1)[1].split(":")
        pairs = []
        for host in self.hosts.hosts:
            pairs += [
                f"{host.gateway}:{PG_PORT}={pg_host}:{pg_port}",
                f"{host.gateway}:{REDIS_PORT}={REDIS_SERVER}",
            ]
        relay = self._spawn(
            "relay", None, [sys.executable, str(Path(__file__).parent / "relay.py")] + pairs
        )
        self._wait_for("relay", "ready", relay)

    def _wait_for(self, name: str, line: str, process: subprocess.Popen):
        deadline = time.monotonic() + START_S
        while line not in self.log(name):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start: {self.log(name)[-3000:]}")
            time.sleep(0.05)

    def start_server(self, name: str):
        host = self.servers[name]
        command = [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"{host.address}:{WEB_PORT}"]
        command += ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
        self._spawn(f"server-{name}", host, command)

    def start_worker(self, name: str, wait=True):
        """`db_worker` on host `name`, its id "NAME.N" (its Nth start there): the task queue
        records which host took each task. Ready when it says so (Django loaded, lost jobs
        reaped), not while a round is timed; with wait=False, what waits for that."""
        self._starts[name] = self._starts.get(name, 0) + 1
        worker_id = f"{name}.{self._starts[name]}"
        command = self._manage("db_worker", "--no-reload", "--no-startup-delay")
        command += ["--interval", "0.2", "--worker-id", worker_id]
        process = self._spawn(f"worker-{name}", self.workers[name], command)

        def ready():
            self._wait_for(f"worker-{name}", f"worker_id={worker_id}", process)

        return ready() if wait else ready

    def stop_worker(self, name: str):
        """As a supervisor stops it: SIGTERM, and the worker ends its task first."""
        process = self.processes.pop(f"worker-{name}")
        process.terminate()
        process.wait(timeout=JOB_WAIT_S)

    def _spawn(self, name: str, host: Host | None, command: list[str]) -> subprocess.Popen:
        log = open(LOGS / f"{name}.log", "a")  # noqa: SIM115 (the process writes it)
        env = self.env(host) if host else self.env()
        start = host.popen if host else subprocess.Popen
        self.processes[name] = start(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        log.close()
        return self.processes[name]

    def _wait_healthy(self, name: str):
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url(name)}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server {name} did not answer /healthz: {self.log(f'server-{name}')}")

    # -- looking on ------------------------------------------------------------------------

    @staticmethod
    def _manage(*args: str) -> list[str]:
        return [sys.executable, "manage.py", *args]

    def manage(self, *args: str, **env: str) -> str:
        """A `manage.py` command in the host's namespace, as an operator would run it."""
        done = subprocess.run(
            self._manage(*args),
            cwd=ROOT,
            env={**self.env(), **env},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {args[0]}: {done.stderr[-2000:]}")
        return done.stdout

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(f"{PG_SERVER}/{self.database}", autocommit=True) as pg:
            return pg.execute(query, params).fetchall()

    def redis(self) -> redis.Redis:
        host, port = REDIS_SERVER.split(":")
        return redis.Redis(host=host, port=int(port), db=REDIS_DB, socket_connect_timeout=2)

    def tasks_since(self, since) -> list[tuple[str, object, object]]:
        """(worker host, started, finished or now) of each task queued since then that a
        worker took: where the imports and matches ran."""
        rows = self.sql(
            "SELECT worker_ids, started_at, coalesce(finished_at, now())"
            " FROM django_tasks_database_dbtaskresult"
            " WHERE enqueued_at >= %s AND worker_ids != '[]'::jsonb",
            since,
        )
        return [(ids[-1].split(".")[0], started, finished) for ids, started, finished in rows]

    def now(self):
        """The database's clock, which the task queue's times are written in."""
        return self.sql("SELECT now()")[0][0]

    def log(self, name: str) -> str:
        path = LOGS / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def worker_of(self, pid: int) -> str | None:
        """The worker host a process runs on."""
        return next((name for name, h in self.workers.items() if pid in h.pids()), None)

    @staticmethod
    def password() -> str:
        from load_http import PASSWORD

        return PASSWORD


# Run by `manage.py shell -c` on the cluster's database (one process, not three): the seed
# story loaded and matched as `make seed` does, an editor and annotators of it (the password
# from the environment).
SEED_AND_USERS = f"""
import os
from django.contrib.auth import get_user_model
from django.core.management import call_command
from articles.models import Membership, Role, Story
call_command("load_seeds")
call_command("match_claims", "--story", "{SEED}")
story = Story.objects.get(slug="{SEED}")
users = get_user_model().objects
editor = users.create_user("editor", password=os.environ["PASSWORD"])
Membership.objects.create(story=story, user=editor, role=Role.EDITOR)
for n in range({ANNOTATORS}):
    user = users.create_user(f"a{{n}}", password=os.environ["PASSWORD"])
    Membership.objects.create(story=story, user=user, role=Role.ANNOTATOR)
"""
