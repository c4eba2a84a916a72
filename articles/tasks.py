"""Imports started in the browser run here, in the task worker (`manage.py db_worker`), so a
long batch never holds a web request open. The page polls the ImportJob for progress."""

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist

from articles.ingest.importer import Outcome, Report, Upload, import_uploads
from articles.models import Article, ImportFile, ImportJob, Story


def start_import(story: Story, user, files: list[ImportFile]) -> ImportJob:
    """Store the job and its files, then queue the task that imports them."""
    with transaction.atomic():
        job = ImportJob.objects.create(story=story, created_by=user, total=len(files))
        for file in files:
            file.job = job
        ImportFile.objects.bulk_create(files)
    job.queued_as(run_import.enqueue(job.pk).id)
    return job


@task()
def run_import(job_id: int) -> str:
    job = ImportJob.objects.select_related("story").get(pk=job_id)
    try:
        job.start()
        report = import_uploads(_uploads(job), job.story, progress=lambda name: job.advance())
        _apply_titles(job, report)
        job.finish([_row(outcome) for outcome in report.outcomes])
    except Exception as exc:
        job.fail(f"{type(exc).__name__}: {exc}")
        raise  # the task result records the failure too
    finally:
        job.files.all().delete()
    return job.status


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


def check_task(job, task=None) -> None:
    """A task that died before it could record it (say, the job could not be read) still
    ends the job as failed, so its page never waits forever."""
    if job.finished or not job.task_id:
        return
    try:
        result = (task or run_import).get_result(job.task_id)
    except TaskResultDoesNotExist:
        return
    if result.status == TaskResultStatus.FAILED:
        lines = result.errors[-1].traceback.strip().splitlines() if result.errors else []
        job.fail(lines[-1] if lines else "the task failed")
