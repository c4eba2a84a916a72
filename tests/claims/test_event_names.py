"""Event names read like headlines: the phrase the event's outlets share, and its day."""

import datetime

import pytest

from articles.models import Article, Story
from claims.actions.matching import match_story
from claims.matching import ArticleInput, ClaimInput, StoryIndex, explain
from claims.models import Claim, Event
from tests.conftest import make_article, make_user

pytestmark = pytest.mark.django_db

CONVOY = [
    "An airstrike hit a UN aid convoy near Aleppo on September 19, killing 20 aid workers.",
    "The UN aid convoy was bombed near Aleppo late on September 19, aid workers said.",
]
OTHER = [
    "Oil prices rose sharply in London after the report.",
    "The football season opened with a surprise defeat for the champions.",
    "Parliament will vote on the new budget next month.",
    "A heatwave closed schools across the south of the country.",
]


@pytest.fixture
def convoy_story():
    story = Story.objects.create(slug="convoy", title="The convoy")
    alpha = make_article(story, "Alpha Wire", [CONVOY[0], OTHER[0], OTHER[1]])
    beta = make_article(story, "Beta News", [OTHER[2], CONVOY[1], OTHER[3]])
    Article.objects.filter(story=story).update(published=datetime.date(2016, 9, 20))
    match_story(story)
    story.convoy = Claim.objects.get(pk=alpha[0].pk).event
    assert story.convoy is not None
    assert story.convoy == Claim.objects.get(pk=beta[1].pk).event
    return story


def test_an_event_is_named_by_the_phrase_its_outlets_share_and_its_day(convoy_story):
    name = convoy_story.convoy.display_label
    assert "aid convoy" in name.lower()
    assert "Aleppo" in name  # a name keeps its capital
    assert name.endswith(", 19 Sep")
    assert len(name) <= 70
    assert not name.endswith("...")
    assert name not in CONVOY and not any(c.startswith(name) for c in CONVOY)


def test_seed_story_events_have_short_whole_names(seed_story):
    match_story(seed_story)
    names = list(seed_story.events.values_list("auto_label", flat=True))
    assert len(names) >= 3
    for name in names:
        assert name and not name.endswith(("...", "\u2026")), name
        assert len(name) <= 80, name
    assert len(set(names)) == len(names)  # the menus can tell them apart


def test_a_persons_name_for_an_event_survives_rematching(convoy_story):
    event = convoy_story.convoy
    event.rename("Aleppo convoy strike", make_user("editor"))
    match_story(convoy_story)
    event = Event.objects.get(pk=event.pk)
    assert event.display_label == "Aleppo convoy strike"
    assert "aid convoy" in event.auto_label.lower()  # the matcher's own name is kept beside it


def index_of(*articles):
    """A story index of these articles (lists of sentences), published on 20 September 2016;
    claim ids are 10 * article + position."""
    day = datetime.date(2016, 9, 20)
    inputs = [ArticleInput(a, f"Outlet {a}", "", day, " ".join(s)) for a, s in enumerate(articles)]
    claims = [
        ClaimInput(10 * a + p, a, t, p) for a, s in enumerate(articles) for p, t in enumerate(s)
    ]
    return StoryIndex.build(inputs, claims)


def test_a_place_of_several_words_is_named_as_written():
    index = index_of(
        ["Coalition jets struck Syrian troops near Deir ez-Zor on Saturday.", OTHER[0]],
        [OTHER[2], "The strike near Deir ez-Zor killed 62 Syrian soldiers, the army said."],
    )
    name = explain.label(index, [index.row_of[0], index.row_of[11]], {})
    assert "Deir ez-Zor" in name and "Syrian troops" in name  # where, and whom it struck
    assert len(name) <= 60 and not name.endswith(".")


def test_without_a_shared_phrase_an_event_is_named_by_a_whole_clause_of_its_central_claim():
    central = "Oil prices rose sharply in London, traders said, after the report on Monday."
    index = index_of([central, OTHER[1]], [OTHER[2], OTHER[3]])
    rows = [index.row_of[0], index.row_of[11]]
    assert explain.label(index, rows, {rows[0]: 1.0}) == "Oil prices rose sharply in London"


def test_the_day_is_added_once():
    day = datetime.date(2016, 9, 17)
    assert explain.dated("Strike on Syrian troops", day) == "Strike on Syrian troops, 17 Sep"
    assert explain.dated("Strike on Syrian troops on Sept. 17", day).endswith("Sept. 17")
    assert explain.dated("Strike on Syrian troops", None) == "Strike on Syrian troops"
