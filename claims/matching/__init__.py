"""Match a story's claims into events: normalise -> aliases -> occurrences -> candidates ->
score -> cluster -> explain. Pure functions of their input; the database is the caller's
business.

Clustering runs in two stages when the story covers several occurrences: inside each occurrence
on a low bar (the articles already say which happening they report), then across on the usual
one. Pairs naming other days or places count against a merge, so a claim that names neither
cannot glue a Moscow meeting to a New York one.

    result = match(articles, claims, aliases=[["SAA", "Syrian troops"]], constraints=...)
    index = StoryIndex.build(articles, claims, aliases)       # keep it (pickle) for imports
    result = match_index(index, constraints)
    result = match_incremental(index, [new_article], new_claims, existing=claim_to_event_key)
"""

import itertools
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np

from . import calibrate, candidates, explain, occurrence, score
from . import cluster as cluster_step
from .pause import paused_gc
from .story import StaleIndex, StoryIndex
from .types import ArticleInput, ClaimInput, Constraints, Event, Link, MatchResult, free_key

__all__ = [
    "ArticleInput",
    "ClaimInput",
    "Constraints",
    "Event",
    "Link",
    "MatchResult",
    "StaleIndex",
    "StoryIndex",
    "free_key",
    "match",
    "match_incremental",
    "match_index",
]

NO_CONSTRAINTS = Constraints()
EDGE_FLOOR = 0.3  # weaker pairs stay out of the clustering graph (they count as 0)
CONFLICT_WEIGHT = 0.5  # a pair naming other days or places counts against its groups merging
INSIDE_THRESHOLD = 0.03  # merge threshold inside an occurrence that sets its articles apart
MIN_SURE = 0.4  # calibrated chance a pair is one event that it takes to join claims into one
LINK_FLOOR = 0.5  # a pair inside one event is shown as a link from this score up
ALSO_MEAN = 0.5  # a claim's mean score to another event's claims for it to also tell of it
ALSO_OWN = 1.0  # ... and at least this share of its mean to its own event's claims
LINKS_PER_CLAIM = 4  # each claim keeps its best few links inside its event


def match(
    articles: Iterable[ArticleInput],
    claims: Iterable[ClaimInput],
    aliases: Iterable[Iterable[str]] = (),
    constraints: Constraints = NO_CONSTRAINTS,
    explain_links: bool = True,
) -> MatchResult:
    """Group a story's claims into events and list the links inside each event."""
    t0 = time.perf_counter()
    index = StoryIndex.build(articles, claims, aliases)
    stats = {"seconds_normalise": time.perf_counter() - t0}
    return _run(index, None, constraints, {}, explain_links, stats)


def match_index(
    index: StoryIndex, constraints: Constraints = NO_CONSTRAINTS, explain_links: bool = True
) -> MatchResult:
    """`match` on an index the caller built (and keeps, for matching new articles later)."""
    return _run(index, None, constraints, {}, explain_links, {"seconds_normalise": 0.0})


def match_incremental(
    index: StoryIndex,
    new_articles: Iterable[ArticleInput],
    new_claims: Iterable[ClaimInput],
    constraints: Constraints = NO_CONSTRAINTS,
    existing: Mapping[int, str] | None = None,
    explain_links: bool = True,
) -> MatchResult:
    """Match new articles' claims against a story already matched.

    `index` is the story's StoryIndex (built once, kept by the caller, updated here in place);
    `existing` maps the story's claim ids to the key of the event they are in now. Existing events
    are neither split nor merged; new claims join them or form new events. Returns the events
    that gained claims (with all their claims) and the links that touch a new claim."""
    t0 = time.perf_counter()
    n_articles = len(index.articles)
    rows = np.array(index.add(new_articles, new_claims), np.int64)
    stats = {"seconds_normalise": time.perf_counter() - t0}
    new_articles = list(range(n_articles, len(index.articles)))
    return _run(index, rows, constraints, dict(existing or {}), explain_links, stats, new_articles)


