"""The search page (claims/views/search.py) on the seed story: words in any order, the story's
alias groups, phrases, filters, highlighting, escaping; and the same claims found on SQLite and
PostgreSQL (the suite runs on both: each query's result is checked against the query itself
applied to every claim, and against counts that hold on both)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Outlet
from claims import textsearch
from claims.actions.matching import story_aliases
from claims.models import Alias, Claim
from claims.text.query import parse
from claims.views.search import found_ids
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def url(story) -> str:
    return reverse("claims-search", args=[story.slug])


def results(client, story, **params) -> str:
    response = client.get(url(story), params, headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def texts(html: str) -> list[str]:
    """The claims' texts on the page, marks taken out."""
    found = re.findall(r'<p class="claim-text">(.*?)</p>', html, re.S)
    return [re.sub(r"</?mark[^>]*>", "", t) for t in found]


def summary(html: str) -> str:
    return " ".join(re.search(r'<p class="meta">(.*?)</p>', html, re.S).group(1).split())


def every_claim(story, text, groups=None) -> list[int]:
    """What the query matches, read claim by claim: no index, no database text search."""
    query = parse(text, story_aliases(story) if groups is None else groups)
    claims = Claim.objects.filter(article__story=story).order_by("id")
    return [c.pk for c in claims if query.matches(c.text)]


def test_words_in_any_order_all_of_them(client, matched_story):
    html = results(client, matched_story, q="Kerry Lavrov")
    found = texts(html)
    assert len(found) == 7  # the issue: seven claims hold both words
    assert all("kerry" in t.lower() and "lavrov" in t.lower() for t in found)
    assert summary(html).startswith("7 claims containing “Kerry” and “Lavrov”")
    assert len(texts(results(client, matched_story, q="Lavrov Kerry"))) == 7


def test_a_name_finds_the_other_names_of_its_alias_group(client, matched_story):
    html = results(client, matched_story, q="ISIS")
    found = texts(html)
    assert any("Daesh" in t and "ISIS" not in t for t in found)
    assert any("Islamic State" in t for t in found)
    assert "(or “Islamic State”, “ISIL”, “Daesh”)" in summary(html)
    assert len(found) == len(every_claim(matched_story, "ISIS")) == 15
    assert '<mark class="found" title="“Daesh” is another name for “ISIS” in this story">' in html
    # Without the group, "ISIS" finds only itself, and never "crisis".
    Alias.objects.all().delete()
    found = texts(results(client, matched_story, q="ISIS"))
    assert found and all(re.search(r"\bISIS", t) for t in found)


def test_an_alias_added_is_searched_at_once(client, matched_story):
    assert "No claim contains" in results(client, matched_story, q="Zarqawi")
    Alias.objects.create(story=matched_story, terms="Zarqawi, Lavrov")
    matched_story.__class__.objects.filter(pk=matched_story.pk).touch()
    assert len(texts(results(client, matched_story, q="Zarqawi"))) > 0


def test_a_quoted_phrase(client, matched_story):
    Alias.objects.all().delete()
    phrase = texts(results(client, matched_story, q='"Russian military"'))
    words = texts(results(client, matched_story, q="Russian military"))
    assert len(phrase) == 2 and all(re.search(r"Russian\s+military", t) for t in phrase)
    assert len(words) == 6  # the words apart, in any order, too


def test_hits_are_marked_in_escaped_text(client, matched_story):
    (claim,) = make_article(
        matched_story, "Probe Wire", ['Kerry said "<b>Lavrov</b> & co" <lied>.']
    )
    html = results(client, matched_story, q="Kerry Lavrov")
    row = next(li for li in html.split("<li>") if "Probe Wire" in li)
    assert (
        '<mark class="found" title="matches “Kerry”">Kerry</mark> said &quot;&lt;b&gt;'
        '<mark class="found" title="matches “Lavrov”">Lavrov</mark>&lt;/b&gt; &amp; co&quot; '
        "&lt;lied&gt;."
    ) in row
    html = results(client, matched_story, q='"a<script>alert(1)</script>z"')
    assert "<script>" not in html and "“a&lt;script&gt;alert(1)&lt;/script&gt;z”" in html


