"""The side-by-side pages and their fragments, and who may edit the matching."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Outlet, Story
from claims.actions.editing import opening_words
from claims.actions.matching import match_story
from claims.models import Claim, Edit, Event, Link, LinkStatus
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, story, *args):
    return reverse(name, args=[story.slug, *args])


def biggest_event(story) -> Event:
    return max(
        story.events.all(), key=lambda e: e.claims.values("article__outlet").distinct().count()
    )


# Reading ---------------------------------------------------------------------------------------


def test_overview_shows_events_by_outlets(client, matched_story):
    html = client.get(url("claims-story", matched_story)).content.decode()
    for outlet in Outlet.objects.filter(articles__story=matched_story):
        outlet_page = url("claims-outlet", matched_story, outlet.slug)
        assert f'class="outlet-col"><a href="{outlet_page}">{outlet.name}</a></th>' in html
    from claims.views.overview import EVENTS_PER_PAGE

    first_page = list(matched_story.events.for_overview()[:EVENTS_PER_PAGE])
    for event in first_page:
        assert url("claims-event", matched_story, event.pk) in html
    if matched_story.events.count() > EVENTS_PER_PAGE:
        assert "Later events →" in html
    event = first_page[0]
    row = re.search(rf'events/{event.pk}/".*?</tr>', html, re.S).group(0)
    reported = re.findall(r'<td class="cell reported">(\d+)</td>', row)
    assert sum(map(int, reported)) == event.claims.count()
    assert "not reported" in html


def test_overview_before_matching_says_so(client, seed_story):
    html = client.get(url("claims-story", seed_story)).content.decode()
    assert "has not been matched" in html


def test_event_page_has_a_column_per_outlet_in_article_order(client, matched_story):
    event = biggest_event(matched_story)
    html = client.get(url("claims-event", matched_story, event.pk)).content.decode()
    outlets = set(event.claims.values_list("article__outlet__name", flat=True))
    headings = re.findall(r'<h2 id="col-\d+"><a href="[^"]+/outlets/[^"]+/">(.*?)</a></h2>', html)
    assert set(headings) == outlets
    for claim in event.claims.all():
        assert f'id="c{claim.pk}"' in html
        assert f"{claim.article.get_absolute_url()}#claim-{claim.pk}" in html
    assert '<mark class="match"' in html


def test_event_of_another_story_is_404(client, matched_story):
    other = Story.objects.create(slug="other", title="Other")
    event = matched_story.events.first()
    assert client.get(url("claims-event", other, event.pk)).status_code == 404


def test_context_fragment_and_page(client, matched_story):
    claim = Claim.objects.filter(article__story=matched_story, position=3).first()
    fragment = client.get(url("claims-context", matched_story, claim.pk), **HTMX)
    html = fragment.content.decode()
    assert "<html" not in html
    before = claim.article.claims.get(position=2).text
    after = claim.article.claims.get(position=5).text
    assert f'<p class="this">{claim.text}</p>'.replace("“", "“") in html or claim.text in html
    assert before.split()[0] in html and after.split()[-1] in html
    page = client.get(url("claims-context", matched_story, claim.pk)).content.decode()
    assert "<html" in page and page.count("<h1") == 1


def test_matches_fragment_lists_other_outlets_with_reasons(client, matched_story):
    link = Link.objects.filter(story=matched_story).order_by("-score").first()
    response = client.get(url("claims-matches", matched_story, link.claim_a_id), **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert link.claim_b.text[:40] in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert url("claims-pair", matched_story, link.pk) in html


def test_reader_without_javascript_shows_matches_for_chosen_claim(client, matched_story):
    link = Link.objects.filter(story=matched_story).order_by("-score").first()
    article = link.claim_a.article
    html = client.get(article.get_absolute_url() + f"?claim={link.claim_a_id}").content.decode()
    assert "Matches for claim" in html
    assert url("claims-pair", matched_story, link.pk) in html
    assert client.get(article.get_absolute_url() + "?claim=abc").status_code == 200


def test_pair_view_diffs_words_and_explains(client, matched_story):
    link = Link.objects.filter(story=matched_story).order_by("-score").first()
    html = client.get(url("claims-pair", matched_story, link.pk)).content.decode()
    assert link.explanation.split(";")[0].replace("'", "&#x27;") in html
    assert '<mark class="only">' in html
    assert "Confirm" not in html  # anonymous readers cannot decide
    # The component scores in plain words; "decided" is the matcher's, not a person's.
    components = re.search(r'<dl class="components">(.*?)</dl>', html, re.S).group(1)
    assert "<dt>Articles on the same happening</dt>" in components
    assert "<dt>Matcher&#x27;s combined score (before calibration)</dt>" in components
    assert not re.search(r"<dt>[a-z_]+</dt>", components), components


def test_search_as_you_type(client, matched_story):
    response = client.get(url("claims-search", matched_story) + "?q=convoy", **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    expected = Claim.objects.filter(article__story=matched_story, text__icontains="convoy").count()
    assert expected >= 2
    assert html.count("<li>") == expected
    page = client.get(url("claims-search", matched_story) + "?q=zzzz").content.decode()
    assert "No claim contains “zzzz”" in page


# Editing: who may ------------------------------------------------------------------------------


def edit_requests(story):
    event = biggest_event(story)
    other = story.events.exclude(pk=event.pk).first()
    link = Link.objects.filter(story=story).first()
    claim = event.claims.first()
    return [
        (
            url("claims-event-rename", story, event.pk),
            {"label": "Renamed", "version": event.version},
        ),
        (url("claims-event-merge", story, event.pk), {"other": other.pk}),
        (url("claims-event-move", story, event.pk), {"claims": [claim.pk], "target": "new"}),
        (url("claims-link-decide", story, link.pk), {"status": "confirmed"}),
        (url("claims-alias-add", story), {"terms": "Daesh, ISIS"}),
    ]


def test_anonymous_users_are_sent_to_sign_in_and_nothing_changes(client, matched_story):
    for target, data in edit_requests(matched_story):
        response = client.post(target, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], target
    assert not Edit.objects.exists()
    assert not Link.objects.decided().exists()


def test_outsiders_and_annotators_are_refused(matched_story, outsider, annotator):
    for user in (outsider, annotator):
        client = signed_in(user)
        for target, data in edit_requests(matched_story):
            assert client.post(target, data).status_code == 403, (user, target)
    assert not Edit.objects.exists()


def test_edits_need_post(matched_story, editor):
    client = signed_in(editor)
    for target, _ in edit_requests(matched_story):
        assert client.get(target).status_code == 405


def test_csrf_is_enforced_on_htmx_posts(matched_story, editor):
    client = Client(enforce_csrf_checks=True)
    client.login(username=editor.username, password=PASSWORD)
    target, data = edit_requests(matched_story)[0]
    assert client.post(target, data, **HTMX).status_code == 403
    page = client.get(url("claims-event", matched_story, biggest_event(matched_story).pk))
    token = page.context["csrf_token"]
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()
    ok = client.post(target, data, HTTP_X_CSRFTOKEN=str(token), **HTMX)
    assert ok.status_code == 200


# Editing: what it does -------------------------------------------------------------------------


def test_rename_swaps_the_heading_and_survives_rematch(matched_story, editor):
    event = biggest_event(matched_story)
    response = signed_in(editor).post(
        url("claims-event-rename", matched_story, event.pk),
        {"label": "Strike on the aid convoy", "version": event.version},
        **HTMX,
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="event-heading"' in html
    assert "<h1>Strike on the aid convoy</h1>" in html
    match_story(matched_story)
    assert Event.objects.get(pk=event.pk).label == "Strike on the aid convoy"
    edit = Edit.objects.get()
    assert edit.user == editor and edit.action == "rename"


def test_rename_without_javascript_redirects_back(matched_story, editor):
    event = biggest_event(matched_story)
    response = signed_in(editor).post(
        url("claims-event-rename", matched_story, event.pk),
        {"label": "New name", "version": event.version},
    )
    assert response.status_code == 302
    assert response["Location"] == url("claims-event", matched_story, event.pk)


def test_bad_input_is_refused_and_changes_nothing(matched_story, editor):
    event = biggest_event(matched_story)
    client = signed_in(editor)
    assert (
        client.post(url("claims-event-rename", matched_story, event.pk), {"label": " "}).status_code
        == 400
    )
    other_story = Story.objects.create(slug="o", title="o")
    foreign = Event.objects.create(story=other_story, key="x")
    assert (
        client.post(
            url("claims-event-merge", matched_story, event.pk), {"other": foreign.pk}
        ).status_code
        == 400
    )
    assert (
        client.post(
            url("claims-link-decide", matched_story, Link.objects.first().pk), {"status": "maybe"}
        ).status_code
        == 400
    )
    assert client.post(url("claims-alias-add", matched_story), {"terms": "ISIS"}).status_code == 400
    assert not Edit.objects.exists()


def test_merge_moves_claims_and_survives_rematch(matched_story, editor):
    event = biggest_event(matched_story)
    other = matched_story.events.exclude(pk=event.pk).first()
    moved = set(other.claims.values_list("id", flat=True))
    response = signed_in(editor).post(
        url("claims-event-merge", matched_story, event.pk), {"other": other.pk}, **HTMX
    )
    assert response.status_code == 200 and 'id="event-body"' in response.content.decode()
    assert not Event.objects.filter(pk=other.pk).exists()
    match_story(matched_story)
    assert moved <= set(Event.objects.get(pk=event.pk).claims.values_list("id", flat=True))


def merge(story, editor, event, other):
    signed_in(editor).post(url("claims-event-merge", story, event.pk), {"other": other.pk}, **HTMX)
    return set(Event.objects.get(pk=event.pk).also_claims.values_list("id", flat=True))


def test_merge_carries_the_claims_that_also_told_of_the_merged_event(bridged_story, bridged_editor):
    """A sentence listed on the merged event ("also tells of") is listed on the one it went
    into."""
    other = bridged_story.events.filter(also_claims__isnull=False).order_by("id").first()
    assert other is not None, "one claim tells of two events"
    told = set(other.also_claims.values_list("id", flat=True))
    event = bridged_story.events.exclude(pk=other.pk).exclude(claims__in=told).first()
    assert told <= merge(bridged_story, bridged_editor, event, other)


def test_merge_does_not_list_an_event_s_own_claims_on_it(bridged_story, bridged_editor):
    """Merging the event of a sentence into the event it also told of: the sentence is now one
    of its claims, no longer listed as telling of it from elsewhere."""
    event = bridged_story.events.filter(also_claims__event__isnull=False).order_by("id").first()
    claim = event.also_claims.exclude(event=None).first()
    assert claim.id not in merge(bridged_story, bridged_editor, event, claim.event)
    assert Claim.objects.get(pk=claim.pk).event_id == event.pk


def test_split_and_move_claims_survive_rematch(matched_story, editor):
    event = biggest_event(matched_story)
    first, second = event.claims.order_by("id")[:2]
    client = signed_in(editor)
    client.post(
        url("claims-event-move", matched_story, event.pk),
        {"claims": [first.pk], "target": "new"},
        **HTMX,
    )
    first.refresh_from_db()
    assert first.event_id != event.pk and first.event_pinned
    target = matched_story.events.exclude(pk__in=[event.pk, first.event_id]).first()
    client.post(
        url("claims-event-move", matched_story, event.pk),
        {"claims": [second.pk], "target": target.pk},
        **HTMX,
    )
    match_story(matched_story)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.event_id == target.pk
    assert first.event_id not in (event.pk, target.pk, None)
    assert list(Edit.objects.values_list("action", flat=True)) == ["move", "split"]


def test_a_claim_split_off_is_not_grouped_back_with_those_it_left_by_a_rematch(
    matched_story, editor
):
    """Found by a tester: one of an event's two claims split off into its own event, then
    "Match again" put the other back beside it (the split undone, the old address redirected
    to the new event). The claims the split left behind are pinned too, as a merge pins."""
    event = biggest_event(matched_story)
    staying = set(event.claims.values_list("id", flat=True))
    first = min(staying)
    staying.discard(first)
    signed_in(editor).post(
        url("claims-event-move", matched_story, event.pk),
        {"claims": [first], "target": "new"},
        **HTMX,
    )
    split_into = Claim.objects.get(pk=first).event_id
    match_story(matched_story, full=True)
    assert Event.objects.filter(pk=event.pk).exists()
    assert set(event.claims.values_list("id", flat=True)) >= staying
    assert not set(Claim.objects.filter(event_id=split_into).values_list("id", flat=True)) & (
        staying
    )


def test_a_claim_moved_to_a_new_event_names_it_like_a_headline(matched_story, editor):
    """The new event is named after the sentence's opening words (a headline's length, no
    full stop) until the next match names it as it names every event, not after the whole
    sentence; the message quotes the name without a doubled full stop."""
    event = biggest_event(matched_story)
    claim = max(event.claims.all(), key=lambda c: len(c.text))
    assert claim.text.endswith(".") and len(claim.text) > 80
    response = signed_in(editor).post(
        url("claims-event-move", matched_story, event.pk),
        {"claims": [claim.pk], "target": "new"},
        **HTMX,
    )
    claim.refresh_from_db()
    name = claim.event.display_label
    assert name and len(name) <= 70 and not name.endswith("."), name
    html = response.content.decode()
    assert f"Moved to a new event, “{name}”." in html
    assert ".”." not in html
    # Without the index a match keeps: the sentence's opening words.
    assert opening_words("The cause of the fire is under investigation.") == (
        "The cause of the fire is under investigation"
    )


def test_moving_claims_another_editor_moved_meanwhile_changes_nothing(matched_story, editor):
    """The form saw the claim in the event; by the time the move takes the story's lock it is
    gone (another editor's move): a plain refusal, no new empty event, no 500."""
    from claims.actions import editing

    event = biggest_event(matched_story)
    elsewhere = Claim.objects.exclude(event=event).filter(article__story=matched_story).first()
    events = Event.objects.count()
    with pytest.raises(editing.NothingToMove):
        editing.move_claims(event, [elsewhere.pk], None, editor)
    assert Event.objects.count() == events and not Edit.objects.exists()


def test_decide_link_swaps_the_row_and_survives_rematch(matched_story, editor):
    link = Link.objects.filter(story=matched_story).order_by("-score").first()
    response = signed_in(editor).post(
        url("claims-link-decide", matched_story, link.pk), {"status": "rejected"}, **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="link-{link.pk}" class="status-rejected ')
    assert "Rejected by a person" in html
    match_story(matched_story)
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED and link.decided_by == editor


def test_add_alias_is_recorded(matched_story, editor):
    response = signed_in(editor).post(
        url("claims-alias-add", matched_story), {"terms": "Daesh, ISIS, Islamic State"}
    )
    assert response.status_code == 302
    alias = matched_story.aliases.latest("id")
    assert alias.term_list == ["Daesh", "ISIS", "Islamic State"] and alias.created_by == editor
    html = Client().get(url("claims-story", matched_story)).content.decode()
    assert "Daesh = ISIS = Islamic State" in html


# Query counts ----------------------------------------------------------------------------------


def grow(story, n):
    outlet = Outlet.objects.for_name("Bulk Wire")
    event = biggest_event(story)
    for i in range(n):
        body = f"Trucks were hit near Aleppo on Monday, report {i} said."
        article = Article.objects.create(
            story=story,
            outlet=Outlet.objects.for_name(f"Wire {i}"),
            source=f"{i}.txt",
            body=body,
            original=body,
            original_format="txt",
            content_hash=f"g{i}",
        )
        Claim.objects.create(
            article=article, start=0, end=len(body), text=body, position=0, event=event
        )
    # As the importer does: the pages are rendered afresh, with the new rows.
    Story.objects.filter(pk=story.pk).touch()
    return outlet


@pytest.mark.parametrize(
    "page", ["claims-story", "claims-event", "articles-detail", "claims-search"]
)
def test_query_counts_do_not_grow_with_the_story(client, matched_story, page):
    def target():
        if page == "claims-event":
            return url(page, matched_story, biggest_event(matched_story).pk)
        if page == "articles-detail":
            return matched_story.articles.order_by("id").first().get_absolute_url() + "?claim=1"
        if page == "claims-search":
            return url(page, matched_story) + "?q=the"
        return url(page, matched_story)

    def count():
        address = target()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(address).status_code == 200
        return len(ctx.captured_queries)

    count()  # once-a-process lookups (the search index's presence) out of the way
    Story.objects.filter(pk=matched_story.pk).touch()  # and the pages rendered afresh
    small = count()
    grow(matched_story, 45)
    assert count() == small
