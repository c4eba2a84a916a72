"""What a run returns: the events (their claims, the claims that also tell of them, a label, a
key: a pinned or existing one, else a new one) and the links, each with its components, the
terms and aliases its claims share and a sentence saying so (explain.py words them).
"""

from collections import defaultdict
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from . import beside, calibrate, explain
from .components import distinct_occurrences
from .types import Event, Link, free_key

if TYPE_CHECKING:
    from .run import Run


# The share of the events whose labels a forked child makes (beside.py), when one can.
LABELS_BESIDE = 0.75
LABELS_BESIDE_FROM = 500  # events (a label takes about a quarter of a millisecond)


def events_and_links(run: "Run", link_mask, also_pairs, told, explain_links: bool):
    """The events (their claims, the claims that also tell of them, a label) and the links
    (`link_mask`, of the run's pairs; those inside one event make a claim central). `also_pairs`:
    the rows that also tell of another group and those groups; `told`: each pair's group, the
    event its link tells of."""
    index, a, b, s = run.index, run.a, run.b, run.s
    pinned, existing, rows = run.pinned, run.existing, run.rows
    inside_mask = link_mask & (run.label(a) == run.label(b))
    node_rows = run.nodes()
    node_labels = run.label(node_rows)
    groups = defaultdict(list)
    for r, g in zip(node_rows.tolist(), node_labels.tolist(), strict=True):
        groups[g].append(r)
    centrality = _centrality(a[inside_mask], b[inside_mask], s[inside_mask])
    key_of = run.existing_keys(node_rows.tolist())
    new_rows = set() if rows is None else set(rows.tolist())
    art = index.claim_article
    row_of = index.row_of
    also = defaultdict(set)  # group -> rows of other groups that also tell of it
    for r, g in zip(also_pairs[0].tolist(), also_pairs[1].tolist(), strict=True):
        also[g].add(r)
    events, named, used, found, key_of_group = [], [], set(pinned.values()), [], {}
    unread = bool(existing)  # the keys in use, gathered when a new event first needs a key
    for group, members in groups.items():
        if len(members) < 2 and members[0] not in pinned and members[0] not in key_of:
            continue  # a claim alone, neither pinned nor in an event
        keys = [pinned[r] for r in members if r in pinned] or [
            key_of[r] for r in members if r in key_of
        ]
        if rows is not None and new_rows.isdisjoint(members):
            if keys:  # an old event: its links keep it, new claims may also tell of it
                key_of_group[group] = min(keys)
                found += [(index.claim_ids[r], min(keys)) for r in sorted(also.get(group, ()))]
            continue
        if not keys and len({art[r] for r in members}) < 2:
            continue
        ids = sorted(index.claim_ids[r] for r in members)
        if not keys and unread:
            used |= {k for c, k in existing.items() if c in row_of}
            unread = False
        key = min(keys) if keys else free_key(f"e{ids[0]}", used)
        used.add(key)
        key_of_group[group] = key
        also_ids = sorted(index.claim_ids[r] for r in also.get(group, ()))
        events.append((key, ids, also_ids))
        named.append(members)
        found += [(c, key) for c in also_ids]
    event_keys = [key_of_group.get(g, "") for g in told[link_mask].tolist()]
    # most labels (half the step) on the other core while the links and the rest of the
    # labels are made here: the two take about as long (bench/explain.py --fork)
    split = round(len(named) * LABELS_BESIDE)
    worth = len(named) >= LABELS_BESIDE_FROM
    with beside.beside(_labels, index, named[:split], centrality, worth=worth) as labels:
        links = _links(run, link_mask, explain_links, event_keys)
        rest = _labels(index, named[split:], centrality)
        events = [
            Event(key=key, claim_ids=ids, label=label, also_ids=also_ids)
            for (key, ids, also_ids), label in zip(events, labels() + rest, strict=True)
        ]
    events.sort(key=lambda e: e.claim_ids[0])
    return events, links, sorted(found)


def _labels(index, groups: list[list[int]], centrality: dict[int, float]) -> list[str]:
    """explain.label of each group of rows."""
    return [explain.label(index, rows, centrality) for rows in groups]


def _centrality(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> dict[int, float]:
    """Row -> the scores of its links inside its event, summed: how central its claim is.
    Summed in the order a loop over the links would (a, then b, of each: bincount adds in
    order), to the last bit: ties between claims break as they always did."""
    rows = np.column_stack([a, b]).reshape(-1)
    total = np.bincount(rows, np.repeat(w.astype(np.float64), 2))
    present = np.flatnonzero(np.bincount(rows))
    return dict(zip(present.tolist(), total[present].tolist(), strict=True))


def _links(run: "Run", mask, explain_links, event_keys):
    """The links of `mask`, each with the key of the event it tells of (`event_keys`, in the
    order of the mask's pairs)."""
    index, a, b, s, comps = run.index, run.a, run.b, run.s, run.comps
    picked = np.flatnonzero(mask)
    ids = index.claim_ids
    x = np.array([ids[i] for i in a[picked].tolist()], np.int64)
    y = np.array([ids[j] for j in b[picked].tolist()], np.int64)
    order = np.lexsort((np.maximum(x, y), np.minimum(x, y)))  # in (a, b) order
    picked, x, y = picked[order], x[order], y[order]
    event_keys = [event_keys[i] for i in order.tolist()]
    # what a reader sees: how sure the matcher is (calibrated), beside what it decided with
    shown = {n: v[picked] for n, v in comps.items()}
    shown["decided"] = s[picked]
    names = list(shown)
    rounded = {n: np.round(v.astype(np.float64), 3) for n, v in shown.items()}
    values = zip(*(_floats(rounded[n]) for n in names), strict=True)
    components = map(dict, map(zip, repeat(names), values))
    scores = calibrate.probability(shown, shown["decided"]).astype(np.float64).tolist()
    scores = map(round, scores, repeat(3))
    lo, hi = np.minimum(x, y).tolist(), np.maximum(x, y).tolist()
    # (mapped over the columns: the Python loop a link it replaced cost 0.3 s more at 100k)
    if not explain_links:
        n = len(lo)
        empty = repeat((), n), repeat((), n), repeat("", n)
        return list(map(Link, lo, hi, scores, components, *empty, event_keys))
    terms, aliases = explain.sharing(index, a[picked], b[picked], index.idf())
    texts = explain.sentences(terms, rounded, not distinct_occurrences(index))
    written = _as_linked(aliases, (x > y).tolist())
    return list(map(Link, lo, hi, scores, components, terms, written, texts, event_keys))


def _as_linked(aliases: dict, swapped: list[bool]) -> list:
    """Per link, the aliases its claims write two ways (`explain.sharing`: k -> pairs as in
    a[k], as in b[k]) turned to the link's order (its lower claim id first). The many links
    with none share one empty list (a list a link cost 56 bytes; readers copy it)."""
    none: list = []
    out = [none] * len(swapped)
    for k, pairs in aliases.items():
        out[k] = [(v, u) for u, v in pairs] if swapped[k] else pairs
    return out


def _floats(rounded: np.ndarray) -> list[float]:
    """Values (rounded to 3 places) as Python floats; one object per distinct value, so that a
    component most links share (0 or 1) costs a pointer a link, not a float."""
    distinct, which = np.unique(rounded, return_inverse=True)
    return np.array(distinct.tolist(), dtype=object)[which.reshape(-1)].tolist()
