"""Annotating links: the review queue, who may label and adjudicate, history and undo, labels
feeding the matcher, conflicts, agreement pages and the exports."""

import csv
import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.actions import annotating
from claims.actions.matching import match_story
from claims.models import (
    Adjudication,
    Annotation,
    AnnotationChange,
    Edit,
    Event,
    Label,
    Link,
    LinkStatus,
)
from tests.conftest import PASSWORD, fresh_settings, make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PAYLOAD = '<script>alert("x")</script><img src=x onerror="alert(1)"><b hx-get="/">bold</b>'


def url(name, story, *args):
    return reverse(name, args=[story.slug, *args])


def links_of(story):
    return list(Link.objects.filter(story=story).order_by("id"))


def label(client, story, link, value, note="", version=0, **extra):
    data = {"label": value, "note": note, "version": version, "order": "uncertain"}
    return client.post(url("claims-review-label", story, link.pk), data, **extra)


# The queue -------------------------------------------------------------------------------------


def test_review_page_shows_the_least_certain_link_progress_and_keys(matched_story, annotator):
    html = signed_in(annotator).get(url("claims-review", matched_story)).content.decode()
    total = Link.objects.filter(story=matched_story).count()
    first = min(links_of(matched_story), key=lambda link: (abs(link.score - 0.5), link.id))
    assert f"0 done, {total} left" in html
    assert f'data-link="{first.pk}"' in html
    assert url("claims-review-label", matched_story, first.pk) in html
    assert html.count("<h1") == 1
    for keys in ('data-keys="1 a"', 'data-keys="4 u"', 'data-keys="z"', 'data-keys="?"'):
        assert keys in html
    assert "Write a note" in html  # the key map is on the page


def test_review_by_event_starts_with_the_first_event(matched_story, annotator):
    html = signed_in(annotator).get(url("claims-review", matched_story) + "?order=event")
    ids = annotating.ReviewQueue.of(matched_story, annotator, "event").ids
    first = Link.objects.get(pk=ids[0])
    events = [link.event_id or 10**9 for link in Link.objects.filter(pk__in=ids)]
    assert (first.event_id or 10**9) == min(events)
    assert f'data-link="{first.pk}"' in html.content.decode()


def test_labelling_moves_on_and_counts(matched_story, annotator):
    client = signed_in(annotator)
    queue = annotating.ReviewQueue.of(matched_story, annotator)
    first, second = queue.ids[:2]
    response = label(client, matched_story, Link.objects.get(pk=first), "agrees")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?order=uncertain&link={second}")
    page = client.get(response["Location"]).content.decode()
    assert f"1 done, {len(queue.ids) - 1} left" in page
    annotation = Annotation.objects.get()
    assert (annotation.link_id, annotation.annotator, annotation.label) == (
        first,
        annotator,
        "agrees",
    )


