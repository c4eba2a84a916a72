"""What only a browser shows: the seed story as a reader sees it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(live_seed_story):
    return live_seed_story


def test_reader_walks_from_story_list_to_marked_claims(seeded, live_server, page, screenshot):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="The collapse of the US-Russia ceasefire").click()
    page.get_by_role("link", name="Articles", exact=True).click()
    rows = page.locator("table.articles tbody tr")
    assert rows.count() == 5
    outlets = set(rows.locator("td:first-child").all_inner_texts())
    assert outlets == {
        "Sputnik International",
        "The Washington Times",
        "CNN",
        "Military Times",
        "Washington Examiner",
    }
    screenshot("story")

    page.get_by_role(
        "link", name="US, Moscow set to discuss Syria pact Pentagon may not want"
    ).click()
    assert (
        page.locator("h1").inner_text()
        == "US, Moscow set to discuss Syria pact Pentagon may not want"
    )
    claims = page.locator(".body .claim")
    assert claims.count() > 20
    first = claims.first
    assert first.inner_text().startswith("When Secretary of State John Kerry meets")
    # Claims are visibly marked: a background differs from the page's.
    background = first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert page.locator("details.original").is_visible()
    assert not page.locator("details.original pre").is_visible()
    screenshot("reader")


def test_reader_is_usable_on_a_phone(seeded, live_server, browser, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    from articles.models import Article

    article = Article.objects.get(outlet__name="The Washington Times")
    phone.goto(live_server.url + article.get_absolute_url())
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the reader scrolls sideways on a phone"
    screenshot("reader-phone", phone)
    context.close()
