"""Setting up a story's review: the split of its links between annotators (each queue then
holds its share), progress per annotator, and the guidelines beside the queue."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from claims.actions import annotating, assigning
from claims.models import Annotation, Assignment, Edit, Label, Link
from tests.conftest import PASSWORD, make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PAYLOAD = '<script>alert("x")</script>\n<b hx-get="/">bold</b>'


def url(name, story, *args):
    return reverse(name, args=[story.slug, *args])


@pytest.fixture
def second(matched_story):
    return make_user("second", matched_story, "annotator")


def split_data(*users, overlap=20, scope="all"):
    return {"annotators": [u.pk for u in users], "overlap": overlap, "scope": scope}


def writes(story, annotator, second):
    return [
        (url("claims-assign", story), split_data(annotator, second)),
        (url("claims-guidelines", story), {"guidelines": "Label what the claims say."}),
    ]


def nothing_written(story):
    story.refresh_from_db()
    return not Assignment.objects.exists() and story.guidelines == ""


# Who may ---------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, matched_story, annotator, second):
    assert "/accounts/login/" in client.get(url("claims-review-setup", matched_story))["Location"]
    for target, data in writes(matched_story, annotator, second):
        response = client.post(target, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert nothing_written(matched_story)


def test_outsiders_and_annotators_may_not_set_up_the_review(
    matched_story, outsider, annotator, second
):
    for user in (outsider, annotator):
        client = signed_in(user)
        assert client.get(url("claims-review-setup", matched_story)).status_code == 403
        for target, data in writes(matched_story, annotator, second):
            assert client.post(target, data).status_code == 403, target
    assert nothing_written(matched_story)


def test_editors_split_the_links_and_write_guidelines(matched_story, editor, annotator, second):
    client = signed_in(editor)
    page = client.get(url("claims-review-setup", matched_story)).content.decode()
    assert page.count("<h1") == 1 and "The links are not split" in page
    # Every member may be chosen; the annotators come checked.
    assert f'value="{annotator.pk}" id="id_annotators_0" checked' in page
    assert f'value="{editor.pk}" id="id_annotators_1">' in page
    for target, data in writes(matched_story, annotator, second):
        response = client.post(target, data)
        assert response.status_code == 302, target
        assert response["Location"] == url("claims-review-setup", matched_story)
    n = Link.objects.filter(story=matched_story).count()
    assert Assignment.objects.count() == n + round(0.2 * n)
    edit = Edit.objects.get(action="assign")
    assert edit.user == editor and edit.details["links"] == n
    matched_story.refresh_from_db()
    assert matched_story.guidelines == "Label what the claims say."
    page = client.get(url("claims-review-setup", matched_story)).content.decode()
    assert "Links split: annotator" in page and "The current split" in page
    assert f'value="{second.pk}" id="id_annotators_2" checked' in page  # the split's people


def test_the_writes_need_post_and_a_csrf_token(matched_story, editor, annotator, second):
    client = Client(enforce_csrf_checks=True)
    client.login(username=editor.username, password=PASSWORD)
    for target, data in writes(matched_story, annotator, second):
        assert client.get(target).status_code == 405
        assert client.post(target, data).status_code == 403
        assert client.post(target, data, **HTMX).status_code == 403
    assert nothing_written(matched_story)
    page = client.get(url("claims-review-setup", matched_story))
    token = str(page.context["csrf_token"])
    for target, data in writes(matched_story, annotator, second):
        assert client.post(target, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert Assignment.objects.exists()


def test_a_split_that_cannot_be_made_is_refused_and_changes_nothing(
    matched_story, editor, annotator, outsider
):
    client = signed_in(editor)
    cases = [
        split_data(),  # nobody chosen
        split_data(annotator, overlap=20),  # two labels a link from one annotator
        split_data(annotator, outsider),  # not a member of the story
        split_data(annotator, editor, overlap=101),
    ]
    for data in cases:
        response = client.post(url("claims-assign", matched_story), data)
        assert response.status_code == 400, data
        assert 'class="errorlist"' in response.content.decode()
    assert not Assignment.objects.exists() and not Edit.objects.filter(action="assign").exists()


def test_guidelines_too_long_are_refused(matched_story, editor):
    response = signed_in(editor).post(
        url("claims-guidelines", matched_story), {"guidelines": "x" * 20001}
    )
    assert response.status_code == 400
    matched_story.refresh_from_db()
    assert matched_story.guidelines == ""


# The split -------------------------------------------------------------------------------------


def test_only_the_links_nobody_labelled_are_split_when_asked(
    matched_story, editor, annotator, second
):
    links = list(Link.objects.filter(story=matched_story).order_by("id"))
    annotating.annotate(links[0], editor, Label.AGREES, "", 0)
    annotating.annotate(links[1], editor, Label.UNSURE, "", 0)  # unsure is not a label yet
    assigning.assign(matched_story, editor, [annotator, second], 0, "open")
    assigned = set(Assignment.objects.values_list("link_id", flat=True))
    assert links[0].pk not in assigned and links[1].pk in assigned
    assert len(assigned) == len(links) - 1
    assert Assignment.objects.count() == len(links) - 1  # overlap 0: each link once


def test_splitting_again_replaces_the_split_and_keeps_the_labels(
    matched_story, editor, annotator, second
):
    assigning.assign(matched_story, editor, [annotator, second], 0.5, "all")
    link = Assignment.objects.filter(annotator=annotator).first().link
    annotating.annotate(link, annotator, Label.PARTLY, "", 0)
    assigning.assign(matched_story, editor, [second], 0, "all")
    assert not Assignment.objects.filter(annotator=annotator).exists()
    n = Link.objects.filter(story=matched_story).count()
    assert Assignment.objects.filter(annotator=second).count() == n
    assert Annotation.objects.get(annotator=annotator).label == Label.PARTLY
    assert Edit.objects.filter(action="assign").count() == 2


# The queue holds the share ---------------------------------------------------------------------


def test_an_annotators_queue_holds_their_share(matched_story, editor, annotator, second):
    assigning.assign(matched_story, editor, [annotator, second], 0.2, "all")
    share = set(Assignment.objects.filter(annotator=annotator).values_list("link_id", flat=True))
    client = signed_in(annotator)
    html = client.get(url("claims-review", matched_story)).content.decode()
    assert f"Your share: {len(share)} links, 0 done" in html
    assert f"0 done, {len(share)} left" in html
    seen, link = [], int(re.search(r'data-link="(\d+)"', html).group(1))
    while link:  # label the whole share: the queue walks it and nothing else
        seen.append(link)
        response = client.post(
            url("claims-review-label", matched_story, link),
            {"label": "agrees", "version": 0, "order": "uncertain"},
            **HTMX,
        )
        found = re.search(r'data-link="(\d+)"', response.content.decode())
        link = int(found.group(1)) if found else None
    assert set(seen) == share and len(seen) == len(share)
    html = client.get(url("claims-review", matched_story)).content.decode()
    assert f"Your share: {len(share)} links, {len(share)} done" in html
    assert "You have labelled every link of your share" in html


def test_without_a_share_the_queue_is_the_whole_story(matched_story, editor, annotator, second):
    assigning.assign(matched_story, editor, [second], 0, "all")
    html = signed_in(annotator).get(url("claims-review", matched_story)).content.decode()
    n = Link.objects.filter(story=matched_story).count()
    assert "Your share" not in html and f"0 done, {n} left" in html


# Progress per annotator ------------------------------------------------------------------------


def test_the_agreement_page_shows_progress_per_annotator(matched_story, editor, annotator, second):
    assigning.assign(matched_story, editor, [annotator, second], 0.2, "all")
    share = list(Assignment.objects.filter(annotator=annotator).order_by("id"))
    annotating.annotate(share[0].link, annotator, Label.AGREES, "", 0)
    annotating.annotate(share[1].link, annotator, Label.UNRELATED, "", 0)
    annotating.annotate(share[2].link, annotator, Label.UNSURE, "", 0)
    third = make_user("third", matched_story, "annotator")  # no share: the whole story
    annotating.annotate(share[0].link, third, Label.UNSURE, "", 0)
    n = Link.objects.filter(story=matched_story).count()
    response = signed_in(editor).get(url("claims-agreement", matched_story))
    rows = {row["name"]: row for row in response.context["progress"]}
    assert {k: rows["annotator"][k] for k in ("assigned", "labelled", "unsure", "remaining")} == {
        "assigned": len(share),
        "labelled": 2,
        "unsure": 1,
        "remaining": len(share) - 3,
    }
    assert (rows["second"]["labelled"], rows["second"]["remaining"]) == (
        0,
        rows["second"]["assigned"],
    )
    assert (rows["third"]["assigned"], rows["third"]["unsure"], rows["third"]["shared"]) == (
        n,
        1,
        False,
    )
    html = response.content.decode()
    assert "Progress per annotator" in html and "Split the links between annotators" in html


def test_readers_who_are_not_members_see_pseudonyms_in_the_progress(
    client, matched_story, editor, annotator, second
):
    assigning.assign(matched_story, editor, [annotator, second], 0, "all")
    html = client.get(url("claims-agreement", matched_story)).content.decode()
    assert "Progress per annotator" in html and "annotator-1" in html
    assert ">second<" not in html and "Split the links" not in html


# Guidelines ------------------------------------------------------------------------------------


def test_guidelines_show_beside_the_queue_escaped_with_their_line_breaks(
    matched_story, editor, annotator
):
    signed_in(editor).post(url("claims-guidelines", matched_story), {"guidelines": PAYLOAD})
    html = signed_in(annotator).get(url("claims-review", matched_story)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>&lt;b hx-get" in html
    assert '<b hx-get="/">' not in html and '<script>alert("x")' not in html
    assert 'data-keys="g"' in html
    fragment = signed_in(annotator).get(url("claims-review", matched_story), **HTMX)
    assert "Guidelines" not in fragment.content.decode()  # the panel swaps; they stay


def test_no_guidelines_no_box_and_only_editors_are_offered_the_setup(
    matched_story, editor, annotator
):
    html = signed_in(annotator).get(url("claims-review", matched_story)).content.decode()
    assert 'class="guidelines"' not in html and "Set up the review" not in html
    html = signed_in(editor).get(url("claims-review", matched_story)).content.decode()
    assert url("claims-review-setup", matched_story) in html


def test_with_htmx_a_refused_form_comes_back_alone_and_a_saved_one_reloads_the_page(
    matched_story, editor, annotator
):
    client = signed_in(editor)
    response = client.post(url("claims-assign", matched_story), split_data(), **HTMX)
    html = response.content.decode()
    assert response.status_code == 422 and "<html" not in html
    assert 'id="assign-form"' in html and "Choose at least one annotator" in html
    response = client.post(url("claims-guidelines", matched_story), {"guidelines": "Hi"}, **HTMX)
    assert response["HX-Redirect"] == url("claims-review-setup", matched_story)


def test_the_first_split_does_not_say_it_replaced_one(matched_story, editor, annotator, second):
    client = signed_in(editor)
    target = url("claims-assign", matched_story)
    page = client.post(target, split_data(annotator, second), follow=True).content.decode()
    assert "Links split: annotator" in page and "replaced" not in page
    page = client.post(target, split_data(annotator, second), follow=True).content.decode()
    assert "The previous split is replaced." in page


def test_the_setup_page_says_whose_share_no_member_holds(matched_story, editor, annotator, second):
    """An editor removes an annotator who had a share: the split still lists them, marked as no
    longer a member, and the links only they held count among those in nobody's share (their
    queue is gone, and the others' queues hold only their own shares)."""
    client = signed_in(editor)
    client.post(url("claims-assign", matched_story), split_data(annotator, second))
    alone = Link.objects.filter(assignments__annotator=second).exclude(
        assignments__annotator=annotator
    )
    gone = alone.count()
    membership = second.memberships.get(story=matched_story)
    client.post(reverse("articles-member-remove", args=[matched_story.slug, membership.pk]))
    page = client.get(url("claims-review-setup", matched_story)).content.decode()
    total = Link.objects.filter(story=matched_story).count()
    assert f"{gone} of the story's {total} links are in no member's share" in page
    row = re.search(r"<tr><th scope=\"row\">second.*?</tr>", page, re.S).group(0)
    assert "no longer a member" in row
    assert "no longer a member" not in re.search(
        r"<tr><th scope=\"row\">annotator.*?</tr>", page, re.S
    ).group(0)
