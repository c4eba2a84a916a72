"""Candidates, then their component scores: the part of matching that works on pairs."""

import numpy as np

from . import candidates, score
from .story import StoryIndex

KEEP_PER_CLAIM = 25  # strongest candidates kept per claim before the costlier scoring
MIN_SHARED = 0.05  # a candidate must share at least this much weighted vocabulary


def candidate_pairs(index: StoryIndex, rows: np.ndarray | None = None):
    """(a, b, terms cosine) for pairs of claims of different articles sharing rare terms.

    With `rows`, only pairs with at least one claim among those rows (incremental)."""
    items, terms, weights = index.claim_vectors()
    groups = np.asarray(index.claim_article, np.int64)
    limit = candidates.max_df(len(index.claim_ids))
    if rows is not None:
        items, terms, weights = _touching(items, terms, weights, rows, index.df, limit)
    a, b, cos = candidates.pairs_sharing_terms(items, terms, weights, groups, limit)
    if rows is not None:
        new = np.zeros(len(index.claim_ids), bool)
        new[rows] = True
        mask = new[a] | new[b]
        a, b, cos = a[mask], b[mask], cos[mask]
    generated = len(a)
    mask = cos >= MIN_SHARED
    a, b, cos = a[mask], b[mask], cos[mask]
    mask = candidates.top_per_item(a, b, cos, KEEP_PER_CLAIM)
    return a[mask], b[mask], cos[mask], generated


LEAD = 8  # the first claims of an article: news puts the main event first
SAME_OCCURRENCE = 0.1  # article similarity above which the leads of two articles are compared
LEAD_ARTICLES = 10  # most similar articles whose leads are compared, per article


def lead_pairs(index: StoryIndex, article_keys, article_sims, rows=None):
    """Pairs of lead claims of articles about the same occurrence, shared words or not."""
    n_art = np.int64(len(index.articles))
    strong = article_sims >= SAME_OCCURRENCE
    aa, ab, sims = article_keys[strong] // n_art, article_keys[strong] % n_art, article_sims[strong]
    if len(aa):
        keep = candidates.top_per_item(aa, ab, sims, LEAD_ARTICLES)
        aa, ab = aa[keep], ab[keep]
    leads: dict[int, list[int]] = {}
    for row, pos in enumerate(index.positions):
        if pos < LEAD:
            leads.setdefault(index.claim_article[row], []).append(row)
    out_a, out_b = [], []
    for x, y in zip(aa.tolist(), ab.tolist(), strict=True):
        for i in leads.get(x, ()):
            for j in leads.get(y, ()):
                out_a.append(min(i, j))
                out_b.append(max(i, j))
    a, b = np.array(out_a, np.int64), np.array(out_b, np.int64)
    if rows is not None and len(a):
        new = np.zeros(len(index.claim_ids), bool)
        new[rows] = True
        mask = new[a] | new[b]
        a, b = a[mask], b[mask]
    return a, b


def merge_pairs(a, b, cos, la, lb, n):
    """Union of two pair lists; pairs only in the second get cosine 0 (no rare term shared)."""
    keys = np.r_[a * np.int64(n) + b, la * np.int64(n) + lb]
    w = np.r_[cos, np.full(len(la), -1.0, np.float32)]
    order = np.lexsort((-w, keys))
    keys, w = keys[order], w[order]
    first = np.r_[True, keys[1:] != keys[:-1]]
    keys, w = keys[first], np.maximum(w[first], 0).astype(np.float32)
    return keys // n, keys % n, w


def _touching(items, terms, weights, rows, df, limit):
    """Only the postings of terms the new claims use: the rest cannot make a new pair."""
    new_terms = np.zeros(len(df), bool)
    in_rows = np.isin(items, rows)
    new_terms[terms[in_rows]] = True
    keep = new_terms[terms] & (df[terms] <= limit)
    return items[keep], terms[keep], weights[keep]


