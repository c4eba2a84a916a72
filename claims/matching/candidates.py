"""Step 3: which pairs are worth scoring.

An inverted index over informative terms: two claims are candidates when they share a term that
few claims of the story use. Terms used by more than `max_df` claims are too common to say two
claims describe one event and are left out of the index, which is what keeps the cost close to
linear in the number of claims. Everything is numpy; no Python loop over pairs.
"""

import numpy as np

PAIR_BATCH = 8_000_000  # pair entries generated at once; bounds peak memory


def max_df(n_items: int) -> int:
    """How many claims a term may appear in and still open candidates."""
    return max(200, int(3 * np.sqrt(n_items)))


def pairs_sharing_terms(
    items: np.ndarray,
    terms: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    limit: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (a < b) of items sharing a term used by at most `limit` items, from different groups.

    `items`, `terms`, `weights` are parallel (one entry per item and term); `groups[item]` is the
    item's article. Returns a, b and the sum over shared terms of weight_a * weight_b (with
    L2-normalised weights this is the cosine restricted to the indexed terms)."""
    order = np.lexsort((items, terms))
    items, terms, weights = items[order], terms[order], weights[order]
    starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])
    sizes = np.diff(np.r_[starts, len(terms)])
    keep = (sizes >= 2) & (sizes <= limit)
    starts, sizes = starts[keep], sizes[keep]
    n_pairs = sizes * (sizes - 1) // 2
    out_keys, out_w = [], []
    bounds = np.searchsorted(
        np.cumsum(n_pairs), np.arange(PAIR_BATCH, n_pairs.sum() + PAIR_BATCH, PAIR_BATCH)
    )
    lo = 0
    for hi in np.unique(np.r_[bounds + 1, len(starts)]):
        hi = min(int(hi), len(starts))
        if hi <= lo:
            continue
        keys, w = _group_pairs(items, weights, groups, starts[lo:hi], sizes[lo:hi])
        out_keys.append(keys)
        out_w.append(w)
        lo = hi
    if not out_keys:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float32)
    keys, w = _sum_duplicates(np.concatenate(out_keys), np.concatenate(out_w))
    n = np.int64(len(groups))
    return keys // n, keys % n, w


def _group_pairs(items, weights, groups, starts, sizes):
    """All pairs inside each run items[start:start+size], as keys a * n + b."""
    # position of every member, and how many members follow it in its run
    member = np.repeat(starts, sizes) + _ranks(sizes)
    follow = np.repeat(sizes, sizes) - _ranks(sizes) - 1
    left = np.repeat(member, follow)
    right = left + 1 + _ranks(follow)
    a, b = items[left], items[right]
    cross = groups[a] != groups[b]
    a, b = a[cross], b[cross]
    w = (weights[left[cross]] * weights[right[cross]]).astype(np.float32)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keys = lo.astype(np.int64) * np.int64(len(groups)) + hi
    return _sum_duplicates(keys, w)


def _ranks(sizes: np.ndarray) -> np.ndarray:
    """0..size-1 for each size, concatenated."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total, dtype=np.int64) - offsets


def _sum_duplicates(keys: np.ndarray, w: np.ndarray):
    if len(keys) == 0:
        return keys, w
    order = np.argsort(keys, kind="stable")
    keys, w = keys[order], w[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(w, starts)


def top_per_item(a: np.ndarray, b: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Mask of pairs that are among the k heaviest of a or of b."""
    keep = np.zeros(len(a), bool)
    for side in (a, b):
        order = np.lexsort((-w, side))
        s = side[order]
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        rank = np.arange(len(s)) - np.repeat(starts, np.diff(np.r_[starts, len(s)]))
        keep[order[rank < k]] = True
    return keep
