"""Clustering in rounds and from a heap gives what merging one pair at a time gives."""

import random

import numpy as np
import pytest

from claims.matching import cluster as cluster_step


def one_at_a_time(articles, links, threshold):
    """The definition: merge the two groups with the highest mean (ties: the pair of smallest
    group ids) while it reaches the threshold; the bigger group keeps its id."""
    groups = {i: [i] for i in range(len(articles))}
    score = {}
    for x, y, s in links:
        score[min(x, y), max(x, y)] = score.get((min(x, y), max(x, y)), 0.0) + s

    def mean(gx, gy):
        pairs = [(p, q) for p in groups[gx] for q in groups[gy] if articles[p] != articles[q]]
        total = sum(score.get((min(p, q), max(p, q)), 0.0) for p, q in pairs)
        return total / len(pairs) if pairs else 0.0

    while True:
        linked = {
            (min(gx, gy), max(gx, gy))
            for gx in groups
            for gy in groups
            if gx != gy
            and any((min(p, q), max(p, q)) in score for p in groups[gx] for q in groups[gy])
        }
        best = min(((-mean(gx, gy), gx, gy) for gx, gy in linked), default=None)
        if best is None or -best[0] < threshold:
            break
        _, gx, gy = best
        keep, gone = (gy, gx) if len(groups[gx]) < len(groups[gy]) else (gx, gy)
        groups[keep] += groups.pop(gone)
    labels = np.arange(len(articles))
    for g, rows in groups.items():
        labels[rows] = g
    return labels


def random_story(seed):
    """Claims of a few articles, many of them alike (scores that tie), some pairs against."""
    rng = random.Random(seed)
    n = rng.randint(6, 24)
    articles = [rng.randrange(5) for _ in range(n)]
    links = [
        (x, y, rng.choice([1.0, 1.0, 1.0, 0.5, 0.3, 0.1, -0.5]))
        for x in range(n)
        for y in range(x + 1, n)
        if articles[x] != articles[y] and rng.random() < 0.4
    ]
    return articles, links


@pytest.mark.parametrize("few", [1, 64])  # rounds as long as they merge, or the heap early
@pytest.mark.parametrize("threshold", [0.03, 0.26, 0.6])
def test_rounds_and_heap_merge_like_one_pair_at_a_time(monkeypatch, few, threshold):
    monkeypatch.setattr(cluster_step, "FEW", few)
    for seed in range(60):
        articles, links = random_story(seed)
        a, b, s = (np.array(col) for col in zip(*links, strict=True)) if links else ([],) * 3
        labels = cluster_step.cluster(articles, a, b, s, threshold=threshold)
        assert labels.tolist() == one_at_a_time(articles, links, threshold).tolist(), seed
