"""Step 4: how alike two claims are. The one module that calls rapidfuzz.

A pair's score mixes what the two sentences share (informative terms weighted by rarity in the
story, wording, dates) with what their articles share: two sentences rarely describe one event
when their articles are about different occurrences (other years, places, people).
"""

import numpy as np
from rapidfuzz import distance, fuzz, process

# Weights of a logistic model over the components, fitted on ECB+ train topics (bench/quality.py
# --fit) and checked on the seed story. See `combine`.
WEIGHTS = {
    "bias": -0.63,
    "terms": 2.87,
    "wording": 0.61,
    "article": 4.67,
    "terms_x_article": 13.23,
    "lead_x_article": -0.44,
    "same_date": 1.18,
    "other_date": 0.0,  # fitted +1.11 on ECB+; a date conflict is never evidence for a match
    "other_year": -0.23,
}
LINK_THRESHOLD = 0.5  # a pair at or above this probability is a link


def close_spellings(names: list[str], cutoff: float = 0.8) -> list[tuple[str, str]]:
    """Pairs of names spelled almost alike (Sergei/Sergey, Centre/Center)."""
    names = [n for n in names if len(n) >= 4 and n.isalpha()]
    if len(names) < 2:
        return []
    sim = process.cdist(
        names, names, scorer=distance.Levenshtein.normalized_similarity, score_cutoff=cutoff
    )
    found = []
    for i, j in zip(*np.nonzero(np.triu(sim, 1)), strict=True):
        a, b = names[i], names[j]
        if a[0] == b[0] and a[:3] == b[:3]:
            found.append((a, b))
    return found


def wording(a_texts: list[str], b_texts: list[str]) -> np.ndarray:
    """token_set_ratio of each pair (a_texts[i], b_texts[i]), 0..1, on all cores."""
    if not a_texts:
        return np.zeros(0, np.float32)
    scores = process.cpdist(
        a_texts, b_texts, scorer=fuzz.token_set_ratio, workers=-1, dtype=np.uint8
    )
    return scores.astype(np.float32) / 100


def wording_all_pairs(texts: list[str], cutoff: int = 0) -> np.ndarray:
    """token_set_ratio of every pair: what exhaustive scoring costs (benchmarks only)."""
    return process.cdist(
        texts, texts, scorer=fuzz.token_set_ratio, workers=-1, dtype=np.uint8, score_cutoff=cutoff
    )


def combine(c: dict[str, np.ndarray], weights: dict[str, float] = WEIGHTS) -> np.ndarray:
    """Probability-like score 0..1 from the components."""
    z = weights["bias"] + sum(weights[k] * feature(c, k) for k in weights if k != "bias")
    return (1 / (1 + np.exp(-z))).astype(np.float32)


def feature(c: dict[str, np.ndarray], name: str) -> np.ndarray:
    if name == "wording":
        # token_set_ratio of unrelated sentences sits near 0.4: only what is above says something
        return np.maximum(c["wording"] - 0.4, 0) / 0.6
    if name == "lead_x_article":
        return c["lead"] * c["article"]
    if name == "terms_x_article":
        return c["terms"] * c["article"]
    return c[name]
