"""The cluster (tests/cluster/cluster.py), made once for the cluster tests and taken down
afterwards whatever happens; its figures printed at the end of the run."""

import signal
import sys
from pathlib import Path

import psycopg
import pytest
import redis

from tests.cluster import hosts
from tests.cluster.cluster import LOGS, PG_SERVER, REDIS_SERVER, Cluster

BENCH = Path(__file__).resolve().parents[2] / "bench"
SUMMARY: list[str] = []


def _services_missing() -> str:
    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_SERVER}: {exc}"
    host, port = REDIS_SERVER.split(":")
    try:
        redis.Redis(host=host, port=int(port), socket_connect_timeout=2).ping()
    except redis.ConnectionError as exc:
        return f"Redis at {REDIS_SERVER}: {exc}"
    return ""


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    if why := hosts.unusable():
        SUMMARY.append(f"cluster test SKIPPED: no hosts can be made here ({why})")
        pytest.skip(f"no network namespaces: {why}")
    if missing := _services_missing():
        pytest.fail(f"the cluster test needs {missing}")
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # bench/load_http.py's browser
    made = Cluster(tmp_path_factory.mktemp("cluster"))
    # A run stopped with SIGTERM (a CI timeout) takes the cluster down too, as Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        made.start()
        SUMMARY.append(
            f"hosts: {', '.join(h.name + ' ' + h.address for h in made.hosts.hosts)} "
            f"(subnet {made.hosts.subnet}); their output in {LOGS.relative_to(LOGS.parents[1])}/"
        )
        yield made
    finally:
        SUMMARY.extend(made.figures)
        if problems := made.stop():
            SUMMARY.append(f"taking the cluster down: {'; '.join(problems)}")
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_terminal_summary(terminalreporter):
    if SUMMARY:
        terminalreporter.section("cluster: figures for the closing note")
        for line in SUMMARY:
            terminalreporter.write_line(line)
