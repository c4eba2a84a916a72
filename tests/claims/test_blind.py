"""Blind review (issue 12): while a story is blind, annotators see neither others' labels nor a
link's decision (status, who decided, the adjudication) until they have labelled it; editors
decide in the curation step, and their label in the queue is only a label. Labels given so
are stored as blind, and agreement is computed on them. Every page that shows labels or
decisions is checked for every kind of reader."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.access import Sight
from articles.models import BlindReview, Membership, Story
from claims.actions import annotating
from claims.models import Annotation, Claim, Event, Label, Link, LinkStatus
from tests.conftest import make_article, make_user, signed_in

pytestmark = pytest.mark.django_db

NOTE = "ZEBRANOTE the toll differs"  # a word to look for in a page


def build_blind_room():
    """A story of two articles and three links, blind (two annotators): `ann` labelled the
    first link (unrelated, with a note), which rejected it; nobody labelled the others. `bea`
    is the second annotator, `ed` the editor, `out` signed in with no role."""
    story = Story.objects.create(slug="blind-room", title="Blind room")
    one = make_article(story, "Outlet One", ["Jets struck a convoy.", "Talks resumed."])
    two = make_article(story, "Outlet Two", ["A convoy was hit by jets.", "Talks went on."])
    links = [
        Link.objects.create(story=story, claim_a=a, claim_b=b, score=score)
        for a, b, score in [(one[0], two[0], 0.9), (one[1], two[1], 0.7), (one[0], two[1], 0.2)]
    ]
    users = {
        "ann": make_user("zz-ann", story, "annotator"),
        "bea": make_user("zz-bea", story, "annotator"),
        "ed": make_user("zz-ed", story, "editor"),
        "out": make_user("zz-out"),
    }
    event = Event.objects.create(story=story, key="e1", auto_label="A convoy struck")
    Claim.objects.filter(article__story=story).update(event=event)
    Link.objects.filter(story=story).update(event=event)
    annotating.annotate(links[0], users["ann"], Label.UNRELATED, NOTE, 0)
    return story, links, users


@pytest.fixture
def room():
    return build_blind_room()


def client_for(viewer, users):
    return Client() if viewer == "anonymous" else signed_in(users[viewer])


# -- when a story is blind ----------------------------------------------------------------------


def test_auto_is_blind_from_the_second_annotator_editors_not_counted():
    story = Story.objects.create(slug="s", title="S")
    make_user("ed1", story, "editor")
    make_user("ed2", story, "editor")
    make_user("a1", story, "annotator")
    assert story.blind_review == BlindReview.AUTO and not story.is_blind()
    make_user("a2", story, "annotator")
    assert story.is_blind()
    story.blind_review = BlindReview.OFF
    assert not story.is_blind()
    Membership.objects.filter(story=story, role="annotator").delete()
    story.blind_review = BlindReview.ON
    assert story.is_blind()


def test_sight_editors_see_all_annotators_what_they_labelled_others_nothing(room):
    story, links, users = room
    ids = [link.pk for link in links]
    assert Sight(users["ed"], story).links(ids) == set(ids)
    assert Sight(users["ann"], story).links(ids) == {links[0].pk}
    assert Sight(users["bea"], story).links(ids) == set()
    assert Sight(users["out"], story).links(ids) == set()
    assert not Sight(users["bea"], story).link(links[0])
    story.blind_review = BlindReview.OFF
    story.save()
    for user in users.values():
        assert Sight(user, story).links(ids) == set(ids)


# -- labels as stored ---------------------------------------------------------------------------


def test_a_first_label_in_a_blind_story_is_blind_and_an_editors_is_not(room):
    story, links, users = room
    assert Annotation.objects.get(link=links[0], annotator=users["ann"]).blind
    annotating.annotate(links[1], users["ed"], Label.AGREES, "", 0)
    assert not Annotation.objects.get(link=links[1], annotator=users["ed"]).blind
    story.blind_review = BlindReview.OFF
    story.save()
    annotating.annotate(links[2], users["bea"], Label.AGREES, "", 0)
    assert not Annotation.objects.get(link=links[2], annotator=users["bea"]).blind


def test_a_label_changed_after_others_could_be_seen_is_no_longer_blind(room):
    story, links, users = room
    mine = annotating.annotate(links[0], users["bea"], Label.AGREES, "", 0)
    assert mine.blind
    # A new note alone leaves the label blind.
    mine = annotating.annotate(links[0], users["bea"], Label.AGREES, "a note", mine.version)
    assert Annotation.objects.get(pk=mine.pk).blind
    # Once labelled, bea could see ann's label: a changed label was not given blind.
    annotating.annotate(links[0], users["bea"], Label.UNRELATED, "a note", mine.version)
    assert not Annotation.objects.get(pk=mine.pk).blind
    # Nothing of others' on the second link: changing her mind there stays blind.
    mine = annotating.annotate(links[1], users["bea"], Label.AGREES, "", 0)
    annotating.annotate(links[1], users["bea"], Label.PARTLY, "", mine.version)
    assert Annotation.objects.get(pk=mine.pk).blind


def test_in_a_blind_story_an_editors_label_in_the_queue_decides_nothing(room):
    story, links, users = room
    client = signed_in(users["ed"])
    link = links[1]
    url = reverse("claims-review-label", args=[story.slug, link.pk])
    data = {"label": Label.UNRELATED, "note": "", "version": 0, "order": "uncertain"}
    data.update(claim_a=link.claim_a_id, claim_b=link.claim_b_id)
    assert client.post(url, data).status_code == 302
    link.refresh_from_db()
    assert link.status == LinkStatus.SUGGESTED and link.decided_by is None
    assert Annotation.objects.get(link=link, annotator=users["ed"]).label == Label.UNRELATED
    # An annotator's label still settles the link; the editor's undo changes nothing.
    annotating.annotate(link, users["bea"], Label.AGREES, "", 0)
    annotating.undo(story, users["ed"])
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED and link.decided_by == users["bea"]


def test_the_queue_tells_an_editor_what_agreement_does_with_their_label(room):
    """Agreement is computed on the blind labels, and an editor's never is: the queue says the
    label is left out of agreement, as the agreement page then shows (was: "compared with the
    annotators'", and the page listed only the annotators)."""
    story, links, users = room
    annotating.annotate(links[0], users["bea"], Label.AGREES, "", 0)
    annotating.annotate(links[0], users["ed"], Label.AGREES, "", 0)
    client = signed_in(users["ed"])
    queue = client.get(reverse("claims-review", args=[story.slug])).content.decode()
    note = re.search(r'id="review-blind">(.*?)</p>', queue, re.S).group(1)
    assert "compared with" not in note and "agreement leaves it out" in note
    page = agreement_of(client, story)
    assert "<dt>Annotators</dt><dd>zz-ann, zz-bea</dd>" in page


def test_undoing_an_annotators_label_never_hands_the_decision_to_an_editors_label(room):
    story, links, users = room
    link = links[1]
    annotating.annotate(link, users["bea"], Label.AGREES, "", 0)
    annotating.annotate(link, users["ed"], Label.UNRELATED, "", 0)
    annotating.undo(story, users["bea"])
    link.refresh_from_db()
    assert link.status == LinkStatus.SUGGESTED


def test_when_not_blind_an_editors_label_rejects_the_link_as_before(room):
    story, links, users = room
    story.blind_review = BlindReview.OFF
    story.save()
    annotating.annotate(links[1], users["ed"], Label.UNRELATED, "", 0)
    links[1].refresh_from_db()
    assert links[1].status == LinkStatus.REJECTED and links[1].decided_by == users["ed"]


# -- the review queue ---------------------------------------------------------------------------

REJECTED = "Rejected by a person"


def queue_at(client, story, link) -> str:
    url = reverse("claims-review", args=[story.slug]) + f"?link={link.pk}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_queue_hides_a_links_decision_from_an_annotator_who_has_not_labelled_it(room):
    story, links, users = room
    html = queue_at(signed_in(users["bea"]), story, links[0])
    assert REJECTED not in html and NOTE not in html
    assert "show once you have labelled it" in html
    # The htmx panel likewise.
    response = signed_in(users["bea"]).get(
        reverse("claims-review", args=[story.slug]) + f"?link={links[0].pk}", HTTP_HX_REQUEST="true"
    )
    assert REJECTED not in response.content.decode()
    # Once she has labelled it, she sees it; so do its annotator and the editor.
    annotating.annotate(links[0], users["bea"], Label.UNRELATED, "", 0)
    assert REJECTED in queue_at(signed_in(users["bea"]), story, links[0])
    assert REJECTED in queue_at(signed_in(users["ann"]), story, links[0])
    editor_html = queue_at(signed_in(users["ed"]), story, links[0])
    assert REJECTED in editor_html and "your label here is only a label" in editor_html


def test_the_queue_shows_the_decision_to_everyone_when_the_story_is_not_blind(room):
    story, links, users = room
    story.blind_review = BlindReview.OFF
    story.save()
    html = queue_at(signed_in(users["bea"]), story, links[0])
    assert REJECTED in html and "Blind review" not in html


# -- the pair page and the event page's link rows ------------------------------------------------

VIEWERS = ["anonymous", "out", "ann", "bea", "ed"]


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_pair_page_shows_labels_and_decision_only_to_who_may_see_them(room, viewer):
    story, links, users = room
    annotating.adjudicate(links[0], users["ed"], Label.PARTLY, "EDNOTE final", 0)
    html = page_of(
        client_for(viewer, users), reverse("claims-pair", args=[story.slug, links[0].pk])
    )
    sees = viewer in ("ann", "ed")  # her own label; the editor sees all
    assert ("Final label" in html) == sees
    assert ("Confirmed by a person" in html) == sees  # the adjudication's "partly" confirmed it
    assert ("zz-ann" in html) == sees
    assert ("Blind review" in html) == (not sees)
    assert "Nobody has labelled this link yet" not in html


def test_on_the_pair_page_an_annotator_sees_her_own_label_before_the_others(room):
    story, links, users = room
    annotating.annotate(links[1], users["bea"], Label.AGREES, "BEANOTE mine", 0)
    annotating.annotate(links[1], users["ann"], Label.PARTLY, "ANNNOTE hers", 0)
    url = reverse("claims-pair", args=[story.slug, links[1].pk])
    # bea labelled it: she sees both. The editor too.
    for viewer in ("bea", "ed"):
        html = page_of(client_for(viewer, users), url)
        assert "BEANOTE" in html and "ANNNOTE" in html
    # A third annotator who has not labelled it sees neither.
    carl = make_user("zz-carl", story, "annotator")
    html = page_of(signed_in(carl), url)
    assert "BEANOTE" not in html and "ANNNOTE" not in html and "Blind review" in html


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_event_pages_link_rows_follow_the_blind_rules(room, viewer):
    story, links, users = room
    url = reverse("claims-event", args=[story.slug, story.events.get().pk])
    client = client_for(viewer, users)
    html = page_of(client, url)
    html_again = page_of(client, url)  # from the cache
    sees = viewer in ("ann", "ed")
    for page in (html, html_again):
        assert (REJECTED in page) == sees
        assert ("(zz-ann)" in page) == sees  # who decided, named to members only
        assert "Not shown during blind review" in page or viewer == "ed"


@pytest.mark.parametrize("viewer", VIEWERS)
def test_when_not_blind_the_event_page_names_who_decided_only_to_members(room, viewer):
    story, links, users = room
    story.blind_review = BlindReview.OFF
    story.save()
    html = page_of(
        client_for(viewer, users), reverse("claims-event", args=[story.slug, story.events.get().pk])
    )
    assert REJECTED in html and "Not shown during blind review" not in html
    assert ("(zz-ann)" in html) == (viewer in ("ann", "bea", "ed"))


# -- the agreement page and adjudication --------------------------------------------------------


def agreement_of(client, story) -> str:
    return page_of(client, reverse("claims-agreement", args=[story.slug]))


def compared(html) -> int:
    return int(re.search(r"<dt>Links labelled by two or more</dt><dd>(\d+)</dd>", html).group(1))


def test_agreement_is_computed_on_the_blind_labels_and_says_how_many(room):
    story, links, users = room
    ann, bea = users["ann"], users["bea"]
    annotating.annotate(links[0], bea, Label.UNRELATED, "", 0)
    annotating.annotate(links[2], ann, Label.AGREES, "", 0)
    annotating.annotate(links[2], bea, Label.AGREES, "", 0)
    annotating.annotate(links[1], ann, Label.AGREES, "", 0)
    # bea labels the second link blind, then (having seen ann's label) changes it: no longer blind.
    mine = annotating.annotate(links[1], bea, Label.UNRELATED, "", 0)
    annotating.annotate(links[1], bea, Label.AGREES, "", mine.version)
    html = agreement_of(signed_in(users["ed"]), story)
    assert "Computed on 5 blind labels of 6" in html
    assert compared(html) == 2  # the second link has one blind label: nothing to compare
    story.blind_review = BlindReview.OFF
    story.save()
    Annotation.objects.update(blind=False)
    html = agreement_of(signed_in(users["ed"]), story)
    assert "None of the 6 labels was given blind" in html and compared(html) == 3


@pytest.mark.parametrize("viewer", [*VIEWERS, "carl"])
def test_the_agreement_page_shows_a_disagreement_only_to_who_may_see_its_labels(room, viewer):
    story, links, users = room
    users["carl"] = make_user("zz-carl", story, "annotator")  # labelled nothing
    annotating.annotate(links[1], users["ann"], Label.AGREES, "ANNNOTE", 0)
    annotating.annotate(links[1], users["bea"], Label.UNRELATED, "BEANOTE", 0)
    html = agreement_of(client_for(viewer, users), story)
    sees = viewer in ("ann", "bea", "ed")
    assert (f'id="link-{links[1].pk}"' in html) == sees
    assert ("BEANOTE" in html) == sees and ("ANNNOTE" in html) == sees
    assert ('id="disagreements-hidden"' in html) == (not sees)
    assert ("Final label</label>" in html) == (viewer == "ed")  # only editors decide there


def test_only_editors_adjudicate_and_an_adjudication_needs_csrf(room):
    story, links, users = room
    link = links[1]
    url = reverse("claims-adjudicate", args=[story.slug, link.pk])
    data = {"label": Label.AGREES, "note": "", "version": 0}
    data.update(claim_a=link.claim_a_id, claim_b=link.claim_b_id)
    assert Client().post(url, data).status_code == 302  # to sign in
    for viewer in ("out", "ann"):
        assert client_for(viewer, users).post(url, data).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["ed"])
    assert strict.post(url, data).status_code == 403
    assert not hasattr(Link.objects.get(pk=link.pk), "adjudication")
    assert signed_in(users["ed"]).post(url, data).status_code == 302
    link.refresh_from_db()
    assert link.adjudication.label == Label.AGREES and link.status == LinkStatus.CONFIRMED


