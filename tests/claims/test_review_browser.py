"""The review queue in a browser: five links labelled with the keyboard alone, no reload; and
keys typed faster than the page changes, which never land on a link the person did not see.

The page's time is Playwright's clock (installed by `signed_in_page(..., clock=True)`): where a
person would pause before the next key, the test moves the clock on instead of waiting."""

import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from playwright.sync_api import expect

from claims.actions import annotating
from claims.actions.matching import match_story
from claims.models import Annotation, AnnotationChange, Discrepancy, DiscrepancyStatus, Link
from claims.views import discrepancies as discrepancy_views
from claims.views import review as review_views
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"


@pytest.fixture
def matched(live_story):
    return live_story


def showing(page, link_id, attribute="data-link"):
    """Wait for the panel of this link, swapped in and settled, and for keys to be commands
    again (they are ignored while the panel changes and just after, and after an ignored key
    until a pause). With the clock installed the pause is the clock's, not the test's."""
    page.locator(f'#review-panel[{attribute}="{link_id}"]').wait_for()
    expect(
        page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    ).to_have_count(0)
    if page.evaluate("'__pwClock' in globalThis"):
        pause(page)
    expect(page.locator("#queue-key-status")).to_have_attribute("data-state", "ready")


def pause(page, run=False):
    """The person pauses as long as the queue holds keys at most (app.js: FRESH_MS after a new
    panel, PAUSE_MS after an ignored key), on the clock: moved on, or run when it is paused."""
    longest = page.evaluate("Math.max(FRESH_MS, PAUSE_MS)") + 20
    if run:
        page.clock.run_for(longest)
    else:
        page.clock.fast_forward(longest)


def test_five_links_reviewed_with_the_keyboard_alone(
    matched, live_server, signed_in_page, screenshot
):
    annotator = make_user("annotator", matched, "annotator")
    ids = annotating.ReviewQueue.of(matched, annotator).ids
    assert len(ids) >= 6
    page = signed_in_page(annotator, clock=True)
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
    # The key map hides and shows with "?" (a pause between: a key that clicks counts as busy
    # until the click's task has run, and the next key would be ignored).
    keymap = page.locator(".keymap details")
    expect(keymap).to_have_attribute("open", "")
    page.keyboard.press("?")
    expect(keymap).not_to_have_attribute("open", "")
    pause(page)
    page.keyboard.press("?")
    expect(keymap).to_have_attribute("open", "")


def test_a_label_for_a_link_a_rematch_replaced_says_so_in_the_page(
    matched, live_server, signed_in_page
):
    """The link shown is deleted behind the page's back and the story matched again; the
    label key then shows, in the page, that the link was replaced (before: a bare 404 that
    htmx swapped nowhere, so nothing visible happened)."""
    annotator = make_user("annotator", matched, "annotator")
    shown = annotating.ReviewQueue.of(matched, annotator).ids[0]
    page = signed_in_page(annotator, clock=True)
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


# Keys typed faster than the page changes. The live server answers in this process, so a gate
# in the view holds the answer (the request in flight) for as long as the test wants; the
# browser's clock (Playwright's) is paused where a test needs "just after the new panel came".


class Gate:
    """Holds the answers of a queue's panel (its `_panel`, which renders every answer after
    the label or decision is stored) while closed."""

    def __init__(self):
        self.opened = threading.Event()
        self.opened.set()
        self.arrived = threading.Event()

    @contextmanager
    def closed(self, module):
        render = module._panel

        def held(*args, **kwargs):
            self.arrived.set()
            assert self.opened.wait(timeout=60), "the gate was never opened"
            return render(*args, **kwargs)

        self.opened.clear()
        self.arrived.clear()
        try:
            with mock.patch.object(module, "_panel", held):
                yield self
                assert self.arrived.wait(timeout=30), "no request reached the server"
                self.opened.set()
        finally:
            self.opened.set()


@pytest.fixture
def gate():
    return Gate()


def status(page):
    return page.locator("#queue-key-status")


def start_review(signed_in_page, live_server, story):
    annotator = make_user("annotator", story, "annotator")
    ids = annotating.ReviewQueue.of(story, annotator).ids
    assert len(ids) >= 4
    page = signed_in_page(annotator, clock=True)
    page.goto(live_server.url + f"/stories/{SLUG}/review/")
    page.evaluate("window.notReloaded = true")
    showing(page, ids[0])
    return page, annotator, ids


def labels(annotator):
    return dict(Annotation.objects.filter(annotator=annotator).values_list("link_id", "label"))


