"""An event's address outlives the event: after a re-match regrouped its claims, a merge by
hand or a deletion in the admin, it leads to the event that now holds most of its claims, or
to a page in the site's layout that says where they went. Never a bare Not Found."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.actions import editing
from claims.actions.matching import match_story
from claims.models import Claim, Event, Link, LinkStatus
from tests.conftest import make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(story, pk, name="claims-event"):
    return reverse(name, args=[story.slug, pk])


def claim_ids(event):
    return list(event.claims.order_by("id").values_list("id", flat=True))


def events_by_size(story):
    return list(story.events.order_by("-claim_count", "id"))


def decide_between(story, claims, others, status, user):
    """Decide a link between each of these claims and each of the others of another article
    (the matcher keeps people's decisions: confirmed, they must be in one event; rejected,
    never)."""
    for a in claims:
        for b in others:
            if a.article_id == b.article_id:
                continue
            low, high = sorted([a.pk, b.pk])
            link, _ = Link.objects.get_or_create(
                claim_a_id=low, claim_b_id=high, defaults={"story": story, "score": 0.5}
            )
            link.decide(status, user)


@pytest.fixture
def regrouped(seed_story, editor):
    """The story matched, then matched again after an editor confirmed that its largest and
    its smallest event are one: one of the two is gone. (gone id, its claims, the event
    that holds them now)."""
    match_story(seed_story)
    events = events_by_size(seed_story)
    big, small = events[0], events[-1]
    before = {big.pk: claim_ids(big), small.pk: claim_ids(small)}
    decide_between(seed_story, small.claims.all(), big.claims.all(), LinkStatus.CONFIRMED, editor)
    match_story(seed_story)
    (gone,) = [pk for pk in before if not Event.objects.filter(pk=pk).exists()]
    (now,) = {Claim.objects.get(pk=c).event_id for c in before[gone]}
    return gone, before[gone], Event.objects.get(pk=now)


def test_an_address_from_before_a_rematch_leads_to_the_event_that_took_its_claims(
    seed_story, regrouped, client
):
    gone, claims, now = regrouped
    assert now.pk != gone
    response = client.get(url(seed_story, gone))
    assert response.status_code == 302
    assert response["Location"] == url(seed_story, now.pk)

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert f"(event {gone}) was regrouped when the story was matched again" in html
    assert all(f'id="c{c}"' in html for c in claims[:8])  # its claims are on the page


def test_every_page_under_an_old_event_address_follows_it(seed_story, regrouped, client):
    gone, _, now = regrouped
    framing = client.get(url(seed_story, gone, "claims-event-framing"))
    assert framing["Location"] == url(seed_story, now.pk, "claims-event-framing")
    report = client.get(url(seed_story, gone, "claims-event-report"))
    assert report["Location"] == url(seed_story, now.pk, "claims-event-report")
    outlet = now.claims.first().article.outlet_id
    column = client.get(url(seed_story, gone) + f"?outlet={outlet}")
    assert column["Location"] == url(seed_story, now.pk) + f"?outlet={outlet}"


def test_an_htmx_request_for_an_old_address_loads_the_new_event_page(seed_story, regrouped):
    gone, _, now = regrouped
    response = Client().get(url(seed_story, gone, "claims-event-framing"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url(seed_story, now.pk)
    assert "<html" not in response.content.decode()


def test_a_change_posted_to_an_old_address_changes_nothing(seed_story, regrouped, editor):
    gone, _, now = regrouped
    client = signed_in(editor)
    rename = url(seed_story, gone, "claims-event-rename")
    for extra in ({}, HTMX):
        response = client.post(rename, {"label": "Renamed", "version": 1}, **extra)
        target = response["HX-Redirect"] if extra else response["Location"]
        assert target == url(seed_story, now.pk)
    assert not Event.objects.filter(label="Renamed").exists()
    html = client.get(url(seed_story, now.pk)).content.decode()
    assert "Nothing was changed." in html


def test_a_change_to_an_old_address_still_needs_an_editor(seed_story, regrouped, annotator):
    gone, _, _ = regrouped
    rename = url(seed_story, gone, "claims-event-rename")
    response = signed_in(annotator).post(rename, {"label": "Renamed", "version": 1})
    assert response.status_code == 403


def test_a_merged_event_leads_to_the_one_it_was_merged_into(seed_story, editor, client):
    match_story(seed_story)
    target, other = events_by_size(seed_story)[:2]
    signed_in(editor).post(url(seed_story, target.pk, "claims-event-merge"), {"other": other.pk})
    assert not Event.objects.filter(pk=other.pk).exists()
    response = client.get(url(seed_story, other.pk), follow=True)
    assert response.redirect_chain == [(url(seed_story, target.pk), 302)]
    assert "was merged into another event by hand" in response.content.decode()


def test_an_address_follows_its_claims_through_a_rematch_and_a_merge(
    seed_story, regrouped, editor, client
):
    gone, _, now = regrouped
    other = next(e for e in events_by_size(seed_story) if e.pk != now.pk)
    editing.merge_events(other, now, editor)  # the event that took its claims is gone too
    assert client.get(url(seed_story, gone))["Location"] == url(seed_story, other.pk)
    assert client.get(url(seed_story, now.pk))["Location"] == url(seed_story, other.pk)


def test_an_event_whose_claims_are_spread_explains_where_they_went(seed_story, editor, client):
    match_story(seed_story)
    events = events_by_size(seed_story)
    first, second = events[0], events[1]
    split = next(e for e in reversed(events) if e.claim_count == 2)
    kept, moved = claim_ids(split)
    editing.merge_events(first, split, editor)
    editing.move_claims(first, [moved], second, editor)

    response = client.get(url(seed_story, split.pk))
    html = response.content.decode()
    assert response.status_code == 410
    assert '<html lang="en">' in html and 'class="brand"' in html  # the site's layout
    assert html.count("<h1") == 1 and "was split up</h1>" in html
    assert f'href="{url(seed_story, first.pk)}"' in html
    assert f'href="{url(seed_story, second.pk)}"' in html
    assert "1 of its claims" in html
    # the framing page of it, too
    assert client.get(url(seed_story, split.pk, "claims-event-framing")).status_code == 410


def test_a_dissolved_event_shows_its_claims_that_are_in_no_event(seed_story, editor, client):
    match_story(seed_story)
    event = events_by_size(seed_story)[-1]
    claims = list(event.claims.all())
    everything = Claim.objects.filter(article__story=seed_story)
    decide_between(seed_story, claims, everything, LinkStatus.REJECTED, editor)
    match_story(seed_story)  # its claims may go with no other claim now
    assert not Event.objects.filter(pk=event.pk).exists()

    response = client.get(url(seed_story, event.pk))
    html = response.content.decode()
    assert response.status_code == 410
    assert "was dissolved</h1>" in html
    assert f"In no event now: {len(claims)} claims" in html
    for claim in claims:
        assert f"#claim-{claim.pk}" in html
    # an HTMX request and a change are sent to this page
    htmx = signed_in(editor).post(url(seed_story, event.pk, "claims-event-move"), **HTMX)
    assert htmx["HX-Redirect"] == url(seed_story, event.pk)


def test_an_event_emptied_by_hand_then_matched_away_leads_to_its_claims(seed_story, editor):
    match_story(seed_story)
    events = events_by_size(seed_story)
    target, emptied = events[0], events[-1]
    editing.move_claims(emptied, claim_ids(emptied), target, editor)
    match_story(seed_story)
    assert not Event.objects.filter(pk=emptied.pk).exists()
    response = Client().get(url(seed_story, emptied.pk))
    assert response["Location"] == url(seed_story, target.pk)


def test_an_event_deleted_in_the_admin_explains_and_does_not_break_the_admin(seed_story):
    match_story(seed_story)
    event = events_by_size(seed_story)[-1]
    admin = signed_in(make_user("admin", is_staff=True, is_superuser=True))
    change = reverse("admin:claims_event_change", args=[event.pk])
    admin.post(reverse("admin:claims_event_delete", args=[event.pk]), {"post": "yes"})
    assert not Event.objects.filter(pk=event.pk).exists()

    assert admin.get(change).status_code == 302  # to the admin's index, saying it is gone
    assert admin.get(url(seed_story, event.pk)).status_code == 410
    export = admin.get(reverse("claims-export-json", args=[seed_story.slug]))
    assert export.status_code == 200
    assert event.pk not in [e["id"] for e in export.json()["events"]]


def test_an_event_that_never_was_is_not_found(seed_story, editor, client):
    match_story(seed_story)
    missing = Event.objects.order_by("-id").first().pk + 100
    assert client.get(url(seed_story, missing)).status_code == 404
    assert client.get(url(seed_story, missing, "claims-event-framing")).status_code == 404
    rename = url(seed_story, missing, "claims-event-rename")
    assert signed_in(editor).post(rename, {"label": "x", "version": 1}).status_code == 404
