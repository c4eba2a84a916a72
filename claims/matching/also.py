"""Also tells of: a claim that sits in one event and tells of another as much.

A sentence may tell of two events ("the strike on the army ended the truce"); it stays in one
and is shown in both. It also tells of the other when it would have joined that one on its own,
by the clustering's rule: its mean link score to the event's claims of other articles is at
least ALSO_MEAN, and at least ALSO_OWN times its mean to its own event's claims. What people
confirmed (`Constraints.also_confirmed`) stays, whatever the scores.
"""

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .run import Run

ALSO_MEAN = 0.5  # a claim's mean score to another event's claims for it to also tell of it
ALSO_OWN = 1.0  # ... and at least this share of its mean to its own event's claims


def confirmed(row_of, keys, n, also_confirmed):
    """Which pairs are confirmed ties of a claim to an event it also tells of, and whether
    that claim is the pair's first."""
    kept, outside_is_a = np.zeros(len(keys), bool), np.zeros(len(keys), bool)
    first = {}
    for x, y in also_confirmed:
        if x in row_of and y in row_of:
            rx, ry = row_of[x], row_of[y]
            lo, hi = min(rx, ry), max(rx, ry)
            first[lo * n + hi] = rx == lo
    if first:
        pos = np.flatnonzero(np.isin(keys, list(first)))
        kept[pos] = True
        outside_is_a[pos] = [first[k] for k in keys[pos].tolist()]
    return kept, outside_is_a


def telling(run: "Run", edge, w, is_kept, outside_is_a) -> np.ndarray:
    """The claims that also tell of another event, as keys row * n + label: by the
    clustering's rule (`tells_of`; `edge`, `w`: the clustering graph's pairs and weights) and
    as people confirmed (`is_kept`, `outside_is_a`: the confirmed ties, `confirmed`). It reads
    no score but the graph's, so the scores of other pairs may wait until it is known."""
    a, b = run.a, run.b
    n = np.int64(len(run.index.claim_ids))
    label_a, label_b = run.label(a), run.label(b)
    apart = label_a != label_b
    # what people confirmed stays: the claim keeps telling of the other event
    forced_a, forced_b = is_kept & outside_is_a & apart, is_kept & ~outside_is_a & apart
    return np.union1d(
        tells_of(run, a[edge], b[edge], w),
        np.r_[a[forced_a] * n + label_b[forced_a], b[forced_b] * n + label_a[forced_b]],
    )


def may_tell(run: "Run", also, pairs) -> np.ndarray:
    """Which of `pairs` (a mask) are of two events one of whose claims also tells of the
    other's event (`also`, from `telling`): the only pairs of two events whose link `ties` may
    show."""
    a_tells, b_tells = _telling_sides(run, also, pairs)
    return a_tells | b_tells


def _telling_sides(run: "Run", also, pairs):
    """Of `pairs` (a mask) of two events, those whose first claim tells of the second's event,
    and those whose second tells of the first's: looked up for those pairs only."""
    a, b = run.a, run.b
    n = np.int64(len(run.index.claim_ids))
    idx = np.flatnonzero(pairs)
    label_a, label_b = run.label(a[idx]), run.label(b[idx])
    apart = label_a != label_b
    idx, label_a, label_b = idx[apart], label_a[apart], label_b[apart]
    a_tells, b_tells = np.zeros(len(a), bool), np.zeros(len(a), bool)
    a_tells[idx] = np.isin(a[idx] * n + label_b, also)
    b_tells[idx] = np.isin(b[idx] * n + label_a, also)
    return a_tells, b_tells


def ties(run: "Run", also, shown, is_kept, outside_is_a):
    """The links of claims that also tell of the other claim's event: which pairs (among
    `shown`, of pairs of two events), the (row, group) pairs of those claims and events, and
    the group each pair's link tells of. `also`: the claims that tell of another event
    (`telling`); `is_kept`, `outside_is_a`: the confirmed ties (`confirmed`)."""
    a, b = run.a, run.b
    label_a, label_b = run.label(a), run.label(b)
    apart = label_a != label_b
    forced_b = is_kept & ~outside_is_a & apart
    a_tells, b_tells = _telling_sides(run, also, shown)  # a also tells of b's event, b of a's
    pairs = (np.r_[a[a_tells], b[b_tells]], np.r_[label_b[a_tells], label_a[b_tells]])
    # the event the link tells of (when each claim tells of the other's: what people confirmed)
    a_first = a_tells & ~forced_b
    told = np.where(apart, np.where(a_first, label_b, label_a), label_a)
    return a_tells | b_tells, pairs, told


def tells_of(run: "Run", a, b, w) -> np.ndarray:
    """Claims that also tell of an event other than their own, as keys row * n + label: those
    that would join that event on their own, by the clustering's rule (their mean link score
    to its claims of other articles reaches the threshold), though they sit in another event
    (or none) because they tell of that one as much. (a, b, w): the clustering graph.

    An incremental run (`run.rows`: the new claims) has the pairs of the new claims only, so
    only they are judged: an old claim's mean to its own event is not known there."""
    index = run.index
    n = np.int64(len(index.claim_ids))
    label_a, label_b = run.label(a), run.label(b)
    if not (label_a != label_b).any():
        return np.zeros(0, np.int64)
    row = np.r_[a, b]
    group = np.r_[label_b, label_a]
    keys, which = np.unique(row * n + group, return_inverse=True)
    total = np.bincount(which, np.r_[w, w])
    row, group = keys // n, keys % n
    # each group's claims, and how many of them are in the claim's own article
    nodes = run.nodes()
    art = index.article_of()
    node_group = run.label(nodes)
    groups, sizes = np.unique(node_group, return_counts=True)
    n_art = np.int64(max(len(index.articles), 1))
    in_art, in_art_sizes = np.unique(node_group * n_art + art[nodes], return_counts=True)
    size = sizes[np.searchsorted(groups, group)]
    own_key = group * n_art + art[row]
    pos = np.searchsorted(in_art, own_key).clip(max=len(in_art) - 1)
    own = np.where(in_art[pos] == own_key, in_art_sizes[pos], 0)
    article_count = np.bincount(np.searchsorted(groups, in_art // n_art), minlength=len(groups))
    is_event = (size >= 2) & (article_count[np.searchsorted(groups, group)] >= 2)
    mean = total / np.maximum(size - own, 1)
    row_label = run.label(row)
    mine = row_label == group
    # each row's mean to its own group (0 when alone or unlinked there)
    own_mean = np.zeros(len(index.claim_ids))
    own_mean[row[mine]] = mean[mine]
    strong = ~mine & is_event & (mean >= ALSO_MEAN) & (mean >= ALSO_OWN * own_mean[row])
    if run.rows is not None:
        strong &= np.isin(row, run.rows)
    return keys[strong]
