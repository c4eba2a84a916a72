"""Matching again from the browser runs as a background task and shows its status."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Edit, MatchJob, MatchState
from tests.conftest import run_worker, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_editor_rematches_and_the_status_fragment_reports_done(seed_story, editor):
    client = signed_in(editor)
    response = client.post(reverse("claims-rematch", args=[seed_story.slug]), **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "Matching the story again" in html
    job = MatchJob.objects.get()
    status_url = reverse("claims-match-status", args=[seed_story.slug, job.pk])
    assert f'hx-get="{status_url}"' in html
    assert not MatchState.objects.exists()

    run_worker()

    html = client.get(status_url, **HTMX).content.decode()
    assert "Last matched on request: matched" in html
    assert "hx-get" not in html  # done: the fragment stops polling
    assert MatchState.objects.get(story=seed_story).event_count > 0
    assert Edit.objects.get().action == "rematch"


def test_a_second_request_while_one_is_queued_reuses_it(seed_story, editor):
    client = signed_in(editor)
    client.post(reverse("claims-rematch", args=[seed_story.slug]))
    client.post(reverse("claims-rematch", args=[seed_story.slug]))
    assert MatchJob.objects.count() == 1


def test_rematch_needs_an_editor(seed_story, outsider):
    target = reverse("claims-rematch", args=[seed_story.slug])
    assert Client().post(target).status_code == 302
    assert signed_in(outsider).post(target).status_code == 403
    assert not MatchJob.objects.exists()


def test_a_failed_matching_task_shows_its_reason(seed_story, editor, monkeypatch):
    import claims.tasks

    def broken(story):
        raise RuntimeError("index is corrupt")

    monkeypatch.setattr(claims.tasks, "match_story", broken)
    client = signed_in(editor)
    client.post(reverse("claims-rematch", args=[seed_story.slug]))
    run_worker()
    job = MatchJob.objects.get()
    html = client.get(
        reverse("claims-match-status", args=[seed_story.slug, job.pk])
    ).content.decode()
    assert "Matching failed: RuntimeError: index is corrupt" in html


def test_only_editors_see_the_rematch_button(client, seed_story, editor):
    overview = reverse("claims-story", args=[seed_story.slug])
    assert "Match again</button>" not in client.get(overview).content.decode()
    assert "Match again</button>" in signed_in(editor).get(overview).content.decode()