@paused_gc()
def _run(index, rows, constraints, existing, explain_links, stats, new_articles=None):
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        stats[f"seconds_{name}"] = now - clock
        clock = now

    aa, ab, asim = occurrence.article_pairs(index, new_articles)
    if rows is None:
        index.occurrence = occurrence.group(index, aa, ab, asim)
        index.article_baseline = occurrence.baseline(len(index.articles), asim)
    elif new_articles:
        occurrence.place_new(index, new_articles, aa, ab, asim)
    lap("occurrences")
    a, b, cos, same, generated = candidates.candidate_pairs(index, rows)
    a, b, cos, same = _with_must_links(index, a, b, cos, same, constraints)
    lap("candidates")
    row_of = index.row_of
    cannot = {
        _pair(row_of, x, y) for x, y in constraints.cannot_link if x in row_of and y in row_of
    }
    must = {_pair(row_of, x, y) for x, y in constraints.must_link if x in row_of and y in row_of}
    n = np.int64(len(index.claim_ids))
    keys = a * n + b
    is_cannot = np.isin(keys, [x * n + y for x, y in cannot]) if cannot else np.zeros(len(a), bool)
    is_must = np.isin(keys, [x * n + y for x, y in must]) if must else np.zeros(len(a), bool)
    is_kept, outside_is_a = _confirmed_also(row_of, keys, n, constraints.also_confirmed)
    comps, worded = components(index, a, b, cos, same, aa, ab, asim, exact=is_must | is_kept)
    s = score.combine(comps)
    sure = _sure(index, a, b, comps, worded, s) | is_must
    lap("score")
    conflict = (comps["other_date"] > 0) | (comps["other_place"] > 0)
    conflict &= ~is_must & ~is_cannot
    edge = ~is_cannot & (((s >= EDGE_FLOOR) & sure) | conflict)
    weight = np.where(conflict, -CONFLICT_WEIGHT, s)
    inside = (comps["same_occurrence"] > 0) & distinct_occurrences(index)
    pinned = {row_of[c]: k for c, k in constraints.pinned.items() if c in row_of}
    labels, local = _cluster(
        index, rows, a[edge], b[edge], weight[edge], inside[edge], must, cannot, pinned, existing
    )
    lap("cluster")
    label_a, label_b = labels[_local(local, a)], labels[_local(local, b)]
    link_mask = ~is_cannot & (label_a == label_b) & ((s >= LINK_FLOOR) | is_must)
    link_mask &= _best_per_claim(a, b, s, link_mask, LINKS_PER_CLAIM) | is_must
    also = _also_tells_of(index, labels, local, a[edge], b[edge], weight[edge], rows)
    apart = label_a != label_b
    # what people confirmed stays: the claim keeps telling of the other event
    forced_a, forced_b = is_kept & outside_is_a & apart, is_kept & ~outside_is_a & apart
    also = np.union1d(
        also, np.r_[a[forced_a] * n + label_b[forced_a], b[forced_b] * n + label_a[forced_b]]
    )
    shown = ~is_cannot & apart & ((s >= LINK_FLOOR) | is_kept)
    a_tells = shown & np.isin(a * n + label_b, also)  # a also tells of b's event
    b_tells = shown & np.isin(b * n + label_a, also)
    also_pairs = (np.r_[a[a_tells], b[b_tells]], np.r_[label_b[a_tells], label_a[b_tells]])
    link_mask |= a_tells | b_tells
    # the event the link tells of (when each claim tells of the other's: what people confirmed)
    a_first = a_tells & ~forced_b
    told = np.where(apart, np.where(a_first, label_b, label_a), label_a)
    _word_links(index, a, b, comps, link_mask & ~worded)
    events, links, also_found = _describe(
        index, labels, local, a, b, s, comps, link_mask & ~apart, link_mask,
        pinned, existing, rows, explain_links, also_pairs, told,
    )  # fmt: skip
    lap("explain")
    stats.update(
        claims=len(index.claim_ids),
        articles=len(index.articles),
        occurrences=int(len(np.unique(index.occurrence))) if len(index.articles) else 0,
        candidate_pairs_generated=int(generated),
        candidate_pairs_scored=int(len(a)),
        links=len(links),
        events=len(events),
        aliases_learned=[list(x) for x in index.alias_table.learned if x[2] != "you said so"],
    )
    if rows is not None:
        stats["new_aliases"] = [list(x) for x in getattr(index, "new_aliases", [])]
    return MatchResult(events=events, links=links, stats=stats, also=also_found)


