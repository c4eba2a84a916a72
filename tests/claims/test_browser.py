"""What only a browser shows: HTMX swaps on the side-by-side pages."""

import pytest

from claims.models import Claim, Event, Link
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"


@pytest.fixture
def matched(live_story):
    return live_story


def test_aid_convoy_event_shows_claims_from_each_outlet(matched, live_server, page, screenshot):
    bombing = Claim.objects.get(text__contains="Monday’s bombing of an aid convoy")
    assert bombing.event_id, "the matcher left Military Times' aid-convoy claim alone"
    page.goto(live_server.url + f"/stories/{SLUG}/")
    page.get_by_role("link", name=bombing.event.display_label[:40]).first.click()
    columns = page.locator(".columns .column")
    outlets = set(columns.locator("h2").all_text_contents())
    assert len(outlets) >= 2, outlets
    assert page.locator(f"#c{bombing.pk}").is_visible()
    screenshot("event-aid-convoy")
    # The sentences around a claim come in without leaving the page.
    page.locator(f"#c{bombing.pk}").get_by_role("link", name="Context").click()
    context = page.locator(f"#ctx-{bombing.pk} .context")
    context.wait_for()
    assert bombing.text in context.inner_text()
    assert page.url.endswith(f"/events/{bombing.event_id}/")


def test_event_links_are_ordered_and_shaded_by_how_sure_the_matcher_is(
    matched, live_server, page, screenshot
):
    event = max(Event.objects.filter(story=matched), key=lambda e: e.links.count())
    page.goto(live_server.url + f"/stories/{SLUG}/events/{event.pk}/")
    cells = page.locator(".links tr[id^=link-] td.num")
    scores = [float(x) for x in cells.all_text_contents()]
    assert len(scores) >= 2 and scores == sorted(scores, reverse=True)
    title = cells.first.get_attribute("title")
    assert "in 10 links scored like this are right" in title
    shade = cells.first.evaluate("td => getComputedStyle(td).backgroundColor")
    assert shade not in ("rgba(0, 0, 0, 0)", "transparent")
    page.locator(".links").scroll_into_view_if_needed()
    screenshot("event-links-by-score")


def test_clicking_a_claim_in_the_reader_loads_its_matches(matched, live_server, page, screenshot):
    link = Link.objects.filter(story=matched).order_by("-score").first()
    claim, other = link.claim_a, link.claim_b
    page.goto(live_server.url + claim.article.get_absolute_url())
    page.locator(f"#claim-{claim.pk}").click()
    panel = page.locator("#matches-panel")
    panel.get_by_text(other.article.outlet.name, exact=False).first.wait_for()
    assert other.text[:50] in panel.inner_text()
    assert "?claim=" not in page.url, "the page reloaded instead of swapping the panel"
    assert "selected" in page.locator(f"#claim-{claim.pk}").get_attribute("class")
    screenshot("reader-matches")


def test_an_editor_merges_two_events_without_a_reload(
    matched, live_server, signed_in_page, screenshot
):
    editor = make_user("editor", matched, "editor")
    page = signed_in_page(editor)
    event, other = matched.events.order_by("id")[:2]
    moved = list(other.claims.values_list("id", flat=True))
    page.goto(live_server.url + f"/stories/{SLUG}/events/{event.pk}/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Merge this other event into this one").select_option(str(other.pk))
    page.get_by_role("button", name="Merge").click()
    page.locator(f"#c{moved[0]}").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.get_by_text("Merged:").is_visible()
    assert not Event.objects.filter(pk=other.pk).exists()
    assert set(moved) <= set(Event.objects.get(pk=event.pk).claims.values_list("id", flat=True))
    screenshot("event-merged")


def test_event_page_on_a_phone_scrolls_columns_not_the_page(
    matched, live_server, browser, screenshot
):
    event = max(matched.events.all(), key=lambda e: e.claims.values("article").distinct().count())
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(live_server.url + f"/stories/{SLUG}/events/{event.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    columns = phone.locator(".columns")
    assert columns.evaluate("el => el.scrollWidth > el.clientWidth"), "columns squeezed"
    screenshot("event-phone", phone)
    context.close()


def test_keyboard_focus_is_visible(matched, live_server, page):
    page.goto(live_server.url + f"/stories/{SLUG}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] != "none" and outline[1] != "0px", outline
