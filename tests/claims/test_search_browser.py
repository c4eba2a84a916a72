"""Search in a browser: typing and choosing an outlet swap the results in place, the address
keeps the search (back, reload and sharing work), the words found are marked."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"


def test_typing_and_filtering_swap_the_results(live_story, live_server, page, screenshot):
    page.goto(live_server.url + f"/stories/{SLUG}/search/")
    page.get_by_label("Words in the claim").fill("Lavrov Kerry")
    results = page.locator("#results")
    expect(results.locator(".meta")).to_contain_text("7 claims containing")
    expect(results.locator("mark.found", has_text="Lavrov").first).to_be_visible()
    page.get_by_label("Outlet").select_option(label="CNN")
    expect(results.locator(".meta")).to_contain_text("from CNN")
    expect(page).to_have_url(re.compile(r"\?q=Lavrov(\+|%20)Kerry&outlet=\d+"))
    outlets = results.locator(".outlet").all_inner_texts()
    assert outlets and {o.upper() for o in outlets} == {"CNN"}
    screenshot("search")
