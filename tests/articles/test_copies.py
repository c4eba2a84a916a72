"""Copies found at import (articles/ingest/copies.py) and the origin a text states
(articles/ingest/origin.py), on pairs built from the seed articles."""

import csv
from pathlib import Path

import pytest

from articles.ingest.copies import CopyIndex
from articles.ingest.importer import Upload, import_uploads
from articles.ingest.origin import stated_origin
from articles.models import Article, Story
from claims.exchange.export import story_document, write_csv_tables

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def paragraphs(path: Path) -> list[str]:
    return [p for p in path.read_text().splitlines() if p.strip()]


def with_other_chrome(path: Path) -> str:
    return "\n\n".join(
        ["Home | World | Politics", "Share this article", *paragraphs(path)]
        + ["Subscribe to our newsletter", "© 2016 The Daily Republisher"]
        + ["Readers of The Daily Republisher get stories like this one every morning."]
    )


def with_new_lead(path: Path) -> str:
    lead = "Officials on both sides said on Wednesday that the talks would go on for now."
    return "\n\n".join([lead, *paragraphs(path)[1:]])


def shortened(path: Path) -> str:
    kept = paragraphs(path)
    return "\n\n".join(kept[: max(3, len(kept) * 6 // 10)])


VARIANTS = [with_other_chrome, with_new_lead, shortened]


def seed_index() -> CopyIndex:
    index = CopyIndex()
    for path in SEEDS:
        index.add(path.name, path.read_text())
    return index


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.__name__)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_a_republished_seed_is_found_as_a_copy_of_it(seed, variant):
    found = seed_index().find(variant(seed))
    assert found is not None and found.key == seed.name
    assert found.similarity >= 0.8


def test_articles_of_the_same_story_are_no_copies_of_each_other():
    index = CopyIndex()
    for path in SEEDS:
        assert index.find(path.read_text()) is None, path.name
        index.add(path.name, path.read_text())


def test_an_article_sharing_one_quote_is_no_copy():
    quote = paragraphs(SEEDS[3])[11]  # Col. Thomas: "not anticipating any great progress"
    index = CopyIndex()
    index.add("003", SEEDS[3].read_text())
    other = "\n\n".join([*paragraphs(SEEDS[1])[:8], quote])
    assert index.find(other) is None


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("Kerry met Lavrov.\nSource: CNN", "CNN"),
        (
            "Kerry met Lavrov.\n\nThis article originally appeared in Military Times.",
            "Military Times",
        ),
        ("Originally published by The Conversation\n\nKerry met Lavrov.", "The Conversation"),
        ("This article was first published on Defense One.\n\nKerry met.", "Defense One"),
        ("WASHINGTON (Reuters) - Kerry met Lavrov on Monday.", "Reuters"),
        ("(CNN) — Kerry met Lavrov on Monday.", "CNN"),
        ("Kerry met Lavrov on Monday.\n\nAP", "AP"),
        ("Kerry met Lavrov on Monday.\n\n— The Associated Press", "The Associated Press"),
    ],
)
def test_the_origin_the_text_states_is_read(text, origin):
    assert stated_origin(text) == origin


@pytest.mark.parametrize(
    "text",
    [
        "Kerry met Lavrov. Sources said the talks failed.",
        "Source: https://example.com/story\n\nKerry met Lavrov.",
        "Kerry met Lavrov.\n\nThe AP reported that the talks failed, citing officials.",
        "One.\n\nTwo.\n\nThree.\n\nMOSCOW (Reuters) - a later paragraph quoting a wire report.",
        "The officials (who spoke anonymously) - as is usual - said nothing.",
    ],
)
def test_no_origin_is_guessed(text):
    assert stated_origin(text) == ""


def test_the_origin_is_read_from_a_line_the_cleaner_removed():
    assert stated_origin("Kerry met Lavrov.", ["Source: CNN"]) == "CNN"


