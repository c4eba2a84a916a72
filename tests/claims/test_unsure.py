"""Skip / unsure: a label of its own that decides nothing, does not hold up the queue, can be
found again, is left out of agreement (and counted), and is exported as a label value."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from claims.actions import annotating
from claims.models import Adjudication, Annotation, Label, Link, LinkStatus
from tests.conftest import PASSWORD, make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, story, *args):
    return reverse(name, args=[story.slug, *args])


def skip(client, story, link, order="uncertain", **extra):
    data = {"label": "unsure", "note": "", "version": 0, "order": order}
    return client.post(url("claims-review-label", story, link), data, **extra)


def shown(html) -> int | None:
    found = re.search(r'data-link="(\d+)"', html)
    return int(found.group(1)) if found else None


def test_the_queue_offers_skip_with_its_keys(matched_story, annotator):
    html = signed_in(annotator).get(url("claims-review", matched_story)).content.decode()
    assert 'data-keys="5 s"' in html and "Skip / unsure" in html
    assert '<option value="skipped"' in html


def test_skipping_moves_on_decides_nothing_and_counts_as_skipped(matched_story, annotator):
    client = signed_in(annotator)
    first, second = annotating.ReviewQueue.of(matched_story, annotator).ids[:2]
    total = Link.objects.filter(story=matched_story).count()
    response = skip(client, matched_story, first, **HTMX)
    html = response.content.decode()
    assert shown(html) == second
    assert f"0 done, 1 skipped, {total - 1} left" in html
    assert Annotation.objects.get(annotator=annotator).label == Label.UNSURE
    link = Link.objects.get(pk=first)
    assert link.status == LinkStatus.SUGGESTED and link.decided_by is None


def test_unsure_after_a_label_takes_the_users_decision_back(matched_story, annotator):
    link = Link.objects.filter(story=matched_story).first()
    annotating.annotate(link, annotator, Label.AGREES, "", 0)
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED
    annotating.annotate(link, annotator, Label.UNSURE, "", 1)
    link.refresh_from_db()
    assert link.status == LinkStatus.SUGGESTED


def test_unsure_leaves_others_labels_deciding(matched_story, annotator):
    other = make_user("other", matched_story, "annotator")
    link = Link.objects.filter(story=matched_story).first()
    annotating.annotate(link, other, Label.UNRELATED, "", 0)
    annotating.annotate(link, annotator, Label.UNSURE, "", 0)
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED


def test_skipped_links_do_not_block_the_queue_and_are_found_again(matched_story, annotator):
    links = annotating.ReviewQueue.of(matched_story, annotator).ids
    for pk in links[:2]:
        annotating.annotate(Link.objects.get(pk=pk), annotator, Label.UNSURE, "", 0)
    for pk in links[2:]:
        annotating.annotate(Link.objects.get(pk=pk), annotator, Label.AGREES, "", 0)
    client = signed_in(annotator)
    html = client.get(url("claims-review", matched_story)).content.decode()
    assert shown(html) is None and "You have labelled every link of this story" in html
    assert "You skipped 2" in html and "?order=skipped" in html
    html = client.get(url("claims-review", matched_story) + "?order=skipped").content.decode()
    assert shown(html) == links[0] and "2 skipped links left" in html
    # A label takes a link out of the skipped ones; the next skipped one shows.
    response = client.post(
        url("claims-review-label", matched_story, links[0]),
        {"label": "partly", "note": "", "version": 1, "order": "skipped"},
        **HTMX,
    )
    html = response.content.decode()
    assert shown(html) == links[1] and "1 skipped link left" in html
    skip(client, matched_story, links[1], order="skipped")  # unsure again: it stays
    Annotation.objects.filter(link_id=links[1]).update(label=Label.AGREES)
    html = client.get(url("claims-review", matched_story) + "?order=skipped").content.decode()
    assert shown(html) is None and "You have no skipped links left" in html


def test_agreement_leaves_unsure_out_and_says_how_many(client, matched_story, annotator):
    other = make_user("other", matched_story, "annotator")
    a, b, c = Link.objects.filter(story=matched_story).order_by("id")[:3]
    annotating.annotate(a, annotator, Label.AGREES, "", 0)
    annotating.annotate(a, other, Label.AGREES, "", 0)
    annotating.annotate(b, annotator, Label.UNSURE, "", 0)  # not a disagreement with AGREES
    annotating.annotate(b, other, Label.AGREES, "", 0)
    annotating.annotate(c, other, Label.UNSURE, "", 0)
    response = client.get(url("claims-agreement", matched_story))
    figures = response.context["figures"]
    assert figures.compared == 1 and figures.disagreements == []
    assert response.context["unsure"] == 2
    assert "2 “Skip / unsure” labels left out" in response.content.decode()


def test_an_adjudication_is_never_unsure(matched_story, editor):
    link = Link.objects.filter(story=matched_story).first()
    data = {"label": "unsure", "note": "", "version": 0}
    response = signed_in(editor).post(url("claims-adjudicate", matched_story, link.pk), data)
    assert response.status_code == 400 and not Adjudication.objects.exists()
    page = signed_in(editor).get(url("claims-agreement", matched_story)).content.decode()
    assert 'value="unsure"' not in page
    with pytest.raises(IntegrityError), transaction.atomic():
        Adjudication.objects.create(link=link, editor=editor, label="unsure")


def test_exports_carry_unsure_as_a_label(matched_story, annotator):
    link = Link.objects.filter(story=matched_story).first()
    annotating.annotate(link, annotator, Label.UNSURE, "", 0)
    out = StringIO()
    call_command("export_story", matched_story.slug, stdout=out)
    rows = json.loads(out.getvalue())["annotations"]
    assert [row["label"] for row in rows] == ["unsure"]
    out = StringIO()
    call_command("export_story", matched_story.slug, "--format", "jsonld", stdout=out)
    assert '"value": "unsure"' in out.getvalue()


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_only_members_may_skip(client, matched_story, outsider, who):
    link = Link.objects.filter(story=matched_story).first()
    c = signed_in(outsider) if who == "outsider" else client
    response = skip(c, matched_story, link.pk)
    assert response.status_code == (403 if who == "outsider" else 302)
    assert not Annotation.objects.exists()


def test_skipping_needs_a_csrf_token(matched_story, annotator, editor):
    link = Link.objects.filter(story=matched_story).first()
    client = Client(enforce_csrf_checks=True)
    client.login(username=annotator.username, password=PASSWORD)
    assert skip(client, matched_story, link.pk).status_code == 403
    assert not Annotation.objects.exists()
    assert skip(signed_in(editor), matched_story, link.pk).status_code == 302
    assert Annotation.objects.get().annotator == editor


def test_in_blind_review_skipping_shows_nothing_of_others_and_the_next_label_is_blind():
    from tests.claims.test_blind import NOTE, REJECTED, build_blind_room, queue_at

    story, links, users = build_blind_room()  # ann rejected links[0] with a note
    bea = users["bea"]
    annotating.annotate(links[0], bea, Label.UNSURE, "", 0)
    html = queue_at(signed_in(bea), story, links[0])
    assert REJECTED not in html and NOTE not in html
    assert "show once you have labelled it" in html
    pair = signed_in(bea).get(url("claims-pair", story, links[0].pk)).content.decode()
    assert NOTE not in pair and REJECTED not in pair
    annotating.annotate(links[0], bea, Label.PARTLY, "", 1)
    assert Annotation.objects.get(annotator=bea).blind is True
    # Now she has judged it, she sees its decision (her "partly" confirmed it).
    assert "Confirmed by a person" in queue_at(signed_in(bea), story, links[0])
