"""Every form that acts on a link carries the pair of claims the page showed it between
(claim_a, claim_b), so that a post for a link a re-match removed since the page was loaded is
answered as such: 409 naming the link that joins the pair now (or saying none does), instead
of a bare 404 that htmx shows nowhere. Without the pair (a page loaded before forms carried
it), 404 with a page that says the link no longer exists. A pair that is not the link's is
refused and changes nothing. Each case is posted from the form as the page rendered it.
Run on SQLite and, with DATABASE_URL=postgres://..., on PostgreSQL."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from claims.actions import annotating
from claims.actions.matching import match_story
from claims.models import Adjudication, Annotation, AnnotationChange, Edit, Link, LinkStatus
from tests.claims.test_races import a_stale_suggestion, small_story
from tests.conftest import make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
KINDS = [False, True]
KIND_IDS = ["page", "htmx"]


class _Forms(HTMLParser):
    """The hidden inputs of each form of a page, by the form's action."""

    def __init__(self):
        super().__init__()
        self.forms, self._action = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._action = attrs.get("action")
            self.forms.setdefault(self._action, {})
        elif tag == "input" and self._action and attrs.get("type") == "hidden":
            self.forms[self._action][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None


def form_on(client, page_url: str, action: str) -> dict:
    """What the form posting to `action` on the page at `page_url` sends (its hidden fields)."""
    response = client.get(page_url)
    assert response.status_code == 200
    parser = _Forms()
    parser.feed(response.content.decode())
    assert action in parser.forms, f"no form posting to {action} on {page_url}"
    return parser.forms[action]


def url(name, story, *args):
    return reverse(name, args=[story.slug, *args])


# Each form: the page it is on, where it posts, and the button pressed. `link` is the link the
# page shows the form for; `setup` (story, link, user, client) makes the page offer it.
def _review(story, link, user, client):
    return (
        url("claims-review", story) + f"?link={link.pk}",
        url("claims-review-label", story, link.pk),
        {"label": "agrees"},
    )


def _event(story, link, user, client):
    return (
        url("claims-event", story, link.event_id),
        url("claims-link-decide", story, link.pk),
        {"status": "confirmed"},
    )


def _pair(story, link, user, client):
    return (
        url("claims-pair", story, link.pk),
        url("claims-link-decide", story, link.pk),
        {"status": "confirmed"},
    )


def _agreement(story, link, user, client):
    for name, label in (("first", "agrees"), ("second", "unrelated")):
        Annotation.objects.create(link=link, annotator=make_user(name), label=label)
    return (
        url("claims-agreement", story),
        url("claims-adjudicate", story, link.pk),
        {"label": "agrees"},
    )


def _undo(story, link, user, client):
    # The user's last label is on the link: the undo form offers to undo it.
    labelled = client.post(
        url("claims-review-label", story, link.pk),
        {"label": "agrees", "version": 0, "claim_a": link.claim_a_id, "claim_b": link.claim_b_id},
    )
    assert labelled.status_code == 302
    return url("claims-review", story), url("claims-review-undo", story), {}


FORMS = {
    "review": _review,
    "event-decide": _event,
    "pair-decide": _pair,
    "adjudicate": _agreement,
    "undo": _undo,
}


def shown(name):
    """A story, its matcher's link, an editor signed in, and the form as the page shows it."""
    story = small_story()
    link = Link.objects.filter(story=story).order_by("id").first()
    assert link is not None and link.event_id, "the matcher linked the two convoy sentences"
    editor = make_user("editor", story, "editor")
    client = signed_in(editor)
    page, action, button = FORMS[name](story, link, editor, client)
    data = {**form_on(client, page, action), **button}
    assert (int(data["claim_a"]), int(data["claim_b"])) == (link.claim_a_id, link.claim_b_id)
    return story, link, editor, client, action, data


def replaced_by_rematch(story, link) -> Link:
    """The link deleted (as a re-match deletes a suggestion it no longer makes) and the story
    matched again, which links the same two claims by a new row."""
    Link.objects.filter(pk=link.pk).delete()
    match_story(story)
    replacement = Link.objects.get(claim_a=link.claim_a_id, claim_b=link.claim_b_id)
    assert replacement.pk != link.pk
    return replacement


def written(story) -> tuple:
    """What a form for a link may write: labels, their history, adjudications, edits, the
    links' statuses."""
    return (
        sorted(Annotation.objects.values_list("link", "annotator", "label", "version")),
        sorted(AnnotationChange.objects.values_list("id", "undone")),
        sorted(Adjudication.objects.values_list("link", "label")),
        Edit.objects.filter(story=story).count(),
        sorted(Link.objects.filter(story=story).values_list("id", "status")),
    )


@pytest.mark.parametrize("htmx", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("name", FORMS)
def test_a_form_for_a_link_a_rematch_replaced_names_the_replacement(name, htmx):
    story, link, editor, client, action, data = shown(name)
    replacement = replaced_by_rematch(story, link)
    before = written(story)

    response = client.post(action, data, **(HTMX if htmx else {}))

    assert response.status_code == 409
    html = response.content.decode()
    assert "This link was replaced" in html
    assert url("claims-pair", story, replacement.pk) in html
    assert ("<html" in html) is not htmx
    if htmx:  # swapped into the page's main part, wherever the form meant to swap
        assert response["HX-Retarget"] == "#main"
    assert written(story) == before
    assert Link.objects.get(pk=replacement.pk).status == LinkStatus.SUGGESTED


@pytest.mark.parametrize("name", FORMS)
def test_a_form_without_the_pair_for_a_missing_link_is_a_404_that_says_why(name):
    story, link, editor, client, action, data = shown(name)
    replaced_by_rematch(story, link)
    del data["claim_a"], data["claim_b"]

    response = client.post(action, data)

    assert response.status_code == 404
    html = response.content.decode()
    assert '<header class="site">' in html  # the site's layout, not Django's bare 404
    assert "This link no longer exists" in html and "replaced" in html
    assert f'href="{url("claims-story", story)}"' in html
    assert not Annotation.objects.filter(annotator=editor).exists()


@pytest.mark.parametrize("htmx", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("name", FORMS)
def test_a_pair_that_is_not_the_links_is_refused_and_changes_nothing(name, htmx):
    story, link, editor, client, action, data = shown(name)
    other = a_stale_suggestion(story)
    data.update(claim_a=other.claim_a_id, claim_b=other.claim_b_id)
    before = written(story)

    response = client.post(action, data, **(HTMX if htmx else {}))

    assert response.status_code == (422 if htmx else 400)
    assert "another pair of claims" in response.content.decode()
    assert written(story) == before


def test_a_label_for_a_suggestion_the_rematch_dropped_says_the_claims_are_no_longer_linked():
    """The load run's case: an unlabelled suggestion the matcher does not make again, its
    review page loaded, the story matched again (which drops it), then labelled."""
    story = small_story()
    stale = a_stale_suggestion(story)
    annotator = make_user("annotator", story, "annotator")
    client = signed_in(annotator)
    action = url("claims-review-label", story, stale.pk)
    data = {**form_on(client, url("claims-review", story) + f"?link={stale.pk}", action)}
    summary = match_story(story)
    assert "1 dropped" in str(summary) and not Link.objects.filter(pk=stale.pk).exists()

    response = client.post(action, {**data, "label": "agrees"}, **HTMX)

    assert response.status_code == 409
    html = response.content.decode()
    assert "no longer links these two claims" in html
    event = stale.claim_a.event or stale.claim_b.event
    if event:
        assert url("claims-event", story, event.pk) in html
    assert not Annotation.objects.exists()


def test_a_label_is_stored_only_for_the_link_it_was_shown_for():
    """A link id read with another pair than its row joins (as if the row were reused): the
    write, after the lock, does not follow the id to whatever pair the row holds."""
    story = small_story()
    annotator = make_user("annotator", story, "annotator")
    link = Link.objects.filter(story=story).order_by("id").first()
    other = a_stale_suggestion(story)
    read = Link(pk=link.pk, story=story, claim_a_id=other.claim_a_id, claim_b_id=other.claim_b_id)
    with pytest.raises(annotating.LinkGone):
        annotating.annotate(read, annotator, "agrees", "", 0)
    assert not Annotation.objects.exists()
