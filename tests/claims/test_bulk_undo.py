"""Bulk decisions on an event's or a claim's links, and undoing a bulk decision, a merge or a
move from the story's recent changes."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from claims.actions.editing import shown
from claims.actions.matching import constraints, match_story
from claims.models import Claim, Edit, EditAction, Event, GoneEvent, Link, LinkStatus
from tests.conftest import PASSWORD, make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, story, *args):
    return reverse(name, args=[story.slug, *args])


def event_with_links(story) -> Event:
    """The event with the most links between its own claims."""
    return max(story.events.all(), key=lambda e: own_links(e).count())


def own_links(event):
    ids = event.claims.values("id")
    return Link.objects.filter(claim_a__in=ids, claim_b__in=ids)


def statuses(story) -> dict:
    return dict(Link.objects.filter(story=story).values_list("id", "status"))


def event_form(client, story, event) -> str:
    """The `shown` value of the event page's bulk form, as an editor's page has it."""
    page = client.get(url("claims-event", story, event.pk)).content.decode()
    return re.search(r'name="shown" value="([^"]+)"', page).group(1)


def bulk_event(client, story, event, status="confirmed", seen=None, **extra):
    seen = seen or shown(Link.objects.filter(story=story).none())
    return client.post(
        url("claims-event-decide-all", story, event.pk), {"status": status, "shown": seen}, **extra
    )


def messages_in(response) -> str:
    found = re.findall(r'<ul class="messages"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    return " ".join(found)


# Who may ---------------------------------------------------------------------------------------


def writes(story):
    """Each new write, with a form that would change something had the user the right."""
    event = event_with_links(story)
    claim = Claim.objects.get(pk=own_links(event).first().claim_a_id)
    edit = Edit.objects.create(
        story=story,
        action=EditAction.BULK,
        summary="confirmed 1 suggested link(s)",
        details={"status": "confirmed", "at": "2026-01-01T00:00:00+00:00", "links": []},
    )
    return [
        (url("claims-event-decide-all", story, event.pk), {"status": "confirmed"}),
        (url("claims-claim-decide-all", story, claim.pk), {"status": "rejected"}),
        (url("claims-edit-undo", story, edit.pk), {}),
    ]


def test_anonymous_outsider_and_annotator_change_nothing(
    client, matched_story, outsider, annotator
):
    before = statuses(matched_story)
    for target, data in writes(matched_story):
        response = client.post(target, {**data, "shown": "0-0000000000000000"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for user in (outsider, annotator):
            assert signed_in(user).post(target, data).status_code == 403, (user, target)
    assert statuses(matched_story) == before
    assert not Edit.objects.exclude(action=EditAction.BULK).exists()
    assert Edit.objects.get().undone_at is None


def test_the_new_writes_need_post_and_csrf(matched_story, editor):
    event = event_with_links(matched_story)
    client = Client(enforce_csrf_checks=True)
    client.login(username=editor.username, password=PASSWORD)
    seen = event_form(client, matched_story, event)
    targets = writes(matched_story)
    for target, data in targets:
        assert client.get(target).status_code == 405
        assert client.post(target, {**data, "shown": seen}, **HTMX).status_code == 403
    assert not Link.objects.decided().exists()
    token = client.get(url("claims-event", matched_story, event.pk)).context["csrf_token"]
    ok = client.post(
        targets[0][0],
        {"status": "confirmed", "shown": seen},
        HTTP_X_CSRFTOKEN=str(token),
        **HTMX,
    )
    assert ok.status_code == 200 and Link.objects.decided().exists()


# Bulk decisions --------------------------------------------------------------------------------


def test_confirm_all_changes_only_the_suggestions_as_one_edit(matched_story, editor):
    event = event_with_links(matched_story)
    client = signed_in(editor)
    links = list(own_links(event).order_by("id"))
    rejected, *others = links
    client.post(url("claims-link-decide", matched_story, rejected.pk), {"status": "rejected"})
    response = bulk_event(
        client, matched_story, event, seen=event_form(client, matched_story, event), **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="event-body"' in html and "<html" not in html
    links = f"{len(others)} suggested link" + ("s" if len(others) != 1 else "")
    assert f"Confirmed {links}." in messages_in(response)
    rejected.refresh_from_db()
    assert rejected.status == LinkStatus.REJECTED  # a person's decision stays
    for link in others:
        link.refresh_from_db()
        assert (link.status, link.decided_by) == (LinkStatus.CONFIRMED, editor)
    bulk = Edit.objects.get(action=EditAction.BULK)
    assert bulk.user == editor and bulk.summary.startswith(f"confirmed {len(others)} suggested")
    # nothing left to decide in bulk: the buttons are gone
    assert (
        "Confirm all suggested links"
        not in client.get(url("claims-event", matched_story, event.pk)).content.decode()
    )


def test_a_stale_page_is_refused_and_nothing_changes(matched_story, editor):
    event = event_with_links(matched_story)
    client = signed_in(editor)
    seen = event_form(client, matched_story, event)
    first = own_links(event).order_by("id").first()
    client.post(url("claims-link-decide", matched_story, first.pk), {"status": "confirmed"})
    before, edits = statuses(matched_story), Edit.objects.count()
    for extra in ({}, HTMX):
        response = bulk_event(client, matched_story, event, "rejected", seen=seen, **extra)
        assert response.status_code == 409
        count = int(seen.split("-")[0])
        assert f"it listed {count}, there are {count - 1} now" in messages_in(response)
    assert statuses(matched_story) == before and Edit.objects.count() == edits
    # a bad form: 400, nothing changed
    response = bulk_event(client, matched_story, event, "maybe", seen=seen)
    assert response.status_code == 400 and statuses(matched_story) == before


def test_reject_all_of_a_claim_from_its_matches(matched_story, editor):
    link = Link.objects.filter(story=matched_story).order_by("-score").first()
    claim = link.claim_a
    mine = Link.objects.filter(claim_a=claim) | Link.objects.filter(claim_b=claim)
    client = signed_in(editor)
    panel = client.get(url("claims-matches", matched_story, claim.pk), **HTMX).content.decode()
    assert "Reject all suggested links" in panel
    seen = re.search(r'name="shown" value="([^"]+)"', panel).group(1)
    response = client.post(
        url("claims-claim-decide-all", matched_story, claim.pk),
        {"status": "rejected", "shown": seen},
        **HTMX,
    )
    assert response.status_code == 200 and 'id="matches-panel"' in response.content.decode()
    n = mine.count()
    assert f"Rejected {n} suggested link{'s' if n != 1 else ''}." in messages_in(response)
    assert set(mine.values_list("status", flat=True)) == {LinkStatus.REJECTED}
    assert Link.objects.exclude(pk__in=mine).filter(status=LinkStatus.REJECTED).count() == 0
    # without JavaScript: back to the claim's matches page
    again = client.post(
        url("claims-claim-decide-all", matched_story, claim.pk),
        {"status": "rejected", "shown": seen},
    )
    assert again.status_code == 409


# Undo ------------------------------------------------------------------------------------------


def history(client, story) -> str:
    html = client.get(url("claims-story", story)).content.decode()
    return html[html.index('id="history-h"') :]


def undo(client, story, edit, **extra):
    return client.post(url("claims-edit-undo", story, edit.pk), **extra)


def test_undo_a_bulk_decision_puts_back_each_link_as_it_was(matched_story, editor):
    event = event_with_links(matched_story)
    client = signed_in(editor)
    reopened = own_links(event).order_by("id").first()
    client.post(url("claims-link-decide", matched_story, reopened.pk), {"status": "rejected"})
    client.post(url("claims-link-decide", matched_story, reopened.pk), {"status": "suggested"})
    reopened.refresh_from_db()
    before = statuses(matched_story)
    bulk_event(client, matched_story, event, seen=event_form(client, matched_story, event))
    bulk = Edit.objects.get(action=EditAction.BULK)
    assert f'action="{url("claims-edit-undo", matched_story, bulk.pk)}"' in history(
        client, matched_story
    )
    response = undo(client, matched_story, bulk)
    assert response.status_code == 302
    assert statuses(matched_story) == before
    again = Link.objects.get(pk=reopened.pk)
    assert (again.decided_by, again.decided_at) == (reopened.decided_by, reopened.decided_at)
    bulk.refresh_from_db()
    assert bulk.undone_at is not None
    assert Edit.objects.filter(action=EditAction.UNDO, details__undid=bulk.pk).count() == 1
    page = history(client, matched_story)
    assert "(undone)" in page
    assert f'action="{url("claims-edit-undo", matched_story, bulk.pk)}"' not in page
    # twice: refused, nothing changed
    assert undo(client, matched_story, bulk).status_code == 409
    assert Edit.objects.filter(action=EditAction.UNDO).count() == 1


def test_undo_after_the_earlier_decider_left(matched_story, editor):
    """A link reopened by someone whose account is gone since goes back to suggested, decided
    by nobody, instead of failing."""
    event = event_with_links(matched_story)
    gone = make_user("gone", matched_story, "editor")
    link = own_links(event).order_by("id").first()
    signed_in(gone).post(url("claims-link-decide", matched_story, link.pk), {"status": "rejected"})
    signed_in(gone).post(url("claims-link-decide", matched_story, link.pk), {"status": "suggested"})
    client = signed_in(editor)
    bulk_event(client, matched_story, event, seen=event_form(client, matched_story, event))
    gone.delete()
    assert undo(client, matched_story, Edit.objects.get(action=EditAction.BULK)).status_code == 302
    link.refresh_from_db()
    assert (link.status, link.decided_by) == (LinkStatus.SUGGESTED, None)


def test_undo_is_refused_when_a_link_was_decided_since(matched_story, editor, annotator):
    event = event_with_links(matched_story)
    client = signed_in(editor)
    bulk_event(
        client, matched_story, event, "rejected", seen=event_form(client, matched_story, event)
    )
    bulk = Edit.objects.get(action=EditAction.BULK)
    link = own_links(event).order_by("id").first()
    client.post(url("claims-link-decide", matched_story, link.pk), {"status": "confirmed"})
    page = history(client, matched_story)
    assert 'title="A later change touched the same events, claims or links' in page
    before = statuses(matched_story)
    response = undo(client, matched_story, bulk)
    assert response.status_code == 409
    assert "Not undone, nothing was changed: A later change touched" in messages_in(response)
    assert statuses(matched_story) == before and Edit.objects.get(pk=bulk.pk).undone_at is None


def test_undo_is_refused_when_a_link_was_labelled_since(matched_story, editor, annotator):
    event = event_with_links(matched_story)
    client = signed_in(editor)
    bulk_event(client, matched_story, event, seen=event_form(client, matched_story, event))
    bulk = Edit.objects.get(action=EditAction.BULK)
    link = own_links(event).order_by("id").first()
    labelled = signed_in(annotator).post(
        url("claims-review-label", matched_story, link.pk),
        {"label": "agrees", "version": 0, "claim_a": link.claim_a_id, "claim_b": link.claim_b_id},
    )
    assert labelled.status_code in (200, 302)
    before = statuses(matched_story)
    response = undo(client, matched_story, bulk)
    assert response.status_code == 409 and "labelled since" in messages_in(response)
    assert statuses(matched_story) == before


def test_an_undone_rejection_no_longer_constrains_the_next_match(matched_story, editor):
    event = event_with_links(matched_story)
    together = set(event.claims.values_list("id", flat=True))
    client = signed_in(editor)
    bulk_event(
        client, matched_story, event, "rejected", seen=event_form(client, matched_story, event)
    )
    rejected = {(link.claim_a_id, link.claim_b_id) for link in own_links(event)}
    assert rejected <= constraints(matched_story).cannot_link
    match_story(matched_story)
    assert not in_one_event(together)
    undo(client, matched_story, Edit.objects.get(action=EditAction.BULK))
    assert not rejected & constraints(matched_story).cannot_link
    match_story(matched_story)
    assert in_one_event(together)
    assert not Link.objects.filter(story=matched_story).decided().exists()


def in_one_event(claim_ids) -> bool:
    events = set(Claim.objects.filter(id__in=claim_ids).values_list("event", flat=True))
    return len(events) == 1 and None not in events


def test_undo_a_merge_brings_the_event_back(matched_story, editor):
    event = event_with_links(matched_story)
    other = matched_story.events.exclude(pk=event.pk).order_by("id").first()
    client = signed_in(editor)
    client.post(
        url("claims-event-rename", matched_story, other.pk), {"label": "Named", "version": 1}
    )
    other.refresh_from_db()
    theirs = set(other.claims.values_list("id", flat=True))
    pinned = dict(Claim.objects.filter(event__in=[event, other]).values_list("id", "event_pinned"))
    client.post(url("claims-event-merge", matched_story, event.pk), {"other": other.pk})
    merge = Edit.objects.get(action=EditAction.MERGE)
    assert undo(client, matched_story, merge).status_code == 302
    back = Event.objects.get(pk=other.pk)
    assert (back.label, back.version, back.key) == ("Named", other.version, other.key)
    assert set(back.claims.values_list("id", flat=True)) == theirs
    assert back.claim_count == len(theirs)
    assert pinned == dict(
        Claim.objects.filter(event__in=[event, other]).values_list("id", "event_pinned")
    )
    assert not GoneEvent.objects.filter(old_id=other.pk).exists()
    page = client.get(url("claims-event", matched_story, other.pk))
    assert page.status_code == 200 and "<h1>Named</h1>" in page.content.decode()


def test_undo_a_move_puts_the_claim_back(matched_story, editor):
    event = event_with_links(matched_story)
    target = matched_story.events.exclude(pk=event.pk).order_by("id").first()
    claim = event.claims.order_by("id").first()
    client = signed_in(editor)
    client.post(
        url("claims-event-move", matched_story, event.pk),
        {"claims": [claim.pk], "target": target.pk},
    )
    assert Claim.objects.get(pk=claim.pk).event_id == target.pk
    # the claims it left and those it joined are pinned too (a person saw both events)
    around = Claim.objects.filter(event__in=[event, target]).exclude(pk=claim.pk)
    assert around.exists() and all(around.values_list("event_pinned", flat=True))
    move = Edit.objects.get(action=EditAction.MOVE)
    assert undo(client, matched_story, move).status_code == 302
    claim.refresh_from_db()
    assert (claim.event_id, claim.event_pinned) == (event.pk, False)
    assert not any(around.values_list("event_pinned", flat=True))  # as they were
    assert Event.objects.get(pk=target.pk).claim_count == target.claim_count


def test_merge_and_move_undo_refused_after_later_edits_or_a_rematch(matched_story, editor):
    event = event_with_links(matched_story)
    other, third = matched_story.events.exclude(pk=event.pk).order_by("id")[:2]
    client = signed_in(editor)
    client.post(url("claims-event-merge", matched_story, event.pk), {"other": other.pk})
    merge = Edit.objects.get(action=EditAction.MERGE)
    claim = event.claims.order_by("id").first()
    client.post(
        url("claims-event-move", matched_story, event.pk),
        {"claims": [claim.pk], "target": third.pk},
    )
    move = Edit.objects.get(action=EditAction.MOVE)
    before = dict(Claim.objects.values_list("id", "event_id"))
    response = undo(client, matched_story, merge)
    assert response.status_code == 409 and "A later change touched" in messages_in(response)
    assert dict(Claim.objects.values_list("id", "event_id")) == before
    match_story(matched_story)
    before = dict(Claim.objects.values_list("id", "event_id"))
    response = undo(client, matched_story, move)
    assert response.status_code == 409 and "matched again since" in messages_in(response)
    assert dict(Claim.objects.values_list("id", "event_id")) == before
    assert not Edit.objects.filter(action=EditAction.UNDO).exists()


def test_an_older_edit_without_the_data_has_no_undo_button(matched_story, editor):
    event = event_with_links(matched_story)
    old = Edit.objects.create(
        story=matched_story,
        user=editor,
        action=EditAction.MERGE,
        summary="merged “A” into “B”",
        details={"event": event.pk, "merged_label": "A", "claims": []},
    )
    page = history(signed_in(editor), matched_story)
    assert 'title="It was made before edits kept what an undo needs."' in page
    assert url("claims-edit-undo", matched_story, old.pk) not in page
    assert undo(signed_in(editor), matched_story, old).status_code == 409


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reject_all_in_the_browser_then_undo(live_story, live_server, signed_in_page):
    """The button's value goes with the htmx post (the swap says how many), and the undo
    from the recent changes puts the links back."""
    editor = make_user("editor", live_story, "editor")
    event = event_with_links(live_story)
    links = set(own_links(event).values_list("id", flat=True))
    page = signed_in_page(editor)
    page.goto(live_server.url + url("claims-event", live_story, event.pk))
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Reject all suggested links").click()
    page.get_by_text(f"Rejected {len(links)} suggested links.").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert set(Link.objects.filter(id__in=links).values_list("status", flat=True)) == {"rejected"}
    page.goto(live_server.url + url("claims-story", live_story))
    page.locator(".history").get_by_role("button", name="Undo").click()
    page.get_by_text("Undone: rejected").wait_for()
    assert set(Link.objects.filter(id__in=links).values_list("status", flat=True)) == {"suggested"}


def test_undo_a_merge_puts_back_what_told_of_each_event(bridged_story, bridged_editor):
    """The claims listed as also telling of either event, and the links that told of the merged
    one, are as before the merge."""
    other = bridged_story.events.filter(also_claims__isnull=False).order_by("id").first()
    told = set(other.also_claims.values_list("id", flat=True))
    event = bridged_story.events.exclude(pk=other.pk).exclude(claims__in=told).first()

    def state():
        also = {
            e.pk: set(e.also_claims.values_list("id", flat=True))
            for e in Event.objects.filter(pk__in=[event.pk, other.pk])
        }
        links = dict(Link.objects.filter(story=bridged_story).values_list("id", "event_id"))
        return also, links

    before = state()
    client = signed_in(bridged_editor)
    client.post(url("claims-event-merge", bridged_story, event.pk), {"other": other.pk})
    assert state() != before
    assert undo(client, bridged_story, Edit.objects.get(action=EditAction.MERGE)).status_code == 302
    assert state() == before


def test_the_messages_and_the_record_count_in_words(matched_story, editor):
    """One link is "1 suggested link", not "1 suggested link(s)"; the same for a merge's and a
    move's claims, in the message after it and in the story's recent changes."""
    event = event_with_links(matched_story)
    client = signed_in(editor)
    first, *rest = own_links(event).order_by("id")
    for link in rest:
        client.post(url("claims-link-decide", matched_story, link.pk), {"status": "rejected"})
    seen = event_form(client, matched_story, event)
    response = bulk_event(client, matched_story, event, "rejected", seen, **HTMX)
    assert "Rejected 1 suggested link." in messages_in(response)
    other, third = matched_story.events.exclude(pk=event.pk).order_by("id")[:2]
    moved = other.claims.count()
    response = client.post(
        url("claims-event-merge", matched_story, event.pk), {"other": other.pk}, follow=True
    )
    words = f"{moved} claim" + ("s" if moved != 1 else "")
    assert f"Merged: {words} moved into this event." in messages_in(response)
    claim = event.claims.order_by("id").first()
    client.post(
        url("claims-event-move", matched_story, event.pk),
        {"claims": [claim.pk], "target": third.pk},
    )
    page = client.get(url("claims-story", matched_story)).content.decode()
    assert "rejected 1 suggested link of" in page and "moved 1 claim from" in page
    assert "(s)" not in page


def test_a_change_of_a_moment_ago_says_just_now(matched_story, editor):
    """Under a minute the recent changes and the queue's history say "just now" (they said
    "0 minutes ago")."""
    event = event_with_links(matched_story)
    client = signed_in(editor)
    bulk_event(client, matched_story, event, "rejected", event_form(client, matched_story, event))
    page = client.get(url("claims-story", matched_story)).content.decode()
    assert "0\xa0minutes" not in page and "0 minutes" not in page
    assert re.search(r"rejected \d+ suggested links? of .*?just now</time>", page)
    link = Link.objects.filter(story=matched_story).first()
    data = {"label": "agrees", "note": "", "version": 0, "order": "uncertain"}
    client.post(url("claims-review-label", matched_story, link.pk), data)
    queue = client.get(url("claims-review", matched_story) + f"?link={link.pk}").content.decode()
    assert "0\xa0minutes" not in queue and re.search(r"“Agrees”.*?just now</time>", queue)
