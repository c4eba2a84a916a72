"""The review queue at volume, in a browser: the guidelines beside it fold away with "g", "t"
loads the sentences around both claims in place, "s" skips a link and moves on."""

import pytest
from playwright.sync_api import expect

from claims.actions import annotating
from claims.models import Annotation, Label
from tests.claims.test_review_browser import showing
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"


def test_guidelines_context_and_skip_from_the_keyboard(
    live_story, live_server, signed_in_page, screenshot
):
    live_story.guidelines = "Agrees: both state the same.\nPartly: one adds detail."
    live_story.save(update_fields=["guidelines"])
    annotator = make_user("annotator", live_story, "annotator")
    first, second = annotating.ReviewQueue.of(live_story, annotator).ids[:2]
    page = signed_in_page(annotator)
    page.goto(live_server.url + f"/stories/{SLUG}/review/")
    showing(page, first)
    guidelines = page.locator(".guidelines details")
    expect(guidelines.locator(".guidelines-text")).to_contain_text("Partly: one adds detail.")
    page.keyboard.press("t")
    expect(page.locator(".review-context .context")).to_have_count(2)
    expect(page.locator(".review-context .context .this").first).to_be_visible()
    screenshot("review-guidelines-context")
    # Keys wait a moment after anything in the panel settles (static/parallax/app.js).
    expect(page.locator("#queue-key-status")).to_have_attribute("data-state", "ready")
    page.keyboard.press("g")
    expect(guidelines).not_to_have_attribute("open", "")
    page.keyboard.press("s")
    showing(page, second)
    expect(page.locator("#review-progress")).to_contain_text("0 done, 1 skipped")
    assert Annotation.objects.get(annotator=annotator, link_id=first).label == Label.UNSURE
