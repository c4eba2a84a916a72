"""Labels and edits racing a re-match, made deterministic: the re-match is paused at a chosen
step (mock.patch and threading.Event) while another connection labels. Run on SQLite and, with
DATABASE_URL=postgres://..., on PostgreSQL, where the lost labels and deadlocks were found."""

import pickle
import threading
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Story
from claims.actions import annotating
from claims.actions.matching import match_story
from claims.models import Annotation, AnnotationChange, Link, LinkStatus
from tests.conftest import make_article, make_user, signed_in

RACE = pytest.mark.django_db(transaction=True)
# Races where the label runs while the re-match holds a lock or an open statement: row locks,
# watched through pg_stat_activity. They were only ever seen on PostgreSQL (SQLite lets one
# writer at a time, the whole database locked), and bench/load.py runs them on a SQLite file.
WAITS_FOR_LOCKS = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a second connection that waits for locks"
)
WAIT = 20  # seconds a step waits for the other side before giving up (never reached if sound)
HTMX = {"HTTP_HX_REQUEST": "true"}


def small_story():
    """Two outlets reporting one convoy and one unrelated thing each, matched once."""
    story = Story.objects.create(slug="convoy", title="Convoy")
    make_article(
        story,
        "Reuters",
        [
            "An aid convoy of 31 trucks was struck near Aleppo on Monday, killing 20 people.",
            "The football league postponed its season opener in Madrid.",
        ],
    )
    make_article(
        story,
        "BBC",
        [
            "Twenty people were killed when an aid convoy of 31 trucks was struck near Aleppo.",
            "A new bridge over the Thames opened to cyclists in London.",
        ],
    )
    match_story(story)
    return story


def a_stale_suggestion(story) -> Link:
    """A suggested link between two claims the matcher does not link: a re-match drops it."""
    linked = {c for pair in Link.objects.values_list("claim_a", "claim_b") for c in pair}
    a, b = (
        story.articles.order_by("id")[i].claims.exclude(id__in=linked).order_by("id")[0]
        for i in (0, 1)
    )
    return Link.objects.create(story=story, claim_a=a, claim_b=b, score=0.5)


def a_link_the_rematch_rewrites(story) -> Link:
    """A link of the matcher's, made to look out of date, so that a re-match writes its row."""
    link = Link.objects.filter(story=story).order_by("id").first()
    assert link is not None, "the matcher linked the two convoy sentences"
    Link.objects.filter(pk=link.pk).update(score=0.01)
    link.refresh_from_db()
    return link


class Side(threading.Thread):
    """A step run on a connection of its own; what it returned or raised is kept."""

    def __init__(self, run):
        super().__init__(daemon=True)
        self.run_step, self.result, self.error = run, None, None

    def run(self):
        try:
            self.result = self.run_step()
        except Exception as error:  # noqa: BLE001 - the test reports it
            self.error = error
        finally:
            connection.close()


