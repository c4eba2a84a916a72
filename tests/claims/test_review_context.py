"""The review queue's context key: the sentences around both claims of a link."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from claims.models import Claim, Link
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def context_url(story, link):
    return reverse("claims-review-context", args=[story.slug, link.pk])


def test_the_queue_offers_the_context_of_both_claims(matched_story, annotator):
    html = signed_in(annotator).get(reverse("claims-review", args=[matched_story.slug]))
    html = html.content.decode()
    link = Link.objects.get(pk=int(html.split('data-link="')[1].split('"')[0]))
    assert 'data-keys="t"' in html and context_url(matched_story, link) in html


def test_the_context_holds_the_sentences_around_each_claim(client, matched_story):
    link = Link.objects.filter(story=matched_story, claim_a__position__gte=2).first()
    html = client.get(context_url(matched_story, link), **HTMX).content.decode()
    assert "<html" not in html and html.count('class="context"') == 2
    for claim in (link.claim_a, link.claim_b):
        before = Claim.objects.filter(article=claim.article, position=claim.position - 1).get()
        assert f'<p class="this">{escape(claim.text)}</p>' in html
        assert f'<p class="around">{escape(before.text)}</p>' in html
    page = client.get(context_url(matched_story, link)).content.decode()
    assert page.count("<h1") == 1 and "Back to the review queue" in page


def test_a_link_of_another_story_or_none_is_not_found(client, matched_story):
    assert (
        client.get(reverse("claims-review-context", args=[matched_story.slug, 10**9])).status_code
        == 404
    )
