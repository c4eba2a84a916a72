"""Search finds exactly what a scan of the story's claims with `icontains` finds, through the
text index where it can serve (claims/textsearch.py), and the index follows every change to
the claims."""

import pytest
from django.db import connection

from articles.models import Story
from claims import textsearch
from claims.models import Claim
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
ALL = 100_000

QUERIES = [
    "convoy",
    "CONVOY",
    "Aleppo",
    "near Aleppo",
    "the",
    "al",  # under three letters: no trigram, a scan
    "a",
    "e ",
    "%",
    "_",
    "50%",
    '"',
    'said "',
    "’",
    "élysée",
    "ÉLYSÉE",
    "zzzz",
]


def scan(story, query, n=ALL) -> list[int]:
    claims = Claim.objects.filter(article__story=story, text__icontains=query).order_by("id")
    return list(claims.values_list("id", flat=True)[:n])


def search(story, query, n=ALL) -> list[int]:
    return list(Claim.objects.first_containing(story, query, n).values_list("id", flat=True))


def add_claim(story, text: str, name="Index Wire") -> Claim:
    (claim,) = make_article(story, name, [text])
    return claim


@pytest.fixture
def story(matched_story):
    # Texts the seed may not have: a percent sign, an underscore, quotes, accented capitals.
    add_claim(matched_story, 'The mayor said "50% of the_convoy" reached the Élysée.')
    add_claim(matched_story, "Officials met at the ÉLYSÉE palace on Monday.")
    return matched_story


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_what_a_scan_finds(story, query):
    assert search(story, query) == scan(story, query)
    assert search(story, query, 3) == scan(story, query, 3)


def test_the_index_serves_queries_of_three_letters_and_more(story):
    if connection.vendor == "sqlite":
        assert textsearch.first_ids(story.pk, "convoy", 5) == scan(story, "convoy", 5)
        assert textsearch.first_ids(story.pk, "co", 5) is None  # no trigram in it: a scan
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE indexname = 'claims_claim_text_fold_trgm'"
            )
            assert cursor.fetchone(), "the pg_trgm index was not made (migration 0018)"


def test_the_index_follows_new_changed_and_deleted_claims(story):
    claim = add_claim(story, "Quorvantis was shelled overnight.")
    assert search(story, "quorvantis") == [claim.pk]
    Claim.objects.filter(pk=claim.pk).update(text="Zelbrovias was shelled overnight.")
    assert search(story, "quorvantis") == []
    assert search(story, "zelbrovias") == [claim.pk]
    claim.article.delete()
    assert search(story, "zelbrovias") == []


def test_search_keeps_to_its_story(story):
    other = Story.objects.create(slug="other", title="Other")
    add_claim(other, "Quorvantis was shelled overnight.", name="Other Wire")
    assert search(story, "quorvantis") == []
    assert len(search(other, "quorvantis")) == 1


@pytest.mark.django_db
def test_a_table_rebuilt_by_a_migration_keeps_its_claims_searchable(matched_story):
    """SQLite drops triggers with their table, and Django rebuilds claims_claim for many schema
    changes: after `migrate`, claims added later must still be found through the index."""
    from django.core.management import call_command

    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 index and its triggers are SQLite's")
    with connection.cursor() as cursor:  # what a rebuild of claims_claim does to them
        for name in textsearch.TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    call_command("migrate", verbosity=0)
    added = add_claim(matched_story, "A zebra and a quokka crossed the road.")
    assert textsearch.first_ids(matched_story.pk, "quokka", 10) == [added.pk]
    assert search(matched_story, "quokka") == [added.pk]