def rematch_pausing(story, after, reached: threading.Event, go: threading.Event) -> Side:
    """A re-match of the story on a connection of its own that, right after its first
    statement for which `after(sql)` is true, sets `reached` and waits for `go`."""

    def pause(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not reached.is_set() and after(sql):
            reached.set()
            go.wait(WAIT)
        return result

    def run():
        with connection.execute_wrapper(pause):
            return match_story(Story.objects.get(pk=story.pk))

    return Side(run)


def reads_link_statuses(sql: str) -> bool:
    """The run reading every link of the story to decide which it keeps."""
    columns = sql.split(" FROM ")[0]
    return columns.startswith('SELECT "claims_link"."id"') and '"claim_b_id"' in columns


def writes_links(sql: str) -> bool:
    return sql.startswith('UPDATE "claims_link"')


# 1. A re-match never deletes a label the server acknowledged --------------------------------


@WAITS_FOR_LOCKS
@RACE
def test_a_label_acknowledged_during_a_rematch_survives_it():
    """Before: the run read the links' statuses, then deleted the suggestions it no longer
    made without looking again, and the delete took the label with it (PostgreSQL)."""
    story = small_story()
    annotator = make_user("annotator")
    stale = a_stale_suggestion(story)
    reached, go = threading.Event(), threading.Event()
    rematch = rematch_pausing(story, reads_link_statuses, reached, go)
    rematch.start()
    assert reached.wait(WAIT)
    label = Side(lambda: annotating.annotate(stale, annotator, "agrees", "note", 0))
    label.start()
    label.join(WAIT)
    go.set()
    rematch.join(WAIT)

    assert label.error is None, label.error  # acknowledged ...
    assert rematch.error is None, rematch.error  # (no IntegrityError either) ...
    assert Annotation.objects.filter(link_id=stale.pk, annotator=annotator).exists()  # ... kept
    assert Link.objects.filter(pk=stale.pk, status=LinkStatus.CONFIRMED).exists()
    assert "0 dropped" in str(rematch.result)


# 2. Labelling a link a re-match removed says so and offers what replaced it -----------------


def replaced_meanwhile(link):
    """The link as the view read it, after which a re-match replaced it: same two claims,
    a new row."""

    def read(*args, **kwargs):
        Link.objects.filter(pk=link.pk).delete()
        Link.objects.create(
            story_id=link.story_id,
            claim_a_id=link.claim_a_id,
            claim_b_id=link.claim_b_id,
            score=0.7,
        )
        return link

    return read


WRITES = [
    ("claims.views.review.story_link", "claims-review-label", {"label": "agrees"}),
    ("claims.views.edit.story_link", "claims-link-decide", {"status": "confirmed"}),
    ("claims.views.agreement.story_link", "claims-adjudicate", {"label": "agrees"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("reader,name,data", WRITES, ids=["review", "decide", "adjudicate"])
def test_a_write_to_a_link_a_rematch_replaced_offers_the_new_link(reader, name, data, htmx):
    story = small_story()
    editor = make_user("editor", story, "editor")
    link = Link.objects.filter(story=story).first()
    extra = HTMX if htmx else {}
    with mock.patch(reader, side_effect=replaced_meanwhile(link)):
        response = signed_in(editor).post(
            reverse(name, args=[story.slug, link.pk]), {"version": 0, **data}, **extra
        )

    assert response.status_code == 409
    html = response.content.decode()
    assert "was replaced" in html
    replacement = Link.objects.get(claim_a=link.claim_a_id, claim_b=link.claim_b_id)
    assert reverse("claims-pair", args=[story.slug, replacement.pk]) in html
    assert ("<html" in html) is not htmx
    assert not Annotation.objects.exists() and replacement.status == LinkStatus.SUGGESTED


@pytest.mark.django_db
def test_a_label_on_a_link_gone_for_good_offers_its_claims_event():
    story = small_story()
    annotator = make_user("annotator", story, "annotator")
    link = Link.objects.filter(story=story).first()

    def removed(*args, **kwargs):
        Link.objects.filter(pk=link.pk).delete()
        return link

    with mock.patch("claims.views.review.story_link", side_effect=removed):
        response = signed_in(annotator).post(
            reverse("claims-review-label", args=[story.slug, link.pk]),
            {"label": "agrees", "version": 0},
        )
    assert response.status_code == 409
    event = link.claim_a.event
    assert reverse("claims-event", args=[story.slug, event.pk]) in response.content.decode()


# 3. A label and a re-match at once never deadlock -------------------------------------------


@WAITS_FOR_LOCKS
@RACE
def test_a_label_and_a_rematch_at_once_do_not_deadlock():
    """Before: the run updated every link row, then bumped the story's revision; a label
    bumped the revision (saving its history), then updated its link: each waited for the
    other and PostgreSQL killed one ('deadlock detected')."""
    story = small_story()
    annotator = make_user("annotator")
    link = a_link_the_rematch_rewrites(story)
    links_written, story_written = threading.Event(), threading.Event()
    real_log = annotating._log

    def logged(*args, **kwargs):
        change = real_log(*args, **kwargs)  # the history row bumps the story's revision
        story_written.set()
        return change

    with mock.patch.object(annotating, "_log", side_effect=logged):
        rematch = rematch_pausing(story, writes_links, links_written, story_written)
        rematch.start()
        assert links_written.wait(WAIT)
        label = Side(lambda: annotating.annotate(link, annotator, "agrees", "", 0))
        label.start()
        rematch.join(WAIT * 2)
        label.join(WAIT * 2)

    assert rematch.error is None, rematch.error
    assert label.error is None, label.error
    assert Annotation.objects.filter(link=link, annotator=annotator).exists()


# 6. A large re-match does not hold the labels up ---------------------------------------------


@RACE
def test_a_label_is_saved_while_a_rematch_is_still_running():
    """The run is paused after its links and before its index: before, all of it was one
    transaction, so the label waited for the end of the run (SQLite's write lock, or the
    link's row on PostgreSQL)."""
    story = small_story()
    annotator = make_user("annotator")
    link = a_link_the_rematch_rewrites(story)
    paused, go = threading.Event(), threading.Event()
    real_dumps, runner = pickle.dumps, []

    def slowed_dumps(*args, **kwargs):
        if threading.current_thread() in runner:
            paused.set()
            go.wait(WAIT)
        return real_dumps(*args, **kwargs)

    with mock.patch.object(pickle, "dumps", side_effect=slowed_dumps):
        rematch = Side(lambda: match_story(Story.objects.get(pk=story.pk)))
        runner.append(rematch)
        rematch.start()
        assert paused.wait(WAIT)
        label = Side(lambda: annotating.annotate(link, annotator, "agrees", "", 0))
        label.start()
        label.join(WAIT)
        saved_while_paused = not label.is_alive() and rematch.is_alive()
        go.set()
        rematch.join(WAIT)
        label.join(WAIT)

    assert saved_while_paused
    assert label.error is None and rematch.error is None
    assert Annotation.objects.filter(link=link).exists()


# 8. The summary counts links; a re-match keeps every link's history ------------------------


@pytest.mark.django_db
def test_a_rematch_keeps_the_history_of_a_label_undone_and_counts_only_links():
    story = small_story()
    annotator = make_user("annotator")
    undone = a_stale_suggestion(story)
    annotating.annotate(undone, annotator, "agrees", "first", 0)
    annotating.undo(story, annotator)
    undone.refresh_from_db()
    assert undone.status == LinkStatus.SUGGESTED and AnnotationChange.objects.count() == 2
    a, b = story.articles.order_by("id")[0].claims.order_by("id")[:2]
    plain = Link.objects.create(story=story, claim_a=a, claim_b=b, score=0.5)

    summary = match_story(story)

    assert summary.removed_links == 1
    assert "1 dropped" in str(summary)
    assert not Link.objects.filter(pk=plain.pk).exists()
    assert Link.objects.filter(pk=undone.pk).exists()
    assert AnnotationChange.objects.filter(link=undone).count() == 2
