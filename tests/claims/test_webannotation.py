"""Annotations as W3C Web Annotations: the JSON-LD has what the model requires, and a round
trip through a fresh database loses nothing."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import BlindReview, Story
from claims.actions import annotating
from claims.exchange import webannotation
from claims.exchange.export import story_annotations_jsonld
from claims.models import Adjudication, Annotation, Label, Link
from tests.conftest import SEED_SLUG, make_user

pytestmark = pytest.mark.django_db
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PURPOSES = {"tagging", "commenting"}
MOTIVATIONS = {"assessing", "moderating"}


@pytest.fixture
def annotated(matched_story, annotator, editor):
    second = make_user("second", matched_story, "annotator")
    # Not blind (two annotators would make it so): the editor's label decides its link, as
    # the fresh database it is imported into, with no members, has it.
    matched_story.blind_review = BlindReview.OFF
    matched_story.save()
    links = list(Link.objects.filter(story=matched_story).order_by("-score")[:4])
    annotating.annotate(links[0], annotator, Label.AGREES, "Same strike, same day.", 0)
    annotating.annotate(links[0], second, Label.PARTLY, "One omits the toll: “62”.", 0)
    annotating.adjudicate(links[0], editor, Label.PARTLY, "The toll is missing in one.", 0)
    annotating.annotate(links[1], annotator, Label.CONTRADICTS, "", 0)
    annotating.annotate(links[2], second, Label.UNRELATED, "<b>not</b> the same", 0)
    annotating.annotate(links[3], editor, Label.AGREES, "", 0)
    return matched_story


def check_annotation(item: dict, bodies: dict[int, str]) -> None:
    """What the Web Annotation Data Model requires of an annotation, its bodies and targets
    (https://www.w3.org/TR/annotation-model/: MUST for @context, id, type, target; a
    TextualBody has a value; a SpecificResource has a source; the two selectors' fields)."""
    assert item["@context"] == CONTEXT
    assert isinstance(item["id"], str) and ":" in item["id"]  # an IRI
    assert item["type"] == "Annotation"
    assert item["motivation"] in MOTIVATIONS
    assert item["creator"]["type"] == "Person" and item["creator"]["nickname"]
    assert item["created"] and item["modified"]
    for body in item["body"]:
        assert body["type"] == "TextualBody"
        assert isinstance(body["value"], str) and body["value"]
        assert body["purpose"] in PURPOSES and body["format"] == "text/plain"
    tags = [b["value"] for b in item["body"] if b["purpose"] == "tagging"]
    assert len(tags) == 1 and tags[0] in Label.values
    assert len(item["target"]) == 2
    for target in item["target"]:
        assert target["type"] == "SpecificResource"
        assert target["source"].startswith(("http://", "https://", "urn:parallax:article:"))
        selectors = {s["type"]: s for s in target["selector"]}
        quote, position = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
        assert isinstance(quote["exact"], str) and quote["exact"]
        assert isinstance(quote["prefix"], str) and isinstance(quote["suffix"], str)
        assert isinstance(position["start"], int) and isinstance(position["end"], int)
        assert 0 <= position["start"] < position["end"]
        assert position["end"] - position["start"] == len(quote["exact"])
        bodies_text = bodies[target["source"]]
        assert bodies_text[position["start"] : position["end"]] == quote["exact"]
        assert bodies_text[: position["start"]].endswith(quote["prefix"])
        assert bodies_text[position["end"] :].startswith(quote["suffix"])


def test_jsonld_has_what_the_model_requires(annotated):
    document = json.loads(json.dumps(story_annotations_jsonld(annotated)))
    assert document["@context"] == CONTEXT and document["type"] == "AnnotationCollection"
    page = document["first"]
    assert page["type"] == "AnnotationPage"
    assert document["total"] == len(page["items"]) == 6
    bodies = {
        f"urn:parallax:article:{a.content_hash}": a.body for a in annotated.articles.all()
    } | {a.source: a.body for a in annotated.articles.all()}
    for item in page["items"]:
        check_annotation(item, bodies)
    assert len({item["id"] for item in page["items"]}) == 6
    moderated = [i for i in page["items"] if i["motivation"] == "moderating"]
    assert len(moderated) == 1 and moderated[0]["creator"]["nickname"] == "editor"
    notes = [b["value"] for i in page["items"] for b in i["body"] if b["purpose"] == "commenting"]
    assert "<b>not</b> the same" in notes  # notes are plain text, kept as typed


def test_a_label_without_a_note_has_one_body(annotated):
    document = story_annotations_jsonld(annotated)
    contradicts = [i for i in document["first"]["items"] if i["body"][0]["value"] == "contradicts"]
    assert len(contradicts) == 1 and len(contradicts[0]["body"]) == 1


def snapshot(story) -> set:
    """The labels of a story in terms that do not depend on database ids."""

    def where(link):
        return tuple((c.article.content_hash, c.start, c.end) for c in (link.claim_a, link.claim_b))

    rows = {
        ("label", where(a.link), a.annotator.username, a.label, a.note, a.created_at, a.updated_at)
        for a in Annotation.objects.filter(link__story=story).select_related(
            "link__claim_a__article", "link__claim_b__article", "annotator"
        )
    }
    rows |= {
        ("final", where(a.link), a.editor.username, a.label, a.note, a.at)
        for a in Adjudication.objects.filter(link__story=story).select_related(
            "link__claim_a__article", "link__claim_b__article", "editor"
        )
    }
    rows |= {
        ("status", where(link), link.status)
        for link in Link.objects.filter(story=story, annotations__isnull=False).select_related(
            "claim_a__article", "claim_b__article"
        )
    }
    return rows


@pytest.mark.parametrize("format", ["jsonld", "json"])
def test_round_trip_into_a_fresh_database_loses_nothing(annotated, tmp_path, format):
    before = snapshot(annotated)
    assert len(before) == 5 + 1 + 4  # labels, adjudication, link statuses
    path = tmp_path / f"export.{format}"
    call_command(
        "export_story", SEED_SLUG, "--format", format, "--output", str(path), stderr=StringIO()
    )
    # A fresh database: the story, its links and the people are gone and come back anew.
    Story.objects.all().delete()
    get_user_model().objects.all().delete()
    call_command("load_seeds", stdout=StringIO())
    call_command("match_claims", "--story", SEED_SLUG, stdout=StringIO())
    story = Story.objects.get(slug=SEED_SLUG)
    assert not Annotation.objects.exists()
    out = StringIO()
    call_command(
        "import_annotations", str(path), "--story", SEED_SLUG, stdout=out, stderr=StringIO()
    )
    assert "imported 5 annotation(s) and 1 adjudication(s)" in out.getvalue()
    assert snapshot(story) == before
    assert not get_user_model().objects.get(username="second").has_usable_password()


def test_import_reports_what_it_cannot_place(annotated, tmp_path):
    document = story_annotations_jsonld(annotated)
    items = document["first"]["items"]
    items[0]["target"][0]["selector"][1]["start"] += 1  # the span no longer fits a claim
    items[1]["body"][0]["value"] = "maybe"  # not a label
    del items[2]["target"]  # not an annotation we can read
    path = tmp_path / "broken.jsonld"
    path.write_text(json.dumps(document))
    Annotation.objects.all().delete()
    Adjudication.objects.all().delete()
    err = StringIO()
    with pytest.raises(SystemExit) as exit:
        call_command(
            "import_annotations", str(path), "--story", SEED_SLUG, stdout=StringIO(), stderr=err
        )
    assert exit.value.code == 1
    report = err.getvalue()
    assert report.count("not imported:") == 3
    assert "no claim" in report and "unknown label 'maybe'" in report and "'target'" in report
    assert Annotation.objects.count() + Adjudication.objects.count() == 3


def test_read_accepts_a_single_annotation_and_refuses_other_things():
    target = webannotation.Target("urn:parallax:article:x", 0, 4, "Text")
    record = webannotation.Record(
        kind="annotation",
        creator="ann",
        label="agrees",
        note="",
        created="2026-01-01T00:00:00",
        modified="2026-01-01T00:00:00",
        targets=(target, target),
        id="urn:x:1",
    )
    records, problems = webannotation.read(webannotation.annotation(record))
    assert records == [record] and problems == []
    records, problems = webannotation.read([{"type": "Note"}])
    assert records == [] and problems == ["item 1: not an Annotation"]
