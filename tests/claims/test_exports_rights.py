"""Exports follow reading rights: the story's data downloads wherever reading is open, but who
labelled it and their notes only for members of the story (any role) and staff; everyone
else gets pseudonyms (annotator-1, ...), the same person the same one throughout, and no
notes. `export_story` names everyone unless asked for the public form (--anonymous)."""

import csv
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import BlindReview, Story
from claims.actions import annotating
from claims.models import Adjudication, Annotation, Label, Link
from tests.conftest import make_article, make_user, signed_in

pytestmark = pytest.mark.django_db
PSEUDONYM = re.compile(r"annotator-[1-9][0-9]*")

# Names and notes that must never be in a public export (distinct words, to search for).
NOTES = {
    "ann": "ANNNOTE strike seen from the air <b>bold</b>",
    "bea": "BEANOTE the toll differs",
    "bea2": "BEANOTE2 same convoy",
    "adj": "EDNOTE one omits the toll",
}


def build_newsroom():
    """A story of two articles and three links: two annotators who disagree on two links (with
    notes), an editor who adjudicated one of them; and an outsider and a staff member."""
    # Not blind (two annotators would make it so): who sees names and notes is the question
    # here; tests/claims/test_blind.py has who sees labels at all in blind review.
    story = Story.objects.create(slug="newsroom", title="Newsroom", blind_review=BlindReview.OFF)
    one = make_article(story, "Outlet One", ["Jets struck a convoy.", "Talks resumed."])
    two = make_article(story, "Outlet Two", ["A convoy was hit by jets.", "Talks went on."])
    links = [
        Link.objects.create(story=story, claim_a=a, claim_b=b, score=score)
        for a, b, score in [(one[0], two[0], 0.9), (one[1], two[1], 0.7), (one[0], two[1], 0.2)]
    ]
    users = {
        "ann": make_user("zz-ann-annotator", story, "annotator"),
        "bea": make_user("zz-bea-annotator", story, "annotator"),
        "ed": make_user("zz-ed-editor", story, "editor"),
        "out": make_user("zz-out-outsider"),
        "staff": make_user("zz-staff", is_staff=True),
    }
    ann, bea, ed = users["ann"], users["bea"], users["ed"]
    first, second, third = links
    annotating.annotate(first, bea, Label.UNRELATED, NOTES["bea"], 0)
    annotating.annotate(first, ann, Label.AGREES, NOTES["ann"], 0)
    annotating.adjudicate(first, ed, Label.PARTLY, NOTES["adj"], 0)
    annotating.annotate(second, bea, Label.AGREES, NOTES["bea2"], 0)
    annotating.annotate(second, ann, Label.CONTRADICTS, "", 0)
    annotating.annotate(third, ed, Label.UNRELATED, "", 0)
    return story, links, users


@pytest.fixture
def newsroom(db):
    return build_newsroom()


def client_for(viewer, users):
    return Client() if viewer == "anonymous" else signed_in(users[viewer])


# Each export as the records that carry a person: (what, key, name, note). The key names the
# record in the database, so that a test can tell who it really is.


def records_of_document(tables) -> list[tuple]:
    """From the links and annotations tables (JSON rows, or CSV rows: "" for null), in the
    order they appear in the document."""
    out = []
    for row in tables["links"]:
        pair = (int(row["claim_a"]), int(row["claim_b"]))
        out.append(("decided", pair, row["decided_by"] or None, None))
        if row["adjudicated_label"]:
            out.append(("adjudicated", pair, row["adjudicated_by"], row["adjudication_note"]))
    for row in tables["annotations"]:
        key = (int(row["claim_a"]), int(row["claim_b"]), row["label"])
        out.append(("annotation", key, row["annotator"], row["note"]))
    return out


def records_of_jsonld(document) -> list[tuple]:
    out = []
    for item in document["first"]["items"]:
        kind, pk = item["id"].rsplit(":", 2)[1:]
        notes = [b["value"] for b in item["body"] if b["purpose"] == "commenting"]
        name = item["creator"]["nickname"]
        assert item["creator"]["id"] == f"urn:parallax:user:{name}"
        if kind == "annotation":
            a = Annotation.objects.select_related("link").get(pk=pk)
            key = ("annotation", (a.link.claim_a_id, a.link.claim_b_id, a.label))
        else:
            a = Adjudication.objects.select_related("link").get(pk=pk)
            key = ("adjudicated", (a.link.claim_a_id, a.link.claim_b_id))
        out.append((*key, name, notes[0] if notes else ""))
    return out


def truth(what, key) -> tuple[str | None, str]:
    """Who really made the record, and their note."""
    pair = key[:2]
    link = Link.objects.for_claims(*pair).get()
    if what == "decided":
        return (link.decided_by.username if link.decided_by else None), None
    if what == "adjudicated":
        return link.adjudication.editor.username, link.adjudication.note
    a = link.annotations.select_related("annotator").get(label=key[2])
    return a.annotator.username, a.note


