"""Imports started in the browser run here, in the task workers (`manage.py db_worker`), so a
long batch never holds a web request open. The page polls the ImportJob for progress.

An import's files are split into chunks of `PARALLAX_IMPORT_CHUNK` files, one task each
(`run_import`), so that several workers import a large batch at once; each chunk stores its
articles without matching them. When the last chunk has ended (imported, or failed), the
import's own task (`match_import`) matches the story once: a story never matched whole, a
matched one incrementally with what the import stored."""

from itertools import batched

from django.conf import settings
from django.db import transaction
from django.tasks import task

from articles.ingest.importer import IMPORTED, Outcome, Report, Upload, import_uploads
from articles.ingest.store import match_if_never_matched, matching_said, take_in
from articles.jobs import one_match_at_a_time, reap, run_job
from articles.models import Article, ImportChunk, ImportFile, ImportJob, Story, stored_row


def start_import(story: Story, user, files: list[ImportFile]) -> ImportJob:
    """Store the job, its chunks and their files, then queue a task for each chunk. Earlier
    imports of the story whose worker is gone are tried again or ended first."""
    reap([ImportChunk.objects.filter(story=story), story.import_jobs.all()])
    size = settings.PARALLAX_IMPORT_CHUNK
    with transaction.atomic():
        job = ImportJob.objects.create(story=story, created_by=user, total=len(files))
        chunks = []
        for number, part in enumerate(batched(files, size), start=1):
            chunk = ImportChunk.objects.create(
                job=job, story=story, number=number, first=(number - 1) * size, total=len(part)
            )
            for file in part:
                file.job, file.chunk = job, chunk
            chunks.append(chunk)
        ImportFile.objects.bulk_create(files)
        for chunk in chunks:
            chunk.queued_as(run_import.enqueue(chunk.pk).id)
    if not chunks:  # nothing to import: the job still ends, through its match
        queue_match(job)
    return job


@task()
def run_import(chunk_id: int) -> str:
    """Import one chunk of an import's files."""
    chunk = ImportChunk.objects.select_related("job", "story").get(pk=chunk_id)
    return run_job(chunk, _import)


def _import(chunk: ImportChunk):
    uploads = [Upload(f.name, bytes(f.data), outlet=f.outlet) for f in chunk.files.all()]
    progress = lambda name: chunk.advance()  # noqa: E731
    report = import_uploads(uploads, chunk.story, progress=progress, job=chunk, match=False)
    _apply_titles(chunk, report)
    chunk.finish(_rows(chunk, report.outcomes))


def _apply_titles(chunk: ImportChunk, report: Report):
    """A title the user typed for pasted text wins over whatever the text seems to state."""
    titles = dict(chunk.files.exclude(title="").values_list("name", "title"))
    for outcome in report.outcomes:
        if outcome.article and outcome.name in titles:
            outcome.article.title = titles[outcome.name]
            Article.objects.filter(pk=outcome.article.pk).update(title=titles[outcome.name])
            Story.objects.filter(pk=chunk.story_id).touch()


def _rows(chunk: ImportChunk, outcomes: list[Outcome]) -> list[dict]:
    """The report's rows. An article this chunk stored on an earlier attempt (its worker was
    lost after) is met again as a duplicate of itself: it is reported as imported, once."""
    reported = {o.article.pk for o in outcomes if o.article}
    rows = []
    for outcome in outcomes:
        own = outcome.existing
        if own and own.import_chunk_id == chunk.pk and own.pk not in reported:
            reported.add(own.pk)
            outcome = Outcome(outcome.name, IMPORTED, "", outcome.line, own)
        rows.append(_row(outcome))
    return rows


def _row(outcome: Outcome) -> dict:
    if outcome.article:
        where = {"name": outcome.name, "line": outcome.line, "reason": outcome.reason}
        return {**stored_row(outcome.article), **where}
    return {
        "name": outcome.name,
        "line": outcome.line,
        "status": outcome.status,
        "reason": outcome.reason,
        "article_id": None,
        "title": "",
    }


def queue_match(job: ImportJob) -> None:
    """Queue the match that ends the import (called once, when its last chunk has ended)."""
    job.queued_as(match_import.enqueue(job.pk).id)


@task()
def match_import(job_id: int) -> str:
    """Match the story once with what every chunk of the import stored, then end the import."""
    return run_job(ImportJob.objects.select_related("story").get(pk=job_id), _match)


def _match(job: ImportJob):
    story = job.story
    with one_match_at_a_time(story):
        # A story matched before takes in incrementally whatever its index is missing: this
        # import's articles (less any that another import's match took in meanwhile) and any
        # an interrupted import left. A new one is matched whole, before the job says it is
        # done, so its overview shows the events.
        summary = match_if_never_matched(story) or take_in(story, [])
    job.finish(matching_said(story, summary))
