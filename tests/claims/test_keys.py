"""Every mark a page puts on words has its key on the page (issue 14: the reader's shading and
the dotted words had none): a `<p class="legend">` holding a sample of each kind of mark."""

import re

import pytest
from django.urls import reverse

from claims.models import Link
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db
MARK = re.compile(r'<mark class="([\w ]+)"')


def unexplained(html: str) -> set[str]:
    """The kinds of mark on the page that no key of the page shows."""
    keys = "".join(re.findall(r'<p class="legend"[^>]*>(.*?)</p>', html, re.S))
    return set(MARK.findall(html)) - set(MARK.findall(keys))


def test_each_kind_of_mark_has_its_key(matched_story, editor):
    client = signed_in(editor)
    slug = matched_story.slug
    link = Link.objects.filter(story=matched_story).exclude(event=None).order_by("-score")[0]
    outlet = link.claim_a.article.outlet
    pages = {
        "event": reverse("claims-event", args=[slug, link.event_id]),
        "framing": reverse("claims-event-framing", args=[slug, link.event_id]),
        "pair": reverse("claims-pair", args=[slug, link.pk]),
        "review": reverse("claims-review", args=[slug]),
        "discrepancies": reverse("claims-discrepancies", args=[slug]),
        "search": reverse("claims-search", args=[slug]) + "?q=strike",
        "outlet": reverse("claims-outlet", args=[slug, outlet.slug]),
    }
    marked = set()
    for name, url in pages.items():
        html = client.get(url).content.decode()
        kinds = set(MARK.findall(html))
        assert kinds, f"the {name} page marks no words: the test checks nothing there"
        marked |= kinds
        assert not unexplained(html), (name, unexplained(html))
    assert {"match", "differs", "only", "flag", "found"} <= marked


def test_the_reader_explains_its_shading_and_underlines(client, matched_story):
    article = Link.objects.filter(story=matched_story)[0].claim_a.article
    html = client.get(article.get_absolute_url()).content.decode()
    key = re.search(r'<p class="legend" id="reader-key">(.*?)</p>', html, re.S).group(1)
    assert '<span class="claim-sample">blue</span>' in key
    assert '<span class="claim-sample even">sand</span>' in key
    assert "Solid underline</span>: matched" in key
    assert '<span class="claim-sample dashed">dashed underline</span>: matched to none' in key
    # Above the text it explains.
    assert html.index('id="reader-key"') < html.index('<a class="claim')
