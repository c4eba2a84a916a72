"""Reports to share: an event's report page (claims side by side with their articles, the
framing, the decided links as the reader may see them), the joined CSV for spreadsheets, and
CSV downloads that Excel opens as UTF-8 (a byte order mark first)."""

import csv
import datetime
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import BlindReview, Story
from claims.actions import annotating
from claims.exchange.export import CSV_TABLES, JOINED
from claims.models import Event, Label, Link, LinkStatus
from tests.conftest import make_article, make_user, signed_in

pytestmark = pytest.mark.django_db
SCRIPT = '<script>alert("x")</script>'
LOGIN_REQUIRED = "django.contrib.auth.middleware.LoginRequiredMiddleware"


@pytest.fixture
def desk(db):
    """One event told by two outlets (one article from a web address, one from a file), a
    claim of another event that also tells of it, and two links people decided."""
    story = Story.objects.create(slug="desk", title="Desk", blind_review=BlindReview.OFF)
    one = make_article(story, "Outlet One", ["Jets struck a convoy near Aleppo.", "Talks on."])
    two = make_article(story, "Outlet Two", [f"A convoy {SCRIPT} was hit.", "=1+1 said none."])
    first, second = one[0].article, two[0].article
    first.title, first.source = "Convoy struck", "https://one.example/convoy?a=1&b=2"
    first.published = datetime.date(2016, 9, 19)
    first.save()
    second.title, second.source = f"Title {SCRIPT}", "javascript:alert(1)"
    second.save()
    event = Event.objects.create(story=story, key="convoy", auto_label="Convoy struck near Aleppo")
    other = Event.objects.create(story=story, key="talks", auto_label="Talks")
    for claim in (one[0], two[0]):
        claim.event = event
        claim.save()
    for claim in (one[1], two[1]):
        claim.event = other
        claim.save()
    two[0].speaker = f"Spokesman {SCRIPT}"
    two[0].save()
    editor = make_user("desk-editor", story, "editor")
    confirmed = Link.objects.create(
        story=story, claim_a=one[0], claim_b=two[0], score=0.9, event=event
    )
    confirmed.status, confirmed.decided_by = LinkStatus.CONFIRMED, editor
    confirmed.save()
    # a claim of the other event that also tells of this one: linked, not rejected
    Link.objects.create(story=story, claim_a=one[0], claim_b=two[1], score=0.6, event=event)
    event.also_claims.add(two[1])
    return story, event, other, one + two, editor


