"""The review queue in a browser: five links labelled with the keyboard alone, no reload."""

import pytest
from playwright.sync_api import expect

from claims.actions import annotating
from claims.actions.matching import match_story
from claims.models import Annotation, AnnotationChange, Link
from tests.conftest import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"


@pytest.fixture
def matched(live_story):
    return live_story


def showing(page, link_id):
    """Wait for the panel of this link, swapped in and settled (keys are dropped until then)."""
    page.locator(f'#review-panel[data-link="{link_id}"]').wait_for()
    expect(
        page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    ).to_have_count(0)


def test_five_links_reviewed_with_the_keyboard_alone(matched, live_server, page, screenshot):
    annotator = make_user("annotator", matched, "annotator")
    ids = annotating.ReviewQueue.of(matched, annotator).ids
    assert len(ids) >= 6
    sign_in(page, live_server, annotator)
    page.goto(live_server.url + f"/stories/{SLUG}/review/")
    page.evaluate("window.notReloaded = true")
    showing(page, ids[0])
    keys = ["1", "c", "3", "u", "a"]
    expected = dict(
        zip(ids[:5], ["agrees", "contradicts", "partly", "unrelated", "agrees"], strict=True)
    )
    for i, key in enumerate(keys):
        if i == 2:
            page.keyboard.press("e")  # into the note; label keys are text there
            page.keyboard.type("one adds the 62 dead")
            page.keyboard.press("Escape")
        page.keyboard.press(key)
        showing(page, ids[i + 1])
        if i == 1:
            screenshot("review-queue")
    assert page.locator("#review-progress").inner_text().startswith("5 done")
    # Back to the last one, undo its label, and label it again.
    page.keyboard.press("k")
    showing(page, ids[4])
    page.keyboard.press("z")
    page.get_by_text("Undone.").wait_for()
    showing(page, ids[4])
    assert not Annotation.objects.filter(link_id=ids[4]).exists()
    page.keyboard.press("1")
    showing(page, ids[5])
    assert page.evaluate("window.notReloaded") is True, "the page reloaded"
    stored = dict(Annotation.objects.filter(annotator=annotator).values_list("link_id", "label"))
    assert stored == expected
    assert Annotation.objects.get(link_id=ids[2]).note == "one adds the 62 dead"
    assert AnnotationChange.objects.filter(user=annotator).count() == 7
    # The key map hides and shows with "?".
    keymap = page.locator(".keymap details")
    page.keyboard.press("?")
    assert keymap.get_attribute("open") is None
    page.keyboard.press("?")
    assert keymap.get_attribute("open") is not None


def test_a_label_for_a_link_a_rematch_replaced_says_so_in_the_page(matched, live_server, page):
    """The link shown is deleted behind the page's back and the story matched again; the
    label key then shows, in the page, that the link was replaced (before: a bare 404 that
    htmx swapped nowhere, so nothing visible happened)."""
    annotator = make_user("annotator", matched, "annotator")
    shown = annotating.ReviewQueue.of(matched, annotator).ids[0]
    sign_in(page, live_server, annotator)
    page.goto(live_server.url + f"/stories/{SLUG}/review/")
    page.evaluate("window.notReloaded = true")
    showing(page, shown)
    link = Link.objects.get(pk=shown)
    link.delete()
    match_story(matched)

    page.keyboard.press("1")

    alert = page.locator("#main .error[role=alert]")
    expect(alert).to_contain_text("Nothing was saved")
    expect(page.locator("#main h1")).to_have_text("This link was replaced")
    replacement = Link.objects.filter(claim_a=link.claim_a_id, claim_b=link.claim_b_id).first()
    if replacement:
        expect(page.locator(f'#main a[href$="/links/{replacement.pk}/"]')).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True, "the page reloaded"
    assert not Annotation.objects.filter(annotator=annotator).exists()
