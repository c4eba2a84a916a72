"""Jobs whose task worker is gone (killed, restarted, out of memory) end as failed once they
have had their attempts (`PARALLAX_JOB_ATTEMPTS`, one here: test_retries.py tries them again),
saying what was done and what was not; articles an interrupted import stored still get
matched."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.ingest.importer import Upload, import_uploads
from articles.jobs import reap
from articles.models import Article, ImportChunk, ImportFile, ImportJob, JobStatus, Role
from claims.actions.backlog import unindexed
from claims.actions.matching import load_index, match_story
from claims.models import Claim, MatchJob
from tests.conftest import make_article, make_user, run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_attempt(settings):
    settings.PARALLAX_JOB_ATTEMPTS = 1


SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
FILES = ["000_fce1e03549333a94.txt", "002_91a21abd64638276.txt", "001_f905e831ff7172e5.txt"]
SENTENCES = [
    "Coalition jets bombed Syrian troops at Deir ez-Zor on Saturday, killing 62 soldiers.",
    "Kerry and Lavrov met in Geneva on Friday to rescue the truce talks.",
]


@pytest.fixture
def matched(story):
    make_article(story, "Outlet One", SENTENCES)
    make_article(story, "Outlet Two", SENTENCES[::-1])
    match_story(story)
    return story


def claimed_by_a_worker_that_died(job, done=0):
    """What a worker killed mid-job leaves: the task claimed, the job running, its last beat
    older than the lease."""
    DBTaskResult.objects.get(id=job.task_id).claim("killed-worker")
    job.start("gone-host pid 1")
    long_ago = timezone.now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE + 1)
    type(job).objects.filter(pk=job.pk).update(
        heartbeat_at=long_ago, **({"done": done} if done else {})
    )


def upload(client, story, names):
    files = [SimpleUploadedFile(n, (SEEDS / n).read_bytes(), "text/plain") for n in names]
    client.post(reverse("articles-import", args=[story.slug]), {"files": files})
    return ImportJob.objects.latest("id")


def stored_by(chunk, outlet="Sputnik", sentences=SENTENCES):
    """An article this chunk's worker stored before it was killed."""
    article = make_article(chunk.story, outlet, sentences)[0].article
    Article.objects.filter(pk=article.pk).update(import_job=chunk.job, import_chunk=chunk)
    return article


def indexed_claims(story) -> set[int]:
    return set(load_index(story).claim_ids)


def test_a_killed_import_ends_failed_with_what_it_stored_and_its_uploads_dropped(
    editor_client, story
):
    job = upload(editor_client, story, FILES)
    chunk = job.chunks.get()
    claimed_by_a_worker_that_died(chunk, done=1)
    stored = stored_by(chunk)  # read before the kill

    editor_client.get(job.get_absolute_url())  # ends the chunk and queues the import's match
    assert not ImportFile.objects.exists()
    run_worker()
    html = editor_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).text

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "hx-get" not in html  # the page stops polling
    assert "The import failed: The task worker stopped (killed or restarted)" in html
    assert "It had read 1 of 3 files; it stored 1 article, kept (listed below)" in html
    assert reverse("articles-detail", args=[story.slug, stored.pk]) in html
    assert "3 files: 1 imported, 0 duplicates, 2 failed." in html
    assert f'{FILES[1]}</td><td class="num"></td><td>the import stopped while reading' in html
    assert f'{FILES[2]}</td><td class="num"></td><td>not read: the import stopped' in html
    assert DBTaskResult.objects.get(id=chunk.task_id).status == "FAILED"


def test_a_job_whose_worker_still_beats_is_left_running(editor_client, story):
    job = upload(editor_client, story, FILES[:1])
    chunk = job.chunks.get()
    claimed_by_a_worker_that_died(chunk)
    ImportChunk.objects.filter(pk=chunk.pk).update(heartbeat_at=timezone.now())

    html = editor_client.get(job.get_absolute_url()).text

    chunk.refresh_from_db()
    assert chunk.status == JobStatus.RUNNING
    assert "hx-get" in html
    assert ImportFile.objects.count() == 1


def test_a_task_taken_by_a_worker_that_died_before_starting_the_job_ends_it(editor_client, story):
    job = upload(editor_client, story, FILES[:1])
    chunk = job.chunks.get()
    long_ago = timezone.now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE + 1)
    DBTaskResult.objects.get(id=chunk.task_id).claim("killed-worker")
    DBTaskResult.objects.filter(id=chunk.task_id).update(started_at=long_ago)

    editor_client.get(job.get_absolute_url())
    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "It had read 0 of 1 file; it stored no article." in job.error
    assert job.report[0]["reason"] == "not read: the import stopped before this file"
    assert not ImportFile.objects.exists()