def report(client, story, event):
    response = client.get(reverse("claims-event-report", args=[story.slug, event.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_report_shows_claims_with_their_articles_framing_and_decisions(desk):
    story, event, other, claims, editor = desk
    html = report(signed_in(editor), story, event)
    assert html.count("<h1") == 1
    assert "Jets struck a convoy near Aleppo." in html
    assert "<cite>Convoy struck</cite>, Outlet One, " in html
    assert '<time datetime="2016-09-19">19 September 2016</time>' in html
    assert 'href="https://one.example/convoy?a=1&amp;b=2"' in html
    assert "Also tells of this event" in html and "=1+1 said none." in html
    assert "mainly in: Talks" in html
    assert "How each outlet framed it" in html and "Naming" in html
    assert "Confirmed by a person (desk-editor)" in html
    assert "Talks on." not in html  # a claim of the other event only


def test_report_escapes_what_articles_say_and_links_only_web_addresses(desk):
    story, event, *_ = desk
    html = report(Client(), story, event)
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert '<span class="address">javascript:alert(1)</span>' in html


def test_event_page_links_to_its_report(desk):
    story, event, *_ = desk
    response = Client().get(reverse("claims-event", args=[story.slug, event.pk]))
    assert reverse("claims-event-report", args=[story.slug, event.pk]) in response.content.decode()


def test_report_names_who_decided_to_members_only(desk):
    story, event, *_ = desk
    outsider = make_user("desk-outsider")
    for client in (Client(), signed_in(outsider)):
        html = report(client, story, event)
        assert "Confirmed by a person" in html
        assert "desk-editor" not in html


def test_report_in_blind_review_shows_decisions_as_sight_allows(desk):
    story, event, other, claims, editor = desk
    story.blind_review = BlindReview.ON
    story.save()
    annotator = make_user("desk-annotator", story, "annotator")
    decided = Link.objects.get(status=LinkStatus.CONFIRMED)
    assert "Confirmed by a person" in report(signed_in(editor), story, event)
    for client in (Client(), signed_in(make_user("desk-outsider")), signed_in(annotator)):
        html = report(client, story, event)
        assert "Confirmed by a person" not in html
        assert "only the decisions on links you have labelled" in html
    annotating.annotate(decided, annotator, Label.AGREES, "", 0)
    assert "Confirmed by a person" in report(signed_in(annotator), story, event)


def closed_reading(settings):
    """As PARALLAX_OPEN_READING=0 sets it up: reading for signed-in users only."""
    settings.PARALLAX_OPEN_READING = False
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, LOGIN_REQUIRED]


def test_report_follows_reading_rights(desk, settings):
    story, event, *_ = desk
    closed_reading(settings)
    url = reverse("claims-event-report", args=[story.slug, event.pk])
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert signed_in(make_user("desk-outsider")).get(url).status_code == 200
    assert signed_in(make_user("desk-outsider2")).post(url).status_code == 405


def test_report_of_a_missing_event_is_not_found(desk):
    story, *_ = desk
    url = reverse("claims-event-report", args=[story.slug, 999999])
    assert Client().get(url).status_code == 404


# The joined CSV and the byte order mark -----------------------------------------------------


def download(client, story, table) -> bytes:
    response = client.get(reverse("claims-export-csv", args=[story.slug, table]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content


def test_every_csv_download_starts_with_a_utf8_bom(desk):
    story, *_ = desk
    for table in CSV_TABLES:
        content = download(Client(), story, table)
        assert content.startswith(b"\xef\xbb\xbf"), table
        header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert header[0] in ("id", "claim_a", "claim_id"), table


def test_joined_csv_has_a_row_per_claim_with_its_article_and_event(desk):
    story, event, other, claims, editor = desk
    content = download(Client(), story, JOINED).decode("utf-8-sig")
    rows = {int(r["claim_id"]): r for r in csv.DictReader(io.StringIO(content))}
    assert set(rows) == {c.pk for c in claims}
    first = rows[claims[0].pk]
    assert first["text"] == "Jets struck a convoy near Aleppo."
    assert (first["article_title"], first["outlet"]) == ("Convoy struck", "Outlet One")
    assert (first["published"], first["source"]) == ("2016-09-19", claims[0].article.source)
    assert (first["event_id"], first["event_label"]) == (str(event.pk), event.display_label)
    assert (first["start"], first["end"]) == ("0", str(len(first["text"])))
    also = rows[claims[3].pk]
    assert also["event_label"] == "Talks"
    assert (also["also_event_ids"], also["also_event_labels"]) == (
        str(event.pk),
        event.display_label,
    )
    # a text that starts like a formula is kept as text in a spreadsheet
    assert also["text"] == "'=1+1 said none."
    assert rows[claims[2].pk]["speaker"] == f"Spokesman {SCRIPT}"


def test_joined_csv_is_on_the_export_page_and_written_by_export_story(desk, tmp_path):
    story, *_ = desk
    html = Client().get(reverse("claims-story", args=[story.slug])).content.decode()
    assert reverse("claims-export-csv", args=[story.slug, JOINED]) in html
    call_command(
        "export_story", story.slug, "--format", "csv", "--output", str(tmp_path), stderr=StringIO()
    )
    raw = (tmp_path / f"{JOINED}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))) == 4


def test_joined_csv_follows_reading_rights(desk, settings):
    story, *_ = desk
    closed_reading(settings)
    url = reverse("claims-export-csv", args=[story.slug, JOINED])
    assert Client().get(url).status_code == 302
    reader = signed_in(make_user("desk-outsider"))
    assert reader.get(url).status_code == 200
    assert reader.post(url).status_code == 405
    assert reader.get(reverse("claims-export-csv", args=[story.slug, "nope"])).status_code == 404


def test_report_queries_do_not_grow_with_the_event(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story, event, other, claims, editor = desk
    client = signed_in(editor)

    def queries():
        with CaptureQueriesContext(connection) as seen:
            report(client, story, event)
        return len(seen)

    queries()  # the framing's first visit stores the event's discrepancies
    before = queries()
    more = make_article(story, "Outlet Three", ["Jets hit the convoy.", "A second claim."])
    for claim in more:
        claim.event = event
        claim.save()
        link = Link.objects.create(story=story, claim_a=claims[0], claim_b=claim, score=0.7)
        link.status, link.decided_by = LinkStatus.REJECTED, editor
        link.save()
    queries()
    assert queries() == before