def article_similarity(index: StoryIndex, rows=None):
    """Cosine of the articles' distinctive terms, for article pairs sharing any."""
    items, terms, weights = index.article_vectors(rows)
    if rows is not None:
        all_items, all_terms, all_w = index.article_vectors()
        wanted = np.isin(all_terms, terms)
        items = np.concatenate([all_items[wanted & ~np.isin(all_items, list(rows))], items])
        terms = np.concatenate([all_terms[wanted & ~np.isin(all_items, list(rows))], terms])
        weights = np.concatenate([all_w[wanted & ~np.isin(all_items, list(rows))], weights])
    n = len(index.articles)
    groups = np.arange(n)
    a, b, sim = candidates.pairs_sharing_terms(items, terms, weights, groups, candidates.max_df(n))
    return a * np.int64(n) + b, sim


def story_baseline(n_articles: int, sims: np.ndarray) -> float:
    """Median likeness of two articles of the story (pairs sharing nothing count as 0)."""
    total = n_articles * (n_articles - 1) // 2
    if total == 0 or len(sims) * 2 <= total:
        return 0.0
    ordered = np.sort(sims)[::-1]
    return float(ordered[total // 2])


def components(index: StoryIndex, a, b, cos, article_keys, article_sims) -> dict[str, np.ndarray]:
    """The named components of each pair's score."""
    arts = np.asarray(index.claim_article, np.int64)
    n_art = np.int64(len(index.articles))
    aa, ab = arts[a], arts[b]
    keys = np.minimum(aa, ab) * n_art + np.maximum(aa, ab)
    pos = np.searchsorted(article_keys, keys).clip(max=max(len(article_keys) - 1, 0))
    found = (article_keys[pos] == keys) if len(article_keys) else np.zeros(len(keys), bool)
    article = np.where(found, article_sims[pos] if len(article_sims) else 0, 0).astype(np.float32)
    # Articles count as "about the same occurrence" relative to the story: when every article
    # of a story covers one occurrence, their likeness says nothing about which event a claim is.
    article = np.maximum(article - index.article_baseline, 0).astype(np.float32)
    d1, d2 = claim_dates(index)
    same_date, other_date = _date_agreement(d1, d2, a, b)
    year = article_years(index)
    other_year = (year[aa] >= 0) & (year[ab] >= 0) & (year[aa] != year[ab])
    texts = index.texts
    positions = np.asarray(index.positions, np.int64)
    c = {
        "lead": ((positions[a] < LEAD) & (positions[b] < LEAD)).astype(np.float32),
        "terms": cos.astype(np.float32),
        "wording": score.wording([texts[i] for i in a], [texts[i] for i in b]),
        "article": article,
        "same_date": same_date.astype(np.float32),
        "other_date": other_date.astype(np.float32),
        "other_year": other_year.astype(np.float32),
    }
    return c


def _is_date(term: str) -> bool:
    return term.startswith("@") and not term[1:].isdigit()


def claim_dates(index: StoryIndex):
    """Up to two day-dates ("@sep17") per claim, as term ids, -1 for none."""
    names = index.term_names()
    is_date = np.array([_is_date(t) for t in names], bool)
    n = len(index.claim_ids)
    d1, d2 = np.full(n, -1, np.int64), np.full(n, -1, np.int64)
    for row, terms in enumerate(index.claim_terms):
        if len(terms) == 0:
            continue
        dates = terms[is_date[terms]]
        if len(dates):
            d1[row] = dates[0]
            d2[row] = dates[-1]
    return d1, d2


def _date_agreement(d1, d2, a, b):
    has = (d1[a] >= 0) & (d1[b] >= 0)
    same = has & ((d1[a] == d1[b]) | (d1[a] == d2[b]) | (d2[a] == d1[b]) | (d2[a] == d2[b]))
    return same, has & ~same


def article_years(index: StoryIndex) -> np.ndarray:
    """Each article's year: its publication year, else the year it mentions most, else -1."""
    names = index.term_names()
    years = np.full(len(index.articles), -1, np.int64)
    for row, article in enumerate(index.articles):
        if article.published:
            years[row] = article.published.year
            continue
        counts = [
            (c, int(names[t][1:]))
            for t, c in index.article_counts[row].items()
            if names[t][:1] == "@" and names[t][1:].isdigit()
        ]
        if counts:
            years[row] = max(counts)[1]
    return years