# -- exports ------------------------------------------------------------------------------------


def exported(client, story) -> dict:
    response = client.get(reverse("claims-export-json", args=[story.slug]))
    assert response.status_code == 200
    return json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_in_blind_review_an_export_holds_what_the_reader_may_see(room, viewer):
    story, links, users = room
    annotating.annotate(links[1], users["bea"], Label.AGREES, "BEANOTE", 0)
    annotating.adjudicate(links[0], users["ed"], Label.UNRELATED, "", 0)
    document = exported(client_for(viewer, users), story)
    annotators = {row["annotator"] for row in document["annotations"]}
    statuses = {(row["claim_a"], row["claim_b"]): row["status"] for row in document["links"]}
    first, second = (
        (links[0].claim_a_id, links[0].claim_b_id),
        (links[1].claim_a_id, links[1].claim_b_id),
    )
    if viewer == "ed":
        assert document["labels"] == "all" and annotators == {"zz-ann", "zz-bea"}
        assert statuses[first] == "rejected" and statuses[second] == "confirmed"
    elif viewer in ("ann", "bea"):  # her own labels, and the decisions of her links
        mine, other = (first, second) if viewer == "ann" else (second, first)
        assert document["labels"] == "own" and annotators == {f"zz-{viewer}"}
        assert statuses[mine] is not None and statuses[other] is None
        assert [r["blind"] for r in document["annotations"]] == [True]
    else:
        assert document["labels"] == "own" and annotators == set()
        assert set(statuses.values()) == {None}
        assert not any(row["adjudicated_label"] for row in document["links"])
    # The Web Annotations likewise.
    response = client_for(viewer, users).get(reverse("claims-export-jsonld", args=[story.slug]))
    items = json.loads(response.content)["first"]["items"]
    creators = {item["creator"]["nickname"] for item in items}
    expected = {"ed": {"zz-ann", "zz-bea", "zz-ed"}, "ann": {"zz-ann", "zz-ed"}, "bea": {"zz-bea"}}
    assert creators == expected.get(viewer, set())
    csv_text = (
        client_for(viewer, users)
        .get(reverse("claims-export-csv", args=[story.slug, "annotations"]))
        .content.decode()
    )
    assert ("BEANOTE" in csv_text) == (viewer in ("ed", "bea"))


