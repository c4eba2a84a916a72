"""Independent accounts (claims/accounts.py): an original and its copies, and an outlet and the
sites that state it as their origin, count as one account; who reported an event first, by
the dates the articles state or else by import order; shown on the event page, the overview,
the report and the agreement page, and carried by the JSON and CSV exports (not the Web
Annotations)."""

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, BlindReview, Outlet, Story
from claims import accounts
from claims.accounts import IMPORT_ORDER, PUBLISHED, SOME_UNDATED, Text
from claims.exchange.export import story_annotations_jsonld, story_document, write_csv_tables
from claims.models import Annotation, Claim, Event, Link, LinkStatus
from tests.conftest import make_article, make_user, signed_in

SCRIPT = '<script>alert("x")</script>'
SEP_19, SEP_20, SEP_21 = (datetime.date(2016, 9, d) for d in (19, 20, 21))


# The count itself, without the database -----------------------------------------------------


def text(pk, outlet, published=None, copy_of=None, origin="", names=()):
    return Text(
        id=pk,
        outlet_id=hash(outlet),
        outlet=outlet,
        outlet_names=(outlet, *names),
        known=outlet != "Unknown",
        title=f"Article {pk}",
        published=published,
        copy_of=copy_of,
        origin=origin,
    )


def counted(*texts, only=None):
    by_id = {t.id: t for t in texts}
    return accounts.count(only if only is not None else by_id, by_id)


def test_an_original_and_its_copies_are_one_account_shown_with_the_original():
    told = counted(
        text(1, "CNN"),
        text(2, "Daily Republisher", copy_of=1),
        text(3, "Aggregator", copy_of=2),  # a copy of the copy: the first original counts
        text(4, "The Washington Times"),
    )
    assert (told.outlets, told.count) == (4, 2)
    assert [a.name for a in told.accounts] == ["CNN", "The Washington Times"]
    assert told.accounts[0].carriers == ("Daily Republisher", "Aggregator")
    assert told.via[2].original_id == told.via[3].original_id == 1
    assert told.via[3].short == "copy of CNN"
    assert 1 not in told.via and 4 not in told.via


def test_a_copy_of_an_article_outside_the_event_counts_as_its_originals_account():
    # the original is in the story but has no claim in this event: loaded for the chain only
    told = counted(text(1, "CNN"), text(2, "Daily Republisher", copy_of=1), only=[2])
    assert [a.name for a in told.accounts] == ["CNN"]
    assert told.accounts[0].article_ids == (2,)
    assert told.via[2].short == "copy of CNN"


def test_a_stated_origin_joins_the_outlet_it_names_case_and_other_names_aside():
    told = counted(
        text(1, "CNN", names=("cnn.com",)),
        text(2, "Daily Republisher", origin="cnn"),
        text(3, "Aggregator", origin="CNN.com"),
        text(4, "Wire Reprints", origin="Reuters"),  # no Reuters article: still its account
    )
    assert (told.outlets, told.count) == (4, 2)
    assert [a.name for a in told.accounts] == ["CNN", "Reuters"]
    assert told.via[2].short == told.via[3].short == "originally CNN"
    assert told.via[4].short == "originally Reuters"
    assert told.notes[hash("Wire Reprints")] == ("originally Reuters",)


def test_an_outlets_articles_are_one_account_and_unnamed_outlets_are_not_merged():
    told = counted(
        text(1, "CNN"),
        text(2, "CNN"),
        text(3, "CNN", origin="CNN"),  # its own outlet stated: nothing to show
        text(4, "Unknown"),
        text(5, "Unknown"),
    )
    assert told.count == 3
    assert told.via == {}


def test_first_report_by_published_date_when_every_account_states_one():
    told = counted(text(1, "CNN", SEP_21), text(2, "The Washington Times", SEP_20))
    assert (told.first.names, told.first.on, told.first.basis) == (
        ("The Washington Times",),
        SEP_20,
        PUBLISHED,
    )


def test_first_report_names_every_account_of_the_earliest_day():
    told = counted(text(1, "CNN", SEP_20), text(2, "Reuters", SEP_20), text(3, "AP", SEP_21))
    assert told.first.names == ("CNN", "Reuters")


