"""Import in the browser: the form, the background task, the progress and report, the rights."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from articles.forms import MAX_FILES, ImportForm
from articles.models import Article, ImportFile, ImportJob, ImportStatus, Membership, Role, Story
from articles.tasks import run_import
from claims.models import Claim
from tests.conftest import make_user, run_worker

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
SPUTNIK = "000_fce1e03549333a94.txt"
CNN = "002_91a21abd64638276.txt"
PASTED = "Talks stalled in Geneva on Tuesday. Both delegations blamed each other for the delay."


def seed_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SEEDS / name).read_bytes(), content_type="text/plain")


@pytest.fixture
def story_annotator(story):
    return make_user("anna", story, Role.ANNOTATOR)


def import_url(story):
    return reverse("articles-import", args=[story.slug])


def post_import(client, story, **data):
    return client.post(import_url(story), data)


def test_editor_gets_the_form_that_works_without_javascript(editor_client, story):
    response = editor_client.get(import_url(story))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert f'action="{import_url(story)}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="files" accept=".txt,.html,.htm,.jsonl" multiple' in html
    assert 'name="text"' in html
    assert "'nonce-" in response.headers["Content-Security-Policy"]
    # The files field is named once, by its label, not by a heading above it too.
    assert re.findall(r">\s*Files\s*<", html) == [">Files<"]
    assert '<label for="id_files">Files' in html


def test_anonymous_users_are_sent_to_sign_in(client, story):
    job = ImportJob.objects.create(story=story, total=1)
    urls = [import_url(story), job.get_absolute_url(), reverse("articles-story-create")]
    for url in urls:
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login") + "?next=")
    assert not Story.objects.exclude(pk=story.pk).exists()
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "story_annotator"])
def test_signed_in_user_who_may_not_edit_is_refused(client, story, who, request):
    job = ImportJob.objects.create(story=story, total=1)
    client.force_login(request.getfixturevalue(who))
    assert client.get(import_url(story)).status_code == 403
    assert post_import(client, story, text=PASTED).status_code == 403
    assert client.get(job.get_absolute_url()).status_code == 403
    assert ImportJob.objects.count() == 1


def test_superuser_may_import_into_any_story(client, story):
    client.force_login(make_user("root", is_superuser=True))
    response = post_import(client, story, text=PASTED)
    assert response.status_code == 302
    assert ImportJob.objects.get().story == story


def test_wrong_methods_are_refused(editor_client, story):
    job = ImportJob.objects.create(story=story, total=1)
    assert editor_client.delete(import_url(story)).status_code == 405
    assert editor_client.post(job.get_absolute_url()).status_code == 405


def test_editor_imports_two_files_and_pasted_text_in_the_background(
    editor_client, story, story_editor
):
    response = post_import(
        editor_client,
        story,
        files=[seed_file(SPUTNIK), seed_file(CNN)],
        text=PASTED,
        text_title="Geneva talks stall",
        text_outlet="Agence One",
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    assert (job.status, job.total, job.done, job.created_by) == ("queued", 3, 0, story_editor)
    assert ImportFile.objects.filter(job=job).count() == 3
    assert not Article.objects.exists()  # nothing happens until the worker runs it

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 3)
    assert [row["status"] for row in job.report] == ["imported"] * 3
    assert not ImportFile.objects.exists()
    pasted = Article.objects.get(title="Geneva talks stall")
    assert pasted.outlet.name == "Agence One"
    assert pasted.source.startswith("pasted-")
    html = editor_client.get(job.get_absolute_url()).content.decode()
    assert '<progress value="3" max="3">' in html and "3 of 3 files" in html
    assert "3 files: 3 imported, 0 duplicates, 0 failed." in html
    for article in story.articles.all():
        assert f'href="{article.get_absolute_url()}">{escape(article.display_title)}</a>' in html
    assert "hx-get" not in html  # done: the fragment stops polling


def test_a_bad_file_is_reported_with_its_reason_and_the_others_import(editor_client, story):
    post_import(
        editor_client,
        story,
        files=[
            seed_file(SPUTNIK),
            SimpleUploadedFile(
                "latin1.txt", "Caf\xe9 au lait, said the minister.".encode("latin-1")
            ),
            SimpleUploadedFile("scan.pdf", b"%PDF-1.4"),
            SimpleUploadedFile(
                "lines.jsonl", b'{"outlet": "A", "text": "Fine text here."}\nnot json\n'
            ),
        ],
    )
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == "done"
    assert story.articles.count() == 2
    failures = {(row["name"], row["line"]): row["reason"] for row in job.failures}
    assert "not UTF-8" in failures["latin1.txt", None]
    assert "unsupported file type" in failures["scan.pdf", None]
    assert ("lines.jsonl", 2) in failures
    html = editor_client.get(job.get_absolute_url()).content.decode()
    # 4 files, not "2 imported, 0 duplicates, 3 failed": lines.jsonl was in both counts
    assert (
        "4 files: 2 imported (1 with a failed line), 0 duplicates, 2 failed. "
        "Lines of JSONL files: 1 imported, 0 duplicates, 1 failed."
    ) in html
    assert "latin1.txt" in html and "not UTF-8 text" in html


def test_the_same_text_twice_is_reported_as_a_duplicate(editor_client, story):
    post_import(editor_client, story, files=[seed_file(CNN)])
    post_import(editor_client, story, files=[seed_file(CNN)])
    run_worker()
    second = ImportJob.objects.order_by("pk").last()
    assert [row["status"] for row in second.report] == ["duplicate"]
    html = editor_client.get(second.get_absolute_url()).content.decode()
    assert "1 file: 0 imported, 1 duplicate, 0 failed." in html
    assert story.articles.count() == 1


def test_an_import_with_nothing_new_says_what_the_story_s_match_left(editor_client, story):
    post_import(editor_client, story, files=[seed_file(SPUTNIK), seed_file(CNN)])
    run_worker()
    post_import(editor_client, story, files=[seed_file(CNN)])
    run_worker()
    second = ImportJob.objects.order_by("pk").last()
    html = editor_client.get(second.get_absolute_url()).text
    events, links = story.events.count(), story.links.count()
    assert events and links
    assert (
        "Matching: nothing left to match; the story&#x27;s claims were matched before "
        f"({events} events, {links} links)."
    ) in html


def test_status_fragment_for_htmx_polls_until_done(editor_client, story):
    post_import(editor_client, story, files=[seed_file(CNN)])
    job = ImportJob.objects.get()
    response = editor_client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert '<progress value="0" max="1">' in html and "0 of 1 file" in html
    assert f'hx-get="{job.get_absolute_url()}"' in html
    assert 'hx-trigger="load delay:1s"' in html

    run_worker()

    html = editor_client.get(
        job.get_absolute_url(), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in html
    assert '<progress value="1" max="1">' in html
    assert "hx-get" not in html
    assert "US, Moscow set to discuss Syria pact" in html


def test_htmx_post_swaps_in_the_panel_and_pushes_the_status_url(editor_client, story):
    response = editor_client.post(
        import_url(story), {"text": PASTED}, headers={"HX-Request": "true"}
    )
    job = ImportJob.objects.get()
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="import-panel"' in html and "<progress" in html and "<form" in html
    assert response.headers["HX-Push-Url"] == job.get_absolute_url()


def test_htmx_post_with_errors_swaps_in_the_form_with_its_message(editor_client, story):
    response = editor_client.post(import_url(story), {"text": ""}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 422  # the one 4xx base.html's htmx-config swaps in
    assert "<html" not in html and 'id="import-panel"' in html
    assert "Choose files or paste some text to import." in html
    assert "HX-Push-Url" not in response.headers


def test_a_task_that_raises_shows_as_failed_with_its_reason(editor_client, story, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("articles.tasks.import_uploads", explode)
    post_import(editor_client, story, text=PASTED)
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert not ImportFile.objects.exists()
    html = editor_client.get(job.get_absolute_url()).content.decode()
    assert "The import failed: RuntimeError: disk on fire" in html
    assert "hx-get" not in html
    assert DBTaskResult.objects.get(id=job.chunks.get().task_id).status == "FAILED"


def test_a_task_that_died_outside_the_import_still_ends_the_job(editor_client, story):
    post_import(editor_client, story, text=PASTED)
    DBTaskResult.objects.get().set_failed(MemoryError("worker ran out of memory"))
    job = ImportJob.objects.get()
    editor_client.get(job.get_absolute_url())  # ends its chunk, and queues its match
    run_worker()
    html = editor_client.get(job.get_absolute_url()).content.decode()
    assert "The import failed: MemoryError: worker ran out of memory" in html
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_empty_submission_is_refused_with_a_message(editor_client, story):
    response = post_import(editor_client, story, text="  ")
    assert response.status_code == 400
    assert "Choose files or paste some text to import." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused(editor_client, story, settings):
    settings.PARALLAX_IMPORT_MAX_BYTES = 100
    response = post_import(editor_client, story, files=[seed_file(CNN)])
    html = response.content.decode()
    assert "Larger than the limit of 100 bytes: 002_91a21abd64638276.txt." in html
    assert not ImportJob.objects.exists()


def test_too_many_files_are_refused_with_a_message():
    files = [SimpleUploadedFile(f"{n}.txt", b"Text.") for n in range(MAX_FILES)]
    form = ImportForm({"text": PASTED}, MultiValueDict({"files": files}))
    assert not form.is_valid()
    assert f"one import takes at most {MAX_FILES}" in str(form.errors)


def test_csrf_is_enforced_on_posts(story_editor, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(story_editor)
    assert client.post(import_url(story), {"text": PASTED}).status_code == 403
    response = client.post(import_url(story), {"text": PASTED}, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert client.post(reverse("articles-story-create"), {"title": "X"}).status_code == 403
    assert not ImportJob.objects.exists()


def test_htmx_posts_carry_the_csrf_token_from_the_body(story_editor, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(story_editor)
    html = client.get(import_url(story)).content.decode()
    token = html.split('"X-CSRFToken": "')[1].split('"')[0]
    response = client.post(
        import_url(story), {"text": PASTED}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200
    assert ImportJob.objects.count() == 1


def test_story_create_makes_the_user_its_editor(client):
    user = make_user("nora")
    client.force_login(user)
    assert client.get(reverse("articles-story-create")).status_code == 200
    response = client.post(
        reverse("articles-story-create"),
        {"title": "Aleppo convoy", "description": "The UN convoy strike."},
    )
    story = Story.objects.get(title="Aleppo convoy")
    assert story.slug == "aleppo-convoy"
    assert response.url == import_url(story)
    assert Membership.objects.get(story=story).role == Role.EDITOR
    assert Membership.objects.get(story=story).user == user
    client.post(reverse("articles-story-create"), {"title": "Aleppo convoy"})
    assert Story.objects.filter(slug="aleppo-convoy-2").exists()


def test_story_create_refuses_a_taken_slug(client, story):
    client.force_login(make_user("nora"))
    response = client.post(reverse("articles-story-create"), {"title": "T", "slug": story.slug})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Story.objects.count() == 1


def test_run_import_is_a_task_for_the_database_backend():
    assert run_import.get_backend().__class__.__name__ == "DatabaseBackend"


def test_a_new_story_imported_in_the_browser_is_matched_when_the_import_is_done(
    editor_client, story
):
    overview = reverse("claims-story", args=[story.slug])
    assert "has not been matched" in editor_client.get(overview).text
    post_import(editor_client, story, files=[seed_file(SPUTNIK), seed_file(CNN)])
    run_worker()
    assert ImportJob.objects.get().status == "done"
    assert story.events.exists() and story.links.exists()
    html = editor_client.get(overview).text
    assert "has not been matched" not in html and "match_claims" not in html
    assert "Match again</button>" in html
    # the import's own page says what matching made of it, and leads to the events
    job = ImportJob.objects.get()
    status = editor_client.get(job.get_absolute_url()).text
    events, links = story.events.count(), story.links.count()
    claims = Claim.objects.filter(article__story=story).count()
    assert f"Matching: matched {claims} claims: {events} events" in status
    assert f"{links} links ({links} new, 0 dropped)" in status
    assert f'<a href="{overview}">See the story\'s events</a>' in status


def test_a_matched_story_takes_a_browser_import_in_incrementally(editor_client, story, monkeypatch):
    from claims.actions import matching

    post_import(editor_client, story, files=[seed_file(SPUTNIK)])
    run_worker()
    full_runs = []
    real = matching.match_story
    monkeypatch.setattr(matching, "match_story", lambda s: full_runs.append(s) or real(s))
    post_import(editor_client, story, files=[seed_file(CNN)])
    run_worker()
    assert full_runs == []
    assert story.links.filter(claim_a__article__outlet__name="CNN").exists() or (
        story.links.filter(claim_b__article__outlet__name="CNN").exists()
    )
    second = ImportJob.objects.latest("pk")
    cnn = Claim.objects.filter(article__story=story, article__outlet__name="CNN").count()
    assert f"Matching: matched {cnn} new claims into the story: " in (
        editor_client.get(second.get_absolute_url()).text
    )
