"""Step 2b: which articles are about the same occurrence (the same happening, not just the same
kind of happening: this earthquake, not that one).

Articles are compared by their most distinctive terms against the story's own articles: names,
places, dates and numbers that set one happening apart. Articles are grouped by average linkage
(two groups join when their articles are alike on average, so one article that mentions two
happenings cannot glue them). Claims use the grouping as context: two claims from articles
about different occurrences need far stronger sentence evidence to be linked.
"""

import numpy as np
from scipy import sparse

from . import candidates
from . import cluster as cluster_step
from .story import StoryIndex

THRESHOLD = 0.14  # mean article likeness for two groups of articles to be one occurrence
TIGHT = 0.05  # likeness above the story's median that makes two articles' leads comparable
NEIGHBOURS = 20  # most alike articles kept per article


def article_pairs(index: StoryIndex, rows=None):
    """(a, b, likeness) for pairs of alike articles, a < b; with `rows`, pairs touching them."""
    n = len(index.articles)
    m = index.article_matrix(None if rows is None else _sharing(index, rows, candidates.max_df(n)))
    keep = (index.article_df <= candidates.max_df(n)).astype(np.float32)
    m = (m @ sparse.diags(keep)).tocsr()
    m.eliminate_zeros()
    own = np.arange(n)  # every article its own "article": only self-pairs are excluded
    a, b, s, _ = candidates.top_pairs(m, rows, NEIGHBOURS, 1e-6, own)
    return a, b, s


def _sharing(index: StoryIndex, rows, most: int) -> np.ndarray:
    """These articles and those sharing a term with them that at most `most` articles and at
    least two use: all that a product of these articles' rows can reach."""
    ptr, terms, _ = index.article_entries()
    rows = np.asarray(rows, np.int64)
    sizes = ptr[rows + 1] - ptr[rows]
    at = np.repeat(ptr[rows] - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()))
    theirs = terms[at]
    df = index.article_df[theirs]
    wanted = np.zeros(len(index.names), bool)
    wanted[theirs[(df <= most) & (df >= 2)]] = True
    near = np.zeros(len(index.articles), bool)
    near[np.searchsorted(ptr, np.flatnonzero(wanted[terms]), side="right") - 1] = True
    near[rows] = True
    return np.flatnonzero(near)


def group(index: StoryIndex, a, b, s) -> np.ndarray:
    """Occurrence label per article (full run)."""
    n = len(index.articles)
    return cluster_step.cluster(np.arange(n), a, b, s, threshold=THRESHOLD)


def place_new(index: StoryIndex, rows: list[int], a, b, s) -> None:
    """Put new articles into the occurrence they are most like on average, or a new one."""
    occ = index.occurrence
    sizes = np.bincount(occ[: min(rows)], minlength=occ.max() + 1) if min(rows) else None
    fresh = int(occ[: min(rows)].max()) + 1 if min(rows) else 0
    new = set(rows)
    for r in rows:
        other = np.where(a == r, b, a)
        mask = ((a == r) | (b == r)) & ~np.isin(other, list(new))
        best, best_mean = None, THRESHOLD
        if mask.any() and sizes is not None:
            sums = np.bincount(occ[other[mask]], s[mask], minlength=len(sizes))
            means = sums / np.maximum(sizes, 1)
            if means.max() >= best_mean:
                best = int(means.argmax())
        if best is None:
            best, fresh = fresh, fresh + 1
        occ[r] = best


def baseline(n_articles: int, likeness: np.ndarray) -> float:
    """Median likeness of two articles of the story (pairs sharing nothing count as 0): when
    every article covers one occurrence, being alike says little about which event a claim is."""
    total = n_articles * (n_articles - 1) // 2
    if total == 0 or len(likeness) * 2 <= total:
        return 0.0
    return float(np.sort(likeness)[::-1][total // 2])