def test_first_report_says_when_some_accounts_state_no_date():
    told = counted(text(1, "CNN"), text(2, "The Washington Times", SEP_21))
    assert (told.first.names, told.first.basis, told.undated) == (
        ("The Washington Times",),
        SOME_UNDATED,
        1,
    )


def test_first_report_without_dates_is_the_first_imported():
    told = counted(text(7, "CNN"), text(3, "The Washington Times"))
    assert (told.first.names, told.first.on, told.first.basis) == (
        ("The Washington Times",),
        None,
        IMPORT_ORDER,
    )


def test_an_account_is_dated_by_its_earliest_article():
    # the copy states a date, the original none: the account is dated by the copy
    told = counted(text(1, "CNN"), text(2, "Republisher", SEP_21, copy_of=1), text(3, "AP"))
    assert (told.first.names, told.first.on) == (("CNN",), SEP_21)


# The seed story ------------------------------------------------------------------------------


def outlets_of(event) -> set[str]:
    return set(event.claims.values_list("article__outlet__name", flat=True))


def seed_event(story, outlets: set[str]) -> Event:
    return next(e for e in story.events.order_by("id") if outlets_of(e) == outlets)


@pytest.mark.django_db
def test_on_the_seed_story_every_outlet_is_an_account_and_the_first_is_found(matched_story):
    told = accounts.for_story(matched_story)
    for event in matched_story.events.all():
        assert told[event.pk].count == told[event.pk].outlets == event.outlet_count > 0
    both = told[seed_event(matched_story, {"The Washington Times", "Military Times"}).pk]
    assert (both.first.names, both.first.on, both.first.basis) == (
        ("The Washington Times",),
        SEP_20,
        PUBLISHED,
    )
    undated = seed_event(matched_story, {"Sputnik International", "Washington Examiner"})
    first = told[undated.pk].first
    assert (first.names, first.basis) == (("Sputnik International",), IMPORT_ORDER)
    three = seed_event(
        matched_story, {"The Washington Times", "Military Times", "Washington Examiner"}
    )
    page = event_page(Client(), matched_story, three)
    assert "3 outlets, 3 independent accounts" in page
    assert "Earliest dated report: <strong>The Washington Times</strong>" in page
    assert "1 account states no date and may be earlier." in page


@pytest.mark.django_db
def test_the_seed_cnn_article_found_on_a_republishing_site_counts_as_cnns(matched_story):
    # 002 states "Source: CNN"; filed under the site it was found on, its origin still says
    # whose reporting it is, though CNN's own article is not in the story.
    cnn = Article.objects.get(story=matched_story, origin="CNN")
    Article.objects.filter(pk=cnn.pk).update(outlet=Outlet.objects.for_name("Republisher"))
    event = seed_event(matched_story, {"The Washington Times", "Military Times"})
    cnn.claims.filter(position=0).update(event=event)
    told = accounts.for_event(event)
    assert (told.outlets, told.count) == (3, 3)
    assert "CNN" in [a.name for a in told.accounts]
    Story.objects.filter(pk=matched_story.pk).touch()
    page = event_page(Client(), matched_story, event)
    assert "3 outlets, 3 independent accounts" in page
    assert "originally CNN" in page
    assert "CNN’s reporting is carried by Republisher." in page


# A built story: an original and its copy, a stated origin -----------------------------------


def article(story, outlet, sentences, published=None, title="", **fields) -> list[Claim]:
    claims = make_article(story, outlet, sentences)
    Article.objects.filter(pk=claims[0].article_id).update(
        published=published, title=title, **fields
    )
    return claims


@pytest.fixture
def newsdesk(db):
    """One event told by four outlets and three accounts: CNN's article, a site's copy of it,
    another site's article stating Reuters as its origin (Reuters is not in the story), and
    The Washington Times, undated."""
    story = Story.objects.create(slug="newsdesk", title="Newsdesk", blind_review=BlindReview.OFF)
    told = "Jets struck an aid convoy near Aleppo."
    cnn = article(story, "CNN", [told, "Twenty died."], SEP_20, title=f"Convoy {SCRIPT}")
    copy = article(
        story,
        "Daily Republisher",
        [told, "Twenty died. "],
        SEP_21,
        copy_of_id=cnn[0].article_id,
        copy_similarity=1.0,
    )
    wire = article(story, f"Wire {SCRIPT}", ["A convoy was hit."], SEP_21, origin="Reuters")
    times = article(story, "The Washington Times", ["The convoy was bombed."])
    event = Event.objects.create(story=story, key="convoy", auto_label="Convoy struck")
    Claim.objects.filter(pk__in=[c.pk for c in cnn + copy + wire + times]).update(event=event)
    Event.objects.filter(pk=event.pk).refresh_counts()
    return story, event, {"cnn": cnn, "copy": copy, "wire": wire, "times": times}


