"""The keyboard queues stay quick as a story grows: a visit of the discrepancy queue finds the
discrepancies again only for the events that changed, and a page of either queue (discrepancies,
links to review) costs the same few queries however long it is, none of them reading more than
one row of the queue, in an order an index serves."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Story
from claims.actions import annotating
from claims.framing import discrepancies as rules
from claims.models import Annotation, Claim, Discrepancy, Event, LexiconEntry, Link, LinkStatus
from tests.conftest import make_article, make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def queue_url(story, item=None) -> str:
    url = reverse("claims-discrepancies", args=[story.slug])
    return f"{url}?item={item}" if item else url


def add_events(story, n: int, first: int = 0) -> list[Event]:
    """n events, each two outlets' reports that count the trucks of a convoy differently: one
    possible contradiction an event."""
    events = []
    for i in range(first, first + n):
        event = Event.objects.create(story=story, key=f"e{i}", auto_label=f"Convoy {i}")
        for outlet, trucks in (("Reuters", 18 + i), ("TASS", 40 + i)):
            claims = make_article(
                story, outlet, [f"The convoy of {trucks} trucks reached town {i} on Monday."]
            )
            Claim.objects.filter(pk__in=[c.pk for c in claims]).update(event=event)
        events.append(event)
    Event.objects.filter(story=story).refresh_counts()
    return events


@pytest.fixture
def story(db):
    return Story.objects.create(slug="convoys", title="Convoys")


@pytest.fixture
def reviewer(story):
    return make_user("reviewer", story, "annotator")


def framed_events(client, story, **headers) -> list[set[int]]:
    """GET the queue; the claim ids of each event the discrepancy rules ran on."""
    with mock.patch.object(rules, "discrepancies", wraps=rules.discrepancies) as run:
        assert client.get(queue_url(story), **headers).status_code == 200
    return [{c.id for c in call.args[0]} for call in run.call_args_list]


def test_a_visit_frames_only_the_events_that_changed(story, reviewer):
    first, second, third = add_events(story, 3)
    client = signed_in(reviewer)
    assert len(framed_events(client, story)) == 3
    assert Discrepancy.objects.filter(story=story).count() == 3

    assert framed_events(client, story) == []  # nothing changed: nothing framed again

    # A claim moves from the third event to the second: the second is framed again; the
    # third, now one outlet's, is not, and its open row goes.
    moved = Claim.objects.filter(event=third, article__outlet__name="Reuters").get()
    moved.event = second
    moved.save()
    Event.objects.filter(story=story).refresh_counts()
    now_second = set(Claim.objects.filter(event=second).values_list("id", flat=True))
    assert framed_events(client, story) == [now_second]
    assert not Discrepancy.objects.filter(event=third).exists()
    # A new report joins the first event: only the first is framed again.
    new = make_article(story, "BBC News", ["The convoy of 30 trucks reached town 0 on Monday."])
    Claim.objects.filter(pk=new[0].pk).update(event=first)
    Event.objects.filter(story=story).refresh_counts()
    assert framed_events(client, story) == [
        set(Claim.objects.filter(event=first).values_list("id", flat=True))
    ]
    assert framed_events(client, story) == []


def test_a_rejected_link_or_a_lexicon_entry_frames_again(story, reviewer):
    event, _other = add_events(story, 2)
    a, b = Claim.objects.filter(event=event).order_by("id")
    link = Link.objects.create(story=story, claim_a=a, claim_b=b, score=0.9, event=event)
    client = signed_in(reviewer)
    framed_events(client, story)
    assert framed_events(client, story) == []
    link.status = LinkStatus.REJECTED
    link.save()
    assert framed_events(client, story) == [{a.id, b.id}]
    LexiconEntry.objects.create(story=story, kind="hedge", term="reached")
    assert len(framed_events(client, story)) == 2


def test_an_open_row_whose_event_is_gone_leaves_the_queue(story, reviewer):
    event, _other = add_events(story, 2)
    client = signed_in(reviewer)
    framed_events(client, story)
    Claim.objects.filter(event=event).update(event=None)
    event.delete()
    assert framed_events(client, story) == []
    assert Discrepancy.objects.filter(story=story).count() == 1


def queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **headers).status_code == 200
    return len(captured)


def page_queries(client, story) -> tuple[int, int, int]:
    """Queries of a visit of the queue (nothing changed since the last), and of the panel at
    a middle row, as a page and as the htmx fragment."""
    client.get(queue_url(story))  # finds the discrepancies of new events
    middle = Discrepancy.objects.filter(story=story).order_by("event_id", "kind", "id")
    item = middle[middle.count() // 2].pk
    return (
        queries(client, queue_url(story)),
        queries(client, queue_url(story, item)),
        queries(client, queue_url(story, item), **HTMX),
    )


def test_query_count_does_not_grow_with_the_story(story, reviewer):
    client = signed_in(reviewer)
    add_events(story, 3)
    small = page_queries(client, story)
    add_events(story, 12, first=3)
    assert page_queries(client, story) == small
    assert Discrepancy.objects.filter(story=story).count() == 15


def test_queue_walks_every_row_in_order_both_ways(story, reviewer):
    add_events(story, 4)
    client = signed_in(reviewer)
    client.get(queue_url(story))
    order = list(
        Discrepancy.objects.filter(story=story)
        .order_by("event_id", "kind", "id")
        .values_list("id", flat=True)
    )
    seen, item = [], order[0]
    while item:
        context = client.get(queue_url(story, item), **HTMX).context
        assert context["position"] == len(seen) + 1 and context["total"] == len(order)
        assert context["previous"] == (seen[-1] if seen else None)
        seen.append(item)
        item = context["next"]
    assert seen == order


def test_a_match_job_finds_the_discrepancies_before_anyone_opens_the_queue(seed_story):
    """Matching in the task worker frames the story's events too, so the first visit of the
    queue after "Match again" does not wait for it."""
    from claims.models import EventFraming
    from claims.tasks import start_matching
    from tests.conftest import run_worker

    editor = make_user("framer", seed_story, "editor")
    job = start_matching(seed_story, editor)
    run_worker()
    job.refresh_from_db()
    assert job.status == "done"
    framed = EventFraming.objects.filter(event__story=seed_story).count()
    assert framed and framed == Event.objects.filter(story=seed_story, outlet_count__gte=2).count()
    with mock.patch.object(rules, "discrepancies") as frame:
        signed_in(editor).get(queue_url(seed_story))
    frame.assert_not_called()


# The review queue ------------------------------------------------------------------------------

# Scores with ties, both in the score and in its distance from one half (0.4 and 0.6).
SCORES = [0.5, 0.4, 0.6, 0.6, 0.45, 0.55, 0.9, 0.1, 0.4, 0.75, 0.25, 0.5, 0.6]


def add_links(story) -> list[Link]:
    """Links between the claims of two outlets, of two events and of none."""
    events = [Event.objects.create(story=story, key=f"e{i}", auto_label=f"E {i}") for i in (1, 2)]
    sentences = [f"Claim {i} of the convoy." for i in range(len(SCORES))]
    claims = make_article(story, "Reuters", sentences), make_article(story, "TASS", sentences)
    pairs = list(zip(*claims, strict=True))
    return [
        Link.objects.create(
            story=story,
            claim_a=a,
            claim_b=b,
            score=score,
            event=[events[1], None, events[0]][i % 3],
        )
        for i, ((a, b), score) in enumerate(zip(pairs, SCORES, strict=True))
    ]


def in_order(links, order) -> list[int]:
    if order == "event":
        key = lambda link: (link.event_id is None, link.event_id or 0, -link.score, link.id)  # noqa: E731
    else:
        key = lambda link: (abs(link.score - 0.5), link.id)  # noqa: E731
    return [link.id for link in sorted(links, key=key)]


def review_url(story, order, link=None) -> str:
    url = reverse("claims-review", args=[story.slug]) + f"?order={order}"
    return f"{url}&link={link}" if link else url


def listed_links(captured) -> list[str]:
    """The queries that read links with no limit and count nothing: the queue listing the
    story's links."""
    return [
        q["sql"]
        for q in captured
        if 'FROM "claims_link"' in q["sql"] and "LIMIT" not in q["sql"] and "COUNT(" not in q["sql"]
    ]


