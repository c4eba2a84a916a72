"""Compare sentence segmenters: speed, and agreement with ECB+'s human sentence splits.

Run from the repository root: `.venv/bin/python bench/segment.py`. Prints numbers only; timing
is never asserted. Candidates: syntok and pysbd, each raw and followed by our `repair` step,
all run line by line as `claims.text.segmentation.segment` does. Agreement: each ECB+ document's
sentences joined with " " (sentence 0 of "ecbplus" documents, the page address, left out), then
precision, recall and F1 of the predicted sentence starts against the gold ones.
"""

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.text.segmentation import raw_sentences, repair  # noqa: E402

ECBPLUS = Path("/work/shared/eval/ecbplus")
SEED_REPEATS = 20
_LINE = re.compile(r"[^\n]+")


def pysbd_sentences(text: str) -> list[tuple[int, int]]:
    """pysbd's sentences as (start, end) offsets, found in order in the text."""
    spans, cursor = [], 0
    for sentence in _pysbd().segment(text):
        sentence = sentence.strip()
        start = text.find(sentence, cursor)
        if sentence and start >= 0:
            spans.append((start, start + len(sentence)))
            cursor = start + len(sentence)
    return spans


_SEGMENTER = []


def _pysbd():
    if not _SEGMENTER:
        import pysbd

        _SEGMENTER.append(pysbd.Segmenter(language="en", clean=False))
    return _SEGMENTER[0]


def with_repair(raw):
    return lambda text: repair(text, raw(text))


CANDIDATES = {
    "syntok raw": raw_sentences,
    "syntok + repair": with_repair(raw_sentences),
    "pysbd raw": pysbd_sentences,
    "pysbd + repair": with_repair(pysbd_sentences),
}


def starts(split, text: str) -> list[int]:
    """Sentence starts over the whole text, each line segmented on its own."""
    found = []
    for line in _LINE.finditer(text):
        found += [line.start() + start for start, _ in split(line.group())]
    return found


def ecbplus_documents() -> list[tuple[str, set[int]]]:
    """(text, gold sentence starts after the first) for each train and dev document."""
    documents = []
    for name in ("train_documents.jsonl", "dev_documents.jsonl"):
        for line in (ECBPLUS / name).read_text().splitlines():
            doc = json.loads(line)
            sentences = [s["text"].strip() for s in doc["sentences"]]
            if doc["subtopic"] == "ecbplus":
                sentences = sentences[1:]
            sentences = [s for s in sentences if s]
            text, gold, offset = " ".join(sentences), set(), 0
            for sentence in sentences:
                gold.add(offset)
                offset += len(sentence) + 1
            documents.append((text, gold - {0}))
    return documents


def agreement(found_starts: list[list[int]], documents) -> tuple[float, float, float]:
    true_positives = predicted = gold_total = 0
    for found, (_, gold) in zip(found_starts, documents, strict=True):
        found = set(found) - {0}
        true_positives += len(found & gold)
        predicted += len(found)
        gold_total += len(gold)
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def timed(split, texts: list[str], repeats: int = 1) -> tuple[float, list[list[int]]]:
    """(chars per second, best of three runs; the starts found in each text)."""
    best = float("inf")
    for _ in range(3 if repeats > 1 else 1):
        began = time.perf_counter()
        for _ in range(repeats):
            found = [starts(split, text) for text in texts]
        best = min(best, time.perf_counter() - began)
    return repeats * sum(len(t) for t in texts) / best, found


def main() -> None:
    seeds = [p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    documents = ecbplus_documents()
    ecb_texts = [text for text, _ in documents]
    print(
        f"seeds: {len(seeds)} files, {sum(map(len, seeds)):,} chars (x{SEED_REPEATS}, best of 3); "
        f"ECB+: {len(documents)} documents, {sum(map(len, ecb_texts)):,} chars, "
        f"{sum(len(g) for _, g in documents):,} gold boundaries"
    )
    for split in CANDIDATES.values():  # load and warm every candidate before any clock runs
        for text in seeds:
            starts(split, text)
    rows = {}
    for name, split in CANDIDATES.items():
        seed_speed, _ = timed(split, seeds, SEED_REPEATS)
        ecb_speed, found = timed(split, ecb_texts)
        rows[name] = (seed_speed, ecb_speed, *agreement(found, documents))
    base_seed, base_ecb = rows["syntok raw"][:2]
    print(
        f"{'candidate':<17}{'seeds c/s':>12}{'ratio':>7}{'ECB+ c/s':>12}{'ratio':>7}"
        f"{'P':>8}{'R':>8}{'F1':>8}"
    )
    for name, (seed_speed, ecb_speed, precision, recall, f1) in rows.items():
        print(
            f"{name:<17}{seed_speed:>12,.0f}{seed_speed / base_seed:>6.2f}x"
            f"{ecb_speed:>12,.0f}{ecb_speed / base_ecb:>6.2f}x"
            f"{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}"
        )
    print("ratio: speed relative to syntok raw, measured in this run")


if __name__ == "__main__":
    main()
