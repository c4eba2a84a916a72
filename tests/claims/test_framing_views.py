"""The framing panel, the outlet page and the discrepancy queue: reading, deciding, rights."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Outlet, Story
from claims.models import Claim, Discrepancy, DiscrepancyStatus, Event, LexiconEntry
from claims.text.attribution import speaker
from tests.conftest import PASSWORD, make_article, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, story, *args):
    return reverse(name, args=[story.slug, *args])


def convoy_event(story):
    return Claim.objects.get(
        article__story=story, text__contains="into the besieged Syrian city of Aleppo"
    ).event


def test_event_page_loads_the_panel_lazily_with_a_link(client, matched_story):
    event = convoy_event(matched_story)
    html = client.get(url("claims-event", matched_story, event.pk)).content.decode()
    panel = url("claims-event-framing", matched_story, event.pk)
    assert f'hx-get="{panel}" hx-trigger="revealed"' in html
    assert f'<a href="{panel}">' in html
    outlet = Claim.objects.filter(event=event).first().article.outlet
    assert url("claims-outlet", matched_story, outlet.slug) in html


def test_framing_panel_marks_the_words_that_raised_each_flag(client, matched_story):
    event = convoy_event(matched_story)
    response = client.get(url("claims-event-framing", matched_story, event.pk), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert (
        '<mark class="flag" title="names a means (“an airstrike”), not who acted">was hit</mark>'
        in html
    )
    assert "Mr. Ayrault" in html  # a source of The Washington Times
    assert "<h4>Omissions</h4>" in html  # what each omits is tested in test_framing.py
    assert "puts it in Aleppo" in html and "near Aleppo" in html
    page = client.get(url("claims-event-framing", matched_story, event.pk)).content.decode()
    assert page.count("<h1") == 1 and 'id="framing-panel"' in page


def test_discrepancies_are_stored_once_and_keep_decisions(client, matched_story, annotator):
    event = convoy_event(matched_story)
    target = url("claims-event-framing", matched_story, event.pk)
    client.get(target, **HTMX)
    place = Discrepancy.objects.get(event=event, kind="place")
    assert place.status == DiscrepancyStatus.OPEN
    assert {s["text"] for s in place.spans} == {
        "into the besieged Syrian city of Aleppo",
        "to a rural area near Aleppo",
    }
    count = Discrepancy.objects.count()
    place.decide(DiscrepancyStatus.DISMISSED, annotator)
    client.get(target, **HTMX)
    assert Discrepancy.objects.count() == count
    place.refresh_from_db()
    assert place.status == DiscrepancyStatus.DISMISSED and place.decided_by == annotator


def test_outlet_page_shows_its_panels_across_events(client, matched_story):
    event = convoy_event(matched_story)
    outlet = Claim.objects.get(text__contains="to a rural area near Aleppo").article.outlet
    response = client.get(url("claims-outlet", matched_story, outlet.slug))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    assert outlet.name in html and event.display_label[:40] in html
    assert "bombing" in html
    assert client.get(url("claims-outlet", matched_story, "nobody")).status_code == 404
    overview = client.get(url("claims-story", matched_story)).content.decode()
    assert url("claims-outlet", matched_story, outlet.slug) in overview


def test_user_lexicon_entries_change_the_panel(client, matched_story):
    event = convoy_event(matched_story)
    LexiconEntry.objects.create(story=matched_story, kind="hedge", term="up until")
    html = client.get(url("claims-event-framing", matched_story, event.pk), **HTMX).content.decode()
    assert '<mark class="flag" title="hedge lexicon">Up until</mark>' in html


def test_queue_confirms_and_moves_on(matched_story, annotator):
    client = signed_in(annotator)
    page = client.get(url("claims-discrepancies", matched_story))
    assert page.status_code == 200
    first = page.context["item"]
    assert first is not None and 'data-keys="1 y"' in page.content.decode()
    response = client.post(
        url("claims-discrepancy-decide", matched_story, first.pk), {"status": "confirmed"}, **HTMX
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    first.refresh_from_db()
    assert first.status == DiscrepancyStatus.CONFIRMED and first.decided_by == annotator
    assert response.context["item"] is None or response.context["item"].pk != first.pk
    # Without JavaScript: a redirect back to the queue.
    plain = client.post(
        url("claims-discrepancy-decide", matched_story, first.pk), {"status": "dismissed"}
    )
    assert (
        plain.status_code == 302 and url("claims-discrepancies", matched_story) in plain["Location"]
    )
    bad = client.post(
        url("claims-discrepancy-decide", matched_story, first.pk), {"status": "maybe"}
    )
    assert bad.status_code == 400


def test_queue_rights(client, matched_story, outsider, editor):
    queue = url("claims-discrepancies", matched_story)
    signed_in(editor).get(queue)  # finds the discrepancies
    item = Discrepancy.objects.filter(story=matched_story).first()
    decide = url("claims-discrepancy-decide", matched_story, item.pk)
    for target in (queue, decide):
        response = (
            client.post(target, {"status": "confirmed"}) if target == decide else client.get(target)
        )
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    outside = signed_in(outsider)
    assert outside.get(queue).status_code == 403
    assert outside.post(decide, {"status": "confirmed"}).status_code == 403
    assert signed_in(editor).get(decide).status_code == 405
    item.refresh_from_db()
    assert item.status == DiscrepancyStatus.OPEN


def test_csrf_is_enforced_on_decisions(matched_story, annotator):
    signed_in(annotator).get(url("claims-discrepancies", matched_story))
    item = Discrepancy.objects.filter(story=matched_story).first()
    client = Client(enforce_csrf_checks=True)
    client.login(username=annotator.username, password=PASSWORD)
    decide = url("claims-discrepancy-decide", matched_story, item.pk)
    assert client.post(decide, {"status": "confirmed"}, **HTMX).status_code == 403
    token = client.get(url("claims-discrepancies", matched_story)).context["csrf_token"]
    ok = client.post(decide, {"status": "confirmed"}, HTTP_X_CSRFTOKEN=str(token), **HTMX)
    assert ok.status_code == 200


def test_framing_cards_follow_the_outlet_order_of_the_columns(client):
    """The outlets' articles imported in another order than their names': the event page's
    columns, its framing panel and the report list the outlets in one order."""
    story = Story.objects.create(slug="fire", title="A warehouse fire")
    event = Event.objects.create(story=story, key="fire", auto_label="Warehouse fire")
    for outlet in ("Coastal Post", "Metro Wire", "Harbor Gazette"):
        make_article(story, outlet, ["A fire destroyed a warehouse in the port on Monday."])
    Claim.objects.filter(article__story=story).update(event=event)

    def order(path, id_prefix, **extra):
        html = client.get(url(path, story, event.pk), **extra).content.decode()
        ids = re.findall(rf'<h[23] id="{id_prefix}-(\d+)"', html)
        return [Outlet.objects.get(pk=pk).name for pk in ids]

    columns = order("claims-event", "col")
    assert columns == ["Coastal Post", "Harbor Gazette", "Metro Wire"]
    assert order("claims-event-framing", "fo", **HTMX) == columns
    assert order("claims-event-framing", "fo") == columns
    assert order("claims-event-report", "rf") == columns


def test_the_article_page_lists_no_pronoun_as_a_source(client):
    """ "He" is the person the article named before, and is no source when it named nobody."""
    story = Story.objects.create(slug="fire", title="A warehouse fire")
    claims = make_article(
        story,
        "Coastal Post",
        [
            "He said the fire started at night.",
            "Fire chief Ana Ruiz said the cause was under investigation.",
            "She added that nobody was hurt.",
            "They said the port would reopen on Tuesday.",
        ],
    )
    for claim in claims:
        claim.speaker = speaker(claim.text)
        claim.save()
    assert {c.speaker for c in claims} >= {"He", "She", "They"}  # what attribution finds
    html = client.get(reverse("articles-detail", args=[story.slug, claims[0].article_id]))
    section = re.search(r'<section class="speakers".*?</section>', html.content.decode(), re.S)
    assert re.findall(r"<li>(.*?)</li>", section.group(0)) == ["Fire chief Ana Ruiz"]
