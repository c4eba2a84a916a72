"""Matching speed on a synthetic story built from real sentences.

Seed and ECB+ sentences are templates; each synthetic event is one template with its names and
numbers replaced (and a word dropped or two swapped per report), reported by several articles of
one occurrence; every article also carries unrelated claims. Prints, per size: wall time, peak
memory, candidate pairs and seconds per step; exhaustive cdist on a 10k subset as a ratio; new
articles matched one at a time into the 100k story (median of three), as a share of the whole
match.

    python bench/match.py            # 10k and 100k
    python bench/match.py --million  # and 1M (a few minutes)
"""

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time

from _corpus import ECB, ROOT

from claims.matching import (
    ArticleInput,
    ClaimInput,
    StoryIndex,
    match_incremental,
    match_index,
    score,
)

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "vor",
    "dul",
    "sa",
    "ne",
    "bri",
    "ost",
    "pel",
    "gan",
    "tre",
    "mu",
    "zor",
    "hal",
    "fin",
    "dra",
    "ko",
]
SKIP_EXHAUSTIVE = bool(os.environ.get("SKIP_EXHAUSTIVE"))
LABELS: list[int | None] = []  # the synthetic event of each claim of the last corpus, or None
PER_ARTICLE, EVENT_CLAIMS_PER_ARTICLE, EVENTS_PER_OCCURRENCE, ARTICLES_PER_OCCURRENCE = 30, 2, 5, 6


def templates() -> list[str]:
    out = []
    for split in ("train", "dev"):
        with open(ECB / f"{split}.jsonl") as f:
            out += [json.loads(line)["text"] for line in f]
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        out += [s for s in re.split(r"(?<=[.!?])\s+", path.read_text()) if len(s.split()) > 6]
    return out


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def event_text(template: str, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    words = sorted(set(re.findall(r"\b(?:[A-Z][a-z]+|\d+)\b", template)))  # same corpus each run
    return {w: name(rng) if w[0].isalpha() else str(rng.randint(2, 999)) for w in words}


def variant(template: str, names: dict[str, str], rng: random.Random) -> str:
    words = [names.get(w.strip(".,"), w) for w in template.split()]
    if len(words) > 6:
        del words[rng.randrange(len(words))]
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def corpus(n_claims: int, first_article: int = 1, seed: int = 0):
    rng = random.Random(seed)
    base = templates()
    articles, claims = [], []
    LABELS.clear()
    n_articles = n_claims // PER_ARTICLE
    for k in range(n_articles):
        aid = first_article + k
        occurrence = k // ARTICLES_PER_OCCURRENCE
        texts = []
        for e in range(EVENTS_PER_OCCURRENCE):
            event = occurrence * EVENTS_PER_OCCURRENCE + e
            t = base[event % len(base)]
            names = event_text(t, event)
            texts += [variant(t, names, rng) for _ in range(EVENT_CLAIMS_PER_ARTICLE)]
            LABELS.extend([event] * EVENT_CLAIMS_PER_ARTICLE)
        while len(texts) < PER_ARTICLE:
            t = rng.choice(base)
            texts.append(variant(t, event_text(t, rng.randrange(10**9)), rng))
            LABELS.append(None)
        articles.append(ArticleInput(aid, f"outlet {aid % 500}", "", None, " ".join(texts)))
        claims += [ClaimInput(aid * 100 + p, aid, t, p) for p, t in enumerate(texts)]
    return articles, claims


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(n: int) -> dict:
    articles, claims = corpus(n)
    t = time.perf_counter()
    # a real caller keeps this index (pickled) for the articles imported later
    index = StoryIndex.build(articles, claims)
    build = time.perf_counter() - t
    result = match_index(index, explain_links=False)
    wall = time.perf_counter() - t
    out = dict(
        n=len(claims),
        wall=wall,
        peak_mb=peak_mb(),
        generated=result.stats["candidate_pairs_generated"],
        scored=result.stats["candidate_pairs_scored"],
        links=result.stats["links"],
        events=result.stats["events"],
        steps={"index": round(build, 2)}
        | {
            k[8:]: round(v, 2)
            for k, v in result.stats.items()
            if k.startswith("seconds_") and k != "seconds_normalise"
        },
        quality=event_quality(result, claims),
    )
    explained = match_index(index, explain_links=True)
    out["explain_us"] = (
        1e6
        * (explained.stats["seconds_explain"] - result.stats["seconds_explain"])
        / max(len(explained.links), 1)
    )
    del explained
    if n == 10_000 and not SKIP_EXHAUSTIVE:
        t = time.perf_counter()
        score.wording_all_pairs(index.texts)
        out["exhaustive"] = time.perf_counter() - t
    if n == 100_000:
        # three articles imported one after the other (timings are noisy: the median counts)
        existing = {c: e.key for e in result.events for c in e.claim_ids}
        times, links = [], 0
        for seed in (1, 2, 3):
            new_articles, new_claims = corpus(PER_ARTICLE, first_article=10**6 * seed, seed=seed)
            t = time.perf_counter()
            inc = match_incremental(index, new_articles, new_claims, existing=existing)
            times.append(1000 * (time.perf_counter() - t))
            links = links or len(inc.links)
        out["incremental_ms"] = sorted(times)[1]
        out["incremental_all_ms"] = [round(x) for x in times]
        out["incremental_links"] = links
    out["peak_explained_mb"] = peak_mb()  # with the explained result and the imports too
    return out


def event_quality(result, claims) -> str:
    """Pairwise precision and recall of the events against the corpus's own event labels."""
    truth = {c.id: label for c, label in zip(claims, LABELS, strict=True) if label is not None}
    from collections import Counter

    found = {c: e.key for e in result.events for c in e.claim_ids}
    both = Counter((truth[c], found[c]) for c in truth if c in found)
    per_truth = Counter(truth.values())
    per_found = Counter(found[c] for c in truth if c in found)
    tp = sum(k * (k - 1) // 2 for k in both.values())
    gold = sum(k * (k - 1) // 2 for k in per_truth.values())
    pred = sum(k * (k - 1) // 2 for k in per_found.values())
    return f"P {tp / max(pred, 1):.2f} R {tp / max(gold, 1):.2f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--million", action="store_true")
    parser.add_argument("--one", type=int)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    sizes = [10_000, 100_000] + ([1_000_000] if args.million else [])
    print(
        f"{'claims':>9} {'wall s':>8} {'peak MB':>8} {'cand. generated':>16} {'scored':>10} "
        f"{'links':>8} {'events':>7}  steps (s)"
    )
    for n in sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['n']:9d} {r['wall']:8.2f} {r['peak_mb']:8.0f} {r['generated']:16d} "
            f"{r['scored']:10d} {r['links']:8d} {r['events']:7d}  {r['steps']}"
        )
        print(
            f"          explanations: {r['explain_us']:.0f} us a link more; peak "
            f"{r['peak_explained_mb']:.0f} MB with the explained result held as well"
        )
        if "exhaustive" in r:
            print(
                f"          exhaustive cdist on the same 10k claims: {r['exhaustive']:.2f} s "
                f"= {r['exhaustive'] / r['wall']:.1f}x the whole blocked match"
            )
        if "incremental_ms" in r:
            print(
                f"          one new article ({PER_ARTICLE} claims) into the 100k story: "
                f"{r['incremental_ms']:.0f} ms (median of {r['incremental_all_ms']}), "
                f"{r['incremental_links']} links; {r['incremental_ms'] / (1000 * r['wall']):.1%} "
                "of the whole match"
            )
    if not args.million:
        print("1M: run with --million")


if __name__ == "__main__":
    main()
