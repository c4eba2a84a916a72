"""A large browser import is split into chunks (`PARALLAX_IMPORT_CHUNK` files), one task each,
that several workers import at once; the user sees one import, and the story is matched once,
when every chunk has ended. A job whose worker was lost (its lease expired) is tried again,
`PARALLAX_JOB_ATTEMPTS` times in all, then ended as failed, saying what was done."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.ingest.importer import Upload, import_uploads
from articles.jobs import _take, one_match_at_a_time, reap, run_job
from articles.models import (
    Article,
    ImportChunk,
    ImportFile,
    ImportJob,
    JobStatus,
    MatchLock,
    Role,
    Story,
)
from articles.tasks import _import
from claims.actions import backlog, matching
from claims.actions.backlog import unindexed
from claims.models import MatchJob, MatchState
from tests.articles.test_jobs import SEEDS, SENTENCES
from tests.articles.test_workers import take_next, three_workers_ask
from tests.conftest import make_article, make_user, run_worker

pytestmark = pytest.mark.django_db

FILES = sorted(p.name for p in SEEDS.glob("*.txt"))[:4]


def upload(client, story, files):
    client.post(reverse("articles-import", args=[story.slug]), {"files": files})
    return ImportJob.objects.latest("id")


def seed(name):
    return SimpleUploadedFile(name, (SEEDS / name).read_bytes(), "text/plain")


def tasks_named(name):
    return [t for t in DBTaskResult.objects.all() if t.task_path.endswith(f".{name}")]


def lost(chunk, worker="killed-worker"):
    """What a worker killed mid-chunk leaves: its task taken, the chunk running, its last
    beat older than the lease."""
    assert take_next(worker).id == DBTaskResult.objects.get(id=chunk.task_id).id
    chunk.refresh_from_db()
    chunk.start(f"{worker} pid 1")
    long_ago = timezone.now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE + 1)
    ImportChunk.objects.filter(pk=chunk.pk).update(heartbeat_at=long_ago)


def test_a_three_chunk_upload_makes_three_import_tasks_and_one_match_at_the_end(
    editor_client, story, settings, monkeypatch
):
    settings.PARALLAX_IMPORT_CHUNK = 1
    matches = []
    real = __import__("articles.tasks", fromlist=["match_if_never_matched"])
    never_matched = real.match_if_never_matched
    monkeypatch.setattr(
        "articles.tasks.match_if_never_matched", lambda s: matches.append(s) or never_matched(s)
    )
    job = upload(editor_client, story, [seed(name) for name in FILES[:3]])

    assert [c.total for c in job.chunks.all()] == [1, 1, 1]
    assert len(tasks_named("run_import")) == 3
    assert {t.args_kwargs["args"][0] for t in tasks_named("run_import")} == set(
        job.chunks.values_list("pk", flat=True)
    )
    assert tasks_named("match_import") == []  # no match before every chunk has ended

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert len(tasks_named("match_import")) == 1
    assert matches == [story]  # the story matched once, whole (it was never matched)
    assert MatchState.objects.filter(story=story).exists() and unindexed(story) == []
    assert (job.done, job.total) == (3, 3)
    assert sorted(row["name"] for row in job.imported) == sorted(FILES[:3])
    assert not ImportFile.objects.exists()
    html = editor_client.get(job.get_absolute_url()).text
    assert html.count('class="import-job"') == 1  # one import, all its files
    assert "3 files: 3 imported, 0 duplicates, 0 failed." in html
    for n in (1, 2, 3):
        assert f"<li>File {n} of 3: done</li>" in html
    for article in story.articles.all():
        assert article.get_absolute_url() in html


def test_a_matched_story_takes_a_chunked_import_in_incrementally_once(
    editor_client, story, settings, monkeypatch
):
    make_article(story, "Outlet One", SENTENCES)
    call_command("match_claims", "--story", story.slug, stdout=StringIO())
    settings.PARALLAX_IMPORT_CHUNK = 2
    calls = []
    real = backlog.match_new_articles
    monkeypatch.setattr(
        backlog, "match_new_articles", lambda s, new: calls.append(new) or real(s, new)
    )
    monkeypatch.setattr(matching, "match_story", lambda s: calls.append("whole"))
    job = upload(editor_client, story, [seed(name) for name in FILES[:3]])

    run_worker()

    assert job.chunks.count() == 2
    assert len(calls) == 1  # one incremental match, with every article of the import
    assert sorted(a.pk for a in calls[0]) == sorted(
        Article.objects.filter(import_job=job).values_list("pk", flat=True)
    )
    assert len(calls[0]) == 3 and unindexed(story) == []


def test_a_failing_file_and_a_failing_chunk_are_reported_and_the_others_imported(
    editor_client, story, settings, monkeypatch
):
    settings.PARALLAX_IMPORT_CHUNK = 2
    real = import_uploads

    def third_chunk_breaks(uploads, *args, job=None, **kwargs):
        if job.number == 3:
            raise RuntimeError("disk on fire")
        return real(uploads, *args, job=job, **kwargs)

    monkeypatch.setattr("articles.tasks.import_uploads", third_chunk_breaks)
    files = [seed(FILES[0]), SimpleUploadedFile("scan.pdf", b"%PDF-1.4"), seed(FILES[1])]
    files += [seed(FILES[2]), seed(FILES[3])]
    job = upload(editor_client, story, files)

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("File 5 of 5: RuntimeError: disk on fire. It had read 0 of 1")
    assert sorted(row["name"] for row in job.imported) == sorted(FILES[:3])
    assert Article.objects.filter(story=story).count() == 3  # the failing chunk undid nothing
    failures = {row["name"]: row["reason"] for row in job.failures}
    assert "unsupported file type" in failures["scan.pdf"]
    assert failures[FILES[3]] == "the import stopped while reading this file"
    assert unindexed(story) == [] and MatchState.objects.filter(story=story).exists()
    assert not ImportFile.objects.exists()
    html = editor_client.get(job.get_absolute_url()).text
    assert "5 files: 3 imported, 0 duplicates, 2 failed." in html
    assert "<li>File 5 of 5: failed</li>" in html and "<li>Files 1-2 of 5: done</li>" in html


def test_a_chunk_whose_worker_vanished_is_tried_again_and_reports_what_both_stored(
    editor_client, story
):
    job = upload(editor_client, story, [seed(FILES[0]), seed(FILES[1])])
    chunk = job.chunks.get()
    lost(chunk)
    data = (SEEDS / FILES[0]).read_bytes()
    first = import_uploads([Upload(FILES[0], data)], story, job=chunk, match=False).articles

    assert reap() == 1

    chunk.refresh_from_db()
    assert chunk.status == JobStatus.QUEUED
    assert DBTaskResult.objects.get(id=chunk.task_id).status == "READY"
    out = StringIO()
    call_command("jobs", stdout=out)
    assert f"ImportChunk {chunk.pk} queued   geneva  not started" in out.getvalue()
    assert "; attempts 1 of 2" in out.getvalue()

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert [(row["name"], row["status"]) for row in job.report] == [
        (FILES[0], "imported"),  # stored by the lost attempt: its own, not a duplicate
        (FILES[1], "imported"),
    ]
    assert job.imported[0]["article_id"] == first[0].pk
    assert Article.objects.filter(story=story).count() == 2
    assert DBTaskResult.objects.get(id=chunk.task_id).worker_ids == ["killed-worker", "test-worker"]
    html = editor_client.get(job.get_absolute_url()).text
    assert "Files 1-2 of 2: done, attempt 2 of 2 (a worker was lost)" in html
    assert "2 files: 2 imported, 0 duplicates, 0 failed." in html


def test_a_chunk_its_lost_worker_finished_after_all_is_not_run_again_and_reported_empty(
    editor_client, story, settings
):
    """A worker taken for lost (paused, cut off) comes back and ends its chunk before the
    chunk's second attempt is taken: that attempt finds the chunk ended and leaves it, its
    files and its report, as they are."""
    settings.PARALLAX_IMPORT_CHUNK = 2
    job = upload(editor_client, story, [seed(name) for name in FILES[:3]])
    first = job.chunks.get(number=1)
    lost(first, "slow-worker")
    assert reap() == 1
    _import(first)  # it was not dead: it goes on and ends the chunk

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert sorted(row["name"] for row in job.imported) == sorted(FILES[:3])
    assert Article.objects.filter(story=story).count() == 3
    first.refresh_from_db()
    assert first.status == JobStatus.DONE and len(first.report) == 2


def test_a_second_attempt_that_fails_after_the_first_ended_the_chunk_leaves_it_done(
    editor_client, story
):
    """The second attempt began while the worker taken for lost was still at work; that one
    ended the chunk, then the second failed: the chunk stays as the first ended it."""
    job = upload(editor_client, story, [seed(FILES[0]), seed(FILES[1])])
    first = job.chunks.get()
    lost(first, "slow-worker")
    assert reap() == 1
    second = ImportChunk.objects.select_related("job", "story").get(pk=first.pk)
    assert second.start("second-worker pid 2")
    _import(first)  # the slow worker ends the chunk
    second.fail("RuntimeError: the second attempt broke")

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert sorted(row["name"] for row in job.imported) == sorted(FILES[:2])


def test_an_import_whose_match_was_taken_by_a_worker_that_died_before_starting_it_is_retried(
    editor_client, story
):
    """Its chunks have ended (the import says running); the worker that took its match died
    before the match began, so nothing ever beat: the import is not left running for ever."""
    job = upload(editor_client, story, [seed(FILES[0])])
    chunk = job.chunks.get()
    take_next("chunk-worker")
    run_job(chunk, _import)
    job.refresh_from_db()
    assert take_next("killed-worker").id == DBTaskResult.objects.get(id=job.task_id).id
    long_ago = timezone.now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE + 1)
    DBTaskResult.objects.filter(id=job.task_id).update(started_at=long_ago)

    assert reap() == 1

    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert [row["name"] for row in job.imported] == [FILES[0]]


def test_a_chunk_lost_on_every_attempt_ends_failed_saying_so(editor_client, story):
    job = upload(editor_client, story, [seed(FILES[0]), seed(FILES[1])])
    chunk = job.chunks.get()
    lost(chunk, "worker-1")
    assert reap() == 1
    lost(chunk, "worker-2")
    stored = import_uploads(
        [Upload(FILES[0], (SEEDS / FILES[0]).read_bytes())], story, job=chunk, match=False
    ).articles
    ImportChunk.objects.filter(pk=chunk.pk).update(done=1)

    assert reap() == 1

    chunk.refresh_from_db()
    assert chunk.status == JobStatus.FAILED
    assert "It was tried 2 times, each time with a worker that was lost." in chunk.error
    assert DBTaskResult.objects.get(id=chunk.task_id).status == "FAILED"
    assert not ImportFile.objects.exists()
    run_worker()  # the import's match, with what the chunk stored
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The task worker stopped (killed or restarted)")
    assert "It had read 1 of 2 files; it stored 1 article, kept" in job.error
    assert [row["article_id"] for row in job.imported] == [stored[0].pk]
    assert [(row["name"], row["status"]) for row in job.failures] == [(FILES[1], "failed")]
    assert unindexed(story) == [] and MatchState.objects.filter(story=story).exists()


def test_a_rematch_whose_worker_vanished_runs_again(client, story):
    make_article(story, "Outlet One", SENTENCES)
    make_article(story, "Outlet Two", SENTENCES[::-1])
    client.force_login(make_user("edna", story, Role.EDITOR))
    client.post(reverse("claims-rematch", args=[story.slug]))
    job = MatchJob.objects.get()
    take_next("killed-worker")
    job.start("gone-host pid 1")
    long_ago = timezone.now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE + 1)
    MatchJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)

    client.get(reverse("claims-match-status", args=[story.slug, job.pk]))

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.summary.startswith("matched 4 claims")
    assert MatchJob.objects.count() == 1  # the same job, tried again


def test_one_match_of_a_story_at_a_time_and_a_killed_holders_lock_lapses(story):
    other = Story.objects.create(slug="aleppo", title="Aleppo convoy")
    assert _take(story.pk, "worker-a")
    assert not _take(story.pk, "worker-b")  # a second match of the story waits
    assert _take(other.pk, "worker-b")  # another story's match runs meanwhile
    past = timezone.now() - timedelta(seconds=1)
    MatchLock.objects.filter(story=story).update(expires_at=past)  # worker-a was killed
    assert _take(story.pk, "worker-b")
    MatchLock.objects.all().delete()

    with one_match_at_a_time(story):
        assert MatchLock.objects.filter(story=story).count() == 1
        assert not _take(story.pk, "worker-c")
    assert not MatchLock.objects.filter(story=story).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_never_take_the_same_chunk():
    """Two connections in a fixed order: worker A holds its lock on one chunk's task while B
    asks; B takes the other chunk, a third worker none."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite lets one writer at a time, so one server only")
    story = Story.objects.create(slug="geneva", title="Geneva talks")
    from articles.tasks import start_import

    settings_chunk = settings.PARALLAX_IMPORT_CHUNK
    files = [ImportFile(name=f"{n}.txt", data=b"Text.") for n in range(2 * settings_chunk)]
    job = start_import(story, None, files)
    chunk_tasks = set(job.chunks.values_list("task_id", flat=True))
    took = three_workers_ask()

    assert {took["a"], took["b"]} == chunk_tasks
    assert took["c"] is None


