"""Step 3: which pairs are worth scoring.

Sparse products in C (scipy): a claims x terms matrix times its transpose gives, for every pair
of claims sharing a term, the cosine of their IDF-weighted terms. Two products, never a Python
loop over pairs:

- inside an occurrence (articles about the same happening, see `occurrence`), claims sharing any
  term the story does not use everywhere; the matrix's columns are (occurrence, term), so pairs
  of different occurrences are never even generated;
- across occurrences, only claims sharing rare terms (used by a few claims of the story): only
  strong sentence evidence can link claims of articles about different happenings.

Rows are multiplied a chunk at a time and each row keeps its `k` best pairs, which bounds memory.
"""

import numpy as np
from scipy import sparse

from .normalise import sorted_set
from .story import StoryIndex

PER_CLAIM = 12  # best candidates kept per claim and product
PER_LEAD = 40  # lead claims of one occurrence are compared more widely (see score.BAR_LEAD)
CHUNK_NNZ = 4_000_000  # result entries per chunk, roughly; bounds peak memory
SAME_MIN = 0.02  # least cosine for a candidate inside an occurrence
ACROSS_MIN = 0.12  # least cosine over rare terms for a candidate across occurrences


def max_df(n_claims: int) -> int:
    """How many claims a term may appear in and still open candidates inside an occurrence."""
    return max(200, int(3 * np.sqrt(n_claims)))


def rare_df(n_claims: int) -> int:
    """How many claims a term may appear in and still open candidates across occurrences."""
    return max(12, int(np.sqrt(n_claims) / 4))


def candidate_pairs(index: StoryIndex, rows: np.ndarray | None = None):
    """(a, b, cosine, same occurrence) with a < b, from different articles; with `rows`, only
    pairs touching those rows (incremental). Also how many pairs the products generated."""
    n = len(index.claim_ids)
    art = index.article_of()
    occ = index.occurrence[art]
    near = None if rows is None else _sharing(index, rows, max_df(n), occ)
    x = index.claim_matrix(max_df(n), near)
    inside = qualified(x, occ)
    a1, b1, c1, g1 = top_pairs(inside, rows, PER_CLAIM, SAME_MIN, art)
    lead = np.frombuffer(index.lead, np.uint8).astype(np.float32)
    leads = (sparse.diags(lead) @ inside).tocsr()
    leads.eliminate_zeros()
    lead_rows = None if rows is None else np.asarray(rows)[lead[rows] > 0]
    a3, b3, c3, g3 = top_pairs(leads, lead_rows, PER_LEAD, SAME_MIN, art)
    a1, b1, c1 = _union(a1, b1, c1, a3, b3, c3, n)
    g1 += g3
    near = None if rows is None else _sharing(index, rows, rare_df(n))
    rare = index.claim_matrix(rare_df(n), near)
    a2, b2, c2, g2 = top_pairs(rare, rows, PER_CLAIM, ACROSS_MIN, art, occ)
    a1, b1, c1, g3 = _with_concept_pairs(index, rows, art, occ, a1, b1, c1, inside)
    a = np.r_[a1, a2]
    b = np.r_[b1, b2]
    c = np.r_[c1, c2]
    same = np.r_[np.ones(len(a1), bool), np.zeros(len(a2), bool)]
    return a, b, c.astype(np.float32), same, int(g1 + g2 + g3)


def _with_concept_pairs(index, rows, art, occ, a1, b1, c1, inside):
    """Inside an occurrence, also the pairs that name two of the same aliased things (see
    `score.CONCEPT_BONUS`) however little else they share: a long sentence that mentions the
    bombing of the army in passing has many better neighbours by cosine."""
    n = len(index.claim_ids)
    x, per_row = index.alias_matrix(max_df(n))
    if not x.nnz:
        return a1, b1, c1, 0
    x = x[:, sorted_set(x.indices)].tocsr()
    x = sparse.diags((per_row >= 2).astype(np.float32)) @ x  # rows naming two or more
    x.eliminate_zeros()
    a3, b3, _, generated = top_pairs(qualified(x, occ), rows, PER_CLAIM, 2.0, art)
    if not len(a3):
        return a1, b1, c1, generated
    # their cosine over all terms, as for every pair inside an occurrence
    c3 = np.asarray(inside[a3].multiply(inside[b3]).sum(axis=1)).ravel()
    a, b, c = _union(a1, b1, c1, a3, b3, c3.astype(c1.dtype), n)
    return a, b, c, generated


def _sharing(index: StoryIndex, rows: np.ndarray, most: int, group=None) -> np.ndarray:
    """These rows and the rows sharing with them a term used by at most `most` claims (and,
    with `group`, one of their groups): all that a product of these rows can reach. An
    incremental match fills only those rows of its matrices."""
    rows = np.asarray(rows, np.int64)
    _, terms = index.terms_of_rows(rows)
    wanted = np.zeros(len(index.names), bool)
    wanted[terms[index.df[terms] <= most]] = True
    hits = np.flatnonzero(wanted[np.frombuffer(index.term_ids, np.int32)])
    ptr = np.frombuffer(index.term_ptr, np.int64)
    near = np.zeros(len(index.claim_ids), bool)
    near[np.searchsorted(ptr, hits, side="right") - 1] = True
    if group is not None:
        near &= np.isin(group, group[rows])
    near[rows] = True
    return np.flatnonzero(near)


def qualified(x: sparse.csr_matrix, group: np.ndarray) -> sparse.csr_matrix:
    """The same matrix with each term split per group: column (group, term)."""
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    keys = group[rows].astype(np.int64) * np.int64(x.shape[1] + 1) + x.indices
    uniq, cols = np.unique(keys, return_inverse=True)
    return sparse.csr_matrix(
        (x.data, cols.astype(np.int32), x.indptr), shape=(x.shape[0], max(len(uniq), 1))
    )