def test_a_killed_rematch_ends_failed_and_match_again_starts_a_new_job(client, matched):
    client.force_login(make_user("edna", matched, Role.EDITOR))
    url = reverse("claims-rematch", args=[matched.slug])
    client.post(url)
    stuck = MatchJob.objects.get()
    claimed_by_a_worker_that_died(stuck)

    client.post(url)  # "Match again"

    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert "match it again to complete it" in stuck.error
    fresh = MatchJob.objects.exclude(pk=stuck.pk).get()
    assert fresh.status == JobStatus.QUEUED
    status_url = reverse("claims-match-status", args=[matched.slug, stuck.pk])
    assert "Matching failed: The task worker stopped" in client.get(status_url).text
    run_worker()
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.DONE, fresh.error


def test_the_status_page_of_a_killed_rematch_says_it_failed_and_offers_match_again(client, matched):
    client.force_login(make_user("edna", matched, Role.EDITOR))
    client.post(reverse("claims-rematch", args=[matched.slug]))
    job = MatchJob.objects.get()
    claimed_by_a_worker_that_died(job)

    html = client.get(reverse("claims-match-status", args=[matched.slug, job.pk])).text

    assert "Matching failed: The task worker stopped" in html
    assert "Match again</button>" in html
    assert "hx-get" not in html
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"


def test_manage_jobs_lists_running_jobs_and_reaps_those_of_dead_workers(editor_client, story):
    job = upload(editor_client, story, FILES[:1])
    chunk = job.chunks.get()
    claimed_by_a_worker_that_died(chunk)
    out = StringIO()
    call_command("jobs", stdout=out)
    assert f"ImportChunk {chunk.pk} running  geneva  gone-host pid 1, beat " in out.getvalue()
    assert "; attempts 1 of 1" in out.getvalue()
    assert "killed-worker" in out.getvalue()

    out = StringIO()
    call_command("jobs", "--reap", stdout=out)

    assert "queued again or ended 1 job(s) whose worker was gone" in out.getvalue()
    assert f"ImportChunk {chunk.pk}" not in out.getvalue()
    assert ImportChunk.objects.get().status == JobStatus.FAILED
    assert not ImportFile.objects.exists()
    run_worker()
    assert ImportJob.objects.get().status == JobStatus.FAILED


def test_an_import_that_fails_after_storing_articles_leaves_them_matched(
    editor_client, matched, monkeypatch
):
    def second_file_explodes(chunk):
        if chunk.done == 1:
            raise RuntimeError("worker ran out of memory")
        ImportChunk.objects.filter(pk=chunk.pk).update(done=chunk.done + 1)
        chunk.done += 1

    monkeypatch.setattr(ImportChunk, "advance", second_file_explodes)
    job = upload(editor_client, matched, FILES)

    run_worker()  # the import, then the matching of what it stored

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    stored = Article.objects.filter(story=matched, source__in=FILES)
    assert stored.count() == 2  # the second file was stored, then its progress failed
    assert [row["article_id"] for row in job.imported] == sorted(a.pk for a in stored)
    assert unindexed(matched) == []
    assert set(Claim.objects.filter(article__in=stored).values_list("pk", flat=True)) <= (
        indexed_claims(matched)
    )


def test_the_next_import_matches_articles_a_crashed_import_left_unmatched(matched, tmp_path):
    crashed = make_article(matched, "Outlet Three", ["Talks resumed in Geneva on Monday."])[
        0
    ].article
    assert unindexed(matched) == [crashed]
    (tmp_path / FILES[0]).write_bytes((SEEDS / FILES[0]).read_bytes())

    call_command("import_articles", tmp_path, "--story", matched.slug, stdout=StringIO())

    assert unindexed(matched) == []
    assert set(crashed.claims.values_list("pk", flat=True)) <= indexed_claims(matched)


def test_a_rerun_that_meets_only_duplicates_matches_those_never_matched(
    matched, tmp_path, monkeypatch
):
    (tmp_path / FILES[0]).write_bytes((SEEDS / FILES[0]).read_bytes())
    # A run killed after storing its article, before it could say so:
    monkeypatch.setattr("articles.ingest.importer.take_in", lambda story, articles: None)
    call_command("import_articles", tmp_path, "--story", matched.slug, stdout=StringIO())
    monkeypatch.undo()
    article = Article.objects.get(source=FILES[0])
    assert unindexed(matched) == [article]

    out = StringIO()
    call_command("import_articles", tmp_path, "--story", matched.slug, stdout=out)

    assert "1 duplicate" in out.getvalue()
    assert unindexed(matched) == []
    assert set(article.claims.values_list("pk", flat=True)) <= indexed_claims(matched)


