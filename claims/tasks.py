"""Matching asked for in the browser runs here, in the task worker (`manage.py db_worker`)."""

import logging

from django.db import transaction
from django.tasks import task

from articles.jobs import one_match_at_a_time, reap, run_job
from articles.models import Story
from claims.actions.backlog import match_backlog
from claims.actions.framing import refresh_story
from claims.actions.matching import match_story
from claims.models import MatchJob

logger = logging.getLogger(__name__)


def start_matching(story, user) -> MatchJob:
    """The running or queued job of this story, or a new one: one re-match at a time. A job
    whose worker is gone is ended first, so it never stands in the way."""
    reap([story.match_jobs.all()])
    with transaction.atomic():
        job = story.match_jobs.unfinished().first()
        if job:
            return job
        job = MatchJob.objects.create(story=story, created_by=user)
    job.queued_as(run_matching.enqueue(job.pk).id)
    return job


@task()
def run_matching(job_id: int) -> str:
    job = MatchJob.objects.select_related("story").get(pk=job_id)
    return run_job(job, _match)


def _match(job: MatchJob) -> None:
    with one_match_at_a_time(job.story):
        job.finish(str(match_story(job.story)))
    # The story's discrepancies are found here, in the worker, rather than on the first visit
    # of its queue; a failure here is the queue's to redo, not the match's.
    try:
        refresh_story(job.story)
    except Exception:
        logger.exception("finding the discrepancies of %s after its match", job.story)


@task()
def run_backlog(story_id: int) -> str:
    """Match the articles an interrupted import stored (see claims/actions/backlog.py)."""
    story = Story.objects.get(pk=story_id)
    with one_match_at_a_time(story):
        summary = match_backlog(story)
    return str(summary) if summary else "nothing to match"
