"""Claims that also tell of an event: a claim stays in its own event and, when the matcher lists
it on another event (Event.also_claims) and a link no one rejected ties it to a claim of that
event, shows on that event's page and in the export."""

import csv
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Outlet, Story
from claims.models import Claim, Event, Link, LinkStatus
from tests.conftest import PASSWORD, make_article, make_user, signed_in

pytestmark = pytest.mark.django_db

STRIKE = [
    "Coalition jets struck Syrian troops near Deir ez-Zor on Saturday.",
    "The strike near Deir ez-Zor killed 62 Syrian soldiers.",
]
DISTRUST = [
    "Russia said it had never trusted the Pentagon.",
    "The strike on Syrian troops confirmed Russia's suspicions that the Pentagon would not "
    "deliver joint operations.",
]
SCRIPT = "<script>alert('also')</script> Jets hit the troops at Deir ez-Zor, a monitor said."


def link(story, one, other, status=LinkStatus.SUGGESTED, score=0.6):
    a, b = sorted((one, other), key=lambda c: c.pk)
    return Link.objects.create(
        story=story,
        claim_a=a,
        claim_b=b,
        score=score,
        status=status,
        shared_terms=["Syrian troops"],
        explanation="Both mention Syrian troops",
    )


def also_tells(story, claim, event, to):
    """What the matcher stores for a claim that also tells of `event`: the claim listed on it,
    and a suggested link to `to`, one of its claims."""
    event.also_claims.add(claim)
    return link(story, claim, to)


@pytest.fixture
def story():
    """Alpha and Beta tell of the strike (event Y) and of the distrust (event X); Beta's
    distrust claim also tells of the strike; Gamma's only claim is in no event and also tells
    of the strike, with a script in its text."""
    story = Story.objects.create(slug="strike", title="The strike")
    strike = Event.objects.create(story=story, key="y", auto_label="Deir ez-Zor strike")
    distrust = Event.objects.create(
        story=story, key="x", auto_label="US <em>military</em> distrust"
    )
    a_strike, a_distrust = make_article(story, "Alpha Wire", [STRIKE[0], DISTRUST[0]])
    b_strike, b_distrust = make_article(story, "Beta News", [STRIKE[1], DISTRUST[1]])
    (gamma,) = make_article(story, "Gamma Post", [SCRIPT])
    Claim.objects.filter(pk__in=[a_strike.pk, b_strike.pk]).update(event=strike)
    Claim.objects.filter(pk__in=[a_distrust.pk, b_distrust.pk]).update(event=distrust)
    Event.objects.filter(story=story).refresh_counts()
    link(story, a_strike, b_strike, score=0.9)
    link(story, a_distrust, b_distrust, score=0.8)
    story.c = {
        "strike": strike,
        "distrust": distrust,
        "a_strike": a_strike,
        "b_strike": b_strike,
        "a_distrust": a_distrust,
        "b_distrust": b_distrust,
        "gamma": gamma,
        "also": also_tells(story, b_distrust, strike, to=a_strike),
        "gamma_link": also_tells(story, gamma, strike, to=a_strike),
    }
    Story.objects.filter(pk=story.pk).touch()
    story.refresh_from_db()
    return story


def page(story, event, client=None) -> str:
    response = (client or Client()).get(reverse("claims-event", args=[story.slug, event.pk]))
    assert response.status_code == 200
    return response.content.decode()


def column(html, outlet_name) -> str:
    pk = Outlet.objects.get(name=outlet_name).pk
    found = re.search(
        rf'<section class="column"[^>]*aria-labelledby="col-{pk}">.*?</section>', html, re.S
    )
    assert found, f"no column for {outlet_name}"
    return found.group(0)


def also_section(html, outlet_name) -> str:
    """The part of an outlet's column under "Also tells of this event" ("" when none)."""
    col = column(html, outlet_name)
    return col.split("Also tells of this event", 1)[1] if "Also tells of this event" in col else ""


def export(story) -> dict:
    out = StringIO()
    call_command("export_story", story.slug, stdout=out, stderr=StringIO())
    return {e["id"]: e for e in json.loads(out.getvalue())["events"]}


