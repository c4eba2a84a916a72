"""An event's report, and the event page, as printed: no navigation or forms, nothing wider
than an A4 or Letter page, links printed with their address; the PDFs and a screenshot go to
test-artifacts/."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "syria-ceasefire-2016"

# What a page's width leaves to print between the stylesheet's 15 mm margins, in CSS pixels
# (96 a inch): A4 is 210 mm wide, Letter 8.5 in.
PRINTED_WIDTH = {"A4": round((210 - 30) / 25.4 * 96), "Letter": round((8.5 - 30 / 25.4) * 96)}

# Elements whose right edge passes the page's, with what they are (none when the layout fits).
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right));
}"""


def printed(page, url: str) -> None:
    """The page at `url` as print media lays it out, at each paper's printed width: no
    navigation and nothing wider than the paper."""
    page.emulate_media(media="print")
    for paper, width in PRINTED_WIDTH.items():
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(url)
        expect(page.locator("header.site nav")).to_be_hidden()
        expect(page.locator("nav.crumbs")).to_be_hidden()
        assert page.evaluate(TOO_WIDE) == [], f"wider than {paper} paper at {url}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_report_and_event_page_print_on_a4_and_letter(live_story, live_server, page):
    event = Claim.objects.get(text__contains="into the besieged Syrian city of Aleppo").event
    base = live_server.url + f"/stories/{SLUG}/events/{event.pk}/"

    page.goto(base)
    page.get_by_role("link", name="Report to share or print").click()
    expect(page.locator("h1")).to_have_text(event.display_label)
    expect(page.locator(".report-column").first).to_be_visible()

    printed(page, base + "report/")
    columns = page.locator(".report-column")
    assert columns.count() >= 2
    expect(columns.first.locator(".claim-source cite").first).to_be_visible()
    # a link prints its address after its text
    link = page.locator(".report .event-heading a").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == f'" (" "{base}" ")"' or base in after
    page.screenshot(path=str(ARTIFACTS / "event-report-print.png"), full_page=True)
    for paper in PRINTED_WIDTH:
        pdf = page.pdf(path=str(ARTIFACTS / f"event-report-{paper}.pdf"), format=paper)
        assert pdf.startswith(b"%PDF")

    printed(page, base)
    expect(page.locator("#edit-h")).to_have_count(0)  # a reader: no edit tools to hide
    expect(page.locator(".column").first).to_be_visible()
    page.pdf(path=str(ARTIFACTS / "event-page-A4.pdf"), format="A4")
