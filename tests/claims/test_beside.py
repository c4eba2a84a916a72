"""Work beside the matcher in a forked child (claims/matching/beside.py): the child's answer
when it gives one, the same answer made here when it cannot or fails, no child left behind;
and a match gives the same events, labels and links either way."""

import importlib.util
import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from claims.matching import beside, describe, match_index, story
from claims.matching.story import StoryIndex

# (under pytest-xdist the test process runs threads: Python warns of each fork)
pytestmark = pytest.mark.filterwarnings("ignore:.*use of fork:DeprecationWarning")
PARENT = os.getpid()
REAL_JOIN = beside._join
BENCH_MATCH = Path(__file__).resolve().parents[2] / "bench" / "match.py"


@pytest.fixture
def corpus(monkeypatch):
    """bench/match.py's synthetic story of n claims; bench/ on the path only meanwhile
    (its module names would shadow others)."""
    monkeypatch.syspath_prepend(str(BENCH_MATCH.parent))
    spec = importlib.util.spec_from_file_location("bench_match", BENCH_MATCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.corpus


@pytest.fixture
def forks(monkeypatch):
    """A child is forked whatever the machine is doing; the children's pids. Every child
    answers: none fails and has its work done again here unseen."""
    made = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    def join(child):
        got = REAL_JOIN(child)
        assert got is not None, "the child gave no answer"
        return got

    monkeypatch.delenv(beside.SETTING, raising=False)
    monkeypatch.setattr(beside, "usable", lambda: True)
    monkeypatch.setattr(beside.os, "fork", fork)
    monkeypatch.setattr(beside, "_join", join)
    return made


@pytest.fixture
def failing_forks(forks, monkeypatch):
    """Children allowed to fail (their work is then done here)."""
    monkeypatch.setattr(beside, "_join", REAL_JOIN)
    return forks


@pytest.fixture
def can_fork(forks):
    yield
    assert forks
    for pid in forks:  # each one waited for: none left running or a zombie
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def pid_and(value):
    return os.getpid(), value


def test_the_child_computes_it(can_fork):
    with beside.beside(pid_and, [1, 2, 3]) as value:
        pid, got = value()
    assert got == [1, 2, 3]
    assert pid != os.getpid()


def test_without_a_child_it_is_computed_here_when_asked(monkeypatch):
    monkeypatch.setenv(beside.SETTING, "off")
    assert not beside.usable()
    with beside.beside(pid_and, "x") as value:
        assert value() == (os.getpid(), "x")
        assert value() == (os.getpid(), "x")  # once


def test_not_worth_a_fork_is_computed_here(forks):
    with beside.beside(pid_and, "x", worth=False) as value:
        assert value() == (os.getpid(), "x")
    assert not forks


def fails_in_a_child(how):
    if os.getpid() != PARENT:
        if how == "raise":
            raise RuntimeError("in the child")
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if how == "unpicklable":
            return lambda: None
    return os.getpid()


@pytest.mark.parametrize("how", ["raise", "kill", "unpicklable"])
def test_a_child_that_fails_or_dies_is_done_again_here(failing_forks, can_fork, how):
    with beside.beside(fails_in_a_child, how) as value:
        assert value() == os.getpid() == PARENT


def test_an_error_in_the_block_ends_the_child(can_fork):
    started = time.monotonic()
    with pytest.raises(ZeroDivisionError), beside.beside(time.sleep, 30):
        raise ZeroDivisionError
    assert time.monotonic() - started < 10  # ended, not waited for


def fails_everywhere():
    raise ValueError("the work itself is wrong")


def test_work_that_fails_here_too_raises_its_own_error(failing_forks, can_fork):
    """The child failed, the work done again here fails alike: its error is what the caller
    sees (not one of closing the pipe twice), and the child is gone."""
    with pytest.raises(ValueError, match="the work itself"), beside.beside(fails_everywhere) as v:
        v()


def test_interrupted_while_waiting_for_the_child_it_ends_the_child(can_fork):
    """A signal's exception (a task worker told to stop) while the answer is awaited: raised
    at once, the child ended rather than waited for."""
    previous = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    started = time.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(KeyboardInterrupt), beside.beside(time.sleep, 30) as value:
            value()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 10


def test_not_usable_with_busy_cores_one_core_or_off(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(beside, "_busy", lambda: 1)
    monkeypatch.delenv(beside.SETTING, raising=False)
    assert beside.usable()
    monkeypatch.setattr(beside, "_busy", lambda: 2)  # the other core is taken
    assert not beside.usable()
    monkeypatch.setattr(beside, "_busy", lambda: 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not beside.usable()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv(beside.SETTING, "off")
    assert not beside.usable()


def matched(articles, claims):
    index = StoryIndex.build(articles, claims)
    result = match_index(index)
    return index.alias_table.learned, result.events, result.links


def test_a_match_is_the_same_with_and_without_children(monkeypatch, forks, corpus):
    """Labels and definitions made in children (every event and article, however few) give
    the events, labels, aliases and links made in one process."""
    articles, claims = corpus(3000)
    with monkeypatch.context() as alone_here:
        alone_here.setattr(beside, "usable", lambda: False)
        alone = matched(articles, claims)
    assert not forks
    monkeypatch.setattr(describe, "LABELS_BESIDE_FROM", 1)
    monkeypatch.setattr(story, "DEFINITIONS_BESIDE_FROM", 1)
    together = matched(articles, claims)
    assert len(forks) == 2  # the definitions and the labels
    assert together == alone
    assert alone[1] and alone[2]
    # each event named from its own claims (a few words of one of them), not another's
    text = {c.id: c.text for c in claims}
    own = [words(e.label) <= words(" ".join(text[i] for i in e.claim_ids)) for e in together[1]]
    assert sum(own) >= 0.95 * len(own)


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_a_child_forked_while_another_thread_runs(can_fork):
    """As in a task worker, whose heartbeat thread runs as the match forks: the child, which
    has only the forking thread, does its work and the parent gets it."""
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with beside.beside(pid_and, "x") as value:
            pid, got = value()
        assert got == "x" and pid != os.getpid()
    finally:
        release.set()
        thread.join()


def files_open():
    return sorted(int(fd) for fd in os.listdir("/proc/self/fd"))


def test_the_child_keeps_no_file_of_the_parent_but_its_pipe(can_fork, tmp_path):
    """The database's sockets and files among them: the child cannot write to them."""
    with open(tmp_path / "kept", "w") as kept:
        with beside.beside(files_open) as value:
            theirs = value()
        assert kept.fileno() not in theirs
    assert set(theirs) - {0, 1, 2} and len(set(theirs) - {0, 1, 2}) <= 2  # the pipe, listdir's


@pytest.mark.django_db
def test_a_stored_match_is_the_same_with_its_dates_worked_out_beside(
    seed_story, forks, monkeypatch
):
    """The events' dates (and so their names) and the links a run stores, with the dates
    made in a forked child while the store begins, and made in the process."""
    from claims.actions import matching as store
    from claims.models import Event, Link

    def stored():
        events = Event.objects.filter(story=seed_story).order_by("key")
        links = Link.objects.filter(story=seed_story).order_by("claim_a", "claim_b")
        return (
            list(events.values_list("key", "auto_label", "occurred_on")),
            list(links.values_list("claim_a", "claim_b", "score", "event__key", "explanation")),
        )

    monkeypatch.setattr(store, "DATES_BESIDE_FROM", 1)
    store.match_story(seed_story)
    assert len(forks) == 1
    beside_ = stored()
    monkeypatch.setattr(beside, "usable", lambda: False)
    store.match_story(seed_story, full=True)
    assert len(forks) == 1
    assert stored() == beside_
    assert any(day for _, _, day in beside_[0]) and beside_[1]
