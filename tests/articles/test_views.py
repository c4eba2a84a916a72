"""The reading pages: stories, a story's articles, the article reader."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Outlet, Story
from claims.models import Claim

pytestmark = pytest.mark.django_db


def test_story_list_shows_the_seed_story_with_counts(client, seed_story):
    response = client.get(reverse("articles-stories"))
    assert response.status_code == 200
    html = response.content.decode()
    assert seed_story.title in html
    assert "5 articles from 5 outlets" in html


def test_story_list_without_stories_says_how_to_import(client):
    response = client.get(reverse("articles-stories"))
    assert "import_articles" in response.content.decode()


def article_list_url(story):
    return reverse("articles-story", args=[story.slug])


def test_story_page_lists_articles_with_outlet_title_date_and_claim_count(client, seed_story):
    response = client.get(article_list_url(seed_story))
    html = response.content.decode()
    for article in seed_story.articles.all():
        assert article.get_absolute_url() in html
        assert article.outlet.name in html
    wt = seed_story.articles.get(outlet__name="The Washington Times")
    row = re.search(rf"{wt.get_absolute_url()}.*?</tr>", html, re.S).group(0)
    assert "20 Sep 2016" in row
    assert f'<td class="num">{wt.claims.count()}</td>' in row


def test_unknown_story_and_article_are_404(client, seed_story):
    assert client.get("/stories/nope/articles/").status_code == 404
    other = Story.objects.create(slug="other", title="Other")
    article = seed_story.articles.first()
    assert client.get(f"/stories/{other.slug}/articles/{article.pk}/").status_code == 404


def test_reader_marks_every_claim_span(client, seed_story):
    article = seed_story.articles.get(outlet__name="The Washington Times")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    claims = list(article.claims.all())
    marked = re.findall(r'<a class="claim[^"]*" id="claim-(\d+)"', html)
    assert [int(pk) for pk in marked] == [c.pk for c in claims]
    assert "The cease-fire is not dead" in html
    assert "Sign up for Daily Newsletters" not in html.split("<details")[0]


def test_reader_escapes_article_text(client):
    story = Story.objects.create(slug="x", title="x")
    body = 'The <script>alert("x")</script> tag <b>appeared</b> in a headline.'
    article = Article.objects.create(
        story=story,
        outlet=Outlet.objects.for_name("<img src=x onerror=alert(1)>"),
        title="<i>t</i>",
        source="x.txt",
        body=body,
        original=body,
        original_format="txt",
        content_hash="h",
    )
    Claim.objects.create(article=article, start=0, end=len(body), text=body, position=0)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert "<i>t</i>" not in html


def test_write_methods_are_refused(client, seed_story):
    assert client.post(article_list_url(seed_story)).status_code == 405


def test_story_page_query_count_does_not_grow_with_articles(client, seed_story):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(article_list_url(seed_story)).status_code == 200
        return len(ctx.captured_queries)

    few = count_queries()
    outlet = Outlet.objects.for_name("Bulk")
    for n in range(45):
        body = f"Article number {n} says something."
        Article.objects.create(
            story=seed_story,
            outlet=outlet,
            source=f"{n}.txt",
            body=body,
            original=body,
            original_format="txt",
            content_hash=str(n),
        )
    assert count_queries() == few
