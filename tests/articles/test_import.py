"""The import command and its steps, through the real database."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.ingest import store as store_step
from articles.ingest import text as text_step
from articles.models import Article, Outlet, Story
from claims.models import Claim

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

pytestmark = pytest.mark.django_db


def run_import(*args, expect_failure=False):
    out, err = StringIO(), StringIO()
    if expect_failure:
        with pytest.raises(CommandError):
            call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    else:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def assert_spans_exact(article):
    claims = list(article.claims.order_by("position"))
    assert claims, f"{article.source} has no claims"
    for n, claim in enumerate(claims):
        assert claim.position == n
        assert article.body[claim.start : claim.end] == claim.text
    starts = [c.start for c in claims]
    assert starts == sorted(starts)


def test_seed_directory_imports_five_articles_with_what_the_text_states():
    out, _ = run_import(SEEDS, "--story", "syria")
    story = Story.objects.get(slug="syria")
    assert story.articles.count() == 5
    by_file = {a.source: a for a in story.articles.select_related("outlet")}
    assert by_file["000_fce1e03549333a94.txt"].outlet.name == "Sputnik International"
    wt = by_file["001_f905e831ff7172e5.txt"]
    assert wt.outlet.name == "The Washington Times"
    assert wt.published.isoformat() == "2016-09-20"
    assert by_file["002_91a21abd64638276.txt"].outlet.name == "CNN"
    assert by_file["002_91a21abd64638276.txt"].title.startswith("US, Moscow set to discuss")
    assert by_file["003_cac267b27a17f661.txt"].outlet.name == "Unknown"
    assert by_file["003_cac267b27a17f661.txt"].published.isoformat() == "2016-09-21"
    assert by_file["004_e7e81859fba7527d.txt"].outlet.name == "Unknown"
    assert by_file["004_e7e81859fba7527d.txt"].published is None
    for article in story.articles.all():
        assert_spans_exact(article)
        assert "Subscribe" not in article.body.splitlines()
    assert out.rstrip().endswith("7 files: 5 imported, 0 duplicates, 0 failed, 2 skipped.")


def test_the_command_says_how_to_match_a_new_story_then_what_matching_did():
    first = SEEDS / "000_fce1e03549333a94.txt"
    out, _ = run_import(first, "--story", "syria")
    assert "syria is not matched yet: `python manage.py match_claims --story syria`" in out
    assert out.rstrip().endswith(
        "1 file: 1 imported, 0 duplicates, 0 failed."
    )  # the count stays the last line
    call_command("match_claims", "--story", "syria", stdout=StringIO())
    out, _ = run_import(SEEDS / "002_91a21abd64638276.txt", "--story", "syria")
    story = Story.objects.get(slug="syria")
    cnn = Claim.objects.filter(article__story=story, article__outlet__name="CNN").count()
    assert f"syria: matched {cnn} new claims into the story: " in out
    assert "not matched yet" not in out
    out, _ = run_import(first, "--story", "syria")  # nothing new: nothing to match
    assert "matched" not in out and "1 file: 0 imported, 1 duplicate," in out


def test_outlet_option_overrides_and_title_names_new_story():
    run_import(
        SEEDS / "004_e7e81859fba7527d.txt",
        "--story",
        "s",
        "--outlet",
        "Washington Examiner",
        "--title",
        "My story",
    )
    article = Article.objects.get()
    assert article.outlet.name == "Washington Examiner"
    assert Story.objects.get(slug="s").title == "My story"


def test_importing_twice_reports_duplicates_and_adds_nothing():
    run_import(SEEDS, "--story", "syria")
    counts = Article.objects.count(), Claim.objects.count(), Outlet.objects.count()
    out, _ = run_import(SEEDS, "--story", "syria")
    assert "7 files: 0 imported, 5 duplicates, 0 failed, 2 skipped." in out
    assert "same text as article" in out
    assert (Article.objects.count(), Claim.objects.count(), Outlet.objects.count()) == counts


def test_same_article_may_belong_to_two_stories():
    run_import(SEEDS / "001_f905e831ff7172e5.txt", "--story", "a")
    run_import(SEEDS / "001_f905e831ff7172e5.txt", "--story", "b")
    assert Article.objects.count() == 2


def test_bad_files_are_reported_by_name_and_reason_and_the_rest_goes_on(tmp_path, settings):
    settings.PARALLAX_IMPORT_MAX_BYTES = 2000
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait, said M. Dupont.".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("   \n\n")
    (tmp_path / "chrome.txt").write_text("Subscribe\n\nSign up for Daily Newsletters\n")
    (tmp_path / "big.txt").write_text("The minister said the talks failed. " * 100)
    (tmp_path / "good.txt").write_text(
        "Talks collapse in Geneva\n\nThe talks collapsed on Monday, officials said.\n"
    )
    out, err = run_import(tmp_path, "--story", "t", expect_failure=True)
    assert "binary.txt: binary file" in err
    assert "latin1.txt: not UTF-8 text" in err
    assert "empty.txt: empty file" in err
    assert "chrome.txt: nothing left after removing the site chrome" in err
    assert "big.txt: file is 3,600 bytes, over the import limit of 2,000" in err
    assert "6 files: 1 imported, 0 duplicates, 5 failed." in out
    assert list(Article.objects.values_list("source", flat=True)) == ["good.txt"]


def test_a_text_with_no_sentence_is_said_to_have_none_not_to_be_site_chrome(tmp_path):
    """A UTF-16 file holding "Hi" failed as "nothing left after removing the site chrome"."""
    (tmp_path / "utf16.txt").write_bytes("Hi".encode("utf-16"))
    (tmp_path / "labels.txt").write_text("Talks In Geneva Collapse Again\n" * 4 + "World\n" * 12)
    (tmp_path / "chrome.txt").write_text("Subscribe\n\nShare this\n\nHi\n")
    _, err = run_import(tmp_path, "--story", "t", expect_failure=True)
    assert "utf16.txt: too short to be an article: 1 word, no sentence" in err
    assert (
        "labels.txt: no sentence to import: every line is a heading or label without "
        "sentence punctuation"
    ) in err
    assert "chrome.txt: nothing left after removing the site chrome" in err


def test_stated_headline_outlet_and_date_are_what_the_article_shows(tmp_path):
    (tmp_path / "global_wire.txt").write_text(
        "Convoy strike ends the truce\nThe convoy was hit on Monday, officials said.\n"
    )
    (tmp_path / "gazette.txt").write_text(
        "Port reopens - The Harbor Gazette - Wednesday, March 24, 2021\n\n"
        "The port reopened on Wednesday, officials said.\n\n© 2021 The Harbor Gazette\n"
    )
    out, _ = run_import(tmp_path, "--story", "shapes")
    assert "Untitled" not in out
    by_file = {a.source: a for a in Article.objects.select_related("outlet")}
    assert by_file["global_wire.txt"].display_title == "Convoy strike ends the truce"
    gazette = by_file["gazette.txt"]
    assert (gazette.title, gazette.outlet.name, gazette.published.isoformat()) == (
        "Port reopens",
        "The Harbor Gazette",
        "2021-03-24",
    )
    assert gazette.body == "The port reopened on Wednesday, officials said."


def test_an_outlet_and_date_line_dates_the_article_and_is_removed_as_such(tmp_path):
    """`Fernhill Herald - December 27, 2008` under the headline: the article said "Date not
    stated" and listed the line as a "related headline"."""
    (tmp_path / "v5.txt").write_text(
        "Library opening delayed again\n\nFernhill Herald - December 27, 2008\n\n"
        "Officials said on Monday that the library will open next spring.\n"
    )
    run_import(tmp_path, "--story", "dates", "--outlet", "Fernhill Herald")
    article = Article.objects.get()
    assert (article.outlet.name, article.published.isoformat()) == ("Fernhill Herald", "2008-12-27")
    assert [(r["text"], r["reason"]) for r in article.removed_lines] == [
        ("Library opening delayed again", "headline"),
        ("Fernhill Herald - December 27, 2008", "outlet/dateline line"),
    ]


