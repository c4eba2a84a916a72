"""Step 4: how alike two claims are. The one module that calls rapidfuzz.

Sentence evidence decides, and the articles set the bar (a gate, not a sum):

    evidence = shared terms (IDF cosine) + a share of the likeness of the sentences around them
               (context.py; only inside an occurrence of a story that covers several)
               + a bonus for wording closer than unrelated sentences
               + a bonus when both name two of the same aliased things (an action and who it
               struck, two parties: what the story's aliases group, typed or learned)
    bar      = low for two leads of articles about the same occurrence, moderate for other
               claims of one occurrence, high across occurrences; doubled when the claims say
               different days or different places
    score    = evidence / bar, at most 1 (a pair at 1 clears its bar)

A pair with no informative term in common is never a candidate, so it scores nothing. The bars
were chosen on ECB+ train topics and the seed story (bench/quality.py), never on ECB+ dev.
"""

import numpy as np
from rapidfuzz import distance, fuzz, process

BAR_LEAD = 0.02  # both claims lead their articles, articles about the same occurrence
BAR_SAME = 0.3  # articles about the same occurrence
BAR_ACROSS = 0.8  # articles about different occurrences
BAR_ONE = 0.5  # a story whose articles are all one occurrence: the sentences must tell
CONFLICT = 4.0  # bar multiplier when the claims name different days or different places
WORDING_BONUS = 0.5  # evidence added per unit of wording above the unrelated level
WORDING_FLOOR = 0.5  # token_set_ratio of unrelated sentences sits below this
CONCEPT_BONUS = 0.3  # evidence added when two claims share two or more aliased things
CONTEXT_SHARE = 0.5  # evidence added per unit of context likeness (context.py)


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


def same_words(a: str, b: str) -> float:
    """How nearly the shorter text is found as it stands in the longer, 0..1 (partial_ratio):
    a quotation trimmed at either end scores 1. For the framing's shared quotes."""
    short, long = sorted((a, b), key=len)
    return fuzz.partial_ratio(short, long) / 100


def wording(texts: list[str], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """token_set_ratio of each pair (texts[a[i]], texts[b[i]]), 0..1, on all cores."""
    if len(a) == 0:
        return np.zeros(0, np.float32)
    scores = process.cpdist(
        [texts[i] for i in a.tolist()],
        [texts[i] for i in b.tolist()],
        scorer=fuzz.token_set_ratio,
        workers=-1,
        dtype=np.uint8,
    )
    return scores.astype(np.float32) / 100


def wording_all_pairs(texts: list[str], cutoff: int = 0) -> np.ndarray:
    """token_set_ratio of every pair: what exhaustive scoring costs (benchmarks only)."""
    return process.cdist(
        texts, texts, scorer=fuzz.token_set_ratio, workers=-1, dtype=np.uint8, score_cutoff=cutoff
    )


def bar(c: dict[str, np.ndarray]) -> np.ndarray:
    """How much evidence each pair needs, from its context."""
    same = c["same_occurrence"] > 0
    apart = c["occurrences_apart"] > 0
    need = np.where(same, np.where(c["lead"] > 0, BAR_LEAD, BAR_SAME), BAR_ACROSS)
    need = np.where(same & ~apart, BAR_ONE, need)
    conflict = (c["other_date"] > 0) | (c["other_place"] > 0)
    return np.where(conflict, need * CONFLICT, need).astype(np.float32)


def words(c: dict[str, np.ndarray]) -> np.ndarray:
    """The evidence of the words: shared terms, and a share of their context's likeness (links
    stored before context was measured have none)."""
    return c["terms"] + CONTEXT_SHARE * c.get("context", 0)


def evidence(c: dict[str, np.ndarray]) -> np.ndarray:
    extra = np.maximum(c["wording"] - WORDING_FLOOR, 0) / (1 - WORDING_FLOOR)
    return (words(c) + WORDING_BONUS * extra + CONCEPT_BONUS * c["concepts"]).astype(np.float32)


def combine(c: dict[str, np.ndarray]) -> np.ndarray:
    """Score 0..1: the pair's evidence over its bar."""
    return np.minimum(evidence(c) / bar(c), 1.0).astype(np.float32)