def test_j_then_e_and_a_note_typed_at_once_label_nothing(
    matched, live_server, signed_in_page, gate
):
    """The issue: `j` and at once `e`, then "unclear wording". The `e` came while the next link
    was loading; the letters after it, part of the note, came some before and some just after
    the new link appeared. None of them is a command ("c" and "a" are labels): the sign says
    the keys were ignored, and the new link's note is empty, not half a note."""
    page, annotator, ids = start_review(signed_in_page, live_server, matched)
    with gate.closed(review_views):
        page.keyboard.press("j")
        page.keyboard.press("e")
        page.keyboard.type("un")
        busy = page.evaluate(
            "[document.getElementById('queue-key-status').dataset.state,"
            " document.getElementById('review-panel').getAttribute('aria-busy')]"
        )
        # The browser's time stops: the new panel swaps in but waits to settle.
        page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    page.locator(f'#review-panel[data-link="{ids[1]}"]').wait_for()
    page.clock.run_for(50)  # settled, and no more
    expect(page.locator(".htmx-settling, .htmx-added")).to_have_count(0)
    page.keyboard.type("clear wording")
    page.locator(".htmx-request").wait_for(state="detached")  # what the keys sent, answered
    assert labels(annotator) == {}
    assert not AnnotationChange.objects.filter(user=annotator).exists()
    assert busy == ["busy", "true"], "the page did not show it was busy"
    expect(status(page)).to_contain_text("key “e” and 15 keys after it ignored")
    expect(status(page)).to_contain_text("nothing was saved")
    expect(status(page)).to_have_attribute("data-state", "held")
    note = page.locator("#review-panel textarea[name=note]")
    expect(note).to_have_value("")
    expect(note).not_to_be_focused()
    # A pause as short as the window after a new panel keeps the burst held; after a longer
    # one, keys are commands again: "e" opens the note of the link shown.
    page.clock.run_for(page.evaluate("FRESH_MS") + 20)
    expect(status(page)).to_have_attribute("data-state", "held")
    pause(page, run=True)
    expect(status(page)).to_have_attribute("data-state", "ready")
    page.clock.resume()
    page.keyboard.press("e")
    expect(note).to_be_focused()
    page.keyboard.type("unclear wording")
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    showing(page, ids[2])
    assert labels(annotator) == {ids[1]: "contradicts"}
    assert Annotation.objects.get(link_id=ids[1]).note == "unclear wording"
    assert page.evaluate("window.notReloaded") is True, "the page reloaded"


def test_one_pressed_three_times_quickly_labels_one_link(matched, live_server, signed_in_page):
    """`1 1 1`: the first labels the link shown and the next one swaps in; the two after it
    come just after (a few milliseconds, as a person's quick presses do), before the person
    can have seen the new link: at most one label, on the link that was on screen."""
    page, annotator, ids = start_review(signed_in_page, live_server, matched)
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    page.keyboard.press("1")
    page.locator(f'#review-panel[data-link="{ids[1]}"]').wait_for()
    page.clock.run_for(50)
    expect(page.locator(".htmx-settling, .htmx-added")).to_have_count(0)
    page.keyboard.press("1")
    page.keyboard.press("1")
    page.clock.resume()
    page.locator(".htmx-request").wait_for(state="detached")
    assert labels(annotator) == {ids[0]: "agrees"}
    assert AnnotationChange.objects.filter(user=annotator).count() == 1
    expect(status(page)).to_contain_text("key “1” and 1 key after it ignored")
    showing(page, ids[1])


def test_one_pressed_three_times_while_the_answer_is_slow(
    matched, live_server, signed_in_page, gate
):
    page, annotator, ids = start_review(signed_in_page, live_server, matched)
    with gate.closed(review_views):
        page.keyboard.press("1")
        page.keyboard.press("1")
        page.keyboard.press("1")
        expect(status(page)).to_contain_text("key “1” and 1 key after it ignored")
    showing(page, ids[1])
    assert labels(annotator) == {ids[0]: "agrees"}
    assert AnnotationChange.objects.filter(user=annotator).count() == 1


def test_a_label_pressed_during_a_slow_response_lands_on_the_link_on_screen(
    matched, live_server, signed_in_page, gate
):
    """A label key while the next link loads is not given to the link coming (nor to the one
    leaving, whose panel is inert); pressed again once the link is shown, it lands there. A
    label's own slow answer likewise takes no second label."""
    page, annotator, ids = start_review(signed_in_page, live_server, matched)
    with gate.closed(review_views):
        page.keyboard.press("j")
        page.keyboard.press("2")
        expect(status(page)).to_contain_text("key “2” ignored")
        # A click on the panel leaving does nothing either.
        page.locator("#review-panel .label-contradicts").click(force=True, no_wait_after=True)
    showing(page, ids[1])
    assert labels(annotator) == {}
    page.keyboard.press("2")
    page.locator(f'#review-panel[data-link="{ids[2]}"]').wait_for()
    expect(status(page)).to_be_empty()
    with gate.closed(review_views):
        showing(page, ids[2])
        page.keyboard.press("3")
        page.keyboard.press("4")
        expect(status(page)).to_contain_text("key “4” ignored")
    showing(page, ids[3])
    assert labels(annotator) == {ids[1]: "contradicts", ids[2]: "partly"}
    assert AnnotationChange.objects.filter(user=annotator).count() == 2
    assert page.evaluate("window.notReloaded") is True, "the page reloaded"


def test_the_discrepancy_queue_ignores_keys_while_it_changes(
    matched, live_server, signed_in_page, gate
):
    annotator = make_user("annotator", matched, "annotator")
    page = signed_in_page(annotator, clock=True)
    page.goto(live_server.url + f"/stories/{SLUG}/discrepancies/")
    # Two more of the first (the page's non-htmx load found them afresh; its swaps do not).
    first = Discrepancy.objects.filter(story=matched).order_by("pk").first()
    for n in (1, 2):
        first.pk, first.key = None, f"{first.key} {n}"
        first.save()
    items = discrepancy_views._queue(matched).ids
    assert len(items) >= 3
    showing(page, items[0], "data-item")
    with gate.closed(discrepancy_views):
        page.keyboard.press("y")
        page.keyboard.press("x")
        page.keyboard.press("j")
        expect(status(page)).to_contain_text("key “x” and 1 key after it ignored")
    showing(page, items[1], "data-item")
    decided = Discrepancy.objects.exclude(status=DiscrepancyStatus.OPEN)
    assert dict(decided.values_list("pk", "status")) == {items[0]: DiscrepancyStatus.CONFIRMED}
