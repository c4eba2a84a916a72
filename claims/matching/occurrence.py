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

from . import candidates, english
from . import cluster as cluster_step
from .story import StoryIndex

THRESHOLD = 0.14  # mean article likeness for two groups of articles to be one occurrence
TIGHT = 0.05  # likeness above the story's median that makes two articles' leads comparable
NEIGHBOURS = 20  # most alike articles kept per article
# Least `agreement` for an occurrence to be one happening, whose articles' claims may join on
# weaker sentence evidence. Term weights come from the occurrence's own claims and REFERENCE
# sentences of English at large (wordfreq), not from the story: the figure does not move as
# unrelated articles join the story. The seed story's articles (one occurrence, many
# happenings) lead at .171 alone, with the journalist's aliases and beside 300 unrelated ECB+
# and GVC articles alike; 110 of the 113 ECB+ and GVC occurrences of two or more articles with
# leads lead at .2 or more (and .206 or more), 3 at .11-.18.
AGREE = 0.185
REFERENCE = 200  # sentences of English at large whose terms count beside the occurrence's claims


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


def agreement(index: StoryIndex, occurrences=None) -> np.ndarray:
    """Per occurrence: how alike its articles' leads are. For each pair of its articles that
    have leads, the cosine of their two most alike lead claims (lead_matrix's weights); the
    mean over those pairs. Articles about one happening tell it first; articles that lead
    with different happenings (the talks, the convoy, the conditions of a deal) cover a story
    of several, and their being one occurrence says nothing about which of them a claim tells
    of. Terms are weighed by how rare they are in the occurrence and in English at large
    (lead_matrix), not in the story: a story's size and its other articles change no
    occurrence's figure. An occurrence with fewer than two articles with leads gets 1, as
    does one not in `occurrences` (when given: only these are worked out)."""
    art = index.article_of()
    occ = index.occurrence
    n_occ = int(occ.max()) + 1 if len(occ) else 0
    out = np.ones(n_occ)
    lead = np.frombuffer(index.lead, np.uint8).astype(bool)
    if occurrences is not None:
        wanted = np.zeros(n_occ, bool)
        wanted[np.asarray(list(occurrences), np.int64)] = True
        lead &= wanted[occ[art]]
    with_lead = np.zeros(len(index.articles), bool)
    with_lead[art[lead]] = True
    n_lead = np.bincount(occ[with_lead], minlength=n_occ).astype(np.float64)
    # occurrences with two or more articles with leads, and their leads
    counted = n_lead >= 2
    rows = np.flatnonzero(lead & counted[occ[art]])
    if not len(rows):
        return out
    m = lead_matrix(index, rows)
    m = candidates.qualified(m, occ[art[rows]])  # (occurrence, term): one occurrence's pairs
    products = sparse.triu(m @ m.T, k=1).tocoo()
    pa, pb = art[rows[products.row]], art[rows[products.col]]
    other = pa != pb
    pa, pb, c = pa[other], pb[other], products.data[other].astype(np.float64)
    n = np.int64(max(len(index.articles), 1))
    keys = np.minimum(pa, pb) * n + np.maximum(pa, pb)
    order = np.lexsort((-c, keys))  # each pair of articles: its best cosine first
    keys, c = keys[order], c[order]
    first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)
    sums = np.bincount(occ[keys[first] // n], c[first], minlength=n_occ)
    out[counted] = sums[counted] / (n_lead[counted] * (n_lead[counted] - 1) / 2)
    return out


def lead_matrix(index: StoryIndex, rows: np.ndarray) -> sparse.csr_matrix:
    """These claims (rows, sorted) x terms, rows L2-normalised, each term weighed by its IDF
    over the claims of the row's occurrence and REFERENCE sentences of English at large (in
    which a term's document frequency is REFERENCE times its chance of being in a sentence):
    weights that depend on the occurrence's articles only, never on the rest of the story.
    Words the occurrence's articles all use (the topic) weigh little, as do common words."""
    art, occ = index.article_of(), index.occurrence
    entry_rows, terms = index.terms_of_rows(rows)
    groups = np.unique(occ[art[rows]])
    members = np.flatnonzero(np.isin(occ[art], groups))  # every claim of these occurrences
    m_rows, m_terms = index.terms_of_rows(members)
    in_leads = np.zeros(len(index.names), bool)
    in_leads[terms] = True  # only the leads' terms are weighed: the others are not counted
    m_rows, m_terms = m_rows[in_leads[m_terms]], m_terms[in_leads[m_terms]]
    v = np.int64(max(len(index.names), 1))
    keys, df = np.unique(occ[art[m_rows]] * v + m_terms, return_counts=True)
    n_claims = np.bincount(occ[art[members]], minlength=int(occ.max()) + 1)
    g = occ[art[entry_rows]]
    entry_df = df[np.searchsorted(keys, g * v + terms)]
    used, at = np.unique(terms, return_inverse=True)
    names, surface = index.names, index.surface
    chance = np.array([english.sentence_chance(names[t], surface[t]) for t in used.tolist()])
    data = np.log((n_claims[g] + REFERENCE) / (entry_df + REFERENCE * chance[at] + 0.5))
    data = data.clip(min=0.0)
    local = np.searchsorted(rows, entry_rows)  # (entries come in the order of `rows`)
    norms = np.sqrt(np.bincount(local, data * data, minlength=len(rows)))
    data = data / np.maximum(norms[local], 1e-9)
    ptr = np.r_[np.int64(0), np.cumsum(np.bincount(local, minlength=len(rows)))]
    m = sparse.csr_matrix((data.astype(np.float32), terms, ptr), shape=(len(rows), int(v)))
    m.eliminate_zeros()
    return m
