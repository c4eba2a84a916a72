"""The story overview at real size: a story told by many outlets (issue 14). Its outlet columns
come those that reported the most events first, the page says how many are not shown, and the
names form answers on itself."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Story
from claims.models import Alias, Edit, Event
from claims.views.overview import OUTLETS_PER_PAGE
from tests.conftest import PASSWORD, make_article, signed_in

HTMX = {"HTTP_HX_REQUEST": "true"}
KINDS = ("Times", "Post", "Herald", "Wire", "Daily")
PLACES = ("Aurora", "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Harbor")


def wide_story(outlets: int = 40, events: int = 10) -> Story:
    """A story told by `outlets` outlets about `events` events, each outlet reporting from
    one event to all of them, so that the order by name and the order by events reported
    differ (outlet i reports event j when (7j + i) mod 10 < 1 + 13i mod 10)."""
    story = Story.objects.create(slug="wide", title=f"A story told by {outlets} outlets")
    made = [
        Event.objects.create(
            story=story,
            key=f"e{j}",
            auto_label=f"Event {j} of the wide story",
            occurred_on=datetime.date(2016, 9, 10 + j),
        )
        for j in range(events)
    ]
    names = [f"{place} {kind}" for kind in KINDS for place in PLACES][:outlets]
    for i, name in enumerate(names):
        told = [j for j in range(events) if (j * 7 + i) % 10 < 1 + (i * 13) % 10]
        claims = make_article(story, name, [f"{name} reports event {j}." for j in told])
        for claim, j in zip(claims, told, strict=True):
            claim.event = made[j]
            claim.save(update_fields=["event"])
    story.events.all().refresh_counts()
    return story


def reported(story) -> dict[str, int]:
    """Each outlet's number of events, counted from the claims."""
    counts = {}
    for article in story.articles.select_related("outlet"):
        events = {c.event_id for c in article.claims.all() if c.event_id}
        counts[article.outlet.name] = counts.get(article.outlet.name, 0) + len(events)
    return counts


def columns(html: str) -> list[str]:
    return re.findall(r'class="outlet-col"><a href="[^"]+">([^<]+)</a></th>', html)


@pytest.mark.django_db
def test_outlet_columns_come_by_events_reported_then_by_name(client):
    story = wide_story()
    counts = reported(story)
    expected = sorted(counts, key=lambda name: (-counts[name], name))
    assert expected != sorted(counts), "the story does not tell the two orders apart"
    shown = []
    for page in (1, 2, 3, 4):
        html = client.get(reverse("claims-story", args=[story.slug]) + f"?outlets={page}")
        shown += columns(html.content.decode())
    assert shown == expected
    first = columns(client.get(reverse("claims-story", args=[story.slug])).content.decode())
    assert len(first) == OUTLETS_PER_PAGE
    # The first page of columns has the fewest empty cells.
    assert min(counts[n] for n in first) >= max(counts[n] for n in expected[OUTLETS_PER_PAGE:])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "says", "links"),
    [
        ("1", "Outlets 1–12 of 40", ["More outlets →"]),
        ("2", "Outlets 13–24 of 40", ["← Previous outlets", "More outlets →"]),
        ("4", "Outlets 37–40 of 40", ["← Previous outlets"]),
    ],
)
def test_the_overview_says_how_many_outlets_are_not_shown(client, page, says, links):
    story = wide_story()
    html = client.get(reverse("claims-story", args=[story.slug]) + f"?outlets={page}")
    note = re.search(
        r'<p class="matrix-note[^"]*" id="outlets-shown">(.*?)</p>', html.content.decode(), re.S
    )
    text = re.sub(r"<[^>]+>", "", note.group(1))
    shown = len(columns(html.content.decode()))
    assert says in text
    assert f"{40 - shown} outlets not shown here" in text
    for link in links:
        assert link in text
    assert ("More outlets →" in text) == ("More outlets →" in links)


