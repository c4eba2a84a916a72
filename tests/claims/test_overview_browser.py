"""Pages at real size in Chromium (issue 14): the overview of a 40-outlet story inside a 1280 px
and a 390 px window, the names form's error in view, the reader's key. Screenshots land in
test-artifacts/."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from tests.claims.test_overview import wide_story
from tests.conftest import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"

SIZES = """() => {
  const box = document.querySelector(".matrix-wrap");
  return {page: document.documentElement.scrollWidth, window: window.innerWidth,
          box: box.clientWidth, table: box.scrollWidth};
}"""


@pytest.fixture
def wide(transactional_db):
    return wide_story(outlets=40)


def test_the_overview_of_40_outlets_stays_inside_the_window(wide, live_server, page, screenshot):
    page.goto(live_server.url + f"/stories/{wide.slug}/")
    note = page.locator("#outlets-shown")
    event = page.locator(".matrix tbody th").first
    first_outlet = page.locator(".matrix thead th.outlet-col").first
    last_outlet = page.locator(".matrix thead th.outlet-col").last
    box = page.locator(".matrix-wrap")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        note.evaluate("note => note.scrollIntoView()")  # the note and the matrix below it
        sizes = page.evaluate(SIZES)
        assert sizes["page"] <= sizes["window"], sizes  # no sideways scroll of the page
        assert sizes["table"] > sizes["box"], sizes  # the matrix scrolls in its own box
        expect(note).to_contain_text("Outlets 1–12 of 40")
        expect(note).to_contain_text("28 outlets not shown here")
        expect(note.get_by_text("The table scrolls sideways")).to_be_visible()
        expect(note.get_by_role("link", name="More outlets →")).to_be_visible()
        # Beside the event column, the first outlet column is in the window.
        expect(first_outlet).to_be_in_viewport()
        assert first_outlet.bounding_box()["x"] + 20 < width
        screenshot(f"overview-40-outlets-{width}")
        # Scrolled to its end, the box shows the last outlet; the event column stays put.
        before = event.bounding_box()
        box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
        expect(last_outlet).to_be_in_viewport()
        assert event.bounding_box()["x"] == before["x"]
        expect(event).to_be_in_viewport()
        screenshot(f"overview-40-outlets-{width}-scrolled")
        box.evaluate("box => { box.scrollLeft = 0; }")


def test_one_name_is_refused_on_the_form_in_view(live_story, live_server, page, screenshot):
    editor = make_user("editor", live_story, "editor")
    sign_in(page, live_server, editor)
    page.goto(live_server.url + f"/stories/{SLUG}/")
    page.evaluate("window.notReloaded = true")
    names = page.get_by_label("Add names that mean the same")
    names.fill("ISIS")
    page.get_by_role("button", name="Add", exact=True).click()
    error = page.locator("#aliases .errorlist")
    expect(error).to_contain_text("Give at least two different names")
    expect(error).to_be_in_viewport()
    assert page.evaluate("window.notReloaded") is True
    screenshot("alias-one-name-refused")
    page.get_by_label("Add names that mean the same").fill("Kremlin, Moscow")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#aliases li", has_text="Kremlin = Moscow")).to_be_visible()
    expect(page.locator("#aliases")).to_contain_text("Alias saved")
    expect(page.locator("#aliases .errorlist")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True


def test_the_reader_has_a_key_to_its_marks(live_story, live_server, page, screenshot):
    """The key's samples look like the marks they explain, above the text."""
    claims = Claim.objects.filter(article__story=live_story)
    article = (
        claims.exclude(event=None)
        .filter(article__in=claims.filter(event=None).values("article"))[0]
        .article
    )
    page.goto(live_server.url + article.get_absolute_url())
    key = page.locator("#reader-key")
    expect(key).to_be_visible()
    assert key.bounding_box()["y"] < page.locator("a.claim").first.bounding_box()["y"]

    def underline(locator):
        return locator.evaluate("e => getComputedStyle(e).borderBottomStyle")

    solid = key.locator(".claim-sample", has_text="Solid underline")
    dashed = key.locator(".claim-sample", has_text="dashed underline")
    assert underline(solid) == underline(page.locator("a.claim.matched").first) == "solid"
    assert underline(dashed) == underline(page.locator("a.claim:not(.matched)").first)
    assert underline(dashed) == "dashed"
    blue = key.locator(".claim-sample", has_text="blue")
    sand = key.locator(".claim-sample", has_text="sand")
    shade = "e => getComputedStyle(e).backgroundColor"
    assert blue.evaluate(shade) == page.locator("a.claim").first.evaluate(shade)
    assert sand.evaluate(shade) != blue.evaluate(shade)
    screenshot("reader-key")