def test_a_sentence_too_long_for_a_claim_fails_its_file_or_line_by_name(tmp_path):
    """A 2 MB line of words without a full stop was one claim of 1,999,999 characters, and the
    search page showing it weighed 23.6 MB. Whether a .txt file, JSONL text or a JSONL claim."""
    run_on = "word " * 700  # 3,499 characters once stripped
    (tmp_path / "hugeline.txt").write_text(run_on)
    (tmp_path / "good.txt").write_text("Talks collapse\n\nThe talks collapsed, officials said.\n")
    write_jsonl(
        tmp_path / "lines.jsonl",
        {"outlet": "A", "text": "The port closed. " + run_on},
        {"outlet": "B", "text": run_on + ".", "claims": [run_on.strip()]},
        {"outlet": "C", "text": "The port reopened. " + "word " * 590 + "end."},
    )
    out, err = run_import(tmp_path, "--story", "long", expect_failure=True)
    failed = dict(line.split("/")[-1].split(": ", 1) for line in err.splitlines())
    assert failed == {
        "hugeline.txt": "a sentence of 3,499 characters, over the 3,000 a claim may hold: not "
        "article text (sentence punctuation missing?)",
        "lines.jsonl:1": failed["hugeline.txt"].replace("3,499", "3,516"),
        "lines.jsonl:2": failed["hugeline.txt"],
    }
    assert sorted(Article.objects.values_list("source", flat=True)) == [
        "good.txt",
        "lines.jsonl:3",  # its sentence of 2,973 characters is one claim
    ]
    assert max(len(c.text) for c in Claim.objects.all()) == 2973