def test_event_page_shows_claims_of_other_events_that_also_tell_of_it(story):
    c = story.c
    html = page(story, c["strike"])
    beta = column(html, "Beta News")
    # Beta's own claim first, then its distrust claim, marked, with a link to its own event.
    assert beta.index(f'id="c{c["b_strike"].pk}"') < beta.index("Also tells of this event")
    also = also_section(html, "Beta News")
    assert f'id="c{c["b_distrust"].pk}"' in also
    assert "Pentagon would not deliver joint operations" in also
    distrust_url = reverse("claims-event", args=[story.slug, c["distrust"].pk])
    label = "US &lt;em&gt;military&lt;/em&gt; distrust"
    assert f'mainly in: <a href="{distrust_url}" title="{label}">{label}</a>' in also
    # Alpha has no claim that also tells of the strike: no such heading in its column.
    assert also_section(html, "Alpha Wire") == ""
    # The heading counts the event's own claims and outlets; Gamma only mentions it.
    assert "· 2 outlets, 2 independent accounts</p>" in html
    gamma = column(html, "Gamma Post")
    assert "No claim of its own in this event." in gamma
    assert "in no event" in also_section(html, "Gamma Post")
    # The links that bring them here are in the links list, like any other.
    links = html.split('id="links-h"', 1)[1]
    for key in ("also", "gamma_link"):
        assert f'id="link-{c[key].pk}"' in links
    # The distrust link, between two claims of another event, is not.
    distrust_link = Link.objects.get(claim_a__event=c["distrust"], claim_b__event=c["distrust"])
    assert f'id="link-{distrust_link.pk}"' not in html


def test_a_link_alone_does_not_say_which_event_a_claim_also_tells_of(story):
    c = story.c
    # Alpha's strike claim is linked to Beta's distrust claim, but the matcher found that the
    # distrust claim tells of the strike, not the other way round.
    html = page(story, c["distrust"])
    assert "Also tells of this event" not in html
    assert f'id="c{c["a_strike"].pk}"' not in html and f'id="c{c["gamma"].pk}"' not in html
    assert f'id="link-{c["also"].pk}"' not in html
    # Listed on an event without a link to its claims: not shown either.
    c["strike"].also_claims.add(c["a_distrust"])
    Story.objects.filter(pk=story.pk).touch()
    assert f'id="c{c["a_distrust"].pk}"' not in page(story, c["strike"])
    # Listed and linked: shown, with its own event.
    c["distrust"].also_claims.add(c["a_strike"])
    Story.objects.filter(pk=story.pk).touch()
    also = also_section(page(story, c["distrust"]), "Alpha Wire")
    assert f'id="c{c["a_strike"].pk}"' in also
    strike_url = reverse("claims-event", args=[story.slug, c["strike"].pk])
    label = "Deir ez-Zor strike"
    assert f'mainly in: <a href="{strike_url}" title="{label}">{label}</a>' in also


def test_a_claim_moved_into_the_event_shows_once_as_its_own(story):
    c = story.c
    Claim.objects.filter(pk=c["b_distrust"].pk).update(event=c["strike"])
    Story.objects.filter(pk=story.pk).touch()
    html = page(story, c["strike"])
    assert html.count(f'id="c{c["b_distrust"].pk}"') == 1
    assert "Also tells of this event" not in column(html, "Beta News")


def test_a_text_with_a_script_is_escaped_in_the_also_section(story):
    also = also_section(page(story, story.c["strike"]), "Gamma Post")
    assert "&lt;script&gt;alert(&#x27;also&#x27;)&lt;/script&gt;" in also
    assert "<script>alert" not in also


def test_rejecting_the_link_takes_the_claim_away_from_the_cached_page(story):
    c = story.c
    editor = make_user("editor", story, "editor")
    assert f'id="c{c["b_distrust"].pk}"' in page(story, c["strike"])  # now in the cache
    response = signed_in(editor).post(
        reverse("claims-link-decide", args=[story.slug, c["also"].pk]), {"status": "rejected"}
    )
    assert response.status_code == 302
    html = page(story, c["strike"])
    assert f'id="c{c["b_distrust"].pk}"' not in html
    assert "Also tells of this event" not in column(html, "Beta News")
    assert f'id="link-{c["also"].pk}"' not in html
    # Gamma's link still stands.
    assert f'id="c{c["gamma"].pk}"' in also_section(html, "Gamma Post")
    assert export(story)[c["strike"].pk]["also_claim_ids"] == [c["gamma"].pk]


def test_a_confirmed_link_keeps_it(story):
    c = story.c
    c["also"].decide(LinkStatus.CONFIRMED, None)
    assert f'id="c{c["b_distrust"].pk}"' in also_section(page(story, c["strike"]), "Beta News")


def test_signed_in_editor_sees_it_with_the_link_forms(story):
    c = story.c
    editor = signed_in(make_user("editor", story, "editor"))
    for _ in range(2):  # rendered, then from the cache
        html = page(story, c["strike"], editor)
        also = also_section(html, "Beta News")
        assert f'id="c{c["b_distrust"].pk}"' in also and "mainly in:" in also
        assert "&lt;script&gt;" in also_section(html, "Gamma Post")
        row = re.search(rf'<tr id="link-{c["also"].pk}".*?</tr>', html, re.S).group(0)
        decide = reverse("claims-link-decide", args=[story.slug, c["also"].pk])
        assert f'action="{decide}"' in row and 'value="rejected"' in row
    # Moving claims out of this event offers its own claims only.
    assert f'value="{c["b_distrust"].pk}"' not in html.split('id="edit-h"', 1)[1]