# -- the claim's matches, the overview's latest changes -----------------------------------------


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_claims_matches_keep_rejected_links_for_who_may_not_see_decisions(room, viewer):
    story, links, users = room
    rejected = links[0]  # ann's "unrelated" rejected it
    claim = rejected.claim_a
    pair_url = reverse("claims-pair", args=[story.slug, rejected.pk])
    client = client_for(viewer, users)
    html = page_of(client, reverse("claims-matches", args=[story.slug, claim.pk]))
    reader = page_of(
        client,
        reverse("articles-detail", args=[story.slug, claim.article_id]) + f"?claim={claim.pk}",
    )
    sees = viewer == "ed"  # ann labelled it, but the list is one for every link of the claim
    assert (pair_url in html) == (not sees)
    assert (pair_url in reader) == (not sees)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_overview_lists_how_links_were_decided_only_to_who_may_see_it(room, viewer):
    story, links, users = room
    decide = reverse("claims-link-decide", args=[story.slug, links[1].pk])
    data = {
        "status": LinkStatus.CONFIRMED,
        "claim_a": links[1].claim_a_id,
        "claim_b": links[1].claim_b_id,
    }
    assert signed_in(users["ed"]).post(decide, data).status_code in (200, 302)
    html = page_of(client_for(viewer, users), reverse("claims-story", args=[story.slug]))
    assert ("confirmed the link between claims" in html) == (viewer == "ed")
    assert 'id="blind-now"' in html  # says why decisions are not shown
    form = f'action="{reverse("claims-blind-review", args=[story.slug])}#blind-review"'
    assert (form in html) == (viewer == "ed")