@pytest.mark.parametrize(
    "q",
    [
        '"Kerry Lavrov',
        "Kerry NEAR(Lavrov, 5)",
        "Kerry OR Lavrov",
        "-ISIS",
        "ISIS*",
        "(ISIS) AND",
        '"""',
        "^:*",
        "x" * 5000,
        " ".join(["word"] * 500),
        "'; DROP TABLE claims_claim; --",
        "%_%",
        "\x00",
    ],
)
def test_hostile_input_is_read_as_plain_words(client, matched_story, q):
    html = results(client, matched_story, q=q)
    assert 'id="results"' in html
    assert [c for c in found_ids(matched_story, parse(q), {})] == every_claim(matched_story, q, [])


def test_hostile_words_find_what_plain_words_find(client, matched_story):
    plain = texts(results(client, matched_story, q="Kerry Lavrov"))
    assert texts(results(client, matched_story, q='"Kerry Lavrov')) == plain
    assert texts(results(client, matched_story, q="(Kerry) -Lavrov*")) == plain


# The same queries on SQLite and PostgreSQL: each database's index narrows differently, the
# query decides; the counts here hold on both.
SAME = {
    "Kerry Lavrov": 7,
    "ISIS": 15,
    '"aid convoy"': None,
    "convoy Aleppo": None,
    "UN convoy": None,  # a word too short for the trigram indexes
    "US": None,
    "Russia's": None,
    "Russia’s": None,
    "élysée": 2,
    "ÉLYSÉE": 2,
    "elysee": 2,  # accents aside (claims/text/fold.py)
    "é": None,
    "Syrian troops": None,
    "zzzz": 0,
}


@pytest.mark.parametrize("q", SAME)
def test_the_same_claims_on_every_database(matched_story, q):
    make_article(
        matched_story, "Index Wire", ["Officials met at the ÉLYSÉE palace.", "Élysée said."]
    )
    query = parse(q, story_aliases(matched_story))
    found = found_ids(matched_story, query, {})
    assert found == every_claim(matched_story, q)
    if SAME[q] is not None:
        assert len(found) == SAME[q]


def test_the_index_narrows_before_the_query_decides(matched_story):
    claims = Claim.objects.filter(article__story=matched_story)
    query = parse("Kerry Lavrov", story_aliases(matched_story))
    with CaptureQueriesContext(connection) as queries:
        narrowed = textsearch.narrowed(claims, query).count()
    assert 7 <= narrowed < claims.count() / 5
    # the query that counts (the first call in a process looks up the index's table first)
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "sqlite":
        assert "MATCH" in sql
    else:
        assert "UPPER" in sql and "LIKE" in sql  # what the pg_trgm index serves


def test_filters_by_outlet_event_and_date(client, matched_story):
    cnn = Outlet.objects.get(name="CNN")
    html = results(client, matched_story, q="Kerry", outlet=cnn.pk)
    assert texts(html) and "from CNN" in summary(html)
    assert set(re.findall(r'<p class="outlet">(.*?)</p>', html)) == {"CNN"}

    event = Claim.objects.filter(article__story=matched_story, event__isnull=False)[0].event
    html = results(client, matched_story, event=event.pk)  # no words: the event's claims
    assert len(texts(html)) == event.claims.count()

    dated = Article.objects.filter(story=matched_story, published__isnull=False)
    day = dated.order_by("published").first().published
    html = results(client, matched_story, q="Kerry", since=day, until=day)
    found = set(
        Claim.objects.filter(article__published=day, text__icontains="kerry").values_list(
            "text", flat=True
        )
    )
    assert found and set(texts(html)) == found
    late = day + datetime.timedelta(days=400)
    assert "No claim contains" in results(client, matched_story, q="Kerry", since=late)


