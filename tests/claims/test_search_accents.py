"""Search with accents aside (claims/text/fold.py, migration 0018): "Sao Paulo" finds "São
Paulo" and "Erdoğan" finds "Erdogan", on SQLite and PostgreSQL alike (the suite runs on both:
each result is checked against the query applied to every claim), marked where the accented
word stands, and escaped."""

import importlib
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from claims import textsearch
from claims.models import Alias, Claim
from claims.text.fold import LETTERS, fold
from claims.text.query import parse
from claims.views.search import found_ids
from tests.claims.test_search_page import HTMX, every_claim, texts
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

SENTENCES = [
    "Protesters marched through São Paulo on Sunday.",
    "Police in Sao Paulo counted 3,000 people.",
    "President Erdoğan spoke in Ankara.",
    "Erdogan's office denied the report.",
    "Shelling hit Deir-ez-Zor overnight.",
    "Troops entered Deir ez Zor at dawn.",
    "Bashar al-Assad received the envoys.",
    "Assad's forces advanced on Hama.",
    "Officials met in Łódź and Zürich.",
    "Sa\u0303o Tome was written decomposed.",
]


@pytest.fixture
def story(matched_story):
    make_article(matched_story, "Accent Wire", SENTENCES)
    return matched_story


def search(client, story, q) -> str:
    response = client.get(reverse("claims-search", args=[story.slug]), {"q": q}, headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def found(story, q) -> list[str]:
    """The texts found, after checking that the index lost none of what a scan finds."""
    ids = found_ids(story, parse(q), {})
    assert ids == every_claim(story, q, groups=[])
    return list(Claim.objects.filter(id__in=ids).order_by("id").values_list("text", flat=True))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Sao Paulo", [0, 1]),
        ("São Paulo", [0, 1]),
        ('"sao paulo"', [0, 1]),
        ("Erdogan", [2, 3]),
        ("Erdoğan", [2, 3]),
        ("ERDOĞAN", [2, 3]),
        ("Lodz zurich", [8]),
        ("Sao Tome", [9]),
    ],
)
def test_accents_aside_both_ways(story, typed, expected):
    assert found(story, typed) == [SENTENCES[i] for i in expected]


def test_a_hyphen_and_a_space_are_the_same(story):
    spaced = found(story, '"Deir ez Zor"')
    assert SENTENCES[4] in spaced and SENTENCES[5] in spaced
    assert found(story, "Deir-ez-Zor") == spaced == found(story, "deir ez-zor")
    assert len(spaced) > 2  # the seed story's own Deir ez-Zor claims too


def test_the_arabic_article_typed_may_be_missing_and_a_name_finds_it_inside(story):
    assert {SENTENCES[6], SENTENCES[7]} <= set(found(story, "al-Assad"))
    assert {SENTENCES[6], SENTENCES[7]} <= set(found(story, "Assad"))
    assert SENTENCES[7] not in found(story, '"Bashar al-Assad"')


def test_the_accented_word_is_marked_where_it_stands(client, story):
    html = search(client, story, "Sao Paulo")
    assert '<mark class="found" title="matches “Sao”">São</mark> ' in html
    assert "<mark" in html and texts(html) == SENTENCES[:2]
    html = search(client, story, "erdogan")
    assert '<mark class="found" title="matches “erdogan”">Erdoğan</mark>' in html
    assert '<mark class="found" title="matches “erdogan”">Erdogan</mark>&#x27;s' in html
    # Written decomposed (a, then a combining tilde): the accent is inside the mark.
    html = search(client, story, "São Tomé")
    assert '<mark class="found" title="matches “São”">Sa\u0303o</mark>' in html


def test_a_term_alone_reads_the_text_accents_aside():
    assert parse("erdogan").terms[0].matches("Erdoğan said")
    assert parse("Erdoğan").terms[0].matches("ERDOGAN SAID")