@pytest.mark.django_db
def test_a_story_whose_outlets_all_fit_hides_none(client, matched_story):
    html = client.get(reverse("claims-story", args=[matched_story.slug])).content.decode()
    assert "5 outlets, those that reported the most events first." in html
    assert "not shown" not in html and "More outlets" not in html


@pytest.mark.django_db
def test_an_event_row_holds_its_name_and_date_in_one_cell(client):
    story = wide_story(outlets=3, events=2)
    event, named = story.events.get(key="e1"), story.events.get(key="e0")
    named.auto_label = "Talks in Geneva, 10 Sep"  # as the matcher names events: the day last
    named.save()
    html = client.get(reverse("claims-story", args=[story.slug])).content.decode()

    def row(e):
        return re.search(rf'<th scope="row"><a href="[^"]+/events/{e.pk}/">.*?</th>', html, re.S)

    assert 'datetime="2016-09-11">11 Sep</time>' in row(event).group(0)
    assert '<th scope="col">Date</th>' not in html
    # Not twice.
    assert row(named).group(0).count("10 Sep") == 1


# The names form -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_name_comes_back_on_the_form_in_view(matched_story, editor):
    """Without JavaScript the answer is the whole page; the form's address ends in #aliases,
    so the browser shows the form and its error, not the top of the page."""
    client = signed_in(editor)
    target = reverse("claims-alias-add", args=[matched_story.slug])
    response = client.post(target, {"terms": "ISIS"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<header class="site">' in html
    assert f'action="{target}#aliases"' in html
    errors = re.search(r'id="aliases".*?<ul class="errorlist" role="alert">(.*?)</ul>', html, re.S)
    assert "Give at least two different names" in errors.group(1)
    assert 'value="ISIS"' in html
    assert not Edit.objects.exists()


@pytest.mark.django_db
def test_names_added_with_htmx_swap_in_the_names_section(matched_story, editor):
    client = signed_in(editor)
    target = reverse("claims-alias-add", args=[matched_story.slug])
    client.get(reverse("claims-story", args=[matched_story.slug]))  # its parts now cached
    response = client.post(target, {"terms": "Kremlin, Moscow"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="aliases"')
    assert "<li>Kremlin = Moscow</li>" in html and "Alias saved" in html
    assert 'value="Kremlin, Moscow"' not in html, "the form is not emptied"
    alias = Alias.objects.get(story=matched_story, terms="Kremlin, Moscow")
    assert alias.created_by == editor
    assert Edit.objects.get().user == editor
    # The next page shows it too (the story's revision moved: no stale copy).
    page = client.get(reverse("claims-story", args=[matched_story.slug])).content.decode()
    assert "<li>Kremlin = Moscow</li>" in page


@pytest.mark.django_db
def test_names_posted_without_a_csrf_token_are_refused(matched_story, editor):
    client = Client(enforce_csrf_checks=True)
    client.login(username=editor.username, password=PASSWORD)
    target = reverse("claims-alias-add", args=[matched_story.slug])
    assert client.post(target, {"terms": "Kremlin, Moscow"}, **HTMX).status_code == 403
    assert client.post(target, {"terms": "Kremlin, Moscow"}).status_code == 403
    assert not Alias.objects.filter(terms="Kremlin, Moscow").exists()


@pytest.mark.django_db
def test_who_made_an_edit_is_named_to_members_only(matched_story, editor, annotator, outsider):
    """The recent changes name people to the story's members, as the exports do: a reader
    without a role sees that somebody changed the story, not who."""
    editor.username = "Mariana Oyelaran"
    editor.save()
    client = signed_in(editor)
    client.post(
        reverse("claims-alias-add", args=[matched_story.slug]), {"terms": "Kremlin, Moscow"}
    )
    address = reverse("claims-story", args=[matched_story.slug])
    for reader in (editor, annotator):
        page = signed_in(reader).get(address).content.decode()
        assert "<strong>Mariana Oyelaran</strong>" in page
    for reader in (Client(), signed_in(outsider)):
        page = reader.get(address).content.decode()
        assert "Mariana Oyelaran" not in page and "<strong>someone</strong>" in page