def test_unknown_file_types_in_a_directory_are_skipped_and_named_ones_fail(tmp_path):
    (tmp_path / "notes.md").write_text("# notes")
    (tmp_path / "a.txt").write_text("Rain fell on Tuesday, forecasters said.\n")
    out, _ = run_import(tmp_path, "--story", "t")
    assert "skipped" in out and "notes.md" in out
    _, err = run_import(tmp_path / "notes.md", "--story", "t", expect_failure=True)
    assert "unsupported file type" in err
    _, err = run_import(tmp_path / "missing.txt", "--story", "t", expect_failure=True)
    assert "missing.txt: no such file or directory" in err


def write_jsonl(path, *records):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    return path


def test_jsonl_with_text_claims_and_html(tmp_path):
    html = (
        "<html><head><title>Convoy hit | Daily Planet</title>"
        '<meta property="og:site_name" content="Daily Planet"></head><body><article>'
        "<h1>Convoy hit</h1><p>An aid convoy was hit near Aleppo on Monday, officials said.</p>"
        "<p>At least 20 people were killed, the Red Cross said.</p></article></body></html>"
    )
    path = write_jsonl(
        tmp_path / "corpus.jsonl",
        {
            "title": "Talks stall",
            "outlet": "Agence One",
            "url": "https://one.example/a",
            "published": "2016-09-20",
            "text": "Talks stalled on Tuesday. Both sides blamed the other.",
        },
        {
            "title": "Pre-segmented",
            "outlet": "Agence Two",
            "source": "two-17",
            "claims": ["The truce ended.", "Aid did not arrive."],
        },
        {"outlet": "Agence Three", "url": "https://three.example/x", "html": html},
    )
    run_import(path, "--story", "j")
    one, two, three = Article.objects.order_by("id")
    assert (one.outlet.name, one.title, one.source) == (
        "Agence One",
        "Talks stall",
        "https://one.example/a",
    )
    assert one.published.isoformat() == "2016-09-20"
    assert [c.text for c in one.claims.all()] == [
        "Talks stalled on Tuesday.",
        "Both sides blamed the other.",
    ]
    assert two.body == "The truce ended. Aid did not arrive."
    assert [c.text for c in two.claims.all()] == ["The truce ended.", "Aid did not arrive."]
    assert three.outlet.name == "Agence Three"
    assert three.title == "Convoy hit"
    assert "An aid convoy was hit near Aleppo" in three.body
    for article in (one, two, three):
        assert_spans_exact(article)


URL_TOKENISED = (
    "http: / / www. example. com / news / 2016 / 09 / 20 / aid - convoy - hit - near - "
    "aleppo - un - says - trucks - burned. html"
)
FURNISHED_PAGE = f"""Aid Convoy Hit Near Aleppo

By JOHN SMITH, Associated Press
August 8, 2012 - 4: 43 pm
{URL_TOKENISED}
Posted: Sep 20, 2016 7:40 PM ET. Updated: Sep 21, 2016 8:10 AM ET.
By Tuesday, the talks had collapsed.
An aid convoy was hit near Aleppo on Monday, the UN said. Posted guards stood at the gate.
(CNN) --
"""


