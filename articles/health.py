"""What `/healthz` reports to a load balancer: whether this server reaches the database, each
cache and the task queue (any failure makes it answer 503, naming the part), and how the task
workers are doing. Workers beat only while they run a job (articles/jobs.py), so an idle
worker cannot be told from a missing one: with no job running the report says so, and how long
the oldest queued task has waited, which grows when no worker is taking tasks."""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.db.models import Count, Max, Min
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.jobs import job_models
from articles.models import JobStatus

logger = logging.getLogger(__name__)


class CacheLostValue(Exception):
    pass


def report() -> tuple[bool, dict]:
    """(healthy, the report): healthy when the database, every cache and the queue answer."""
    checks = {"database": _database, "cache": _caches, "queue": _queue}
    result, healthy = {}, True
    for name, check in checks.items():
        try:
            result[name] = check()
        except Exception as exc:
            # The answer names the kind of error only (it is public); the log has the rest.
            logger.warning("/healthz: the %s is failing", name, exc_info=True)
            result[name] = f"failing: {type(exc).__name__}"
            healthy = False
    if healthy:
        result["workers"] = workers()
    result["status"] = "ok" if healthy else "failing"
    return healthy, result


def workers() -> dict:
    """How the task workers are doing, as the jobs they run show it."""
    now = timezone.now()
    running, lost, beats = 0, 0, []
    for model in job_models():
        found = model.objects.filter(status=JobStatus.RUNNING).aggregate(
            count=Count("pk"), newest=Max("heartbeat_at")
        )
        running += found["count"]
        beats += [found["newest"]] if found["newest"] else []
        lost += model.objects.stale().count()
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
        count=Count("pk"), oldest=Min("enqueued_at")
    )
    oldest = queued["oldest"]
    return {
        "running_jobs": running,
        "lost_jobs": lost,
        "newest_heartbeat_seconds": round((now - max(beats)).total_seconds(), 1)
        if beats
        else "no job running",
        "lease_seconds": settings.PARALLAX_JOB_LEASE,
        "queued_tasks": queued["count"],
        "oldest_queued_seconds": round((now - oldest).total_seconds(), 1) if oldest else None,
    }


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _caches() -> str:
    """Each cache keeps a value and gives it back (in Redis: every server's cache)."""
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, DummyCache):
            continue
        key, value = f"parallax:health:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, 10)
        if cache.get(key) != value:
            raise CacheLostValue(alias)
        cache.delete(key)
    return "ok" if settings.PARALLAX_PAGE_CACHE else "ok (page cache off)"


def _queue() -> str:
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    for model in job_models():
        model.objects.filter(status=JobStatus.RUNNING).exists()
    return "ok"