def top_pairs(x, rows, k, least, article, group=None):
    """Best `k` partners per row (cosine >= least, other article, and other group when `group`
    is given: a grouping of the articles' claims), as deduplicated pairs a < b. `rows` limits
    the left side (None: all rows)."""
    xt = x.T.tocsr()
    left = np.arange(x.shape[0]) if rows is None else np.asarray(rows, np.int64)
    out_a, out_b, out_c, generated = [], [], [], 0
    # rows per chunk from the expected output: each row's terms times their postings
    df = np.diff(xt.indptr)
    entry_rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    cost = np.bincount(entry_rows, df[x.indices].astype(np.float64), x.shape[0])[left]
    bounds = np.searchsorted(
        np.cumsum(cost), np.arange(CHUNK_NNZ, cost.sum() + CHUNK_NNZ, CHUNK_NNZ)
    )
    start = 0
    for stop in np.unique(np.r_[bounds + 1, len(left)]):
        stop = min(int(stop), len(left))
        if stop <= start:
            continue
        chunk = left[start:stop]
        rows_x = x[start:stop] if rows is None else x[chunk]
        a, b, c, made = _kept_products(rows_x @ xt, chunk, least, article, group)
        generated += made
        keep = _best_k(a, c, k)
        out_a.append(a[keep])
        out_b.append(b[keep])
        out_c.append(c[keep])
        start = stop
    if not out_a:
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0, np.float32), 0
    a, b, c = np.concatenate(out_a), np.concatenate(out_b), np.concatenate(out_c)
    # a pair found from both sides takes the cosine computed from its smaller row: sorted by
    # (pair, found from the larger row), the first of each pair
    n = np.int64(x.shape[0])
    keys = (np.minimum(a, b) * n + np.maximum(a, b)) << 1 | (a > b)
    order = np.argsort(keys, kind="stable")
    keys = keys[order] >> 1
    first = np.ones(len(keys), bool)
    first[1:] = keys[1:] != keys[:-1]
    keys = keys[first]
    return keys // n, keys % n, c[order[first]].astype(np.float32), generated


def _kept_products(prod, chunk, least, article, group):
    """The entries of one chunk's product (rows: `chunk`) that reach `least`, between other
    articles (and other groups): (a, b, c) in the product's order, and how many it made. The
    cosine is tested first, on the product as it stands, so that only the entries reaching it
    are looked up: most of a large story's products fall below it."""
    ptr, cols, data = prod.indptr, prod.indices, prod.data
    at = np.flatnonzero(data >= least)
    row = np.repeat(np.arange(len(chunk), dtype=np.int32), np.diff(ptr))[at]
    a, b = chunk[row], cols[at]
    # claims of one article are in one group: other groups are other articles
    keep = article[a] != article[b] if group is None else group[a] != group[b]
    return a[keep], b[keep].astype(np.int64), data[at[keep]], prod.nnz


def _best_k(a, c, k):
    """Mask of each row's k highest values (ties: the earlier entry). `a` comes grouped by row;
    only rows with more than k entries need sorting."""
    keep = np.ones(len(a), bool)
    if not len(a):
        return keep
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    sizes = np.diff(np.r_[starts, len(a)])
    crowded = np.repeat(sizes > k, sizes)
    idx = np.flatnonzero(crowded)
    if len(idx):
        keep[idx] = False
        idx = idx[_contenders(a[idx], c[idx], k)]
        sub_a = a[idx]
        order = by_row_best_first(sub_a, c[idx])
        sub_a = sub_a[order]
        first = np.flatnonzero(np.r_[True, sub_a[1:] != sub_a[:-1]])
        rank = np.arange(len(sub_a)) - np.repeat(first, np.diff(np.r_[first, len(sub_a)]))
        keep[idx[order[rank < k]]] = True
    return keep


def _contenders(a, c, k):
    """Mask of the entries that may be among their row's k highest (values >= 0, rows grouped),
    found without sorting: values are put in bins that keep their order (the top bits of their
    float32), and an entry in a bin below the one holding its row's k-th highest cannot be."""
    bits = np.ascontiguousarray(c, np.float32).view(np.int32) >> 21  # 4 bins an octave
    bins = bits - bits.min()
    width = int(bins.max()) + 1
    row = np.cumsum(np.r_[False, a[1:] != a[:-1]])
    if (int(row[-1]) + 1) * width > 10_000_000:  # too many counts to keep: no shortcut
        return np.ones(len(a), bool)
    counts = np.bincount(row * width + bins, minlength=(int(row[-1]) + 1) * width)
    from_top = counts.reshape(-1, width)[:, ::-1].cumsum(axis=1)
    cut = width - 1 - np.argmax(from_top >= k, axis=1)  # the bin of each row's k-th highest
    return bins >= cut[row]


def by_row_best_first(row: np.ndarray, value: np.ndarray) -> np.ndarray:
    """The order of np.lexsort((-value, row)) for values >= 0, several times faster: one stable
    sort of one integer key, (row, value's float32 bits, which order like the values)."""
    bits = np.ascontiguousarray(value, np.float32).view(np.int32)
    key = (np.asarray(row, np.int64) << 32) | (0x7FFFFFFF - bits).astype(np.int64)
    return np.argsort(key, kind="stable")


def _union(a1, b1, c1, a2, b2, c2, n):
    """Pairs of either list, once each."""
    keys = np.r_[a1 * np.int64(n) + b1, a2 * np.int64(n) + b2]
    keys, first = np.unique(keys, return_index=True)
    return keys // n, keys % n, np.r_[c1, c2][first]