def test_anonymous_readers_get_it_from_the_cached_page(story):
    c = story.c
    first = page(story, c["strike"])
    with CaptureQueriesContext(connection) as ctx:
        again = page(story, c["strike"])
    assert len(ctx.captured_queries) <= 2  # the story; nothing rebuilt
    assert f'id="c{c["b_distrust"].pk}"' in also_section(again, "Beta News")
    assert first.count("Also tells of this event") == again.count("Also tells of this event") == 2


def test_a_rename_of_the_other_event_shows_at_once(story):
    c = story.c
    page(story, c["strike"])
    editor = make_user("editor", story, "editor")
    response = signed_in(editor).post(
        reverse("claims-event-rename", args=[story.slug, c["distrust"].pk]),
        {"label": "Moscow's doubts", "version": c["distrust"].version},
    )
    assert response.status_code == 302
    assert "mainly in: <a" in (html := page(story, c["strike"]))
    assert "Moscow&#x27;s doubts</a>" in also_section(html, "Beta News")


def test_a_long_label_is_cut_with_the_whole_in_its_title(story):
    c = story.c
    c["distrust"].rename("Moscow's doubts " * 12, None)
    also = also_section(page(story, c["strike"]), "Beta News")
    whole = ("Moscow&#x27;s doubts " * 12).strip()
    assert f'title="{whole}">' in also
    shown = re.search(r"mainly in: <a [^>]*>([^<]*)</a>", also).group(1)
    assert shown.endswith("…") and len(shown.replace("&#x27;", "'")) == 80


def test_query_count_does_not_grow_with_claims_that_also_tell_of_it(story):
    c = story.c

    def count() -> int:
        Story.objects.filter(pk=story.pk).touch()  # nothing cached
        with CaptureQueriesContext(connection) as ctx:
            page(story, c["strike"])
        return len(ctx.captured_queries)

    small = count()
    for i in range(6):
        (claim,) = make_article(story, f"Wire {i}", [f"Report {i}: the jets hit Syrian troops."])
        claim.event = c["distrust"] if i % 2 else None
        claim.save()
        also_tells(story, claim, c["strike"], to=c["b_strike"])
    assert count() == small


def test_a_column_shows_a_bounded_number_of_them(story):
    from claims.views.event import CLAIMS_PER_COLUMN

    c = story.c
    sentences = [f"Report {i}: the jets hit Syrian troops." for i in range(CLAIMS_PER_COLUMN + 2)]
    for claim in make_article(story, "Gamma Daily", sentences):
        also_tells(story, claim, c["strike"], to=c["a_strike"])
    Story.objects.filter(pk=story.pk).touch()
    html = page(story, c["strike"])
    also = also_section(html, "Gamma Daily")
    assert also.count("in no event") == CLAIMS_PER_COLUMN
    gamma = Outlet.objects.get(name="Gamma Daily")
    assert f"Show all {CLAIMS_PER_COLUMN + 2} claims from Gamma Daily" in also
    full = Client().get(
        reverse("claims-event", args=[story.slug, c["strike"].pk]), {"outlet": gamma.pk}
    )
    assert also_section(full.content.decode(), "Gamma Daily").count("in no event") == len(sentences)


def test_export_lists_the_claims_that_also_tell_of_each_event(story, tmp_path):
    c = story.c
    events = export(story)
    strike, distrust = events[c["strike"].pk], events[c["distrust"].pk]
    assert strike["also_claim_ids"] == sorted([c["b_distrust"].pk, c["gamma"].pk])
    assert distrust["also_claim_ids"] == []
    assert sorted(strike["claim_ids"]) == sorted([c["a_strike"].pk, c["b_strike"].pk])
    # The export and the event page say the same.
    for event in Event.objects.filter(story=story):
        ids = sorted(Claim.objects.also_telling_of(event).values_list("id", flat=True))
        assert events[event.pk]["also_claim_ids"] == ids
    call_command(
        "export_story", story.slug, "--format", "csv", "--output", str(tmp_path), stderr=StringIO()
    )
    with (tmp_path / "events.csv").open(newline="", encoding="utf-8-sig") as handle:
        rows = {int(r["id"]): r for r in csv.DictReader(handle)}
    assert rows[c["strike"].pk]["also_claim_ids"] == " ".join(
        map(str, sorted([c["b_distrust"].pk, c["gamma"].pk]))
    )


def test_the_admin_shows_them_read_only(story):
    """The event's admin page lists them (the matcher rewrites the list on every run), without
    a selection box of every claim of every story."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password=PASSWORD)
    admin = Client()
    admin.login(username="root", password=PASSWORD)
    strike = story.c["strike"]
    html = admin.get(reverse("admin:claims_event_change", args=[strike.pk])).content.decode()
    assert "Coalition jets struck" not in html  # a claim of the event, not listed there
    assert "confirmed Russia" in html and 'name="also_claims"' not in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