def components(index, a, b, cos, same, aa, ab, asim, exact=None):
    """The named components of each pair's score, and where its wording was compared: only
    where the wording can change what the score decides (see `_wording_counts`), and for the
    pairs in `exact`. Pairs kept as links get theirs from `_word_links`."""
    art = index.article_of()
    n_art = np.int64(max(len(index.articles), 1))
    pa, pb = art[a], art[b]
    pair_keys = np.minimum(pa, pb) * n_art + np.maximum(pa, pb)
    art_keys = aa * n_art + ab
    order = np.argsort(art_keys)
    art_keys, art_sims = art_keys[order], asim[order]
    pos = np.searchsorted(art_keys, pair_keys).clip(max=max(len(art_keys) - 1, 0))
    found = (art_keys[pos] == pair_keys) if len(art_keys) else np.zeros(len(a), bool)
    article = np.where(found, art_sims[pos] if len(art_sims) else 0, 0)
    lead = np.frombuffer(index.lead, np.uint8).astype(bool)
    comps = {
        "terms": cos.astype(np.float32),
        "wording": np.zeros(len(a), np.float32),
        "article": article.astype(np.float32),
        "same_occurrence": same.astype(np.float32),
        # whether occurrences set articles apart here: a story that is one occurrence says
        # nothing about which of its events a claim is
        "occurrences_apart": np.full(len(a), distinct_occurrences(index), np.float32),
        "lead": (lead[a] & lead[b] & (article >= index.article_baseline + occurrence.TIGHT)).astype(
            np.float32
        ),
        "other_date": _other_date(index, a, b).astype(np.float32),
        "other_place": _other_place(index, a, b).astype(np.float32),
        "concepts": (_shared_concepts(index, a, b) >= 2).astype(np.float32),
    }
    worded = _wording_counts(comps)
    if exact is not None:
        worded |= exact
    comps["wording"][worded] = score.wording(index.texts, a[worded], b[worded])
    return comps, worded


def _sure(index, a, b, comps, worded, s) -> np.ndarray:
    """Pairs the calibrated model gives at least MIN_SURE: only they may join claims into an
    event. Pairs whose wording was not compared get it compared first where it decides."""
    edge = ~worded & (s >= EDGE_FLOOR)
    high = calibrate.probability(comps | {"wording": np.ones_like(comps["terms"])}, s)
    low = calibrate.probability(comps | {"wording": np.zeros_like(comps["terms"])}, s)
    need = edge & (high >= MIN_SURE) & (low < MIN_SURE)
    if need.any():
        comps["wording"][need] = score.wording(index.texts, a[need], b[need])
        worded |= need
    return calibrate.probability(comps, s) >= MIN_SURE


def _shared_concepts(index, a, b) -> np.ndarray:
    """How many aliased things (terms an alias group stands for, "=...") each pair shares. One
    alone says little ("bombing"); two (a bombing and the army it struck) point to one event."""
    out = np.zeros(len(a), np.int64)
    x, per_row = index.alias_matrix()
    some = np.flatnonzero((per_row[a] >= 2) & (per_row[b] >= 2))
    if len(some):
        out[some] = np.asarray(x[a[some]].multiply(x[b[some]]).sum(axis=1)).ravel()
    return out


def _wording_counts(comps) -> np.ndarray:
    """Pairs whose score the wording can change where it matters: the score with the least
    and the most alike wording differ, and the most could reach the clustering graph. The
    rest score the same whatever their wording (enough shared terms clear the bar alone), or
    stay out of the graph and the links whatever it is."""
    low = score.combine(comps | {"wording": np.zeros_like(comps["terms"])})
    high = score.combine(comps | {"wording": np.ones_like(comps["terms"])})
    return (low != high) & (high >= EDGE_FLOOR)


def _word_links(index, a, b, comps, missing) -> None:
    """Compare the wording of the links that had no need of it to be scored: links show it."""
    if missing.any():
        comps["wording"][missing] = score.wording(index.texts, a[missing], b[missing])


def _is_day(term: str) -> bool:
    return term.startswith("@") and not term[1:].isdigit()


def _other_date(index, a, b) -> np.ndarray:
    """Both claims name days, and no day in common."""
    rows, terms = index.terms_of_rows(_rows_in(index, a, b))
    kinds = np.unique(terms)
    day = np.zeros(len(index.names), bool)
    day[kinds] = np.fromiter((_is_day(index.names[t]) for t in kinds.tolist()), bool, len(kinds))
    has = np.zeros(len(index.claim_ids), bool)
    has[rows[day[terms]]] = True
    out = np.zeros(len(a), bool)
    for k in np.flatnonzero(has[a] & has[b]).tolist():
        ta, tb = index.terms(int(a[k])), index.terms(int(b[k]))
        out[k] = not np.intersect1d(ta[day[ta]], tb[day[tb]]).size
    return out