def download(client, story, fmt) -> tuple[str, list[tuple]]:
    """The raw text served and its records."""
    if fmt == "json":
        response = client.get(reverse("claims-export-json", args=[story.slug]))
        text = response.content.decode()
        return text, records_of_document(json.loads(text))
    if fmt == "jsonld":
        response = client.get(reverse("claims-export-jsonld", args=[story.slug]))
        text = response.content.decode()
        return text, records_of_jsonld(json.loads(text))
    texts, tables = [], {}
    for table in ("links", "annotations"):
        response = client.get(reverse("claims-export-csv", args=[story.slug, table]))
        assert response.status_code == 200
        texts.append(response.content.decode("utf-8-sig"))
        tables[table] = list(csv.DictReader(io.StringIO(texts[-1])))
    return "\n".join(texts), records_of_document(tables)


def check_named(records):
    assert records
    for what, key, name, note in records:
        real, real_note = truth(what, key)
        assert name == real
        if note is not None:
            assert note == real_note


def check_pseudonymous(text, records, users) -> dict[str, str]:
    """No name and no note anywhere; each person one pseudonym throughout, and each pseudonym
    one person. The mapping, real name to pseudonym."""
    for user in users.values():
        assert user.username not in text
    for note in NOTES.values():
        assert note.split()[0] not in text
    mapping = {}
    for what, key, name, note in records:
        real, _ = truth(what, key)
        if real is None:
            assert name is None
            continue
        assert PSEUDONYM.fullmatch(name), name
        assert mapping.setdefault(real, name) == name, f"{real} is {name} and {mapping[real]}"
        assert note in ("", None)
    assert len(set(mapping.values())) == len(mapping)
    assert set(mapping) == {users[k].username for k in ("ann", "bea", "ed")}
    return mapping


VIEWERS_NAMED = ["annotator", "editor", "staff"]
FORMATS = ["json", "csv", "jsonld"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_readers_without_a_role_get_pseudonyms_and_no_notes(newsroom, viewer, fmt):
    story, _, users = newsroom
    key = {"outsider": "out"}.get(viewer, viewer)
    text, records = download(client_for(key, users), story, fmt)
    mapping = check_pseudonymous(text, records, users)
    # The same pseudonyms in every format of the story (numbered as the JSON document
    # first shows each person).
    _, json_records = download(client_for(key, users), story, "json")
    assert check_pseudonymous(text, json_records, users) == mapping
    # The story's data is still there.
    assert len([r for r in records if r[0] == "annotation"]) == 5


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("viewer", VIEWERS_NAMED)
def test_members_and_staff_get_names_and_notes(newsroom, viewer, fmt):
    story, _, users = newsroom
    key = {"annotator": "ann", "editor": "ed"}.get(viewer, viewer)
    text, records = download(client_for(key, users), story, fmt)
    check_named(records)
    for note in NOTES.values():
        assert note.split()[0] in text
    assert users["ann"].username in text and users["ed"].username in text


def test_pseudonyms_are_numbered_by_first_appearance_in_the_document(newsroom):
    story, _, users = newsroom
    _, records = download(Client(), story, "json")
    order = list(dict.fromkeys(name for _, _, name, _ in records if name))
    assert order == [f"annotator-{n}" for n in range(1, len(order) + 1)]
    assert len(order) == 3
    document = json.loads(Client().get(reverse("claims-export-json", args=[story.slug])).content)
    assert document["people"] == "pseudonyms"
    member = json.loads(
        signed_in(users["bea"]).get(reverse("claims-export-json", args=[story.slug])).content
    )
    assert member["people"] == "names"


def test_a_role_in_another_story_does_not_count(newsroom):
    story, _, users = newsroom
    other = Story.objects.create(slug="other", title="Other")
    elsewhere = make_user("zz-elsewhere", other, "editor")
    text, records = download(signed_in(elsewhere), story, "json")
    check_pseudonymous(text, records, users)


# The command line ------------------------------------------------------------------------------


def command(story, *args) -> str:
    out = StringIO()
    call_command("export_story", story.slug, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_story_names_everyone_unless_anonymous(newsroom, fmt, tmp_path):
    story, _, users = newsroom

    def run(*extra):
        if fmt == "csv":
            directory = tmp_path / ("anon" if extra else "named")
            call_command(
                "export_story",
                story.slug,
                "--format",
                "csv",
                "--output",
                str(directory),
                *extra,
                stderr=StringIO(),
            )
            tables = {}
            for name in ("links", "annotations"):
                with (directory / f"{name}.csv").open(encoding="utf-8-sig") as handle:
                    tables[name] = list(csv.DictReader(handle))
            text = "\n".join((directory / f).read_text() for f in ("links.csv", "annotations.csv"))
            return text, records_of_document(tables)
        text = command(story, "--format", fmt, *extra)
        document = json.loads(text)
        return text, records_of_jsonld(document) if fmt == "jsonld" else records_of_document(
            document
        )

    text, records = run()
    check_named(records)
    assert all(note.split()[0] in text for note in NOTES.values())
    text, records = run("--anonymous")
    mapping = check_pseudonymous(text, records, users)
    # What an anonymous reader downloads.
    _, served = download(Client(), story, fmt)
    assert check_pseudonymous("", served, users) == mapping
