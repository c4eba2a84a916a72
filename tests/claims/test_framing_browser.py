"""The framing panel in a browser: it loads when scrolled into view, and a discrepancy is
confirmed from the keyboard."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Discrepancy, DiscrepancyStatus
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"


@pytest.fixture
def matched(live_story):
    return live_story


def test_panel_loads_when_revealed_and_a_discrepancy_is_confirmed(
    matched, live_server, page, signed_in_page, screenshot
):
    event = Claim.objects.get(text__contains="into the besieged Syrian city of Aleppo").event
    page.goto(live_server.url + f"/stories/{SLUG}/events/{event.pk}/")
    page.locator("#framing").scroll_into_view_if_needed()
    panel = page.locator("#framing-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("mark.flag", has_text="was hit").first).to_be_visible()
    expect(panel).to_contain_text("puts it in Aleppo")
    panel.scroll_into_view_if_needed()
    screenshot("framing-panel")

    annotator = make_user("annotator", matched, "annotator")
    signed_in_page(annotator)
    page.goto(live_server.url + f"/stories/{SLUG}/discrepancies/")
    item = page.locator("#review-panel").get_attribute("data-item")
    page.keyboard.press("y")
    expect(page.locator(f'#review-panel:not([data-item="{item}"])')).to_be_attached()
    assert Discrepancy.objects.get(pk=item).status == DiscrepancyStatus.CONFIRMED