def event_page(client, story, event) -> str:
    response = client.get(reverse("claims-event", args=[story.slug, event.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_event_page_counts_a_copy_once_and_shows_it_with_its_original(newsdesk):
    story, event, claims = newsdesk
    original = claims["cnn"][0].article_id
    for client in (Client(), signed_in(make_user("desk-editor", story, "editor"))):
        page = event_page(client, story, event)
        assert "4 outlets, 3 independent accounts" in page
        assert (
            f'copy of <a href="/stories/newsdesk/articles/{original}/">Convoy '
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</a> (CNN)"
        ) in page
        assert "originally Reuters" in page
        assert "CNN’s reporting is carried by Daily Republisher" in page
        assert "Reuters’s reporting is carried by Wire &lt;script&gt;" in page
        assert "Earliest dated report: <strong>CNN</strong>" in page
        assert SCRIPT not in page


def test_a_copy_that_only_also_tells_of_the_event_shows_its_original_and_is_not_counted(
    newsdesk,
):
    story, event, claims = newsdesk
    aggregator = article(
        story,
        "Aggregator",
        ["Twenty died, officials said."],
        copy_of_id=claims["cnn"][0].article_id,
        copy_similarity=0.9,
    )
    other = Event.objects.create(story=story, key="toll", auto_label="The toll")
    Claim.objects.filter(pk=aggregator[0].pk).update(event=other)
    Link.objects.create(
        story=story, claim_a=claims["cnn"][0], claim_b=aggregator[0], score=0.6, event=event
    )
    event.also_claims.add(aggregator[0])
    Story.objects.filter(pk=story.pk).touch()
    for address in ("claims-event", "claims-event-report"):
        page = Client().get(reverse(address, args=[story.slug, event.pk])).content.decode()
        assert "4 outlets, 3 independent accounts" in page
        also = page[page.index(f'id="c{aggregator[0].pk}"') :]
        assert "copy of <a href=" in also[: also.index("</li>")]


def test_the_event_page_names_the_first_reporter_by_date_or_by_import_order(newsdesk):
    story, event, claims = newsdesk
    Article.objects.filter(pk=claims["times"][0].article_id).update(published=SEP_19)
    Story.objects.filter(pk=story.pk).touch()
    page = event_page(Client(), story, event)
    assert (
        "First reported by <strong>The Washington Times</strong>, "
        '<time datetime="2016-09-19">19 September 2016</time> (by published date).'
    ) in page
    Article.objects.filter(story=story).update(published=None)
    Story.objects.filter(pk=story.pk).touch()
    page = event_page(Client(), story, event)
    assert "First in this story: <strong>CNN</strong> (the first imported" in page


def test_the_overview_gives_each_event_its_accounts_and_marks_copied_cells(newsdesk):
    story, event, _ = newsdesk
    response = Client().get(reverse("claims-story", args=[story.slug]))
    page = response.content.decode()
    assert '<span class="accounts">4 outlets, 3 independent accounts</span>' in page
    assert '<td class="cell reported">2<span class="via">copy of CNN</span></td>' in page
    assert '<td class="cell reported">1<span class="via">originally Reuters</span></td>' in page
    assert SCRIPT not in page


def test_the_report_counts_accounts_and_shows_copies_with_their_original(newsdesk):
    story, event, claims = newsdesk
    response = Client().get(reverse("claims-event-report", args=[story.slug, event.pk]))
    page = response.content.decode()
    assert "4 outlets, 3 independent accounts" in page
    assert "Earliest dated report: <strong>CNN</strong>" in page
    assert '<span class="via">copy of <a href="/stories/newsdesk/articles/' in page
    assert "originally Reuters" in page
    assert SCRIPT not in page


def test_the_agreement_pages_events_give_their_independent_accounts(newsdesk):
    story, event, claims = newsdesk
    link = Link.objects.create(
        story=story, claim_a=claims["cnn"][0], claim_b=claims["times"][0], score=0.8, event=event
    )
    for name, label in (("ann", "agrees"), ("bo", "partly")):
        Annotation.objects.create(
            link=link, annotator=make_user(name, story, "annotator"), label=label
        )
    page = signed_in(make_user("ed", story, "editor")).get(
        reverse("claims-agreement", args=[story.slug])
    )
    html = page.content.decode()
    assert "Independent accounts" in html
    assert '<td class="num">3 <span class="meta">of 4 outlets</span></td>' in html


def test_json_and_csv_give_each_event_its_accounts_and_first_reporter(newsdesk, tmp_path):
    story, event, _ = newsdesk
    row = next(e for e in story_document(story)["events"] if e["id"] == event.pk)
    assert row["independent_accounts"] == 3
    assert row["accounts"] == ["CNN", "Reuters", "The Washington Times"]
    assert (row["first_reported_by"], row["first_reported_on"], row["first_reported_basis"]) == (
        ["CNN"],
        "2016-09-20",
        "published_some_undated",
    )
    write_csv_tables(story, tmp_path)
    with (tmp_path / "events.csv").open(encoding="utf-8-sig") as handle:
        (cells,) = list(csv.DictReader(handle))
    assert cells["independent_accounts"] == "3"
    assert cells["accounts"] == "CNN; Reuters; The Washington Times"
    assert (cells["first_reported_by"], cells["first_reported_on"]) == ("CNN", "2016-09-20")
    downloaded = Client().get(reverse("claims-export-csv", args=[story.slug, "events"]))
    (cells,) = list(csv.DictReader(io.StringIO(downloaded.content.decode("utf-8-sig"))))
    assert cells["independent_accounts"] == "3"
    document = json.loads(Client().get(reverse("claims-export-json", args=[story.slug])).content)
    assert document["events"][0]["independent_accounts"] == 3
    # The Web Annotations carry labels only: nothing of the accounts.
    jsonld = json.dumps(story_annotations_jsonld(story))
    assert "accounts" not in jsonld and "first_reported" not in jsonld


@pytest.mark.django_db
def test_an_event_without_claims_exports_no_accounts(tmp_path):
    story = Story.objects.create(slug="empty", title="Empty")
    Event.objects.create(story=story, key="e", auto_label="Nothing")
    (row,) = story_document(story)["events"]
    assert (row["independent_accounts"], row["first_reported_by"]) == (0, [])
    assert row["first_reported_basis"] is None


def test_blind_review_shows_the_accounts_and_still_hides_decisions(newsdesk):
    story, event, claims = newsdesk
    Story.objects.filter(pk=story.pk).update(blind_review=BlindReview.ON)
    editor = make_user("blind-editor", story, "editor")
    annotator = make_user("blind-annotator", story, "annotator")
    link = Link.objects.create(
        story=story, claim_a=claims["cnn"][0], claim_b=claims["times"][0], score=0.8, event=event
    )
    link.status, link.decided_by = LinkStatus.REJECTED, editor
    link.save()
    Story.objects.filter(pk=story.pk).touch()
    for reader in (signed_in(annotator), Client()):
        page = event_page(reader, story, event)
        assert "4 outlets, 3 independent accounts" in page
        assert "Not shown during blind review" in page
        assert "Rejected" not in page and "blind-editor" not in page
    document = json.loads(
        signed_in(annotator).get(reverse("claims-export-json", args=[story.slug])).content
    )
    assert document["labels"] == "own"
    assert document["events"][0]["independent_accounts"] == 3
    assert [link["status"] for link in document["links"]] == [None]


def test_counting_accounts_takes_the_same_queries_however_many_copies(newsdesk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story, event, claims = newsdesk

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            accounts.for_events([event.pk])
        return len(seen)

    before = queries()
    original = claims["cnn"][0].article_id
    for n in range(10):
        more = article(story, f"Site {n}", [f"Copied {n}."], copy_of_id=original)
        Claim.objects.filter(pk=more[0].pk).update(event=event)
    assert accounts.for_event(event).count == 3
    assert queries() == before