def _rows_in(index, *pairs: np.ndarray) -> np.ndarray:
    """The rows these arrays name, sorted, once each."""
    seen = np.zeros(len(index.claim_ids), bool)
    for rows in pairs:
        seen[rows] = True
    return np.flatnonzero(seen)


def _other_place(index, a, b) -> np.ndarray:
    """Both claims say where ("in Moscow", "in New York") and neither names the other's place."""
    rows = _rows_in(index, a, b)
    if 2 * len(rows) > len(index.claim_ids):  # most claims: all places at once
        rows = np.fromiter(index.places, np.int64, len(index.places))
        places = list(index.places.values())
    else:
        places = [index.places.get(r, ()) for r in rows.tolist()]
    sizes = np.fromiter(map(len, places), np.int64, len(rows))
    place_terms = np.fromiter(itertools.chain.from_iterable(places), np.int64, int(sizes.sum()))
    count = np.zeros(len(index.claim_ids), np.int64)
    count[rows] = sizes
    first = np.zeros(len(index.claim_ids), np.int64)
    first[rows] = np.cumsum(sizes) - sizes
    both = np.flatnonzero((count[a] > 0) & (count[b] > 0))
    named = np.zeros(len(both), bool)
    # (row, term) keys of the terms of the claims concerned, in order
    v = np.int64(len(index.names) + 1)
    have_rows, have_terms = index.terms_of_rows(_rows_in(index, a[both], b[both]))
    have = have_rows * v + have_terms
    if not len(have):
        both = both[:0]
    for x, y in ((a[both], b[both]), (b[both], a[both])):  # x names one of y's places?
        k = count[y]
        pair = np.repeat(np.arange(len(both)), k)
        offset = np.arange(len(pair)) - np.repeat(np.cumsum(k) - k, k)
        want = x[pair] * v + place_terms[first[y][pair] + offset]
        at = np.searchsorted(have, want).clip(max=max(len(have) - 1, 0))
        named[pair[have[at] == want]] = True
    out = np.zeros(len(a), bool)
    out[both] = ~named
    return out


def _best_per_claim(a, b, s, mask, k) -> np.ndarray:
    """Pairs (within mask) among the k best of a or of b."""
    keep = np.zeros(len(a), bool)
    idx = np.flatnonzero(mask)
    for side in (a[idx], b[idx]):
        order = candidates.by_row_best_first(side, s[idx])
        sorted_side = side[order]
        starts = np.flatnonzero(np.r_[True, sorted_side[1:] != sorted_side[:-1]])
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        keep[idx[order[rank < k]]] = True
    return keep


def _pair(row_of, x, y):
    rx, ry = row_of[x], row_of[y]
    return (min(rx, ry), max(rx, ry))


def _confirmed_also(row_of, keys, n, also_confirmed):
    """Which pairs are confirmed ties of a claim to an event it also tells of, and whether
    that claim is the pair's first."""
    kept, outside_is_a = np.zeros(len(keys), bool), np.zeros(len(keys), bool)
    first = {}
    for x, y in also_confirmed:
        if x in row_of and y in row_of:
            lo, hi = _pair(row_of, x, y)
            first[lo * n + hi] = row_of[x] == lo
    if first:
        pos = np.flatnonzero(np.isin(keys, list(first)))
        kept[pos] = True
        outside_is_a[pos] = [first[k] for k in keys[pos].tolist()]
    return kept, outside_is_a


def _with_must_links(index, a, b, cos, same, constraints):
    """Confirmed links are scored even when blocking would not have proposed them."""
    if not constraints.must_link and not constraints.also_confirmed:
        return a, b, cos, same
    n = np.int64(len(index.claim_ids))
    have = set((a * n + b).tolist())
    art, occ = index.article_of(), index.occurrence
    extra = []
    for x, y in itertools.chain(constraints.must_link, constraints.also_confirmed):
        if x in index.row_of and y in index.row_of:
            p = _pair(index.row_of, x, y)
            if p[0] * n + p[1] not in have and art[p[0]] != art[p[1]]:
                extra.append(p)
                have.add(p[0] * n + p[1])
    if not extra:
        return a, b, cos, same
    idf = index.idf()
    add_cos = []
    for x, y in extra:
        tx, ty = index.terms(x), index.terms(y)
        both = np.intersect1d(tx, ty)
        denom = float(np.sqrt((idf[tx] ** 2).sum() * (idf[ty] ** 2).sum())) or 1.0
        add_cos.append(float((idf[both] ** 2).sum()) / denom)
    ex = np.array(extra, np.int64).reshape(-1, 2)
    return (
        np.r_[a, ex[:, 0]],
        np.r_[b, ex[:, 1]],
        np.r_[cos, np.array(add_cos, np.float32)],
        np.r_[same, occ[art[ex[:, 0]]] == occ[art[ex[:, 1]]]],
    )