def test_datelines_bylines_and_addresses_are_no_claims_and_offsets_stay_exact(tmp_path):
    (tmp_path / "page.txt").write_text(FURNISHED_PAGE)
    run_import(tmp_path / "page.txt", "--story", "f")
    article = Article.objects.get()
    assert [c.text for c in article.claims.order_by("position")] == [
        "By Tuesday, the talks had collapsed.",
        "An aid convoy was hit near Aleppo on Monday, the UN said.",
        "Posted guards stood at the gate.",
    ]
    assert_spans_exact(article)
    # Furniture the cleaner keeps stays in the text, only outside the claims.
    assert URL_TOKENISED in article.body
    assert "Posted: Sep 20, 2016 7:40 PM ET." in article.body
    # What the page states about itself is still read.
    assert (article.title, article.byline) == ("Aid Convoy Hit Near Aleppo", "JOHN SMITH")
    assert article.outlet.name == "Associated Press"
    assert article.published.isoformat() == "2012-08-08"


def test_jsonl_claims_are_kept_as_given_even_when_they_look_like_furniture(tmp_path):
    claims = ["http: / / www. example. com / news", "May 2, 2013", "Lohan checked into rehab."]
    path = write_jsonl(tmp_path / "ecb.jsonl", {"outlet": "1_1", "claims": claims})
    run_import(path, "--story", "e")
    article = Article.objects.get()
    assert [c.text for c in article.claims.order_by("position")] == claims


def test_jsonl_text_gets_no_furniture_claims(tmp_path):
    text = "May 2, 2013 | 5: 03pm\n\nLohan checked into rehab.\n\nBy Associated Press"
    path = write_jsonl(tmp_path / "text.jsonl", {"outlet": "1_2", "text": text})
    run_import(path, "--story", "e")
    article = Article.objects.get()
    assert [c.text for c in article.claims.all()] == ["Lohan checked into rehab."]
    assert article.body == text
    assert_spans_exact(article)


def test_jsonl_bad_lines_are_reported_with_line_numbers_and_good_lines_import(tmp_path):
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        {"title": "ok", "outlet": "A", "text": "The bridge reopened on Friday."},
        "{not json",
        {
            "title": "bad claims",
            "outlet": "B",
            "text": "One thing happened.",
            "claims": ["Another thing happened."],
        },
        {
            "title": "order",
            "outlet": "C",
            "text": "First. Second.",
            "claims": ["Second.", "First."],
        },
        {"title": "date", "outlet": "D", "text": "Something.", "published": "20/09/2016"},
        {"title": "nothing", "outlet": "E"},
        ["not", "an", "object"],
        {"title": "ok2", "outlet": "F", "text": "The port closed on Saturday."},
    )
    out, err = run_import(path, "--story", "j", expect_failure=True)
    assert "mixed.jsonl:2: malformed JSON" in err
    assert "mixed.jsonl:3: claim 1 does not occur in the body at all" in err
    assert "mixed.jsonl:4: claim 2 does not occur in the body after the previous claim" in err
    assert "mixed.jsonl:5: 'published' is not an ISO date" in err
    assert "mixed.jsonl:6: needs 'text', 'html' or 'claims'" in err
    assert "mixed.jsonl:7: each line must be a JSON object" in err
    assert sorted(Article.objects.values_list("title", flat=True)) == ["ok", "ok2"]
    assert not Outlet.objects.filter(name__in=["B", "C", "D", "E"]).exists()