# -- the editor's setting -------------------------------------------------------------------------


def test_an_editor_sets_blind_review_on_the_overview(room):
    story, links, users = room
    overview = reverse("claims-story", args=[story.slug])
    html = page_of(signed_in(users["ed"]), overview)
    for mode in ("auto", "on", "off"):
        assert f'value="{mode}"' in html
    assert re.search(r'value="auto"[^>]*checked', html)
    bea = signed_in(users["bea"])
    pair = reverse("claims-pair", args=[story.slug, links[0].pk])
    assert NOTE not in page_of(bea, pair)
    response = signed_in(users["ed"]).post(
        reverse("claims-blind-review", args=[story.slug]), {"mode": "off"}, follow=True
    )
    assert response.status_code == 200
    assert "Blind review is off" in response.content.decode()
    assert Story.objects.get(pk=story.pk).blind_review == BlindReview.OFF
    assert NOTE in page_of(bea, pair)  # the cached pages follow at once


def test_only_editors_set_blind_review_and_it_needs_csrf(room):
    story, links, users = room
    url = reverse("claims-blind-review", args=[story.slug])
    assert Client().post(url, {"mode": "off"}).status_code == 302  # to sign in
    for viewer in ("out", "ann"):
        assert client_for(viewer, users).post(url, {"mode": "off"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["ed"])
    assert strict.post(url, {"mode": "off"}).status_code == 403
    assert signed_in(users["ed"]).post(url, {"mode": "sometimes"}).status_code == 400
    assert signed_in(users["ed"]).get(url).status_code == 405
    assert Story.objects.get(pk=story.pk).blind_review == BlindReview.AUTO


# -- every page at once ------------------------------------------------------------------------


def every_page(story, links) -> list[str]:
    link, claim = links[0], links[0].claim_a
    event = story.events.get()
    slug = story.slug
    return [
        reverse("claims-story", args=[slug]),
        reverse("claims-event", args=[slug, event.pk]),
        reverse("claims-event-framing", args=[slug, event.pk]),
        reverse("claims-event-report", args=[slug, event.pk]),
        reverse("claims-outlet", args=[slug, claim.article.outlet.slug]),
        reverse("claims-pair", args=[slug, link.pk]),
        reverse("claims-matches", args=[slug, claim.pk]),
        reverse("articles-detail", args=[slug, claim.article_id]) + f"?claim={claim.pk}",
        reverse("claims-search", args=[slug]) + "?q=convoy",
        reverse("claims-agreement", args=[slug]),
        reverse("claims-review", args=[slug]) + f"?link={link.pk}",
        reverse("claims-export-json", args=[slug]),
        reverse("claims-export-jsonld", args=[slug]),
        *(reverse("claims-export-csv", args=[slug, t]) for t in ("links", "annotations")),
        reverse("claims-export-csv", args=[slug, "claims_joined"]),
    ]


@pytest.mark.parametrize("viewer", ["anonymous", "out", "bea"])
def test_no_page_shows_a_label_or_decision_before_the_reader_labelled_the_link(room, viewer):
    story, links, users = room
    annotating.annotate(links[1], users["ann"], Label.PARTLY, "", 0)
    annotating.annotate(links[1], users["bea"], Label.AGREES, "", 0)  # her own, on another link
    annotating.adjudicate(links[0], users["ed"], Label.UNRELATED, "EDNOTE final", 0)
    client = client_for(viewer, users)
    for url in every_page(story, links):
        response = client.get(url)
        if response.status_code in (302, 403) and "review" in url and viewer != "bea":
            continue  # the queue is for members
        assert response.status_code == 200, url
        text = response.content.decode()
        secrets = [NOTE, "EDNOTE", REJECTED, "status-rejected", "Final label:"]
        secrets += ['"status": "rejected"', ",rejected,", '"label": "partly"', ",partly,"]
        if viewer != "bea":  # she may see who decided the link she labelled
            secrets.append("zz-ann")
        for secret in secrets:
            assert secret not in text, (url, secret)


def test_an_editor_finds_on_those_pages_what_the_others_do_not(room):
    story, links, users = room
    annotating.adjudicate(links[0], users["ed"], Label.UNRELATED, "EDNOTE final", 0)
    client = signed_in(users["ed"])
    pages = {url: client.get(url).content.decode() for url in every_page(story, links)}
    text = "".join(pages.values())
    for secret in (
        NOTE,
        "EDNOTE",
        REJECTED,
        "status-rejected",
        "Final label:",
        '"status": "rejected"',
    ):
        assert secret in text, secret