def _local(local, rows):
    return rows if local is None else local[rows]


def distinct_occurrences(index) -> bool:
    """Whether the story covers two or more occurrences each reported by several articles.
    Only then does an occurrence set its articles apart from the rest of the story, and claims
    inside it may join on weaker sentence evidence; a story that is one occurrence says nothing
    about which of its events a claim is."""
    if not len(index.occurrence):
        return False
    return int((np.bincount(index.occurrence) >= 2).sum()) >= 2


def _two_stage(articles, a, b, w, inside, must, cannot, pinned, fixed=None):
    """Group claims inside each occurrence first, on a low bar; then across, on the usual one.
    The second stage starts from the first's groups and may merge them, never split them."""
    if inside.any():
        first = cluster_step.cluster(
            articles, a[inside], b[inside], w[inside], must, cannot, pinned,
            threshold=INSIDE_THRESHOLD, fixed=fixed,
        )  # fmt: skip
        grouped = np.flatnonzero(np.bincount(first, minlength=len(first))[first] > 1)
        fixed = dict(zip(grouped.tolist(), first[grouped].tolist(), strict=True))  # alone: free
    return cluster_step.cluster(articles, a, b, w, must, cannot, pinned, fixed=fixed)


def _cluster(index, rows, a, b, s, inside, must, cannot, pinned, existing):
    """Labels per row (full run) or per local row (incremental: only the neighbourhood)."""
    articles = index.article_of()
    if rows is None:
        return _two_stage(articles, a, b, s, inside, must, cannot, pinned), None
    # incremental: the new claims, the old claims they touch and those claims' whole events
    near = set(rows.tolist()) | set(a.tolist()) | set(b.tolist())
    key_of = _existing_keys(index, near, existing)
    touched = set(key_of.values())
    if touched:
        row_of = index.row_of
        members = [row_of[c] for c, k in existing.items() if k in touched and c in row_of]
        key_of |= _existing_keys(index, members, existing)
    nodes = sorted(near | key_of.keys())
    local = np.full(len(index.claim_ids), -1, np.int64)
    local[nodes] = np.arange(len(nodes))
    group_ids = {k: i for i, k in enumerate(sorted(touched))}
    fixed = {int(local[r]): group_ids[k] for r, k in key_of.items()}

    def lp(pairs):
        return {(int(local[x]), int(local[y])) for x, y in pairs if local[x] >= 0 <= local[y]}

    lpin = {int(local[r]): k for r, k in pinned.items() if local[r] >= 0}
    labels = _two_stage(
        articles[nodes], local[a], local[b], s, inside, lp(must), lp(cannot), lpin, fixed
    )
    return labels, local


def _also_tells_of(index, labels, local, a, b, w, rows=None) -> np.ndarray:
    """Claims that also tell of an event other than their own, as keys row * n + label: those
    that would join that event on their own, by the clustering's rule (their mean link score
    to its claims of other articles reaches the threshold), though they sit in another event
    (or none) because they tell of that one as much. A sentence may tell of two events ("the
    strike on the army ended the truce"); it stays in one and is shown in both.

    An incremental run (`rows`: the new claims) has the pairs of the new claims only, so only
    they are judged: an old claim's mean to its own event is not known there."""
    n = np.int64(len(index.claim_ids))
    label_a, label_b = labels[_local(local, a)], labels[_local(local, b)]
    if not (label_a != label_b).any():
        return np.zeros(0, np.int64)
    row = np.r_[a, b]
    group = np.r_[label_b, label_a]
    keys, which = np.unique(row * n + group, return_inverse=True)
    total = np.bincount(which, np.r_[w, w])
    row, group = keys // n, keys % n
    # each group's claims, and how many of them are in the claim's own article
    nodes = np.arange(len(index.claim_ids)) if local is None else np.flatnonzero(local >= 0)
    art = index.article_of()
    node_group = labels[_local(local, nodes)]
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
    row_label = labels[_local(local, row)]
    mine = row_label == group
    # each row's mean to its own group (0 when alone or unlinked there)
    own_mean = np.zeros(len(index.claim_ids))
    own_mean[row[mine]] = mean[mine]
    strong = ~mine & is_event & (mean >= ALSO_MEAN) & (mean >= ALSO_OWN * own_mean[row])
    if rows is not None:
        strong &= np.isin(row, rows)
    return keys[strong]


