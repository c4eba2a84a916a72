"""Jobs the task worker runs for a page (imports, re-matches), on a lease. django-tasks-db has
no heartbeat: a worker killed mid-task leaves its task RUNNING for ever. So while a job runs,
a thread beats the job's row every third of `PARALLAX_JOB_LEASE` seconds, and a job whose beat
is older than the lease is taken for dead and ended as failed, saying what was done and what
was not, by whoever notices first: a task worker (at start, then every third of the lease),
the job's status page, or the action that would start another job."""

import os
import socket
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import BackgroundJob, JobStatus


def worker_name() -> str:
    """Where a job runs, for `manage.py jobs` and the admin: enough to find the process."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def run_job(job: BackgroundJob, work: Callable[[BackgroundJob], object]) -> str:
    """Run `work(job)` as the job: running and beating while it works, failed with the reason
    when it raises (the task result keeps the traceback)."""
    try:
        job.start(worker_name())
        with heartbeat(job):
            work(job)
    except Exception as exc:
        job.fail(f"{type(exc).__name__}: {exc}")
        raise
    return job.status


@contextmanager
def heartbeat(job: BackgroundJob):
    """Beat the job's row from a thread (its own connection) while the block runs. A beat
    that meets a locked database is skipped; the next one tries again."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.PARALLAX_JOB_LEASE / 3):
                with suppress(DatabaseError):
                    job.beat()
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat of {job}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def check(job: BackgroundJob, task=None) -> None:
    """End this job as failed if nothing runs it any more: its worker stopped beating, or its
    task ended (or was taken by a worker that died) before the job could start or say so."""
    if job.finished:
        return
    if job.status == JobStatus.RUNNING:
        if type(job).objects.stale().filter(pk=job.pk).exists():
            _abandon(job)
        return
    result = _task_result(job, task)
    if result is None:
        return
    if result.status == TaskResultStatus.FAILED:
        lines = result.errors[-1].traceback.strip().splitlines() if result.errors else []
        job.fail(lines[-1] if lines else "the task failed")
    elif result.status == TaskResultStatus.RUNNING and _expired(result.started_at):
        _abandon(job)


def job_models() -> list[type[BackgroundJob]]:
    """Every kind of job (ImportJob here, claims' MatchJob), without importing the apps."""
    return [m for m in apps.get_models() if issubclass(m, BackgroundJob)]


def reap(jobs: Iterable[QuerySet] | None = None) -> int:
    """End every job of these querysets (default: every kind of job) whose worker is gone;
    how many were ended."""
    if jobs is None:
        jobs = [m.objects.all() for m in job_models()]
    lost_tasks = [
        str(pk)
        for pk in DBTaskResult.objects.running()
        .filter(started_at__lt=_cutoff())
        .values_list("id", flat=True)
    ]
    ended = 0
    for queryset in jobs:
        stale = queryset.stale() | queryset.filter(status=JobStatus.QUEUED, task_id__in=lost_tasks)
        ended += sum(_abandon(job) for job in stale)
    return ended


@transaction.atomic
def _abandon(job: BackgroundJob) -> bool:
    ended = job.abandon()
    if ended and job.task_id:  # the task result would say RUNNING for ever
        DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="articles.jobs.WorkerLost",
            traceback=f"WorkerLost: {BackgroundJob.WORKER_LOST}",
        )
    return ended


def _task_result(job: BackgroundJob, task):
    if not job.task_id:
        return None
    from articles.tasks import run_import

    try:
        return (task or run_import).get_result(job.task_id)
    except TaskResultDoesNotExist:
        return None


def _cutoff():
    return timezone.now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE)


def _expired(started_at) -> bool:
    return started_at is not None and started_at < _cutoff()
