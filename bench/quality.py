"""Matching quality: pairwise precision, recall, F1 and the share of different-event pairs
grouped, on the seed story's gold and on ECB+ (train and dev topics).

    python bench/quality.py          # the table
    python bench/quality.py --fit    # refit the score weights on ECB+ train (never on dev)
"""

import argparse
import time

import numpy as np
from _corpus import ecb_stories, pairwise, seed_story, summary

from claims.matching import match, pairs, score
from claims.matching.story import StoryIndex
from tests.claims.seed_gold import USER_ALIASES


def evaluate(stories, aliases=()):
    counts = []
    for story in stories:
        result = match(story.articles, story.claims, aliases, explain_links=False)
        event_of = {c: e.key for e in result.events for c in e.claim_ids}
        counts.append(pairwise(story, event_of))
    return summary(counts)


def features(stories):
    """Components and labels of every scored candidate pair between judged claims."""
    xs, ys = [], []
    for story in stories:
        index = StoryIndex.build(story.articles, story.claims)
        a, b, cos, _ = pairs.candidate_pairs(index)
        keys, sims = pairs.article_similarity(index)
        index.article_baseline = pairs.story_baseline(len(index.articles), sims)
        la, lb = pairs.lead_pairs(index, keys, sims)
        a, b, cos = pairs.merge_pairs(a, b, cos, la, lb, len(index.claim_ids))
        comps = pairs.components(index, a, b, cos, keys, sims)
        ids = np.array(index.claim_ids)
        for k in range(len(a)):
            i, j = ids[a[k]], ids[b[k]]
            if i in story.answers and j in story.answers:
                xs.append({n: float(v[k]) for n, v in comps.items()})
                ys.append(bool(story.answers[i][1] & story.answers[j][1]))
    return xs, np.array(ys)


def blocking_recall(stories, aliases=()):
    """Share of same-event judged pairs that blocking proposes (exhaustive scoring sees all)."""
    found = total = 0
    for story in stories:
        index = StoryIndex.build(story.articles, story.claims, aliases)
        a, b, cos, _ = pairs.candidate_pairs(index)
        keys, sims = pairs.article_similarity(index)
        la, lb = pairs.lead_pairs(index, keys, sims)
        a, b, _ = pairs.merge_pairs(a, b, cos, la, lb, len(index.claim_ids))
        proposed = set(zip(a.tolist(), b.tolist(), strict=True))
        ids = sorted(story.answers)
        for x, i in enumerate(ids):
            for j in ids[x + 1 :]:
                (ai, ci, _), (aj, cj, _) = story.answers[i], story.answers[j]
                if ai != aj and ci & cj:
                    total += 1
                    ri, rj = sorted((index.row_of[i], index.row_of[j]))
                    found += (ri, rj) in proposed
    return found / max(total, 1)


def fit(stories):
    xs, y = features(stories)
    names = [n for n in score.WEIGHTS if n != "bias"]
    cols = {n: np.array([x[n] for x in xs]) for n in xs[0]}
    X = np.column_stack([np.ones(len(y))] + [score.feature(cols, n) for n in names])
    w = np.zeros(X.shape[1])
    for _ in range(50):  # Newton steps with a little ridge
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (p - y) + 0.1 * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + 0.1 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    print(f"{len(y)} candidate pairs, {y.mean():.2f} positive")
    print("WEIGHTS = {")
    for n, v in zip(["bias", *names], w, strict=True):
        print(f'    "{n}": {v:.2f},')
    print("}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true")
    args = parser.parse_args()
    if args.fit:
        fit(ecb_stories("train"))
        return
    rows = [
        ("seeds (gold, with user aliases)", [seed_story()], USER_ALIASES),
        ("seeds (gold, no user aliases)", [seed_story()], ()),
        ("ECB+ train (tuned on)", ecb_stories("train"), ()),
        ("ECB+ dev (reported)", ecb_stories("dev"), ()),
    ]
    print(f"{'data':34} {'pairs':>6} {'P':>6} {'R':>6} {'F1':>6} {'other-event grouped':>20}  time")
    for name, stories, aliases in rows:
        t = time.perf_counter()
        s = evaluate(stories, aliases)
        print(
            f"{name:34} {s['pairs']:6d} {s['P']:6.3f} {s['R']:6.3f} {s['F1']:6.3f} "
            f"{s['other']:20.1%}  {time.perf_counter() - t:.1f}s  "
            f"blocking keeps {blocking_recall(stories, aliases):.1%} of same-event pairs"
        )


if __name__ == "__main__":
    main()
