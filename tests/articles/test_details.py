"""Editors fix what an import read (an article's outlet, title, date, byline; an outlet's
details; two outlets that are one) in the browser: rights, CSRF, the record, re-matching."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, Outlet, Role, Story
from tests.conftest import make_article, make_user, signed_in

pytestmark = pytest.mark.django_db

FIX_IT = "Fix the outlet, title, date or byline"
UNTITLED = "004_e7e81859fba7527d.txt"  # states no title or date; load_seeds gives its outlet


@pytest.fixture
def article(seed_story):
    return seed_story.articles.get(source=UNTITLED)


def details_url(article):
    return reverse("articles-article-details", args=[article.story.slug, article.pk])


def outlet_url(story, outlet):
    return reverse("articles-outlet", args=[story.slug, outlet.slug])


def merge_url(story, outlet):
    return reverse("articles-outlet-merge", args=[story.slug, outlet.slug])


def loaded(client, article) -> str:
    """The version the form on the article page carries."""
    html = client.get(article.get_absolute_url()).text
    return (
        html.split('name="loaded" value="')[1]
        .split('"')[0]
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
    )


def fix(client, article, version=None, **values):
    data = {
        "outlet": article.outlet.name,
        "title": article.title,
        "published": article.published.isoformat() if article.published else "",
        "byline": article.byline,
        "loaded": version if version is not None else loaded(client, article),
        **values,
    }
    return client.post(details_url(article), data)


def test_only_editors_get_the_form_on_the_article_page(client, article, editor, annotator):
    assert FIX_IT in signed_in(editor).get(article.get_absolute_url()).text
    assert FIX_IT not in signed_in(annotator).get(article.get_absolute_url()).text
    assert FIX_IT not in client.get(article.get_absolute_url()).text


def test_editor_fixes_title_date_byline_and_a_new_outlet(client, article, editor):
    editor_client = signed_in(editor)
    response = fix(
        editor_client,
        article,
        title="Pentagon plans for joint strikes",
        published="2016-09-20",
        byline="Jamie McIntyre",
        outlet="Examiner Online",
    )
    assert response.status_code == 302 and response.url == article.get_absolute_url()
    article.refresh_from_db()
    assert (article.title, article.published, article.byline, article.outlet.name) == (
        "Pentagon plans for joint strikes",
        date(2016, 9, 20),
        "Jamie McIntyre",
        "Examiner Online",
    )
    html = editor_client.get(article.get_absolute_url()).text
    assert "<h1>Pentagon plans for joint strikes</h1>" in html
    assert "Saved: outlet “Washington Examiner” → “Examiner Online”" in html
    assert "“Match again” on the story overview reads its claims&#x27; weekdays against it." in html
    # Recorded, and every reader sees who changed what, and when.
    public = client.get(article.get_absolute_url()).text
    assert "Changes to this article" in public
    assert (
        "<strong>editor</strong> changed outlet “Washington Examiner” → “Examiner Online”; "
        in public
    )
    assert "title (none) → “Pentagon plans for joint strikes”; date (none) → “2016-09-20”" in public
    assert "just now</time>" in public  # when, in words


def test_the_outlet_is_chosen_from_the_storys_outlets(article, editor):
    editor_client = signed_in(editor)
    html = editor_client.get(article.get_absolute_url()).text
    assert '<datalist id="story-outlets">' in html and '<option value="CNN">' in html
    outlets = Outlet.objects.count()
    fix(editor_client, article, outlet="  cnn ")
    article.refresh_from_db()
    assert article.outlet.name == "CNN" and Outlet.objects.count() == outlets


def test_text_is_escaped_on_the_page_and_in_the_record(client, article, editor):
    fix(signed_in(editor), article, title="<script>alert(1)</script>", byline="<b>Bo</b>")
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in html and "<b>Bo</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("who", ["anonymous", "outsider", "annotator"])
def test_who_may_not_edit_the_story_changes_nothing(who, article, editor, annotator, outsider):
    version = loaded(signed_in(editor), article)
    client = Client() if who == "anonymous" else signed_in(locals()[who])
    response = fix(client, article, version, title="Vandalised")
    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))
    assert Article.objects.get(pk=article.pk).title == ""
    assert client.get(details_url(article)).status_code == (302 if who == "anonymous" else 403)


def test_csrf_is_enforced(article, editor):
    version = loaded(signed_in(editor), article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert fix(client, article, version, title="Forged").status_code == 403
    assert Article.objects.get(pk=article.pk).title == ""


def test_a_bad_date_is_refused_and_nothing_written(article, editor):
    client = signed_in(editor)
    response = fix(client, article, published="2016-02-30")
    assert response.status_code == 400 and "Enter a valid date" in response.text
    version = loaded(client, article)
    response = client.post(
        details_url(article),
        {"outlet": "Unknown", "published": "yesterday", "loaded": version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert Article.objects.get(pk=article.pk).published is None


def test_a_change_made_meanwhile_is_not_overwritten(article, editor, seed_story):
    other = make_user("other-editor", seed_story, Role.EDITOR)
    mine, theirs = signed_in(editor), signed_in(other)
    version = loaded(mine, article)
    fix(theirs, article, title="Their title")
    response = fix(mine, article, version, title="My title")
    assert response.status_code == 409
    assert "Someone changed these details" in response.text and "“Their title”" in response.text
    assert Article.objects.get(pk=article.pk).title == "Their title"
    # The form it answers with carries what is there now: saving again replaces it, knowingly.
    again = response.text.split('name="loaded" value="')[1].split('"')[0]
    again = again.replace("&quot;", '"').replace("&#x27;", "'")
    assert fix(mine, article, again, title="My title").status_code == 302
    assert Article.objects.get(pk=article.pk).title == "My title"


def test_fixed_details_survive_a_rematch_which_reads_the_new_date(db):
    from claims.actions.matching import match_story

    story = Story.objects.create(slug="convoy", title="Convoy")
    editor = make_user("edna", story, Role.EDITOR)
    make_article(story, "Agence One", ["The UN aid convoy was hit by an airstrike near Aleppo."])
    make_article(story, "Agence Two", ["An airstrike hit the UN aid convoy near Aleppo on Monday."])
    match_story(story)
    event = story.events.get()
    assert event.occurred_on is None  # "Monday" of an article without a date: no day
    article = story.articles.get(outlet__name="Agence Two")
    fix(signed_in(editor), article, title="Convoy hit", published="2016-09-20", outlet="Two")

    match_story(story)

    article.refresh_from_db()
    assert (article.title, article.published, article.outlet.name) == (
        "Convoy hit",
        date(2016, 9, 20),
        "Two",
    )
    assert story.events.get().occurred_on == date(2016, 9, 19)  # the Monday before


# The outlet page


@pytest.fixture
def cnn(seed_story):
    return Outlet.objects.get(name="CNN")


def test_editor_sets_country_ownership_and_homepage(client, seed_story, cnn, editor):
    editor_client = signed_in(editor)
    page = editor_client.get(outlet_url(seed_story, cnn))
    assert page.status_code == 200 and "Merge with another outlet" in page.text
    data = {"country": "USA", "ownership": "nonprofit", "domain": "https://www.CNN.com/world"}
    response = editor_client.post(outlet_url(seed_story, cnn), data)
    assert response.status_code == 302
    cnn.refresh_from_db()
    assert (cnn.country, cnn.ownership, cnn.domain) == ("USA", "nonprofit", "cnn.com")
    html = editor_client.get(outlet_url(seed_story, cnn)).text
    assert "Changes to this outlet" in html
    assert "<strong>editor</strong> changed country “United States” → “USA”" in html
    framing = reverse("claims-outlet", args=[seed_story.slug, cnn.slug])
    assert outlet_url(seed_story, cnn) in editor_client.get(framing).text
    assert outlet_url(seed_story, cnn) not in client.get(framing).text


def test_a_bad_homepage_is_refused(seed_story, cnn, editor):
    response = signed_in(editor).post(
        outlet_url(seed_story, cnn), {"country": "", "ownership": "", "domain": "not a domain"}
    )
    assert response.status_code == 400 and "A domain, such as cnn.com." in response.text
    assert Outlet.objects.get(pk=cnn.pk).domain == "cnn.com"


@pytest.mark.parametrize("who", ["anonymous", "outsider", "annotator"])
def test_who_may_not_edit_changes_no_outlet(who, seed_story, cnn, annotator, outsider):
    client = Client() if who == "anonymous" else signed_in(locals()[who])
    for url in (outlet_url(seed_story, cnn), merge_url(seed_story, cnn)):
        response = client.post(url, {"country": "Nowhere", "domain": "", "ownership": ""})
        assert response.status_code == (302 if who == "anonymous" else 403)
    assert Outlet.objects.get(pk=cnn.pk).country == "United States"


def test_outlet_csrf_is_enforced(seed_story, cnn, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    data = {"country": "Nowhere", "domain": "", "ownership": ""}
    assert client.post(outlet_url(seed_story, cnn), data).status_code == 403
    assert client.post(merge_url(seed_story, cnn), {"into": cnn.pk}).status_code == 403
    assert Outlet.objects.get(pk=cnn.pk).country == "United States"


def test_an_outlet_shared_with_a_story_one_does_not_edit_is_not_theirs_to_change(
    seed_story, cnn, editor
):
    elsewhere = Story.objects.create(slug="elsewhere", title="Elsewhere")
    make_article(elsewhere, "CNN", ["Talks resumed in Geneva on Friday."])
    response = signed_in(editor).post(
        outlet_url(seed_story, cnn), {"country": "Nowhere", "domain": "", "ownership": ""}
    )
    assert response.status_code == 403
    assert "stories you are not an editor of" in response.text
    assert Outlet.objects.get(pk=cnn.pk).country == "United States"


def test_the_unknown_outlet_is_changed_by_no_one(seed_story, editor):
    make_article(seed_story, "Unknown", ["The text of this one names no outlet."])
    unknown = Outlet.objects.get(name="Unknown")
    assert signed_in(editor).get(outlet_url(seed_story, unknown)).status_code == 403


# Merging two outlets that are one


@pytest.fixture
def cnn_com(seed_story):
    make_article(seed_story, "cnn.com", ["The convoy was hit near Aleppo on Monday."])
    return Outlet.objects.get(name="cnn.com")


def test_editor_merges_two_outlets_that_are_one(client, seed_story, cnn, cnn_com, editor):
    moved = list(cnn_com.articles.all())
    editor_client = signed_in(editor)
    assert (
        f'<option value="{cnn.pk}">CNN</option>'
        in editor_client.get(outlet_url(seed_story, cnn_com)).text
    )
    response = editor_client.post(merge_url(seed_story, cnn_com), {"into": cnn.pk})
    assert response.status_code == 302 and response.url == outlet_url(seed_story, cnn)
    assert not Outlet.objects.filter(name="cnn.com").exists()
    assert all(a.outlet_id == cnn.pk for a in Article.objects.filter(pk__in=[a.pk for a in moved]))
    assert "Also named: cnn.com" in Outlet.objects.get(pk=cnn.pk).notes
    html = editor_client.get(outlet_url(seed_story, cnn)).text
    assert "Merged “cnn.com” into “CNN”: 1 article moved." in html
    assert "<strong>editor</strong> merged “cnn.com” into it: 1 article(s) moved" in html
    article_page = client.get(moved[0].get_absolute_url()).text
    assert "changed outlet “cnn.com” → “CNN” (outlets merged)" in article_page


def test_a_merge_that_fails_halfway_moves_nothing(seed_story, cnn, cnn_com, editor, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Outlet, "delete", broken)
    client = signed_in(editor)
    client.raise_request_exception = False
    assert client.post(merge_url(seed_story, cnn_com), {"into": cnn.pk}).status_code == 500
    assert cnn_com.articles.count() == 1
    assert "Also named" not in Outlet.objects.get(pk=cnn.pk).notes


def test_no_merge_into_itself_or_unknown(seed_story, cnn, editor):
    client = signed_in(editor)
    make_article(seed_story, "Unknown", ["The text of this one names no outlet."])
    unknown = Outlet.objects.get(name="Unknown")
    for target in (cnn, unknown):
        response = client.post(merge_url(seed_story, cnn), {"into": target.pk})
        assert response.status_code == 400
    assert Outlet.objects.filter(pk=cnn.pk).exists()


def test_an_import_naming_the_merged_outlet_lands_in_the_one_kept(seed_story, cnn, cnn_com, editor):
    from articles.ingest.importer import Upload, import_uploads

    signed_in(editor).post(merge_url(seed_story, cnn_com), {"into": cnn.pk})
    page = "- CNN.com\n\nThe convoy was hit on Monday, officials said.\n"
    report = import_uploads([Upload("later.txt", page.encode())], seed_story)
    assert report.articles[0].outlet.name == "CNN"
    assert not Outlet.objects.filter(name__iexact="cnn.com").exists()
