"""Work beside the matcher in a forked child (claims/matching/beside.py): the child's answer
when it gives one, the same answer made here when it cannot or fails, no child left behind;
and a match gives the same events, labels and links either way."""

import os
import re
import signal
import sys
import threading
from pathlib import Path

import pytest

from claims.matching import beside, describe, match_index, story
from claims.matching.story import StoryIndex

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from match import corpus  # noqa: E402

PARENT = os.getpid()


@pytest.fixture
def forks(monkeypatch):
    """A child is forked whatever the machine is doing; the children's pids."""
    made = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.delenv(beside.SETTING, raising=False)
    monkeypatch.setattr(beside, "usable", lambda: True)
    monkeypatch.setattr(beside.os, "fork", fork)
    return made


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
def test_a_child_that_fails_or_dies_is_done_again_here(can_fork, how):
    with beside.beside(fails_in_a_child, how) as value:
        assert value() == os.getpid() == PARENT


def test_an_error_in_the_block_ends_the_child(can_fork):
    with pytest.raises(ZeroDivisionError), beside.beside(signal.pause):  # waits for ever
        raise ZeroDivisionError


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


def test_a_match_is_the_same_with_and_without_children(monkeypatch, forks):
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


def test_a_child_forked_beside_a_thread_holding_a_lock(can_fork):
    """As in a task worker, whose heartbeat thread may be in the database as the match forks:
    the child, which has only the forking thread, does its work and the parent gets it."""
    held, release = threading.Lock(), threading.Event()

    def hold():
        with held:
            release.wait()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        with beside.beside(pid_and, "x") as value:
            pid, got = value()
        assert got == "x" and pid != os.getpid()
    finally:
        release.set()
        thread.join()


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