def _existing_keys(index, rows, existing) -> dict[int, str]:
    """Row -> key of the event it is in now, for these rows (those in an event)."""
    ids = index.claim_ids
    return {r: existing[ids[r]] for r in rows if ids[r] in existing} if existing else {}


def _describe(
    index, labels, local, a, b, s, comps, inside_mask, link_mask, pinned, existing, rows,
    explain_links, also_pairs, told,
):  # fmt: skip
    """The events (their claims, the claims that also tell of them, a label) and the links
    (`link_mask`; `inside_mask`: those inside one event, which make a claim central)."""
    node_rows = np.arange(len(index.claim_ids)) if local is None else np.flatnonzero(local >= 0)
    node_labels = labels[_local(local, node_rows)]
    groups = defaultdict(list)
    for r, g in zip(node_rows.tolist(), node_labels.tolist(), strict=True):
        groups[g].append(r)
    centrality = defaultdict(float)
    for x, y, w in zip(
        a[inside_mask].tolist(), b[inside_mask].tolist(), s[inside_mask].tolist(), strict=True
    ):
        centrality[x] += w
        centrality[y] += w
    key_of = _existing_keys(index, node_rows.tolist(), existing)
    new_rows = set() if rows is None else set(rows.tolist())
    art = index.claim_article
    row_of = index.row_of
    also = defaultdict(set)  # group -> rows of other groups that also tell of it
    for r, g in zip(also_pairs[0].tolist(), also_pairs[1].tolist(), strict=True):
        also[g].add(r)
    events, used, found, key_of_group = [], set(pinned.values()), [], {}
    unread = bool(existing)  # the keys in use, gathered when a new event first needs a key
    for group, members in groups.items():
        if len(members) < 2 and not (pinned.keys() & members or key_of.keys() & members):
            continue
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
        label = explain.label(index, members, centrality)
        events.append(Event(key=key, claim_ids=ids, label=label, also_ids=also_ids))
        found += [(c, key) for c in also_ids]
    events.sort(key=lambda e: e.claim_ids[0])
    event_keys = [key_of_group.get(g, "") for g in told[link_mask].tolist()]
    links = _links(index, a, b, s, comps, link_mask, explain_links, event_keys)
    return events, links, sorted(found)


def _links(index, a, b, s, comps, mask, explain_links, event_keys):
    """The links of `mask`, each with the key of the event it tells of (`event_keys`, in the
    order of the mask's pairs)."""
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
    values = zip(*(_floats(shown[n]) for n in names), strict=True)
    scores = calibrate.probability(shown, shown["decided"]).astype(np.float64).tolist()
    lo, hi = np.minimum(x, y).tolist(), np.maximum(x, y).tolist()
    if not explain_links:
        return [
            Link(p, q, round(score_, 3), dict(zip(names, vals, strict=True)), (), (), "", e)
            for p, q, score_, vals, e in zip(lo, hi, scores, values, event_keys, strict=True)
        ]
    share = explain.Sharing(index, index.idf())
    out = []
    swapped = (x > y).tolist()
    pairs = zip(
        a[picked].tolist(), b[picked].tolist(), lo, hi, swapped, scores, values, event_keys,
        strict=True,
    )  # fmt: skip
    for i, j, p, q, swap, score_, vals, e in pairs:
        c = dict(zip(names, vals, strict=True))
        terms, aliases = share(i, j)
        if swap:
            aliases = [(v, u) for u, v in aliases]
        text = explain.sentence(terms, c)
        out.append(Link(p, q, round(score_, 3), c, terms, aliases, text, e))
    return out


def _floats(values: np.ndarray) -> list[float]:
    """Rounded to 3 places, as Python floats; one object per distinct value, so that a
    component most links share (0 or 1) costs a pointer a link, not a float."""
    distinct, which = np.unique(np.round(values.astype(np.float64), 3), return_inverse=True)
    objects = distinct.tolist()
    return [objects[i] for i in which.tolist()]