def test_htmx_label_swaps_the_panel_and_pushes_the_address(matched_story, annotator):
    client = signed_in(annotator)
    first, second = annotating.ReviewQueue.of(matched_story, annotator).ids[:2]
    response = label(client, matched_story, Link.objects.get(pk=first), "partly", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="review-panel"')
    assert f'data-link="{second}"' in html and "1 done" in html
    assert response["HX-Push-Url"].endswith(f"link={second}")
    fragment = client.get(url("claims-review", matched_story) + f"?link={first}", **HTMX)
    assert "<html" not in fragment.content.decode()
    assert 'aria-pressed="true"' in fragment.content.decode()


def test_everything_labelled_says_so(matched_story, annotator):
    for link in links_of(matched_story):
        annotating.annotate(link, annotator, Label.AGREES, "", 0)
    html = signed_in(annotator).get(url("claims-review", matched_story)).content.decode()
    assert "You have labelled every link" in html
    assert re.search(r"\d+ done, 0 left", html)


def test_going_through_them_again_a_label_moves_on_to_the_next_link(matched_story, annotator):
    """ "Go through them again": relabelling a link goes on to the next one in the queue's order,
    not back to "You have labelled every link" after the first; past the last one it ends."""
    queue = annotating.ReviewQueue.of(matched_story, annotator)
    ids = queue.ids
    for link in Link.objects.filter(pk__in=ids):
        annotating.annotate(link, annotator, Label.AGREES, "", 0)
    client = signed_in(annotator)
    html = client.get(url("claims-review", matched_story)).content.decode()
    assert f'?order=uncertain&amp;link={ids[0]}">Go through them again' in html
    first = Link.objects.get(pk=ids[0])
    version = Annotation.objects.get(link=first).version
    response = label(client, matched_story, first, "partly", version=version, **HTMX)
    assert f'data-link="{ids[1]}"' in response.content.decode()
    assert response["HX-Push-Url"].endswith(f"link={ids[1]}")
    version = Annotation.objects.get(link=ids[-1]).version
    response = label(client, matched_story, Link.objects.get(pk=ids[-1]), "partly", version=version)
    assert response["Location"].endswith("?order=uncertain")
    assert "You have labelled every link" in client.get(response["Location"]).content.decode()


# Who may ---------------------------------------------------------------------------------------


def write_requests(story):
    link = links_of(story)[0]
    return [
        (url("claims-review-label", story, link.pk), {"label": "agrees", "version": 0}),
        (url("claims-review-undo", story), {}),
        (url("claims-adjudicate", story, link.pk), {"label": "agrees", "version": 0}),
    ]


def test_anonymous_users_are_sent_to_sign_in_and_nothing_changes(client, matched_story):
    assert client.get(url("claims-review", matched_story))["Location"].startswith("/accounts/")
    for target, data in write_requests(matched_story):
        response = client.post(target, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Annotation.objects.exists() and not Adjudication.objects.exists()


def test_outsiders_may_not_label_and_annotators_may_not_adjudicate(
    matched_story, outsider, annotator
):
    outsider_client = signed_in(outsider)
    assert outsider_client.get(url("claims-review", matched_story)).status_code == 403
    for target, data in write_requests(matched_story):
        assert outsider_client.post(target, data).status_code == 403, target
    adjudicate = write_requests(matched_story)[2]
    assert signed_in(annotator).post(*adjudicate).status_code == 403
    assert not Annotation.objects.exists() and not Adjudication.objects.exists()


def test_editors_label_and_adjudicate(matched_story, editor):
    client = signed_in(editor)
    for target, data in write_requests(matched_story):
        assert client.post(target, data).status_code == 302, target
    link = links_of(matched_story)[0]
    assert Adjudication.objects.get().link == link
    assert Edit.objects.filter(action="adjudicate", user=editor).exists()


def test_writes_need_post(matched_story, editor):
    client = signed_in(editor)
    for target, _ in write_requests(matched_story):
        assert client.get(target).status_code == 405


def test_bad_labels_are_refused(matched_story, annotator):
    link = links_of(matched_story)[0]
    response = label(signed_in(annotator), matched_story, link, "maybe")
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_a_user_changes_only_their_own_annotation(matched_story, annotator):
    other = make_user("second", matched_story, "annotator")
    link = links_of(matched_story)[0]
    label(signed_in(annotator), matched_story, link, "agrees", note="mine")
    client = signed_in(other)
    label(client, matched_story, link, "contradicts", note="theirs")
    client.post(url("claims-review-undo", matched_story), {})
    client.post(url("claims-review-undo", matched_story), {})
    mine = Annotation.objects.get(annotator=annotator)
    assert (mine.label, mine.note, mine.version) == ("agrees", "mine", 1)
    assert not Annotation.objects.filter(annotator=other).exists()


def test_csrf_is_enforced_on_htmx_posts(matched_story, annotator):
    client = Client(enforce_csrf_checks=True)
    client.login(username=annotator.username, password=PASSWORD)
    link = links_of(matched_story)[0]
    data = {"label": "agrees", "version": 0}
    target = url("claims-review-label", matched_story, link.pk)
    assert client.post(target, data, **HTMX).status_code == 403
    page = client.get(url("claims-review", matched_story))
    token = str(page.context["csrf_token"])
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()
    assert client.post(target, data, HTTP_X_CSRFTOKEN=token, **HTMX).status_code == 200
    assert Annotation.objects.get().label == "agrees"


def test_script_and_html_in_notes_come_back_inert(matched_story, annotator, editor):
    link = links_of(matched_story)[0]
    annotating.annotate(link, annotator, Label.AGREES, PAYLOAD, 0)
    annotating.annotate(link, editor, Label.UNRELATED, PAYLOAD, 0)
    annotating.adjudicate(link, editor, Label.PARTLY, PAYLOAD, 0)
    pages = [
        signed_in(annotator).get(url("claims-review", matched_story) + f"?link={link.pk}"),
        signed_in(annotator).get(url("claims-pair", matched_story, link.pk)),
        signed_in(editor).get(url("claims-agreement", matched_story)),
    ]
    for response in pages:
        html = response.content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, response.request
        assert "<script>alert" not in html
        assert "<img src=x" not in html and 'onerror="' not in html
        assert "<b hx-get" not in html


# History and undo ------------------------------------------------------------------------------


def test_every_change_is_kept_and_undo_goes_back_step_by_step(matched_story, annotator):
    client = signed_in(annotator)
    link = links_of(matched_story)[0]
    label(client, matched_story, link, "agrees")
    label(client, matched_story, link, "contradicts", note="numbers differ", version=1)
    response = client.post(url("claims-review-undo", matched_story), {}, **HTMX)
    assert f'data-link="{link.pk}"' in response.content.decode()
    annotation = Annotation.objects.get()
    assert (annotation.label, annotation.note) == ("agrees", "")
    client.post(url("claims-review-undo", matched_story), {})
    assert not Annotation.objects.exists()
    link.refresh_from_db()
    assert link.status == LinkStatus.SUGGESTED
    kinds = list(AnnotationChange.objects.order_by("at", "id").values_list("kind", "is_undo"))
    assert kinds == [
        ("created", False),
        ("changed", False),
        ("changed", True),
        ("removed", True),
    ]
    assert all(c.user == annotator for c in AnnotationChange.objects.all())
    nothing = client.post(url("claims-review-undo", matched_story), {}, follow=True)
    assert "Nothing to undo." in nothing.content.decode()


def test_history_is_visible_on_the_pair_page(matched_story, annotator):
    link = links_of(matched_story)[0]
    annotating.annotate(link, annotator, Label.AGREES, "", 0)
    annotating.annotate(link, annotator, Label.PARTLY, "one omits the date", 1)
    html = signed_in(annotator).get(url("claims-pair", matched_story, link.pk)).content.decode()
    assert "<strong>annotator</strong> changed the label “Partly" in html
    assert "(was “agrees”)" in html
    assert "<strong>annotator</strong> labelled “Agrees”" in html
    assert "one omits the date" in html


def test_the_pair_page_names_people_only_to_members(matched_story, annotator, outsider):
    """As in the exports: a reader who is no member of the story sees pseudonyms, no notes."""
    link = links_of(matched_story)[0]
    annotating.annotate(link, annotator, Label.PARTLY, "one omits the date", 0)
    for client in (Client(), signed_in(outsider)):
        html = client.get(url("claims-pair", matched_story, link.pk)).content.decode()
        assert "<strong>annotator-1</strong>: Partly" in html
        assert "<strong>annotator-1</strong> labelled “Partly" in html
        assert "<strong>annotator</strong>" not in html
        assert "one omits the date" not in html


# Labels feed the matcher -----------------------------------------------------------------------


def test_unrelated_rejects_for_good_and_other_labels_confirm(matched_story, annotator):
    first, second = links_of(matched_story)[:2]
    annotating.annotate(first, annotator, Label.UNRELATED, "", 0)
    annotating.annotate(second, annotator, Label.CONTRADICTS, "", 0)
    match_story(matched_story)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == LinkStatus.REJECTED and first.decided_by == annotator
    assert second.status == LinkStatus.CONFIRMED


def test_an_editors_rejection_stands_against_an_annotators_label(matched_story, editor, annotator):
    link = links_of(matched_story)[0]
    link.decide(LinkStatus.REJECTED, editor)
    annotating.annotate(link, annotator, Label.AGREES, "", 0)
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED and link.decided_by == editor
    annotating.annotate(link, editor, Label.AGREES, "", 0)
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED


def test_adjudication_wins_over_labels(matched_story, editor, annotator):
    link = links_of(matched_story)[0]
    annotating.annotate(link, annotator, Label.AGREES, "", 0)
    annotating.adjudicate(link, editor, Label.UNRELATED, "different convoys", 0)
    annotating.annotate(link, annotator, Label.PARTLY, "", 1)
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED
    match_story(matched_story)
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED


# Conflicts -------------------------------------------------------------------------------------


def test_a_label_from_a_stale_page_is_refused_with_a_clear_message(matched_story, annotator):
    link = links_of(matched_story)[0]
    client = signed_in(annotator)
    label(client, matched_story, link, "agrees", note="first tab")
    response = label(client, matched_story, link, "unrelated", note="second tab", **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Your label was not saved" in html and "It is now “Agrees”" in html
    assert "first tab" in html and "second tab" in html  # theirs shown, yours kept
    assert 'name="version" value="1"' in html
    annotation = Annotation.objects.get()
    assert (annotation.label, annotation.note) == ("agrees", "first tab")


def test_two_editors_renaming_an_event_at_once_conflict(matched_story, editor):
    other = make_user("editor2", matched_story, "editor")
    event = matched_story.events.first()
    version = event.version
    target = url("claims-event-rename", matched_story, event.pk)
    ok = signed_in(other).post(target, {"label": "Strike on the convoy", "version": version})
    assert ok.status_code == 302
    late = signed_in(editor).post(target, {"label": "Convoy hit", "version": version}, **HTMX)
    assert late.status_code == 409
    html = late.content.decode()
    assert "editor2 renamed this event to “Strike on the convoy”" in html
    assert "Your name “Convoy hit” was not saved" in html
    assert f'name="version" value="{version + 1}"' in html
    assert Event.objects.get(pk=event.pk).label == "Strike on the convoy"
    page = signed_in(editor).post(target, {"label": "Convoy hit", "version": version})
    assert page.status_code == 409 and page.content.decode().count("<h1") == 1


def test_two_editors_adjudicating_at_once_conflict(matched_story, editor):
    other = make_user("editor2", matched_story, "editor")
    link = links_of(matched_story)[0]
    target = url("claims-adjudicate", matched_story, link.pk)
    signed_in(other).post(target, {"label": "agrees", "note": "same strike", "version": 0})
    late = signed_in(editor).post(target, {"label": "partly", "version": 0}, **HTMX)
    assert late.status_code == 409
    assert "editor2 adjudicated this link" in late.content.decode()
    assert Adjudication.objects.get().label == "agrees"


# Agreement -------------------------------------------------------------------------------------


def test_agreement_page_shows_kappa_and_disagreements_to_adjudicate(
    matched_story, annotator, editor
):
    other = make_user("second", matched_story, "annotator")
    a, b, c = links_of(matched_story)[:3]
    for link, mine, theirs in [
        (a, "agrees", "agrees"),
        (b, "agrees", "unrelated"),
        (c, "unrelated", "unrelated"),
    ]:
        annotating.annotate(link, annotator, mine, "", 0)
        annotating.annotate(link, other, theirs, "", 0)
    html = signed_in(editor).get(url("claims-agreement", matched_story)).content.decode()
    # Worked out in test_agreement: kappa (2/3 - 4/9) / (5/9) = 0.4, alpha 4/9.
    assert '<dd class="kappa">0.400</dd>' in html
    assert '<dd class="alpha">0.444</dd>' in html
    assert f'id="link-{b.pk}"' in html and f'id="link-{a.pk}"' not in html
    assert url("claims-adjudicate", matched_story, b.pk) in html
    response = signed_in(editor).post(
        url("claims-adjudicate", matched_story, b.pk),
        {"label": "partly", "note": "", "version": 0},
        **HTMX,
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "Final label: <strong>Partly" in response.content.decode()
    event = b.event
    per_event = Client().get(url("claims-agreement", matched_story) + f"?event={event.pk}")
    assert per_event.status_code == 200 and "Adjudicate" not in per_event.content.decode()


# Exports ---------------------------------------------------------------------------------------


def annotate_some(story, annotator, editor):
    a, b = links_of(story)[:2]
    annotating.annotate(a, annotator, Label.AGREES, "same strike", 0)
    annotating.annotate(a, editor, Label.PARTLY, "", 0)
    annotating.adjudicate(a, editor, Label.PARTLY, "one omits the toll", 0)
    annotating.annotate(b, annotator, Label.UNRELATED, "", 0)
    return a, b


def test_export_story_includes_annotations(matched_story, annotator, editor, tmp_path):
    a, _ = annotate_some(matched_story, annotator, editor)
    out = StringIO()
    call_command("export_story", matched_story.slug, stdout=out)
    document = json.loads(out.getvalue())
    pair = (a.claim_a_id, a.claim_b_id)
    rows = [r for r in document["annotations"] if (r["claim_a"], r["claim_b"]) == pair]
    assert {(r["annotator"], r["label"], r["adjudicated_label"]) for r in rows} == {
        ("annotator", "agrees", "partly"),
        ("editor", "partly", "partly"),
    }
    link_row = next(r for r in document["links"] if (r["claim_a"], r["claim_b"]) == pair)
    assert link_row["adjudicated_label"] == "partly"
    call_command(
        "export_story",
        matched_story.slug,
        "--format",
        "csv",
        "--output",
        str(tmp_path),
        stderr=StringIO(),
    )
    with (tmp_path / "annotations.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 3 and {r["note"] for r in table} >= {"same strike"}


def test_exports_download_from_the_story_page(client, matched_story, annotator, editor):
    annotate_some(matched_story, annotator, editor)
    html = client.get(url("claims-story", matched_story)).content.decode()
    for name, args in [
        ("claims-export-json", []),
        ("claims-export-jsonld", []),
        ("claims-export-csv", ["annotations"]),
    ]:
        target = url(name, matched_story, *args)
        assert target in html
        response = client.get(target)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename=")
    jsonld = client.get(url("claims-export-jsonld", matched_story))
    assert jsonld["Content-Type"].startswith("application/ld+json")
    assert json.loads(jsonld.content)["total"] == 4
    assert client.get(url("claims-export-csv", matched_story, "secrets")).status_code == 404
    assert client.post(url("claims-export-json", matched_story)).status_code == 405


# Reading open or closed ------------------------------------------------------------------------


LOGIN_REQUIRED = "django.contrib.auth.middleware.LoginRequiredMiddleware"


def test_closed_reading_needs_an_account(client, matched_story, outsider):
    pages = [
        url("claims-story", matched_story),
        url("claims-export-json", matched_story),
        url("claims-agreement", matched_story),
        reverse("articles-stories"),
    ]
    with override_settings(
        PARALLAX_OPEN_READING=False, MIDDLEWARE=[*settings.MIDDLEWARE, LOGIN_REQUIRED]
    ):
        for page in pages:
            response = client.get(page)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.get(reverse("login")).status_code == 200
        member = signed_in(outsider)
        assert all(member.get(page).status_code == 200 for page in pages)
    with override_settings(PARALLAX_OPEN_READING=False):
        # Without the middleware, the one permission helper still refuses.
        assert Client().get(url("claims-story", matched_story)).status_code == 403


def test_the_setting_turns_on_the_sign_in_requirement(tmp_path):
    closed = fresh_settings(PARALLAX_OPEN_READING="off", PARALLAX_VAR_DIR=str(tmp_path))
    assert LOGIN_REQUIRED in closed["MIDDLEWARE"]
    open_ = fresh_settings(PARALLAX_VAR_DIR=str(tmp_path))
    assert LOGIN_REQUIRED not in open_["MIDDLEWARE"]


def test_agreement_page_queries_do_not_grow_with_disagreements(client, matched_story, annotator):
    other = make_user("second", matched_story, "annotator")
    links = links_of(matched_story)

    def disagree(some):
        for link in some:
            annotating.annotate(link, annotator, Label.AGREES, "", 0)
            annotating.annotate(link, other, Label.UNRELATED, "note", 0)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("claims-agreement", matched_story)).status_code == 200
        return len(ctx.captured_queries)

    disagree(links[:2])
    small = count()
    disagree(links[2:12])
    annotating.adjudicate(links[3], make_user("ed", matched_story, "editor"), "partly", "", 0)
    assert count() == small
