"""Jobs the task worker runs for a page (imports, re-matches), on a lease. django-tasks-db has
no heartbeat: a worker killed mid-task leaves its task RUNNING for ever. So while a job runs,
a thread beats the job's row every third of `PARALLAX_JOB_LEASE` seconds, and a job whose beat
is older than the lease is taken for lost. Whoever notices first (a task worker, at start and
then every third of the lease; the job's status page; the action that would start another job)
queues it again, its task put back for the next worker, until it has been tried
`PARALLAX_JOB_ATTEMPTS` times (each worker that took its task is one attempt); then it is ended
as failed, saying what was done and what was not. Every kind of job is safe to run again: an
import chunk finds what it stored, a match starts over.

Matching a story takes the story's MatchLock first (`one_match_at_a_time`): two matches of one
story never run at once, whichever jobs asked for them; matches of two stories do."""

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.tasks import TaskResultStatus, default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import BackgroundJob, JobStatus, MatchLock


def worker_name() -> str:
    """Where a job runs, for `manage.py jobs` and the admin: enough to find the process."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def run_job(job: BackgroundJob, work: Callable[[BackgroundJob], object]) -> str:
    """Run `work(job)` as the job: running and beating while it works, failed with the reason
    when it raises (the task result keeps the traceback)."""
    try:
        if not job.start(worker_name()):
            return job.status  # ended by an earlier attempt's worker, taken for lost
        with heartbeat(job.beat):
            work(job)
    except Exception as exc:
        job.fail(f"{type(exc).__name__}: {exc}")
        raise
    return job.status


@contextmanager
def heartbeat(beat: Callable[[], object]):
    """Call `beat` from a thread (its own connection) every third of the lease while the block
    runs. A beat that meets a locked database is skipped; the next one tries again."""
    stop = threading.Event()

    def beating():
        try:
            while not stop.wait(settings.PARALLAX_JOB_LEASE / 3):
                with suppress(DatabaseError):
                    beat()
        finally:
            connection.close()

    thread = threading.Thread(target=beating, name=f"heartbeat of {beat}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def check(job: BackgroundJob) -> None:
    """Queue again, or end as failed, this job (and its parts: an import's chunks) if nothing
    runs it any more: its worker stopped beating, or its task ended (or was taken by a worker
    that died) before the job could start or say so."""
    for part in job.parts():
        check(part)
    if job.finished:
        return
    if job.status == JobStatus.RUNNING and job.heartbeat_at:
        if type(job).objects.stale().filter(pk=job.pk).exists():
            _lost(job)
        return
    result = _task_result(job)
    if result is None:
        return
    if result.status == TaskResultStatus.FAILED:
        lines = result.errors[-1].traceback.strip().splitlines() if result.errors else []
        job.fail(lines[-1] if lines else "the task failed")
    elif result.status == TaskResultStatus.RUNNING and _expired(result.started_at):
        _lost(job)


def job_models() -> list[type[BackgroundJob]]:
    """Every kind of job (ImportJob and its ImportChunk here, claims' MatchJob), without
    importing the apps."""
    return [m for m in apps.get_models() if issubclass(m, BackgroundJob)]


def reap(jobs: Iterable[QuerySet] | None = None) -> int:
    """Queue again, or end, every job of these querysets (default: every kind of job) whose
    worker is gone; how many were."""
    if jobs is None:
        jobs = [m.objects.all() for m in job_models()]
    lost_tasks = [
        str(pk)
        for pk in DBTaskResult.objects.running()
        .filter(started_at__lt=_cutoff())
        .values_list("id", flat=True)
    ]
    handled = 0
    for queryset in jobs:
        never_began = queryset.unfinished().filter(heartbeat_at=None, task_id__in=lost_tasks)
        stale = queryset.stale() | never_began
        handled += sum(_lost(job) for job in stale)
    return handled


def attempts(job: BackgroundJob) -> int:
    """How many workers have taken the job's task so far."""
    return attempts_of([job]).get(job.task_id, 0)


def attempts_of(jobs: Iterable[BackgroundJob]) -> dict[str, int]:
    """Attempts of many jobs, by task id, in one query (status page, `manage.py jobs`)."""
    ids = [job.task_id for job in jobs if job.task_id]
    rows = DBTaskResult.objects.filter(id__in=ids).values_list("id", "worker_ids")
    return {str(pk): len(workers) for pk, workers in rows}


def _lost(job: BackgroundJob) -> bool:
    """Another attempt while it has some left, else failed; False when someone else did it."""
    tried = attempts(job)
    if tried < settings.PARALLAX_JOB_ATTEMPTS and job.retry_safe and _retry(job):
        return True
    return _abandon(job, tried)


@transaction.atomic
def _retry(job: BackgroundJob) -> bool:
    """The job queued again and its task put back for the next worker (who adds itself to
    the task's worker_ids: one more attempt). Both or neither: a job queued without its task,
    or a task queued twice, would never end or run twice."""
    task = DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING)
    if task.update(status=TaskResultStatus.READY, started_at=None) and job.requeue():
        return True
    transaction.set_rollback(True)
    return False


@transaction.atomic
def _abandon(job: BackgroundJob, attempts: int = 1) -> bool:
    """The job failed, and its task, which would say RUNNING for ever. A job lost before it
    started is ended only while its task is still the lost one (not queued again meanwhile)."""
    task_ended = DBTaskResult.objects.filter(
        id=job.task_id, status=TaskResultStatus.RUNNING
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="articles.jobs.WorkerLost",
        traceback=f"WorkerLost: {BackgroundJob.WORKER_LOST}",
    )
    if (task_ended or job.heartbeat_at) and job.abandon(attempts):
        return True
    transaction.set_rollback(True)
    return False


def _task_result(job: BackgroundJob):
    if not job.task_id:
        return None
    try:  # the backend's, not a task's: an import's task is not its chunks'
        return default_task_backend.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return None


def _cutoff():
    return timezone.now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE)


def _expired(started_at) -> bool:
    return started_at is not None and started_at < _cutoff()


@contextmanager
def one_match_at_a_time(story, wait: float = 1.0):
    """Hold the story's MatchLock while the block runs, renewed every third of the lease;
    wait (every `wait` seconds) while another match of the story holds it. A lock whose
    holder was killed lapses after the lease, by the database's clock."""
    holder = f"{worker_name()} {uuid.uuid4().hex[:8]}"
    while not _take(story.pk, holder):
        time.sleep(wait)
    mine = MatchLock.objects.filter(story_id=story.pk, holder=holder)
    try:
        with heartbeat(lambda: mine.update(expires_at=_lease_end())):
            yield
    finally:
        mine.delete()


def _take(story_id: int, holder: str) -> bool:
    free = Q(expires_at__lt=Now()) | Q(holder=holder)
    with transaction.atomic():
        if MatchLock.objects.filter(free, story_id=story_id).update(
            holder=holder, expires_at=_lease_end()
        ):
            return True
    try:
        with transaction.atomic():
            MatchLock.objects.create(story_id=story_id, holder=holder, expires_at=_lease_end())
    except IntegrityError:
        return False
    return True


def _lease_end():
    return Now() + timedelta(seconds=settings.PARALLAX_JOB_LEASE)
