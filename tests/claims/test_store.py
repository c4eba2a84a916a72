"""Matching through the database: idempotent, incremental, and never undoing people's work."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from articles.ingest.importer import Upload, import_uploads
from articles.models import Story
from claims.actions.matching import INDEX_PART, match_story
from claims.models import Claim, Event, Link, LinkStatus, MatchState

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(matched_story):
    return matched_story


def snapshot(story):
    return (
        sorted(Claim.objects.filter(article__story=story).values_list("id", "event_id")),
        sorted(Link.objects.filter(story=story).values_list("claim_a", "claim_b", "status")),
        sorted(story.events.values_list("id", "key")),
    )


def test_match_claims_links_claims_of_different_articles_with_reasons(matched):
    links = list(Link.objects.filter(story=matched).select_related("claim_a", "claim_b"))
    assert len(links) >= 5
    for link in links:
        assert link.claim_a.article_id != link.claim_b.article_id
        assert link.claim_a_id < link.claim_b_id
        assert 0 < link.score <= 1
        assert link.explanation
        # inside one event, or a claim that also tells of the other's event (it sits in its
        # own event, or in none)
        assert link.claim_a.event_id is not None or link.claim_b.event_id is not None
    inside = [x for x in links if x.claim_a.event_id == x.claim_b.event_id]
    assert len(inside) >= len(links) / 2
    for event in matched.events.all():
        assert event.claims.values("article").distinct().count() >= 2
        assert event.display_label
    assert MatchState.objects.get(story=matched).claim_count == Claim.objects.count()


def test_rerun_changes_nothing(matched):
    before = snapshot(matched)
    match_story(matched)
    assert snapshot(matched) == before


def test_people_decisions_survive_a_rematch(matched, editor):
    confirmed, rejected = Link.objects.filter(story=matched).order_by("-score")[:2]
    confirmed.decide(LinkStatus.CONFIRMED, editor)
    rejected.decide(LinkStatus.REJECTED, editor)
    event = confirmed.claim_a.event
    event.rename("The strike everyone reports", editor)
    match_story(matched)
    confirmed.refresh_from_db()
    rejected.refresh_from_db()
    assert confirmed.status == LinkStatus.CONFIRMED and confirmed.decided_by == editor
    assert confirmed.claim_a.event_id == confirmed.claim_b.event_id
    assert rejected.status == LinkStatus.REJECTED
    a, b = rejected.claim_a, rejected.claim_b
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.event_id is None or a.event_id != b.event_id
    assert Event.objects.get(pk=event.pk).label == "The strike everyone reports"


def test_a_moved_claim_stays_where_it_was_put(matched):
    events = list(matched.events.all()[:2])
    assert len(events) == 2
    claim = events[0].claims.first()
    claim.event, claim.event_pinned = events[1], True
    claim.save()
    match_story(matched)
    claim.refresh_from_db()
    assert claim.event_id == events[1].id


def test_importing_into_a_matched_story_matches_only_the_new_article(db):
    story = Story.objects.create(slug="inc", title="inc")
    files = sorted(SEEDS.glob("*.txt"))
    import_uploads([Upload(str(p), p.read_bytes()) for p in files[:4]], story)
    match_story(story)
    state_before = MatchState.objects.get(story=story)
    old_links = set(Link.objects.filter(story=story).values_list("claim_a", "claim_b"))
    report = import_uploads([Upload(str(files[4]), files[4].read_bytes())], story)
    new_article = report.articles[0]
    state = MatchState.objects.get(story=story)
    assert state.claim_count == state_before.claim_count + new_article.claims.count()
    added = set(Link.objects.filter(story=story).values_list("claim_a", "claim_b")) - old_links
    new_ids = set(new_article.claims.values_list("id", flat=True))
    assert added, "the new article was not linked to anything"
    assert all(a in new_ids or b in new_ids for a, b in added)
    assert Claim.objects.filter(article=new_article, event__isnull=False).exists()


@pytest.mark.parametrize("kept", ["unversioned", "other format", "unreadable", "part lost"])
def test_an_index_kept_by_another_version_is_built_again_on_import(db, kept):
    """A deploy that changes the index class must not break importing into stories matched
    before it: the kept index is refused and the story matched afresh, new article included.
    So too when a part of the kept index is missing."""
    import pickle

    from claims.actions.matching import load_index, save_index
    from claims.matching import story as story_module
    from claims.models import MatchIndexPart

    story = Story.objects.create(slug="old", title="old")
    files = sorted(SEEDS.glob("*.txt"))
    import_uploads([Upload(str(p), p.read_bytes()) for p in files[:4]], story)
    match_story(story)
    index = load_index(story)
    if kept == "part lost":
        save_index(story, index.to_bytes() + b"\0" * (2 * INDEX_PART))
        MatchIndexPart.objects.filter(story=story, number=1).delete()
    else:
        save_index(
            story,
            {
                "unversioned": pickle.dumps(index),  # as kept before indexes had a format
                "other format": pickle.dumps((story_module.FORMAT - 1, index)),
                "unreadable": b"\x80\x05not a pickle",
            }[kept],
        )

    report = import_uploads([Upload(str(files[4]), files[4].read_bytes())], story)

    new_article = report.articles[0]
    assert Claim.objects.filter(article=new_article, event__isnull=False).exists()
    kept_now = load_index(story)
    assert set(kept_now.claim_ids) == set(
        Claim.objects.filter(article__story=story).values_list("id", flat=True)
    )
    assert MatchState.objects.get(story=story).claim_count == len(kept_now.claim_ids)


def test_the_index_is_kept_in_parts_and_a_new_run_replaces_them(db):
    """Each part is written in a transaction of its own; a new run's parts replace the old
    ones, and parts a killed run left behind go once they are old."""
    from claims.actions.matching import ORPHANS_AFTER, load_index, save_index
    from claims.models import MatchIndex, MatchIndexPart

    story = Story.objects.create(slug="parts", title="parts")
    files = sorted(SEEDS.glob("*.txt"))
    import_uploads([Upload(str(p), p.read_bytes()) for p in files[:2]], story)
    match_story(story)
    data = load_index(story).to_bytes()
    big = data + b"\0" * (2 * INDEX_PART)
    MatchIndexPart.objects.create(story=story, generation=7, number=0, data=b"left by a killed run")
    MatchIndexPart.objects.filter(generation=7).update(
        created_at=timezone.now() - ORPHANS_AFTER * 2
    )

    save_index(story, big)

    row = MatchIndex.objects.get(story=story)
    assert row.parts == 3 and row.size == len(big)
    assert MatchIndex.objects.bytes_of(story) == big
    assert set(MatchIndexPart.objects.filter(story=story).values_list("generation", flat=True)) == {
        row.generation
    }


def test_import_into_unmatched_story_does_not_match(seed_story):
    assert not Link.objects.exists()
    assert not MatchState.objects.exists()


def test_match_claims_unknown_story_is_an_error():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no story"):
        call_command("match_claims", "--story", "nope")


def test_export_json_has_every_record_and_offsets(matched, tmp_path):
    out = tmp_path / "story.json"
    call_command("export_story", matched.slug, "--output", str(out), stderr=StringIO())
    doc = json.loads(out.read_text())
    assert doc["format"] == "parallax-story" and doc["version"] == 1
    assert len(doc["articles"]) == 5 and len(doc["outlets"]) == 5
    bodies = {a["id"]: a["body"] for a in doc["articles"]}
    assert len(doc["claims"]) == Claim.objects.count()
    for claim in doc["claims"]:
        assert bodies[claim["article_id"]][claim["start"] : claim["end"]] == claim["text"]
    assert len(doc["links"]) == Link.objects.count()
    in_events = {c for e in doc["events"] for c in e["claim_ids"]}
    assert in_events == {c["id"] for c in doc["claims"] if c["event_id"]}
    for event in doc["events"]:  # claims of other events that also tell of this one
        also = event["also_claim_ids"]
        assert also == sorted(also) and not set(also) & set(event["claim_ids"])
        assert also == sorted(
            Claim.objects.also_telling_of(Event.objects.get(pk=event["id"])).values_list(
                "id", flat=True
            )
        )
    assert {"claim_a", "claim_b", "score", "status", "explanation"} <= set(doc["links"][0])


def test_export_csv_writes_one_table_per_record_kind(matched, tmp_path):
    call_command(
        "export_story",
        matched.slug,
        "--format",
        "csv",
        "--output",
        str(tmp_path),
        stderr=StringIO(),
    )
    import csv

    names = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert names == [
        "annotations.csv",
        "articles.csv",
        "claims.csv",
        "claims_joined.csv",
        "events.csv",
        "links.csv",
        "outlets.csv",
    ]
    # utf-8-sig: the files start with a byte order mark, for Excel
    with (tmp_path / "claims.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == Claim.objects.count()
    with (tmp_path / "links.csv").open(encoding="utf-8-sig") as handle:
        assert len(list(csv.DictReader(handle))) == Link.objects.count()
    with (tmp_path / "events.csv").open(encoding="utf-8-sig") as handle:
        events = list(csv.DictReader(handle))
    assert list(events[0]) == [
        "id",
        "label",
        "label_by_person",
        "claim_ids",
        "also_claim_ids",
        "independent_accounts",
        "accounts",
        "first_reported_by",
        "first_reported_on",
        "first_reported_basis",
    ]


def test_event_counts_are_kept_by_matching_and_edits(matched, editor):
    from claims.actions import editing

    def assert_counts():
        for event in Event.objects.filter(story=matched):
            assert event.claim_count == event.claims.count()
            outlets = event.claims.values("article__outlet").distinct().count()
            assert event.outlet_count == outlets

    assert_counts()
    first, second = Event.objects.filter(story=matched).order_by("id")[:2]
    editing.merge_events(first, second, editor)
    assert_counts()
    claim = first.claims.first()
    editing.move_claims(first, [claim.pk], None, editor)
    assert_counts()
    state = MatchState.objects.get(story=matched)
    assert state.unmatched_count == Claim.objects.filter(article__story=matched, event=None).count()


def _also(story) -> set[tuple[str, str]]:
    """(claim text, a claim text of the event it also tells of), by text snippets."""
    rows = Event.also_claims.through.objects.filter(event__story=story)
    return {(r.claim.text, r.event.claims.values_list("text", flat=True)[0]) for r in rows}


def test_an_imported_article_ties_an_old_claim_to_its_event(db):
    """Three outlets report a strike and talks; a fourth comes in later with one sentence
    that tells of both: the import (matched incrementally) puts it in one event and lists it
    on the other, linked to its claims, and a full re-match keeps it so."""
    from tests.conftest import BRIDGED, make_article

    story = Story.objects.create(slug="inc-also", title="inc")
    *old, (last, sentences) = BRIDGED.items()
    for outlet, texts in old:
        make_article(story, outlet, texts)
    match_story(story)
    assert not Event.also_claims.through.objects.filter(event__story=story).exists()
    text = "\n\n".join(sentences) + "\n"
    import_uploads([Upload("fourth.txt", text.encode(), outlet=last)], story)
    both = Claim.objects.get(article__story=story, text__contains="a day after")

    def tells_of_both():
        both.refresh_from_db()
        (other,) = both.also_in.all()
        linked = Link.objects.filter(
            Q(claim_a=both, claim_b__event=other) | Q(claim_b=both, claim_a__event=other)
        ).exists()
        return both.event is not None and other != both.event and linked

    assert tells_of_both()
    match_story(story)
    assert tells_of_both()


def test_an_incremental_import_keeps_what_else_claims_tell_of(bridged_story):
    before = _also(bridged_story)
    assert before
    text = (
        "The city council of Springfield approved a new budget for its public libraries on "
        "Thursday.\n\nThe mayor said the vote was a victory for readers across the county.\n"
    )
    import_uploads([Upload("library.txt", text.encode())], bridged_story)
    assert _also(bridged_story) == before


def also_links(story):
    """Links that tie a claim to another event it also tells of."""
    return [
        link
        for link in Link.objects.filter(story=story).select_related("claim_a", "claim_b")
        if link.claim_a.event_id != link.claim_b.event_id
    ]


def test_each_link_says_which_event_it_tells_of(bridged_story):
    links = Link.objects.filter(story=bridged_story).select_related("claim_a", "claim_b")
    for link in links:
        a, b = link.claim_a, link.claim_b
        if a.event_id == b.event_id:
            assert link.event_id == a.event_id
        else:  # one of them also tells of the other's event: the link tells of that one
            outside = a if b.event_id == link.event_id else b
            assert outside.also_in.filter(pk=link.event_id).exists()
    assert also_links(bridged_story)


def test_confirming_an_also_link_keeps_both_events_as_they_were(bridged_story, bridged_editor):
    """A person confirms that a sentence also tells of another event: re-matching keeps it in
    its own event, listed on the other, and changes neither event."""
    from claims.actions.editing import decide_link

    link = also_links(bridged_story)[0]
    told = link.event
    outside = link.claim_a if link.claim_a.event_id != told.pk else link.claim_b
    before = snapshot(bridged_story)
    decide_link(link, LinkStatus.CONFIRMED, bridged_editor)
    match_story(bridged_story)
    outside.refresh_from_db()
    assert outside.event_id != told.pk and outside.also_in.filter(pk=told.pk).exists()
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED and link.event_id == told.pk
    claims_before, _, events_before = before
    claims_after, _, events_after = snapshot(bridged_story)
    assert claims_after == claims_before and events_after == events_before


def test_the_pair_page_of_an_also_link_leads_to_the_event_it_tells_of(bridged_story, client):
    from django.urls import reverse

    link = also_links(bridged_story)[0]
    html = client.get(reverse("claims-pair", args=[bridged_story.slug, link.pk])).content.decode()
    crumbs = html[html.index('class="crumbs"') :][:1000]
    assert f"/events/{link.event_id}/" in crumbs
    other = (
        link.claim_a.event_id if link.claim_a.event_id != link.event_id else link.claim_b.event_id
    )
    assert f"/events/{other}/" not in crumbs


def test_the_upgrade_sets_the_event_of_links_made_before(bridged_story):
    """Migration 0009 fills Link.event for the links an older version stored, also-links
    included: the next match reads it to keep what people confirmed."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("claims.migrations.0009_link_event")
    expected = dict(Link.objects.filter(story=bridged_story).values_list("id", "event_id"))
    assert all(expected.values()) and also_links(bridged_story)
    Link.objects.update(event=None)  # as the links were before the field existed
    migration.told_event(apps, None)
    assert dict(Link.objects.filter(story=bridged_story).values_list("id", "event_id")) == expected


