"""Imports started in the browser run here, in the task worker (`manage.py db_worker`), so a
long batch never holds a web request open. The page polls the ImportJob for progress."""

from django.db import transaction
from django.tasks import task

from articles.ingest.importer import Outcome, Report, Upload, import_uploads
from articles.ingest.store import match_if_never_matched, take_in
from articles.jobs import reap, run_job
from articles.models import Article, ImportFile, ImportJob, Story


def start_import(story: Story, user, files: list[ImportFile]) -> ImportJob:
    """Store the job and its files, then queue the task that imports them. Earlier imports of
    the story whose worker is gone end first, their uploads dropped."""
    reap([story.import_jobs.all()])
    with transaction.atomic():
        job = ImportJob.objects.create(story=story, created_by=user, total=len(files))
        for file in files:
            file.job = job
        ImportFile.objects.bulk_create(files)
    job.queued_as(run_import.enqueue(job.pk).id)
    return job


@task()
def run_import(job_id: int) -> str:
    return run_job(ImportJob.objects.select_related("story").get(pk=job_id), _import)


def _import(job: ImportJob):
    report = import_uploads(_uploads(job), job.story, progress=lambda name: job.advance(), job=job)
    if not report.articles:  # see import_articles: duplicates of a crashed run get matched
        take_in(job.story, [])
    _apply_titles(job, report)
    # A story matched before took the new articles in incrementally (take_in); a new one is
    # matched whole here, before the job says it is done, so its overview shows the events.
    match_if_never_matched(job.story)
    job.finish([_row(outcome) for outcome in report.outcomes])


def _uploads(job: ImportJob) -> list[Upload]:
    return [Upload(f.name, bytes(f.data), outlet=f.outlet) for f in job.files.all()]


def _apply_titles(job: ImportJob, report: Report):
    """A title the user typed for pasted text wins over whatever the text seems to state."""
    titles = dict(job.files.exclude(title="").values_list("name", "title"))
    for outcome in report.outcomes:
        if outcome.article and outcome.name in titles:
            outcome.article.title = titles[outcome.name]
            Article.objects.filter(pk=outcome.article.pk).update(title=titles[outcome.name])
            Story.objects.filter(pk=job.story_id).touch()


def _row(outcome: Outcome) -> dict:
    article = outcome.article
    return {
        "name": outcome.name,
        "line": outcome.line,
        "status": outcome.status,
        "reason": outcome.reason,
        "article_id": article.pk if article else None,
        "title": article.display_title if article else "",
    }
