"""`match_claims` on a story in which nothing changed since its last full match does not match
it again; any change to what the result depends on, or to what the match stored, does."""

import datetime
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from claims.actions import editing
from claims.actions import matching as store
from claims.models import Claim, Event, Link, LinkStatus, MatchIndexPart, MatchJob, MatchState
from tests.claims.test_store import snapshot
from tests.conftest import make_article, run_worker, signed_in

pytestmark = pytest.mark.django_db
UNCHANGED = "nothing changed since the last full match"


def match_claims(story, *args) -> str:
    out = StringIO()
    call_command("match_claims", "--story", story.slug, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def story(matched_story):
    """The seed story, matched by this code (the fixture's rows may be another's)."""
    match_claims(matched_story, "--full")
    return matched_story


def test_an_unchanged_story_is_not_matched_again(story):
    before, state = snapshot(story), MatchState.objects.get(story=story)
    out = match_claims(story)
    assert UNCHANGED in out
    counts = f"{state.claim_count} claims: {state.event_count} events, {state.link_count} links"
    assert f"{counts} (0 new, 0 dropped)" in out
    assert snapshot(story) == before
    assert MatchState.objects.get(story=story).matched_at == state.matched_at


def test_full_matches_an_unchanged_story_again(story):
    before, state = snapshot(story), MatchState.objects.get(story=story)
    out = match_claims(story, "--full")
    assert UNCHANGED not in out and "(0 new, 0 dropped)" in out
    assert snapshot(story) == before
    assert MatchState.objects.get(story=story).matched_at > state.matched_at
    assert UNCHANGED in match_claims(story)  # and it is recognised again after


def _two_events(story):
    return list(story.events.order_by("id")[:2])


def _claim_edited(story, editor):
    claim = Claim.objects.filter(article__story=story).order_by("id").first()
    Claim.objects.filter(pk=claim.pk).update(text=claim.text.swapcase())


def _claim_added(story, editor):
    make_article(story, "The Dispatch", ["Aid trucks were hit near Aleppo on Monday, said the UN."])


def _article_redated(story, editor):
    article = story.articles.order_by("id").first()
    Article.objects.filter(pk=article.pk).update(published=datetime.date(2016, 9, 1))


def _alias_added(story, editor):
    editing.add_alias(story, ["Zorblat", "the convoy"], editor)


def _link_confirmed(story, editor):
    Link.objects.filter(story=story, status=LinkStatus.SUGGESTED).first().decide(
        LinkStatus.CONFIRMED, editor
    )


def _link_rejected(story, editor):
    Link.objects.filter(story=story, status=LinkStatus.SUGGESTED).first().decide(
        LinkStatus.REJECTED, editor
    )


def _claim_moved(story, editor):
    event, target = _two_events(story)
    editing.move_claims(event, [event.claims.order_by("id").first().pk], target, editor)


def _events_merged(story, editor):
    target, other = _two_events(story)
    editing.merge_events(target, other, editor)


def _link_row_edited(story, editor):
    link = Link.objects.filter(story=story).order_by("id").first()
    Link.objects.filter(pk=link.pk).update(explanation="written over")


def _claim_taken_out(story, editor):
    claim = Claim.objects.filter(article__story=story, event__isnull=False).order_by("id")[0]
    Claim.objects.filter(pk=claim.pk).update(event=None)


def _event_deleted(story, editor):
    Event.objects.filter(pk=_two_events(story)[0].pk).delete()


def _index_lost(story, editor):
    MatchIndexPart.objects.filter(story=story).delete()


def _matcher_changed(story, editor, monkeypatch):
    monkeypatch.setattr(store, "matcher_version", lambda: "another version")


CHANGES = [
    _claim_edited,
    _claim_added,
    _article_redated,
    _alias_added,
    _link_confirmed,
    _link_rejected,
    _claim_moved,
    _events_merged,
    _link_row_edited,
    _claim_taken_out,
    _event_deleted,
    _index_lost,
    _matcher_changed,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_any_change_matches_the_story_again(story, editor, change, monkeypatch):
    assert UNCHANGED in match_claims(story)
    if change is _matcher_changed:
        change(story, editor, monkeypatch)
    else:
        change(story, editor)
    out = match_claims(story)
    assert UNCHANGED not in out and out.startswith(f"{story.slug}: matched ")
    assert UNCHANGED in match_claims(story)  # what it stored is recognised in turn


def test_a_run_stopped_while_storing_leaves_nothing_to_skip(story, monkeypatch):
    """A run killed between its first write and its last leaves no digest: the next run
    matches the story whatever it finds (here the story as before, written again)."""
    assert UNCHANGED in match_claims(story)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(store, "_save_links", killed)
        with pytest.raises(KeyboardInterrupt):
            match_claims(story, "--full")
    assert store.DIGEST not in MatchState.objects.get(story=story).stats
    out = match_claims(story)
    assert UNCHANGED not in out and "matched" in out
    assert UNCHANGED in match_claims(story)


def test_an_import_matched_into_the_story_is_matched_again_in_full(story):
    """A run that matches new articles only (match_new_articles) keeps no digest."""
    claims = make_article(story, "The Dispatch", ["Aid trucks were hit near Aleppo, said the UN."])
    article = Article.objects.get(pk=claims[0].article_id)
    assert store.match_new_articles(story, [article]).incremental
    assert store.DIGEST not in MatchState.objects.get(story=story).stats
    assert UNCHANGED not in match_claims(story)


def test_a_library_upgrade_matches_the_story_again(story, monkeypatch):
    """The matcher's result depends on rapidfuzz's scores (and numpy's
    and scipy's sorting): with one of them at another version, the story is matched again."""
    assert UNCHANGED in match_claims(story)
    real = store.metadata.version
    monkeypatch.setattr(
        store.metadata, "version", lambda name: "99.0" if name == "rapidfuzz" else real(name)
    )
    store.matcher_version.cache_clear()
    try:
        out = match_claims(story)
        assert UNCHANGED not in out and out.startswith(f"{story.slug}: matched ")
        assert UNCHANGED in match_claims(story)
    finally:
        monkeypatch.undo()
        store.matcher_version.cache_clear()


def test_the_browser_says_a_match_asked_for_was_not_run_again(story, editor):
    """ "Match again" on an unchanged story: the status says it was not matched again, not
    that it was, and offers no new events."""
    client = signed_in(editor)
    client.post(reverse("claims-rematch", args=[story.slug]))
    run_worker()
    job = MatchJob.objects.get()
    status = reverse("claims-match-status", args=[story.slug, job.pk])
    html = client.get(status, HTTP_HX_REQUEST="true").content.decode()
    assert "not matched again" in html and UNCHANGED in html
    assert "Last matched on request" not in html and "Show the new events" not in html


@pytest.mark.parametrize("change", [_link_rejected, _claim_moved], ids=["rejected", "moved"])
def test_an_unchanged_run_reports_the_figures_of_the_full_run(story, editor, change):
    """The figures a skipped run reports are those the full run it stands for reported."""
    change(story, editor)
    full = match_claims(story).split(": ", 1)[1]
    counts = full.split(" (")[0].removeprefix("matched ")
    out = match_claims(story)
    assert UNCHANGED in out and f"of {counts} (0 new, 0 dropped)" in out


def test_the_code_is_hashed_when_it_is_loaded_not_when_first_matched():
    """A task worker that keeps running while newer code is deployed must not name the new
    files for results of the code it runs: the hash is taken as the module loads."""
    script = (
        "import django; django.setup()\n"
        "from claims.actions import matching\n"
        "print(matching.matcher_version.cache_info().currsize)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "1"


def test_a_summary_counts_one_in_the_singular():
    from claims.actions.matching import Summary

    one = Summary(1, 1, 1, 1, 0, 0.01, incremental=True)
    assert str(one) == (
        "matched 1 new claim into the story: 1 event gained a claim, 1 new link to it in 0.01 s"
    )
    assert str(Summary(2, 0, 3, 3, 1, 0.5)) == (
        "matched 2 claims: 0 events, 3 links (3 new, 1 dropped) in 0.50 s"
    )


def test_an_incremental_summary_says_what_became_of_the_new_claims_not_of_the_story():
    """It read "0 events, 3 links (0 new, 0 dropped)" of a story of 4 events: no event had
    gained a claim, and the 3 links to the new claims were stored before."""
    from claims.actions.matching import Summary

    assert str(Summary(2, 0, 3, 0, 0, 0.32, incremental=True)) == (
        "matched 2 new claims into the story: no event gained a claim, 3 links to them "
        "(0 new, 3 already there) in 0.32 s"
    )
    assert str(Summary(5, 2, 0, 0, 0, 0.04, incremental=True)) == (
        "matched 5 new claims into the story: 2 events gained new claims, no link to them in 0.04 s"
    )