def test_a_claim_moved_into_the_event_it_told_of_keeps_its_confirmed_link(
    bridged_story, bridged_editor
):
    """The person put the sentence into the event it also told of: the confirmed link is now
    inside one event, a must-link, and re-matching keeps both claims there."""
    from claims.actions.editing import decide_link, move_claims

    link = also_links(bridged_story)[0]
    told = link.event
    outside = link.claim_a if link.claim_a.event_id != told.pk else link.claim_b
    inside = link.claim_b if outside == link.claim_a else link.claim_a
    decide_link(link, LinkStatus.CONFIRMED, bridged_editor)
    move_claims(outside.event, [outside.pk], told, bridged_editor)
    assert not outside.also_in.filter(pk=told.pk).exists()
    match_story(bridged_story)
    outside.refresh_from_db()
    inside.refresh_from_db()
    assert outside.event_id == inside.event_id == told.pk


def test_an_incremental_import_keeps_the_event_of_old_links(db):
    story = Story.objects.create(slug="inc-event", title="inc")
    files = sorted(SEEDS.glob("*.txt"))
    import_uploads([Upload(str(p), p.read_bytes()) for p in files[:4]], story)
    match_story(story)
    from django.contrib.auth import get_user_model

    from claims.actions.editing import decide_link

    user = get_user_model().objects.create_user("decider")
    for link in Link.objects.filter(story=story)[:5]:
        decide_link(link, LinkStatus.CONFIRMED, user)
    before = dict(Link.objects.filter(story=story).values_list("id", "event_id"))
    import_uploads([Upload(str(files[4]), files[4].read_bytes())], story)
    after = dict(Link.objects.filter(story=story).values_list("id", "event_id"))
    assert all(before.values())
    assert {k: after[k] for k in before if k in after} == before