def test_a_reaper_that_fails_halfway_leaves_the_killed_import_for_the_next_to_end_whole(
    editor_client, story, monkeypatch
):
    """Ending a killed job is one transaction: failed together with its report, its uploads
    dropped and its stored articles handed to matching, or not at all (found by
    bench/load_http.py, which saw a killed import failed without its report for a moment)."""
    job = upload(editor_client, story, FILES)
    chunk = job.chunks.get()
    claimed_by_a_worker_that_died(chunk, done=1)
    stored = stored_by(chunk)
    real = ImportChunk.ended_early

    def dies(self):
        raise DatabaseError("the reaper's connection was lost")

    monkeypatch.setattr(ImportChunk, "ended_early", dies)
    with pytest.raises(DatabaseError):
        reap()
    chunk.refresh_from_db()
    assert chunk.status == JobStatus.RUNNING  # not failed without its report: still to be ended
    assert ImportFile.objects.filter(job=job).count() == len(FILES)
    assert DBTaskResult.objects.get(id=chunk.task_id).status == "RUNNING"

    monkeypatch.setattr(ImportChunk, "ended_early", real)
    assert reap() == 1
    run_worker()  # the import's match
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "It had read 1 of 3 files; it stored 1 article" in job.error
    assert [row["article_id"] for row in job.imported] == [stored.pk]
    assert not ImportFile.objects.exists()
    assert DBTaskResult.objects.get(id=chunk.task_id).status == "FAILED"


def test_a_file_stored_before_the_job_counted_it_is_reported_read_not_failed(editor_client, story):
    """The worker was killed after storing the second file's article and before counting the
    file as read (bench/load_http.py: "It had read 1 of 6 files; it stored 2 articles"): the
    report lists that file once, as imported, and counts it read."""
    job = upload(editor_client, story, FILES)
    chunk = job.chunks.get()
    claimed_by_a_worker_that_died(chunk, done=1)
    for name in FILES[:2]:
        article = stored_by(chunk)
        Article.objects.filter(pk=article.pk).update(source=name)

    editor_client.get(job.get_absolute_url())
    run_worker()

    job.refresh_from_db()
    assert "It had read 2 of 3 files; it stored 2 articles" in job.error
    assert sorted(row["name"] for row in job.imported) == sorted(FILES[:2])
    assert [(row["name"], row["reason"]) for row in job.failures] == [
        (FILES[2], "the import stopped while reading this file")
    ]


def test_a_killed_import_reports_only_the_articles_it_stored_not_a_later_imports(
    editor_client, story
):
    """A second import of the story stored articles after the first one's worker was killed
    and before the first was ended (bench/load_http.py: "read 1 of 6 files; it stored 7
    articles"): the first one's report lists only the article it stored itself."""
    first = upload(editor_client, story, FILES)
    chunk = first.chunks.get()
    DBTaskResult.objects.get(id=chunk.task_id).claim("killed-worker")
    chunk.start("gone-host pid 1")  # beating still: the next import does not end it
    data = (SEEDS / FILES[0]).read_bytes()
    own = import_uploads([Upload(FILES[0], data)], story, job=chunk, match=False).articles
    ImportChunk.objects.filter(pk=chunk.pk).update(done=1)  # then killed

    second = upload(editor_client, story, ["003_cac267b27a17f661.txt", "004_e7e81859fba7527d.txt"])
    run_worker()
    second.refresh_from_db()
    assert second.status == JobStatus.DONE
    later = list(Article.objects.filter(import_job=second))
    assert len(later) == 2 and len(second.imported) == 2

    long_ago = timezone.now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE + 1)
    ImportChunk.objects.filter(pk=chunk.pk).update(heartbeat_at=long_ago)
    editor_client.get(first.get_absolute_url())
    run_worker()

    first.refresh_from_db()
    assert first.status == JobStatus.FAILED
    assert "It had read 1 of 3 files; it stored 1 article, kept" in first.error
    assert [row["article_id"] for row in first.imported] == [a.pk for a in own]
    assert [(row["name"], row["reason"]) for row in first.failures] == [
        (FILES[1], "the import stopped while reading this file"),
        (FILES[2], "not read: the import stopped before this file"),
    ]
    assert Article.objects.filter(import_job=first).count() == 1