def test_marks_are_at_the_texts_own_offsets():
    text = "Near Sa\u0303o Paulo, Erdoğan’s and Deir-ez-Zor’s."
    marks = parse("sao paulo erdogan deir ez zor").marks(text)
    assert [text[m.start : m.end] for m in marks] == [
        "Sa\u0303o",
        "Paulo",
        "Erdoğan",
        "Deir",
        "ez",
        "Zor",
    ]


def test_marked_text_is_escaped(client, story):
    make_article(story, "Accent Wire", ["<b>Café</b> <script>alert(1)</script> in Zürich."])
    html = search(client, story, "cafe zurich")
    assert "&lt;b&gt;<mark" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '">Café</mark>&lt;/b&gt;' in html and '">Zürich</mark>.' in html
    assert "<script>alert" not in html and "<b>Café" not in html


def test_an_alias_group_is_found_from_its_name_typed_without_accents(story):
    Alias.objects.create(story=story, terms="Erdoğan, Turkish president")
    make_article(story, "Accent Wire", ["The Turkish president flew home."])
    groups = [["Erdoğan", "Turkish president"]]
    query = parse("erdogan", groups)
    assert query.terms[0].aliases == ("Turkish president",)
    ids = found_ids(story, query, {})
    texts_found = set(Claim.objects.filter(id__in=ids).values_list("text", flat=True))
    assert {SENTENCES[2], SENTENCES[3], "The Turkish president flew home."} <= texts_found


def test_every_letter_folded_is_folded_by_the_index_too(story):
    """The query decides with its own fold; each database's index must keep every claim that
    fold finds (PostgreSQL's unaccent folds more letters, never fewer)."""
    letters = sorted(LETTERS)
    words = [f"qx{letter}vz{i}" for i, letter in enumerate(letters)]
    claims = make_article(story, "Letter Wire", [f"{w}." for w in words])
    for claim, letter, word in zip(claims, letters, words, strict=True):
        plain = word.replace(letter, fold(letter))
        candidates = textsearch.narrowed(Claim.objects.filter(article__story=story), parse(plain))
        assert claim.pk in set(candidates.values_list("id", flat=True)), letter


def test_the_migration_folds_the_claims_already_there(story):
    """Migration 0018 run back and forth on a database with claims (its operation alone: a
    migration inside the test's transaction is refused on SQLite)."""
    migration = importlib.import_module("claims.migrations.0018_search_unaccent")
    editor = SimpleNamespace(connection=connection)
    if connection.vendor == "postgresql":  # no index is made while a check is pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    migration.backward(None, editor)
    if connection.vendor == "sqlite":
        assert index_holds("sao paulo") == 1  # 0007's index: "São Paulo" is not in it
    migration.forward(None, editor)
    textsearch.repair()  # forget what was read of the index before
    if connection.vendor == "sqlite":
        assert index_holds("sao paulo") == 2
    assert found(story, "Sao Paulo") == SENTENCES[:2]


def index_holds(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(textsearch.MATCHING, [f'"{text}"'])
        return len(cursor.fetchall())


def test_the_index_follows_changed_text_folded(story):
    claim = Claim.objects.get(text=SENTENCES[2])
    text = "President Erdoğan landed in Gdańsk."
    Claim.objects.filter(pk=claim.pk).update(text=text, end=claim.start + len(text))
    assert text in found(story, "gdansk")
    assert SENTENCES[2] not in found(story, "Ankara")
    Claim.objects.filter(pk=claim.pk).delete()
    assert found(story, "gdansk") == []


def test_a_rebuilt_index_holds_folded_text(story):
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 index and its triggers are SQLite's")
    with connection.cursor() as cursor:  # what a rebuild of claims_claim does to them
        for name in textsearch.TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    call_command("migrate", verbosity=0)  # repair: triggers back, the index refilled
    assert found(story, "Sao Paulo") == SENTENCES[:2]
    assert re.search("Erdoğan", " ".join(found(story, "erdogan")))
