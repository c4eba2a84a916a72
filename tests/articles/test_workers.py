"""Several task workers (`db_worker`, one or more a server) share one queue: a task is taken
by exactly one of them, `manage.py jobs` tells which runs what and which look lost, and a job
whose worker vanished is ended by a live worker within the lease."""

import threading
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from articles.management.commands.db_worker import Command as DbWorker
from articles.models import ImportJob, JobStatus, Story
from articles.tasks import run_import

LEASE = timedelta(seconds=settings.PARALLAX_JOB_LEASE)


def take_next(worker_id: str):
    """django-tasks-db's claim step, as `db_worker` runs it (Worker.run): the next ready task,
    locked (SELECT ... FOR UPDATE SKIP LOCKED) and marked running in one transaction."""
    with exclusive_transaction():
        task = DBTaskResult.objects.ready().get_locked()
        if task is not None:
            task.claim(worker_id)
        return task


def three_workers_ask() -> dict:
    """Worker A locks the next ready task and holds its claim uncommitted while workers B and
    C ask in turn (two connections, A's in a thread, in a fixed order: no timing). What each
    took: a task id, or None."""
    a_holds_its_lock, b_is_done = threading.Event(), threading.Event()
    took = {}

    def worker_a():
        try:
            with exclusive_transaction():
                task = DBTaskResult.objects.ready().get_locked()
                task.claim("worker-a")
                took["a"] = str(task.id)
                a_holds_its_lock.set()
                b_is_done.wait(30)  # commits after B and C have asked
        finally:
            connection.close()

    a = threading.Thread(target=worker_a)
    a.start()
    assert a_holds_its_lock.wait(30)
    took["b"] = str(take_next("worker-b").id)
    took["c"] = take_next("worker-c")
    b_is_done.set()
    a.join(30)
    return took


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_never_take_the_same_task():
    """Worker A has locked a task and not yet committed its claim when worker B asks: B skips
    the locked row and takes the other task; a third finds none. Two connections (A's in a
    thread), in a fixed order: no timing."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite lets one writer at a time, so one server only")
    enqueued = {str(run_import.enqueue(0).id), str(run_import.enqueue(0).id)}
    took = three_workers_ask()

    assert {took["a"], took["b"]} == enqueued
    assert took["c"] is None
    claimed = {str(t.id): t.worker_ids for t in DBTaskResult.objects.all()}
    assert claimed == {took["a"]: ["worker-a"], took["b"]: ["worker-b"]}


@pytest.fixture
def story(db):
    return Story.objects.create(slug="geneva", title="Geneva talks")


def running(story, worker, beat_ago: timedelta) -> ImportJob:
    job = ImportJob.objects.create(story=story, total=1)
    job.queued_as(run_import.enqueue(job.pk).id)
    DBTaskResult.objects.get(id=job.task_id).claim(worker)
    job.start(worker)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - beat_ago)
    return job


def test_manage_jobs_lists_workers_and_jobs_and_which_look_lost(story):
    alive = running(story, "web-1 pid 10", timedelta(seconds=2))
    lost = running(story, "web-2 pid 20", LEASE + timedelta(seconds=5))
    queued = ImportJob.objects.create(story=story, total=2)
    queued.queued_as(run_import.enqueue(queued.pk).id)
    out = StringIO()

    call_command("jobs", stdout=out)

    lines = out.getvalue().splitlines()
    lease = settings.PARALLAX_JOB_LEASE
    [alive_line] = [line for line in lines if line.startswith(f"ImportJob {alive.pk} ")]
    [lost_line] = [line for line in lines if line.startswith(f"ImportJob {lost.pk} ")]
    assert alive_line.startswith(f"ImportJob {alive.pk} running  geneva  web-1 pid 10, beat ")
    assert "LOST" not in alive_line
    assert lost_line.endswith(f", LOST: no beat for the {lease} s lease; attempts 1 of 2")
    assert any(line.startswith(f"ImportJob {queued.pk} queued") for line in lines)
    assert "worker web-1 pid 10: 1 job(s), last beat 2 s ago, alive" in lines
    assert any(line.startswith("worker web-2 pid 20: 1 job(s)") for line in lines)
    assert any(line.endswith("looks lost") for line in lines)
    assert f"task {queued.task_id} READY    run_import  no worker yet, queued " in out.getvalue()
    assert f"task {lost.task_id} RUNNING  run_import  web-2 pid 20, started " in out.getvalue()


def test_manage_jobs_says_no_job_is_running_rather_than_inventing_a_worker(story):
    out = StringIO()
    call_command("jobs", stdout=out)
    assert "no job running: idle workers do not beat" in out.getvalue()


def test_a_live_worker_ends_the_job_of_a_vanished_one_past_the_lease_and_no_sooner(story, settings):
    """What every `db_worker` does at start and then every third of the lease: the job whose
    worker (a killed server) has not beaten for the lease, with no attempt left, is ended as
    failed, its task too, so no page shows it running for ever; one that beat within the lease
    is left to run."""
    settings.PARALLAX_JOB_ATTEMPTS = 1
    vanished = running(story, "web-2 pid 20", LEASE + timedelta(seconds=1))
    slow = running(story, "web-1 pid 10", LEASE - timedelta(seconds=5))

    with mock.patch("articles.management.commands.db_worker.connection"):
        DbWorker()._reap()

    vanished.refresh_from_db()
    slow.refresh_from_db()
    assert vanished.status == JobStatus.FAILED
    assert "The task worker stopped (killed or restarted)" in vanished.error
    assert DBTaskResult.objects.get(id=vanished.task_id).status == "FAILED"
    assert slow.status == JobStatus.RUNNING
    assert DBTaskResult.objects.get(id=slow.task_id).status == "RUNNING"


@pytest.mark.parametrize(
    ("whose", "skew"),
    [("worker", -timedelta(minutes=10)), ("reaper", timedelta(minutes=10))],
    ids=["a-worker-whose-clock-is-behind", "a-reaper-whose-clock-is-ahead"],
)
def test_servers_whose_clocks_differ_agree_that_a_beating_job_is_alive(story, whose, skew):
    """The beats and the lease's cutoff are the database's time, not each server's: a job that
    beats is never ended because the server running it, or the one checking, has its clock
    ten minutes off."""
    real_now = timezone.now

    def clock(server):
        off = skew if server == whose else timedelta()
        return mock.patch("django.utils.timezone.now", lambda: real_now() + off)

    with clock("worker"):
        job = ImportJob.objects.create(story=story, total=1)
        job.queued_as(run_import.enqueue(job.pk).id)
        DBTaskResult.objects.get(id=job.task_id).claim("web-1 pid 10")
        job.start("web-1 pid 10")
        job.beat()
    with clock("reaper"), mock.patch("articles.management.commands.db_worker.connection"):
        DbWorker()._reap()

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_job_whose_beats_the_database_timed_is_ended_once_they_stop(story, settings):
    """The beats are written by the database's clock (to the millisecond on SQLite); a worker
    finds the job lost by that clock and ends it. A lease below zero stands for the time gone
    by: every beat is then older than the lease."""
    job = ImportJob.objects.create(story=story, total=1)
    job.queued_as(run_import.enqueue(job.pk).id)
    DBTaskResult.objects.get(id=job.task_id).claim("web-2 pid 20")
    job.start("web-2 pid 20")
    job.beat()
    settings.PARALLAX_JOB_LEASE = -1
    settings.PARALLAX_JOB_ATTEMPTS = 1

    with mock.patch("articles.management.commands.db_worker.connection"):
        DbWorker()._reap()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
