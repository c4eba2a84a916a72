"""Copy detection at import (articles/ingest/copies.py): precision and recall on built pairs,
and what the check costs an import.

Run from the repository root: `.venv/bin/python bench/copies.py [--articles N]`.

Built pairs: every seed article and every ECB+ document (train and dev, 772 news articles in
43 topics: many articles of one story, none a copy of another) is indexed in import order;
then three copies of each are looked up: with other site chrome around it, with its first
paragraph replaced (wire copy with a new lead), and shortened to its first 60%. A copy found
is right when it names its original. The negatives are the originals themselves: an original
flagged as a copy of another article of its story is counted a false positive, though ECB+
holds real wire copies (its topic 7 has one AP report on ESPN, CBC, the Times of India and AP's
own site): precision is a lower bound. Precision and recall are printed for several
thresholds (the product uses COPY_THRESHOLD). The chrome here is scored as text; at import
the cleaner removes most of it first.

Import time: a batch of N articles (default 10,000; `--articles N`) through `import_uploads`
into one story of a throwaway SQLite database, emptied before each import, without the check
and with it, then the ratio. Four fifths of the batch are originals: the ECB+ documents, and
past their 772 the same documents with every letter shifted along the alphabet (a Caesar shift
a round: as long, as many sentences and paragraphs, and no five words in common with any
other, as unrelated articles are); the last fifth are copies of them (the variants above).
Prints numbers only; timing is never asserted. The machine is shared: run it twice.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _corpus import ECB  # noqa: E402
from import_shapes import setup_django  # noqa: E402

DB = Path("/tmp/parallax-bench-copies.sqlite3")
THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
LEAD = "Officials on both sides said on Wednesday that they would say more in the coming days."
CHROME_TOP = ["Home | World | Politics", "Share this article"]
CHROME_END = ["Subscribe to our newsletter", "© 2016 The Daily Republisher"]


def seed_articles() -> list[tuple[str, list[str]]]:
    return [
        (p.name, [line for line in p.read_text().splitlines() if line.strip()])
        for p in sorted((ROOT / "seeds").glob("*.txt"))
    ]


def ecb_articles() -> list[tuple[str, list[str]]]:
    """Each document a paragraph a sentence (ECB+ sentences are the articles' lines)."""
    docs = []
    for split in ("train", "dev"):
        with open(ECB / f"{split}_documents.jsonl") as handle:
            for line in handle:
                doc = json.loads(line)
                docs.append((doc["doc_id"], [s["text"] for s in doc["sentences"]]))
    return docs


def with_other_chrome(paragraphs):
    return [*CHROME_TOP, *paragraphs, *CHROME_END]


def with_new_lead(paragraphs):
    return [LEAD, *paragraphs[1:]]


def shortened(paragraphs):
    return paragraphs[: max(2, len(paragraphs) * 6 // 10)]


VARIANTS = [with_other_chrome, with_new_lead, shortened]


def detection(articles) -> None:
    from articles.ingest.copies import COPY_THRESHOLD, CopyIndex

    index = CopyIndex(threshold=0.0)  # every candidate's score, to sweep the threshold
    negatives = []  # best score of an original against the articles indexed before it
    started = time.perf_counter()
    for name, paragraphs in articles:
        found = index.find("\n\n".join(paragraphs))
        negatives.append(found.similarity if found else 0.0)
        index.add(name, "\n\n".join(paragraphs))
    positives = {v.__name__: [] for v in VARIANTS}  # (score, names the right original)
    for name, paragraphs in articles:
        for variant in VARIANTS:
            found = index.find("\n\n".join(variant(paragraphs)))
            hit = (found.similarity, found.key == name) if found else (0.0, False)
            positives[variant.__name__].append(hit)
    seconds = time.perf_counter() - started
    lookups = len(articles) * (1 + len(VARIANTS))
    print(f"{len(articles)} originals, {lookups} lookups in {seconds:.2f}s")
    print(f"{'threshold':>10} {'precision':>10} {'recall':>8}  " + "  ".join(positives))
    for t in THRESHOLDS:
        true = sum(ok and s >= t for hits in positives.values() for s, ok in hits)
        wrong = sum(not ok and s >= t for hits in positives.values() for s, ok in hits)
        false = sum(s >= t for s in negatives) + wrong
        total = sum(map(len, positives.values()))
        precision = true / (true + false) if true + false else 1.0
        per_variant = "  ".join(
            f"{sum(ok and s >= t for s, ok in hits) / len(hits):>{len(v)}.3f}"
            for v, hits in positives.items()
        )
        mark = "  <- COPY_THRESHOLD" if t == COPY_THRESHOLD else ""
        print(f"{t:>10.2f} {precision:>10.3f} {true / total:>8.3f}  {per_variant}{mark}")
    flagged = sum(s >= COPY_THRESHOLD for s in negatives)
    print(f"originals scored as copies of an earlier article at COPY_THRESHOLD: {flagged}")


def shifted(text: str, by: int) -> str:
    """Every letter moved `by` places along the alphabet, case, digits and punctuation kept."""
    if not by:
        return text
    table = {}
    for first in ("a", "A"):
        for i in range(26):
            table[ord(first) + i] = ord(first) + (i + by) % 26
    return text.translate(table)


def originals(n: int) -> list[tuple[str, list[str]]]:
    """n unrelated articles: the ECB+ documents, then again shifted by one letter, by two..."""
    docs = ecb_articles()
    rounds = range(-(-n // len(docs)))
    out = [
        (f"{name}-{r}", [shifted(p, r) for p in paragraphs])
        for r in rounds
        for name, paragraphs in docs
    ]
    return random.Random(7).sample(out, n)


def batch(n: int) -> list:
    from articles.ingest.importer import Upload

    chosen = originals(n * 4 // 5)
    copies = [
        (f"copy-{name}", VARIANTS[i % 3](paragraphs)) for i, (name, paragraphs) in enumerate(chosen)
    ]
    texts = (chosen + copies)[:n]
    return [Upload(f"{name}.txt", "\n\n".join(p).encode(), outlet="Bench") for name, p in texts]


def import_time(uploads, find_copies: bool) -> tuple[float, int, str]:
    from django.core.management import call_command

    from articles.ingest.importer import import_uploads
    from articles.models import Story

    call_command("flush", interactive=False, verbosity=0)  # each import into an empty database
    story = Story.objects.create(slug="bench", title="Bench")
    started = time.perf_counter()
    report = import_uploads(uploads, story, find_copies=find_copies)
    seconds = time.perf_counter() - started
    return seconds, story.articles.filter(copy_of__isnull=False).count(), report.summary()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--import-only", action="store_true", help="skip the detection tables")
    args = parser.parse_args()
    if not args.import_only:
        print("Seeds (5 originals, 15 copies):")
        detection(seed_articles())
        print("\nECB+ train and dev with the seeds (many articles of each story, none a copy):")
        detection(seed_articles() + ecb_articles())
    setup_django(DB)
    uploads = batch(args.articles)
    print(f"\nImport of {len(uploads)} articles into one story (SQLite):")
    seconds = {}
    for find_copies in (False, True):
        seconds[find_copies], linked, summary = import_time(uploads, find_copies)
        label = "with the copy check" if find_copies else "without it"
        print(f"  {label:20} {seconds[find_copies]:7.2f}s  {linked} linked as copies  ({summary})")
    print(f"  with / without: {seconds[True] / seconds[False]:.2f}")


if __name__ == "__main__":
    main()