def test_html_file_import_reads_metadata_and_sanitises_display(tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><title>Strike on troops | Example News</title>"
        '<meta property="og:site_name" content="Example News">'
        '<meta name="author" content="Jane Doe">'
        '<meta property="article:published_time" content="2016-09-18T09:00:00Z"></head>'
        "<body><nav>Home | Subscribe | Sign in</nav><article><h1>Strike on troops</h1>"
        "<p>A coalition airstrike hit Syrian troops near Deir ez-Zor on Saturday, the "
        'military said.</p><p onclick="steal()">Russia called an emergency meeting of the '
        "Security Council.<script>alert(1)</script></p></article>"
        "<footer>Copyright 2016 Example News</footer></body></html>"
    )
    run_import(tmp_path / "page.html", "--story", "h")
    article = Article.objects.get()
    assert article.outlet.name == "Example News"
    assert article.title == "Strike on troops"
    assert article.byline == "Jane Doe"
    assert article.published.isoformat() == "2016-09-18"
    assert article.body.startswith("A coalition airstrike hit Syrian troops")
    assert "Subscribe" not in article.body and "Copyright" not in article.body
    assert "<script" not in article.display_html and "onclick" not in article.display_html
    assert "emergency meeting" in article.display_html
    assert_spans_exact(article)


def test_html_without_metadata_gets_unknown_outlet_and_no_date(tmp_path):
    (tmp_path / "bare.html").write_text(
        "<html><body><p>Officials said on Monday that the convoy had been hit by an "
        "airstrike near the city, killing several drivers and aid workers.</p>"
        "<p>The United Nations suspended all aid deliveries in the country after the "
        "attack, a spokesman said.</p></body></html>"
    )
    run_import(tmp_path / "bare.html", "--story", "h")
    article = Article.objects.get()
    assert article.outlet.name == "Unknown"
    assert article.published is None


def test_failure_halfway_through_an_article_leaves_no_rows(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("The first sentence is here. The second one follows.\n")
    real_bulk_create = Claim.objects.bulk_create

    def explode(objs, *args, **kwargs):
        objs = list(objs)
        real_bulk_create(objs[:1])
        raise RuntimeError("disk full")

    monkeypatch.setattr(Claim.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        store_step.store(
            text_step.draft_from_text((tmp_path / "a.txt").read_text(), "a.txt", frozenset()),
            Story.objects.create(slug="x", title="x"),
        )
    assert Article.objects.count() == 0
    assert Claim.objects.count() == 0
    assert not Outlet.objects.exists()


def test_repeated_lines_of_one_outlet_are_removed_across_its_articles(tmp_path):
    chrome = "Daily Planet\nYour trusted news since 1938\n\n"
    (tmp_path / "one.txt").write_text(
        chrome + "Floods hit the north on Monday, the weather service said.\n\nShare on Flickr\n"
    )
    (tmp_path / "two.txt").write_text(
        chrome + "The mayor resigned on Tuesday after weeks of protests.\n\nShare on Flickr\n"
    )
    run_import(tmp_path, "--story", "r", "--outlet", "Daily Planet")
    bodies = list(Article.objects.values_list("body", flat=True))
    assert len(bodies) == 2
    for body in bodies:
        assert "Your trusted news since 1938" not in body
        assert "Share on Flickr" not in body
    assert any("Floods hit the north" in b for b in bodies)
    assert any("The mayor resigned" in b for b in bodies)


def test_load_seeds_is_safe_to_run_twice():
    call_command("load_seeds", stdout=StringIO())
    counts = Article.objects.count(), Claim.objects.count(), Outlet.objects.count()
    out = StringIO()
    call_command("load_seeds", stdout=out)
    assert (Article.objects.count(), Claim.objects.count(), Outlet.objects.count()) == counts
    assert "5 duplicate" in out.getvalue()
    names = set(Article.objects.values_list("outlet__name", flat=True))
    assert names == {
        "Sputnik International",
        "The Washington Times",
        "CNN",
        "Military Times",
        "Washington Examiner",
    }
    assert Outlet.objects.get(name="Sputnik International").ownership == "state-funded"


def test_an_outlet_another_import_makes_meanwhile_is_the_one_used(monkeypatch):
    """The chunks of one upload import at once on several workers (tests/cluster/ runs them
    on two hosts), each naming the same new outlet: each looks, finds none, and makes it. The
    one that comes second gets the first one's outlet, not an IntegrityError for its file."""
    from articles.models import OutletQuerySet

    def missed_then_made_elsewhere(queryset, name):  # our look found nothing; then
        Outlet.objects.create(name=name, slug="race-wire")  # another worker makes it
        return None

    monkeypatch.setattr(OutletQuerySet, "_also_named", missed_then_made_elsewhere)
    outlet = Outlet.objects.for_name("Race Wire")

    assert list(Outlet.objects.filter(name="Race Wire")) == [outlet]