@pytest.mark.parametrize("order", ["uncertain", "event"])
def test_review_queue_walks_every_link_in_order_both_ways_reading_no_list(story, reviewer, order):
    expected = in_order(add_links(story), order)
    client = signed_in(reviewer)
    seen, link = [], expected[0]
    while link:
        with CaptureQueriesContext(connection) as captured:
            context = client.get(review_url(story, order, link), **HTMX).context
        assert listed_links(captured) == []
        assert (context["position"], context["total"]) == (len(seen) + 1, len(expected))
        assert context["previous"] == (seen[-1] if seen else None)
        seen.append(link)
        link = context["next"]
    assert seen == expected
    back, link = [], expected[-1]
    while link:
        back.append(link)
        link = client.get(review_url(story, order, link), **HTMX).context["previous"]
    assert back == expected[::-1]

    # A label moves on to the next link not labelled, round past the end to the start.
    for link in expected[1:-3] + expected[-2:]:
        Annotation.objects.create(link_id=link, annotator=reviewer, label="agrees")
    mine = Annotation.objects.get(link_id=expected[1])
    data = {"label": "partly", "note": "", "version": mine.version, "order": order}
    with CaptureQueriesContext(connection) as captured:
        label = reverse("claims-review-label", args=[story.slug, expected[1]])
        response = client.post(label, data, **HTMX)
    assert listed_links(captured) == []
    assert response.context["link"].pk == expected[-3]
    assert f"{len(expected) - 2} done, 2 left" in response.content.decode()
    label = reverse("claims-review-label", args=[story.slug, expected[-3]])
    response = client.post(label, {**data, "version": 0}, **HTMX)
    assert response.context["link"].pk == expected[0]
    assert f"{len(expected) - 1} done, 1 left" in response.content.decode()


@pytest.mark.parametrize(
    ("order", "index"), [("uncertain", "link_review_order"), ("event", "link_review_by_event")]
)
def test_an_index_serves_the_review_queue(story, reviewer, order, index):
    """The next and the previous link come from an index in the queue's order, no sort: a
    page reads a few index entries however many links the story has."""
    links = add_links(story)
    queue = annotating.ReviewQueue.of(story, reviewer, order)
    middle = in_order(links, order)[len(links) // 2]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A few rows are read faster without an index, or through another index and a
            # sort (as the table's statistics left by earlier tests may suggest: seen in CI);
            # ask what it would do with many: an index in the queue's order, if there is one.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
        for rows in (queue.after(middle), queue.before(middle), queue.ordered()):
            plan = rows[:1].explain()
            assert index in plan, plan
            assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