@pytest.mark.django_db
def test_import_links_a_copy_to_its_original_in_the_story_and_in_the_batch():
    story = Story.objects.create(slug="copies", title="Copies")
    import_uploads([Upload("003.txt", SEEDS[3].read_bytes(), outlet="Military Times")], story)
    batch = [
        Upload("republished-003.txt", with_other_chrome(SEEDS[3]).encode(), outlet="Republisher"),
        Upload("002.txt", SEEDS[2].read_bytes()),
        Upload("short-002.txt", shortened(SEEDS[2]).encode(), outlet="Aggregator"),
    ]
    report = import_uploads(batch, story)
    assert report.summary() == "3 files: 3 imported, 0 duplicates, 0 failed."
    by_source = {a.source: a for a in story.articles.all()}
    assert by_source["republished-003.txt"].copy_of == by_source["003.txt"]
    assert by_source["short-002.txt"].copy_of == by_source["002.txt"]
    assert by_source["short-002.txt"].copy_similarity >= 0.8
    assert by_source["002.txt"].copy_of is None
    assert by_source["002.txt"].origin == "CNN"  # "Source: CNN", a line the cleaner removed
    assert by_source["003.txt"].origin == ""


@pytest.mark.django_db
def test_import_without_the_check_links_nothing():
    story = Story.objects.create(slug="copies", title="Copies")
    uploads = [
        Upload("002.txt", SEEDS[2].read_bytes()),
        Upload("b.txt", shortened(SEEDS[2]).encode()),
    ]
    import_uploads(uploads, story, find_copies=False)
    assert not story.articles.filter(copy_of__isnull=False).exists()


def imported_with_a_copy() -> Story:
    story = Story.objects.create(slug="copies", title="Copies")
    uploads = [
        Upload("002.txt", SEEDS[2].read_bytes()),
        Upload("short-002.txt", shortened(SEEDS[2]).encode(), outlet="Aggregator"),
    ]
    import_uploads(uploads, story)
    return story


@pytest.mark.django_db
def test_json_and_csv_exports_give_each_article_its_copy_of_and_origin(tmp_path):
    story = imported_with_a_copy()
    original, copy = story.articles.order_by("pk")
    rows = {a["id"]: a for a in story_document(story)["articles"]}
    # the shortened copy lost the "Source: CNN" line: it states no origin, and none is guessed
    assert (rows[copy.pk]["copy_of"], rows[copy.pk]["origin"]) == (original.pk, "")
    assert rows[copy.pk]["copy_similarity"] >= 0.8
    assert (rows[original.pk]["copy_of"], rows[original.pk]["origin"]) == (None, "CNN")
    write_csv_tables(story, tmp_path)
    with (tmp_path / "articles.csv").open(encoding="utf-8-sig") as handle:
        table = {int(r["id"]): r for r in csv.DictReader(handle)}
    assert table[copy.pk]["copy_of"] == str(original.pk)
    assert table[original.pk]["copy_of"] == ""
    assert (table[original.pk]["origin"], table[copy.pk]["origin"]) == ("CNN", "")


@pytest.mark.django_db
def test_the_article_list_shows_a_copy_and_an_origin_other_than_the_outlet(client):
    story = imported_with_a_copy()
    original, copy = story.articles.order_by("pk")
    Article.objects.filter(pk=copy.pk).update(origin="<b>Reuters</b>")
    page = client.get(f"/stories/{story.slug}/articles/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("copy of") == 1
    assert f'copy of <a href="/stories/{story.slug}/articles/{original.pk}/">' in html
    assert "origin: &lt;b&gt;Reuters&lt;/b&gt;" in html
    assert "origin: CNN" not in html  # the CNN article filed under CNN: nothing to add


@pytest.mark.django_db
def test_the_reader_shows_what_a_copy_copies_its_origin_and_the_copies_of_an_original(client):
    story = imported_with_a_copy()
    original, copy = story.articles.order_by("pk")
    html = client.get(copy.get_absolute_url()).content.decode()
    assert "Copy of <a href=" in html and f"({original.outlet.name}): " in html
    assert "% of this article’s words are in it" in html
    assert "Origin stated in the text" not in html
    html = client.get(original.get_absolute_url()).content.decode()
    assert "Origin stated in the text: CNN" in html
    assert "Copied by:" in html and "(Aggregator)" in html
    assert "Copy of <a" not in html
