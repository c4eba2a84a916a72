"""Matching asked for in the browser runs here, in the task worker (`manage.py db_worker`)."""

from django.db import transaction
from django.tasks import task

from claims.models import MatchJob
from claims.store import match_story


def start_matching(story, user) -> MatchJob:
    """The running or queued job of this story, or a new one: one re-match at a time."""
    with transaction.atomic():
        job = story.match_jobs.exclude(status__in=["done", "failed"]).first()
        if job:
            return job
        job = MatchJob.objects.create(story=story, created_by=user)
    job.queued_as(run_matching.enqueue(job.pk).id)
    return job


@task()
def run_matching(job_id: int) -> str:
    job = MatchJob.objects.select_related("story").get(pk=job_id)
    try:
        job.start()
        job.finish(str(match_story(job.story)))
    except Exception as exc:
        job.fail(f"{type(exc).__name__}: {exc}")
        raise
    return job.status
