"""The site's own pages in Chromium, signed in as an editor: no Content-Security-Policy
violation and no script error on any of them, with what htmx loads into them (a panel that
loads when scrolled to, a claim's context, a search as you type, a form's errors), and the
error pages (404, 403, 400, 500, a refused CSRF token)."""

import time
from unittest import mock

import pytest
from playwright.sync_api import expect

from articles.models import Story
from claims.models import Discrepancy, Link
from tests.conftest import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"

# Runs in every document before its own scripts: each violation the browser reports to the
# page goes to the test (the console also says so, and is watched too).
REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`
  );
});
"""


class Watch:
    """What went wrong in the page, as lines: CSP violations and uncaught script errors."""

    def __init__(self, page):
        self.found = []
        self.page = page
        self.loading = set()  # the requests in flight
        page.on("request", lambda request: self.loading.add(request))
        page.on("requestfinished", lambda request: self.loading.discard(request))
        page.on("requestfailed", lambda request: self.loading.discard(request))
        page.expose_function("reportViolation", lambda text: self._add(f"CSP: {text}"))
        page.add_init_script(REPORTER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._add(f"script error: {error}"))

    def _add(self, text):
        self.found.append(f"{self.page.url}: {text}")

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self._add(f"console: {message.text}")

    def settle(self):
        """Let the page load what it loads by itself, and what it loads when scrolled: what
        scrolled into view is asked for (htmx looks every 200 ms), and no request is in
        flight, nor starts, for QUIET_MS. (Playwright's "networkidle" waits 500 ms twice.)"""
        self.quiet(0)
        self.page.mouse.wheel(0, 100_000)
        self.page.wait_for_function(REVEALED_ASKED)
        self.quiet(QUIET_MS)
        self.page.evaluate("window.scrollTo(0, 0)")

    def quiet(self, ms, timeout=30):
        start = time.monotonic()
        since = start
        while True:
            now = time.monotonic()
            if self.loading:
                since = now
            elif (now - since) * 1000 >= ms:
                return
            assert now - start < timeout, f"still loading: {[r.url for r in self.loading]}"
            self.page.wait_for_timeout(20)


# htmx's "revealed" trigger: each such element the scroll brought into view has been seen
# (data-hx-revealed), so its request has started.
REVEALED_ASKED = """() => [...document.querySelectorAll("[hx-trigger*='revealed']")].every((e) => {
  if (e.hasAttribute("data-hx-revealed")) return true;
  const r = e.getBoundingClientRect();
  return r.bottom < 0 || r.top > window.innerHeight || (r.width === 0 && r.height === 0);
})"""
# What a request just answered may ask for next: a swapped-in fragment's own triggers run
# after htmx settles it (20 ms).
QUIET_MS = 250


@pytest.fixture
def editor(live_story):
    return make_user("editor", live_story, "editor")


@pytest.fixture
def watch(page):
    return Watch(page)


def main_pages(story) -> list[str]:
    link = Link.objects.filter(story=story).order_by("-score").first()
    event = link.event or story.events.first()
    article = link.claim_a.article
    outlet = article.outlet
    return [
        "/",
        f"/stories/{SLUG}/",
        f"/stories/{SLUG}/articles/",
        f"/stories/{SLUG}/events/{event.pk}/",
        f"/stories/{SLUG}/events/{event.pk}/framing/",
        f"/stories/{SLUG}/links/{link.pk}/",
        f"/stories/{SLUG}/review/",
        f"/stories/{SLUG}/discrepancies/",
        f"/stories/{SLUG}/agreement/",
        f"/stories/{SLUG}/import/",
        f"/stories/{SLUG}/search/?q=strike",
        f"/stories/{SLUG}/outlets/{outlet.slug}/",
        article.get_absolute_url(),
        article.get_absolute_url() + f"?claim={link.claim_a.pk}",
        f"/stories/{SLUG}/articles/{article.pk}/original/",
        f"/stories/{SLUG}/articles/{article.pk}/details/",
        f"/stories/{SLUG}/outlets/{outlet.slug}/details/",
        f"/stories/{SLUG}/claims/{link.claim_a.pk}/context/",
        f"/stories/{SLUG}/claims/{link.claim_a.pk}/matches/",
        f"/stories/{SLUG}/members/",
        f"/stories/{SLUG}/review/setup/",
        "/accounts/password_change/",
        "/stories/new/",
    ]


def test_the_watch_sees_a_violation(live_story, live_server, page, watch):
    """What the other tests rely on: an inline style, which the CSP refuses, is reported."""
    page.goto(live_server.url + "/")
    page.evaluate(
        """document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')"""
    )
    for _ in range(50):
        if len(watch.found) >= 2:
            break
        page.wait_for_timeout(100)
    # Seen twice: by the page's event and on the console.
    assert any("CSP: style-src" in line for line in watch.found), watch.found
    assert any("console: " in line for line in watch.found), watch.found


# The pages in parts, one test each, which pytest-xdist's workers share (a page takes some half
# a second: it loads, is scrolled for what loads when revealed, and must then stay quiet).
PARTS = 3


@pytest.mark.parametrize("part", range(PARTS), ids=lambda part: f"part{part + 1}of{PARTS}")
def test_no_page_violates_the_csp(live_story, live_server, page, signed_in_page, watch, part):
    """In a phone's window (390 px) too: no page is wider than the window (wide tables and
    columns scroll inside their own box), signed in with a name as long as many are."""
    editor = make_user("maria.gonzalez", live_story, "editor")
    page.set_viewport_size({"width": 390, "height": 800})
    if part == 0:
        # The one browser test that signs in through the login form (the others set the
        # session cookie): the form and the page it leads to are watched like the rest.
        sign_in(page, live_server, editor)
    else:
        signed_in_page(editor)
    wider = []
    for path in main_pages(live_story)[part::PARTS]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 390:
            wider.append(f"{path}: {width} px")
        watch.settle()
    assert not watch.found, "\n".join(watch.found)
    assert not wider, "wider than a 390 px window:\n" + "\n".join(wider)


# An annotator may not open these (403): an editor's pages.
EDITOR_ONLY = ("/import/", "/details/", "/review/setup/")


def test_no_page_an_annotator_sees_violates_the_csp(
    live_story, live_server, signed_in_page, page, watch
):
    """The pages an annotator opens, and the review queue labelled from the keyboard as an
    annotator does it: each label swaps in the next link and fills the progress bar."""
    signed_in_page(make_user("annotator", live_story, "annotator"))
    for path in main_pages(live_story):
        response = page.goto(live_server.url + path)
        assert response.status == (403 if path.endswith(EDITOR_ONLY) else 200), path
        watch.settle()
    page.goto(live_server.url + f"/stories/{SLUG}/review/")
    progress = page.locator("#review-panel progress")
    expect(progress).to_have_attribute("value", "0")
    # A key pressed just after a panel appeared is ignored (static/parallax/app.js): each
    # waits until the queue takes keys again.
    ready = page.locator('#queue-key-status[data-state="ready"]')
    for done in (1, 2):
        shown = page.locator("#review-panel").get_attribute("data-link")
        expect(ready).to_be_attached()
        page.keyboard.press("1")
        expect(page.locator(f'#review-panel:not([data-link="{shown}"])')).to_be_attached()
        expect(progress).to_have_attribute("value", str(done))
        expect(page.locator("#review-progress")).to_contain_text(f"{done} done")
        watch.settle()
    expect(ready).to_be_attached()
    page.keyboard.press("z")  # undo the last label: the bar empties by one
    expect(progress).to_have_attribute("value", "1")
    watch.settle()
    assert not watch.found, "\n".join(watch.found)


def test_what_htmx_swaps_in_violates_nothing(
    live_story, editor, live_server, signed_in_page, page, watch
):
    signed_in_page(editor)
    link = Link.objects.filter(story=live_story).order_by("-score").first()
    claim = link.claim_a
    # An event page: a claim's context, and the framing panel loaded when scrolled to.
    page.goto(live_server.url + f"/stories/{SLUG}/events/{claim.event_id}/")
    page.locator(f"#c{claim.pk}").get_by_role("link", name="Context").click()
    page.locator(f"#ctx-{claim.pk} .context").wait_for()
    page.locator("#framing").scroll_into_view_if_needed()
    page.locator("#framing-panel").wait_for()
    # The reader: a claim's matches.
    page.goto(live_server.url + claim.article.get_absolute_url())
    page.locator(f"#claim-{claim.pk}").click()
    page.locator("#matches-panel").get_by_text(link.claim_b.article.outlet.name).first.wait_for()
    # Search as you type.
    page.goto(live_server.url + f"/stories/{SLUG}/search/")
    page.get_by_label("Words in the claim").fill("convoy")
    expect(page.locator("#results li").first).to_be_visible()
    # The review queue, labelled from the keyboard; a discrepancy decided.
    page.goto(live_server.url + f"/stories/{SLUG}/review/")
    first = page.locator("#review-panel").get_attribute("data-link")
    page.keyboard.press("1")
    expect(page.locator(f'#review-panel:not([data-link="{first}"])')).to_be_attached()
    page.goto(live_server.url + f"/stories/{SLUG}/discrepancies/")
    if Discrepancy.objects.filter(story=live_story).exists():
        item = page.locator("#review-panel").get_attribute("data-item")
        page.keyboard.press("x")
        expect(page.locator(f'#review-panel:not([data-item="{item}"])')).to_be_attached()
    watch.settle()
    assert not watch.found, "\n".join(watch.found)


def test_a_form_error_is_swapped_in_on_the_form(
    live_story, editor, live_server, signed_in_page, page, watch
):
    """Moving no claim is refused with the form's errors in the page, which does not reload
    (htmx swaps in the 422 the server answers)."""
    signed_in_page(editor)
    event = Link.objects.filter(story=live_story).exclude(event=None).first().event
    page.goto(live_server.url + f"/stories/{SLUG}/events/{event.pk}/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Move").click()
    errors = page.locator("#event-body .errorlist")
    expect(errors).to_contain_text("Claims: This field is required.")
    assert page.evaluate("window.notReloaded") is True
    assert not watch.found, "\n".join(watch.found)


def test_no_error_page_violates_the_csp(
    live_story, editor, live_server, signed_in_page, page, watch, screenshot
):
    """Each error page in the site's layout, with its way back; signed in as an editor who
    has no role in another story."""
    other = Story.objects.create(slug="other", title="Another story")
    too_many_fields = "&".join(f"x{i}=1" for i in range(1001))
    pages = [
        ("404", f"/stories/{SLUG}/events/999999/", 404, "There is no page at this address"),
        ("403", f"/stories/{other.slug}/import/", 403, "You may not do this here"),
        ("400", f"/stories/{SLUG}/search/?{too_many_fields}", 400, "could not be understood"),
    ]
    for name, path, status, heading in [("404-signed-out", *pages[0][1:])]:
        assert page.goto(live_server.url + path).status == status
        expect(page.locator("h1")).to_have_text(heading)
        screenshot(f"error-{name}")
        watch.settle()
    signed_in_page(editor)
    for name, path, status, heading in pages:
        assert page.goto(live_server.url + path).status == status, path
        expect(page.locator("h1")).to_contain_text(heading)
        expect(page.get_by_role("link", name="All stories")).to_be_visible()
        screenshot(f"error-{name}")
        watch.settle()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + pages[0][1])
    expect(page.get_by_role("link", name=f"Back to the story “{live_story.title}”")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("error-404-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    # A server error: the page Django renders without the request.
    with mock.patch("articles.views.reading.render", side_effect=RuntimeError("boom")):
        assert page.goto(live_server.url + "/").status == 500
    expect(page.locator("h1")).to_have_text("Something went wrong on our side")
    screenshot("error-500")
    watch.settle()
    # A form sent with a token that is not the session's: "Sign out", tampered with.
    page.goto(live_server.url + f"/stories/{SLUG}/")
    page.locator("header form [name=csrfmiddlewaretoken]").evaluate(
        "e => { e.value = 'x'.repeat(64); }"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Your form could not be sent")
    expect(page.get_by_role("link", name=f"Back to the story “{live_story.title}”")).to_have_count(
        0
    )
    screenshot("error-403-csrf")
    watch.settle()
    assert not watch.found, "\n".join(watch.found)