def test_a_filter_that_is_not_the_storys_is_refused_with_its_error(client, matched_story):
    stranger = Outlet.objects.create(name="Elsewhere", slug="elsewhere")
    response = client.get(url(matched_story), {"q": "Kerry", "outlet": stranger.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in html and "Outlet:" in html
    assert texts(html)  # the words are still searched
    response = client.get(url(matched_story), {"q": "Kerry", "since": "2016-13-45"})
    assert "Published from:" in response.content.decode()


def test_pages_keep_the_query_and_the_filters(client, matched_story):
    outlet = Outlet.objects.get(name="CNN")
    params = {"q": "the", "outlet": outlet.pk, "since": "", "junk": "1"}
    per_page = 50
    n = len(found_ids(matched_story, parse("the"), {"outlet": outlet}))
    if n <= per_page:  # enough claims of one outlet for two pages
        make_article(matched_story, "CNN", [f"The claim number {i}." for i in range(per_page)])
    html = results(client, matched_story, **params)
    nxt = re.search(r'<a href="([^"]+)" hx-get="([^"]+)"[^>]*rel="next"', html)
    assert nxt and nxt.group(1) == nxt.group(2)
    link = nxt.group(1).replace("&amp;", "&")
    assert link == f"?q=the&outlet={outlet.pk}&page=2"
    second = results(client, matched_story, q="the", outlet=outlet.pk, page=2)
    assert 'rel="prev"' in second and "Page 2 of" in summary(second)
    assert not set(texts(second)) & set(texts(html))


def test_the_page_and_the_fragment(client, matched_story):
    page = client.get(url(matched_story), {"q": "ISIS"})
    html = page.content.decode()
    assert "<html" in html and html.count("<h1") == 1
    assert 'name="outlet"' in html and 'name="event"' in html and 'type="date"' in html
    assert 'value="ISIS"' in html
    fragment = results(client, matched_story, q="ISIS")
    assert "<html" not in fragment and 'id="results"' in fragment
    assert client.post(url(matched_story), {"q": "ISIS"}).status_code == 405


def test_queries_do_not_grow_with_the_results(client, matched_story):
    def count(q):
        from django.core.cache import caches

        for alias in ("default", "pages"):
            caches[alias].clear()
        with CaptureQueriesContext(connection) as queries:
            results(client, matched_story, q=q)
        return len(queries)

    assert count("the") == count("Lavrov")


def test_a_big_event_menu_still_accepts_any_event(client, matched_story, monkeypatch):
    from claims.views import search

    monkeypatch.setattr(search, "SHOWN_EVENTS", 1)
    events = list(matched_story.events.order_by("id"))
    html = client.get(url(matched_story)).content.decode()
    assert (
        html.count("<option", html.index('name="event"'))
        - html.count("<option", html.index('name="since"'))
        == 2
    )  # "Any event" and the largest
    last = events[-1]
    html = client.get(url(matched_story), {"event": last.pk}).content.decode()
    assert f'<option value="{last.pk}" selected>' in html
    assert len(texts(html)) == last.claims.count()


def test_a_word_in_most_claims_shows_the_first_found(client, matched_story, monkeypatch):
    from claims.views import search

    monkeypatch.setattr(search, "MOST_FOUND", 60)
    html = results(client, matched_story, q="the")
    assert summary(html).startswith("60+ claims containing “the”")
    assert "Only the first 60 are shown" in summary(html) and "Page 1 of 2" in summary(html)
    every = every_claim(matched_story, "the")
    assert len(every) > 60
    second = results(client, matched_story, q="the", page=2)
    assert len(texts(html)) + len(texts(second)) == 60


def test_postgresql_is_asked_for_the_index_and_its_settings_are_put_back(matched_story):
    if connection.vendor != "postgresql":
        pytest.skip("the planner settings are PostgreSQL's")
    claims = Claim.objects.filter(article__story=matched_story).order_by("id")
    query = parse("Kerry Lavrov")
    with CaptureQueriesContext(connection) as queries:
        ids = textsearch.candidate_ids(claims, query)
    assert ids == list(textsearch.narrowed(claims, query).values_list("id", flat=True))
    assert any("enable_seqscan" in q["sql"] for q in queries.captured_queries)
    with connection.cursor() as cursor:  # the test's transaction goes on as it was
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')"
        )
        assert cursor.fetchone() == ("on", "on")
