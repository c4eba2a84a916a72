"""Contradictions of cause: two outlets putting one happening down to different causes, raised
for a person to confirm, shown in the discrepancy queue and the event's framing panel."""

import pytest
from django.urls import reverse

from articles.models import Story
from claims.framing import ClaimText, discrepancies
from claims.framing.lexicon import load
from claims.models import Discrepancy, Event
from tests.conftest import make_article, make_user, signed_in

LEX = load()


def differ(*texts):
    claims = [ClaimText(n, f"Outlet {n}", t, article=n) for n, t in enumerate(texts)]
    return [(d.kind, d.detail) for d in discrepancies.discrepancies(claims, LEX)]


def test_different_causes_of_one_happening_are_a_possible_contradiction():
    assert differ(
        "The crash was caused by technical or human errors.",
        "The plane crashed because of the wind.",
    ) == [("cause", "Outlet 0: “technical or human errors”; Outlet 1: “the wind”")]
    # The cause before its verb, and a cause opening the sentence.
    assert differ("Strong winds caused the crash.", "The crash was due to pilot error.") == [
        ("cause", "Outlet 0: “Strong winds”; Outlet 1: “pilot error”")
    ]
    assert differ("Due to fog, the ferry sank.", "The ferry sank because of a leak.") == [
        ("cause", "Outlet 0: “fog”; Outlet 1: “a leak”")
    ]


def test_causes_of_two_happenings_are_no_contradiction():
    assert (
        differ(
            "The plane crashed because of the wind.", "The strike was called because of low pay."
        )
        == []
    )


def test_a_claim_that_adds_a_cause_or_names_none_is_no_contradiction():
    assert differ("The plane crashed because of the wind.", "The plane crashed near Lyon.") == []
    assert (
        differ(
            "The plane crashed because of the wind.",
            "The crash was caused by the wind and human error.",
        )
        == []
    )
    # A cause denied is not a cause stated.
    assert (
        differ("The plane crashed because of the wind.", "The crash was not caused by pilots.")
        == []
    )


@pytest.fixture
def crash(db):
    story = Story.objects.create(slug="crash", title="A plane crash")
    one = make_article(story, "Outlet One", ["The crash was caused by technical or human errors."])
    two = make_article(story, "Outlet Two", ["The plane crashed because of the wind."])
    event = Event.objects.create(story=story, key="crash", auto_label="Plane crash")
    for claim in one + two:
        claim.event = event
        claim.save()
    Event.objects.filter(pk=event.pk).refresh_counts()
    return story, event


def test_the_queue_and_the_framing_panel_show_a_cause_contradiction(crash):
    story, event = crash
    client = signed_in(make_user("crash-annotator", story, "annotator"))
    queue = client.get(reverse("claims-discrepancies", args=[story.slug]))
    html = queue.content.decode()
    assert queue.status_code == 200 and "agents, intent, causes)" in html
    row = Discrepancy.objects.get(story=story)
    assert row.kind == "cause" and " · Causes · Open" in html
    assert '<mark class="flag">caused by technical or human errors</mark>' in html
    assert '<mark class="flag">because of the wind</mark>' in html
    panel = client.get(reverse("claims-event-framing", args=[story.slug, event.pk]))
    assert (
        "<strong>Causes</strong>: Outlet One: “technical or human errors”" in panel.content.decode()
    )