def test_a_rematch_waits_while_another_match_of_its_story_holds_the_lock(
    client, story, monkeypatch
):
    """The import's match of the story runs (it holds the story's lock) when a re-match is
    taken by another worker: the re-match waits, and matches only once the lock is free."""
    make_article(story, "Outlet One", SENTENCES)
    make_article(story, "Outlet Two", SENTENCES[::-1])
    assert _take(story.pk, "import's match")
    waits = []

    def sleep(seconds):
        assert not MatchState.objects.filter(story=story).exists()  # nothing matched meanwhile
        waits.append(seconds)
        if len(waits) == 3:
            MatchLock.objects.filter(holder="import's match").delete()  # that match ends

    monkeypatch.setattr("articles.jobs.time.sleep", sleep)
    client.force_login(make_user("edna", story, Role.EDITOR))
    client.post(reverse("claims-rematch", args=[story.slug]))

    run_worker()

    assert len(waits) == 3
    assert MatchJob.objects.get().status == JobStatus.DONE
    assert MatchState.objects.filter(story=story).exists()
    assert not MatchLock.objects.exists()


def test_the_report_says_which_article_an_import_stored_is_a_copy_of(
    editor_client, story, settings
):
    """A chunk finds the copies of what earlier chunks stored; the report links the copy to
    its original, as stored."""
    settings.PARALLAX_IMPORT_CHUNK = 1
    original = (SEEDS / FILES[0]).read_text()
    kept = [p for p in original.splitlines() if p.strip()]
    lead = "Officials on both sides said on Wednesday that the talks would go on for now."
    copy = SimpleUploadedFile("republished.txt", "\n\n".join([lead, *kept[1:]]).encode())
    job = upload(editor_client, story, [seed(FILES[0]), copy])

    run_worker()

    job.refresh_from_db()
    first, republished = (Article.objects.get(source=n) for n in (FILES[0], "republished.txt"))
    assert republished.copy_of == first
    rows = {row["name"]: row for row in job.imported}
    assert rows["republished.txt"]["copy_of_id"] == first.pk
    assert rows[FILES[0]]["copy_of_id"] is None
    html = editor_client.get(job.get_absolute_url()).text
    assert f'copy of <a href="{first.get_absolute_url()}">' in html
