"""Step 5: group linked claims into events without chaining.

Average linkage on the sparse link graph: two groups merge only when the mean score over all
their cross-article claim pairs (pairs without a link count as 0) reaches the threshold. One
strong link between two otherwise unrelated groups is far from enough, so a sentence that touches
two events cannot glue them together. Confirmed links and claims pinned to one event start
together; rejected links and claims pinned to different events never end up together.

The result is that of merging, again and again, the two groups with the highest mean (ties: the
pair of smallest group ids), as long as that mean reaches the threshold. It is computed in rounds
of array operations rather than one merge at a time: in each round every pair of groups that are
each other's best neighbour merges. That gives the same groups, because a mean over a union lies
between the means over its parts (average linkage is "reducible"): two groups that are each
other's best would be merged by the one-at-a-time order too, before anything else touches them.
Where a tie could still go another way (see `_Graph._unsure`) the pair waits a round; when
rounds merge only a few pairs, the rest is merged one at a time from a heap (`_OneAtATime`).
"""

import heapq
import struct
from collections.abc import Iterable, Mapping

import numpy as np

from .normalise import sorted_set

THRESHOLD = 0.35  # mean link score of two groups to merge: one bridging claim is not enough
FEW = 64  # merges a round below which the rest is merged one at a time


def cluster(
    articles: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    s: np.ndarray,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    pinned: Mapping[int, str] | None = None,
    threshold: float | None = None,
    fixed: Mapping[int, int] | None = None,
) -> np.ndarray:
    """Cluster label per row: the id of one of its group's rows. Rows are claims,
    `articles[row]` their article; (a, b, s) links (scores > 0).

    `fixed` maps rows to groups that already exist (incremental matching): rows of one group
    start together, like pinned ones, but may still take in new claims."""
    threshold = THRESHOLD if threshold is None else threshold
    articles = np.asarray(articles, np.int64)
    n = len(articles)
    cannot = list(cannot)
    labels, pin = _start(n, must, cannot, pinned or {}, fixed or {})
    graph = _Graph(articles, labels, pin, cannot)
    graph.add_edges(np.asarray(a, np.int64), np.asarray(b, np.int64), np.asarray(s, np.float64))
    while True:
        merged = graph.merge_best(threshold)
        if merged < FEW:
            break
    if merged:  # a few merges a round: one at a time is faster from here
        graph.finish(threshold)
    return graph.labels


def _start(n, must, cannot, pinned, fixed):
    """Groups that start together (pinned to one key, one existing group, confirmed links) and
    the pin of each: labels per row and pin codes per group (-1: none)."""
    if not pinned and not must:  # groups that exist only: each is labelled by its first row
        labels = np.arange(n, dtype=np.int64)
        if fixed:
            rows = np.fromiter(fixed.keys(), np.int64, len(fixed))
            _, group = np.unique(
                np.fromiter(fixed.values(), np.int64, len(fixed)), return_inverse=True
            )
            first = np.full(int(group.max()) + 1, n, np.int64)
            np.minimum.at(first, group, rows)
            labels[rows] = first[group]
        return labels, np.full(n, -1, np.int64)
    state = _UnionFind()
    groups: dict[tuple[str, object], list[int]] = {}
    assign = {**{r: ("pin", k) for r, k in pinned.items()}}
    assign |= {r: ("fixed", g) for r, g in fixed.items() if r not in pinned}
    for row, g in sorted(assign.items()):
        groups.setdefault(g, []).append(row)
    for row, key in pinned.items():
        state.pin[row] = key
    for rows in groups.values():
        for row in rows[1:]:
            state.union(rows[0], row)
    for x, y in cannot:
        state.cannot.setdefault(state.find(x), set()).add(y)
        state.cannot.setdefault(state.find(y), set()).add(x)
    for x, y in must:
        cx, cy = state.find(x), state.find(y)
        if state.allowed(cx, cy):
            state.union(x, y)
    labels = np.arange(n, dtype=np.int64)
    if state.parent:
        rows = np.fromiter(state.parent, np.int64, len(state.parent))
        labels[rows] = [state.find(r) for r in rows.tolist()]
    pin = np.full(n, -1, np.int64)
    codes: dict[str, int] = {}
    for root, key in state.pin.items():
        if state.find(root) == root:
            pin[root] = codes.setdefault(key, len(codes))
    return labels, pin


class _UnionFind:
    """The groups that start together; the few rows concerned, in dicts."""

    def __init__(self):
        self.parent: dict[int, int] = {}
        self.size: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}
        self.pin: dict[int, str] = {}
        self.cannot: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def allowed(self, cx: int, cy: int) -> bool:
        px, py = self.pin.get(cx), self.pin.get(cy)
        if px is not None and py is not None and px != py:
            return False
        small, big = (cx, cy) if self.size.get(cx, 1) <= self.size.get(cy, 1) else (cy, cx)
        if any(m in self.cannot.get(big, ()) for m in self.members.get(small, [small])):
            return False
        return not any(m in self.cannot.get(small, ()) for m in self.members.get(big, [big]))

    def union(self, x: int, y: int) -> None:
        cx, cy = self.find(x), self.find(y)
        if cx == cy:
            return
        if self.size.get(cx, 1) < self.size.get(cy, 1):
            cx, cy = cy, cx
        self.parent.setdefault(cx, cx)
        self.parent[cy] = cx
        self.size[cx] = self.size.get(cx, 1) + self.size.pop(cy, 1)
        self.members.setdefault(cx, [cx]).extend(self.members.pop(cy, [cy]))
        if cy in self.pin:
            self.pin.setdefault(cx, self.pin.pop(cy))
        if cy in self.cannot:
            self.cannot.setdefault(cx, set()).update(self.cannot.pop(cy))


class _Graph:
    """Groups and the links between them, as arrays: for each linked pair of groups (lo < hi)
    the sum of its link scores and how many cross-article claim pairs it has."""

    def __init__(self, articles, labels, pin, cannot):
        n = len(articles)
        self.n = np.int64(max(n, 1))
        self.articles = articles
        self.n_articles = np.int64(int(articles.max()) + 1 if n else 1)
        self.labels = labels
        self.size = np.bincount(labels, minlength=n).astype(np.int64)
        self.pin = pin
        # the article of each group whose claims all come from one article, else -1
        low = np.full(n, np.iinfo(np.int64).max, np.int64)
        high = np.full(n, -1, np.int64)
        np.minimum.at(low, labels, articles)
        np.maximum.at(high, labels, articles)
        self.one_article = np.where(low == high, low, -1)
        self.cannot = np.array(cannot, np.int64).reshape(-1, 2)
        self.lo = self.hi = np.zeros(0, np.int64)
        self.w = self.possible = np.zeros(0, np.float64)

    def add_edges(self, a, b, s):
        lo, hi, w = self._combine(self.labels[a], self.labels[b], s)
        self.lo, self.hi, self.w = lo, hi, w
        self.possible = self._possible(lo, hi)
        self._drop_blocked(np.ones(len(lo), bool))

    def _combine(self, x, y, w):
        """Pairs of groups once each (lo < hi), their scores summed in order."""
        lo, hi = np.minimum(x, y), np.maximum(x, y)
        keep = lo != hi
        lo, hi, w = lo[keep], hi[keep], w[keep]
        keys, inverse = np.unique(lo * self.n + hi, return_inverse=True)
        return keys // self.n, keys % self.n, np.bincount(inverse, w, len(keys))

    def _possible(self, lo, hi):
        """Cross-article claim pairs between groups lo and hi: |lo| |hi| minus same-article
        pairs. Only the groups concerned are tabulated (group, article) -> claims."""
        if not len(lo):
            return np.zeros(0, np.float64)
        product = self.size[lo] * self.size[hi]
        multi = (self.size[lo] > 1) | (self.size[hi] > 1)
        same = np.zeros(len(lo), np.int64)
        one_article = self.articles[lo] == self.articles[hi]
        same[~multi] = one_article[~multi]
        if multi.any():
            same[multi] = self._same_article(lo[multi], hi[multi])
        return (product - same).astype(np.float64)

    def _same_article(self, lo, hi):
        concerned = np.zeros(int(self.n), bool)
        concerned[lo] = concerned[hi] = True
        rows = np.flatnonzero(concerned[self.labels])
        keys, counts = np.unique(
            self.labels[rows] * self.n_articles + self.articles[rows], return_counts=True
        )
        group = keys // self.n_articles
        first = np.searchsorted(group, lo)
        n_lo = np.searchsorted(group, lo, side="right") - first
        other_first = np.searchsorted(group, hi)
        n_hi = np.searchsorted(group, hi, side="right") - other_first
        # walk the group with fewer articles, look its articles up in the other
        swap = n_hi < n_lo
        walk_first = np.where(swap, other_first, first)
        walk_n = np.where(swap, n_hi, n_lo)
        other = np.where(swap, lo, hi)
        edge = np.repeat(np.arange(len(lo)), walk_n)
        offset = np.arange(len(edge)) - np.repeat(np.cumsum(walk_n) - walk_n, walk_n)
        pos = walk_first[edge] + offset
        look = other[edge] * self.n_articles + keys[pos] % self.n_articles
        at = np.searchsorted(keys, look).clip(max=len(keys) - 1)
        found = keys[at] == look
        pairs = np.where(found, counts[pos] * counts[at], 0)
        return np.bincount(edge, pairs, len(lo)).astype(np.int64)

    def _drop_blocked(self, check):
        """Pairs that may never merge (different pins, a rejected link between them) are
        dropped: whatever contains them may never merge either."""
        pl, ph = self.pin[self.lo], self.pin[self.hi]
        blocked = check & (pl >= 0) & (ph >= 0) & (pl != ph)
        if len(self.cannot):
            x, y = self.labels[self.cannot[:, 0]], self.labels[self.cannot[:, 1]]
            bad = np.minimum(x, y) * self.n + np.maximum(x, y)
            blocked |= check & np.isin(self.lo * self.n + self.hi, bad)
        if blocked.any():
            keep = ~blocked
            self.lo, self.hi = self.lo[keep], self.hi[keep]
            self.w, self.possible = self.w[keep], self.possible[keep]

    def merge_best(self, threshold: float) -> int:
        """One round: merge every two groups that are each other's best (mean >= threshold;
        ties go to the smaller group id) where no tie can turn out otherwise. Returns how
        many merged."""
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(self.possible > 0, self.w / self.possible, 0.0)
        hot = np.flatnonzero(mean >= threshold)
        if not len(hot):
            return 0
        frm = np.r_[self.lo[hot], self.hi[hot]]
        to = np.r_[self.hi[hot], self.lo[hot]]
        m = np.r_[mean[hot], mean[hot]]
        best = np.full(int(self.n), -np.inf)
        np.maximum.at(best, frm, m)
        top = m == best[frm]
        nearest = np.full(int(self.n), self.n, np.int64)
        np.minimum.at(nearest, frm[top], to[top])
        tied = np.bincount(frm[top], minlength=int(self.n)) > 1
        x = sorted_set(frm[top])
        y = nearest[x]
        mutual = (nearest[y] == x) & (x < y)
        x, y = x[mutual], y[mutual]
        safe = ~(self._unsure(x, y, tied, best) | self._unsure(y, x, tied, best))
        # the best pair of all is what one-at-a-time merging takes next: always safe
        k = np.lexsort((y, x, -best[x]))[:1]
        safe[k] = True
        x, y = x[safe], y[safe]
        # the bigger group keeps its id (equal sizes: the smaller id)
        keep = np.where(self.size[x] >= self.size[y], x, y)
        gone = np.where(self.size[x] >= self.size[y], y, x)
        self._merge(keep, gone)
        return len(keep)

    def _unsure(self, x, y, tied, best):
        """Whether x, whose best is y among equals, might meet an equal with a smaller id
        first. Only a group of one article can: the claims of its article count for nothing
        in its means, so a group of them with a smaller id can join an equal of y's without
        changing x's mean with it, and lend it its id. Such a group needs a link of its own."""
        art = self.one_article[x]
        maybe = tied[x] & (art >= 0)
        if not maybe.any():
            return maybe
        groups = np.flatnonzero((self.one_article >= 0) & (best > -np.inf) & (self.size > 0))
        g_art = self.one_article[groups]
        order = np.lexsort((groups, g_art))
        groups, g_art = groups[order], g_art[order]
        first = np.searchsorted(g_art, art)
        count = np.searchsorted(g_art, art, side="right") - first
        pad = np.r_[groups, self.n, self.n]
        smallest = np.where(count > 0, pad[first], self.n)
        second = np.where(count > 1, pad[first + 1], self.n)
        other = np.where(smallest == x, second, smallest)
        return maybe & (other < y)

    def _merge(self, keep, gone):
        remap = np.arange(int(self.n), dtype=np.int64)
        remap[gone] = keep
        self.labels = remap[self.labels]
        self.size[keep] += self.size[gone]
        self.size[gone] = 0
        self.one_article[keep] = np.where(
            self.one_article[keep] == self.one_article[gone], self.one_article[keep], -1
        )
        self.one_article[gone] = -1
        self.pin[keep] = np.where(self.pin[keep] >= 0, self.pin[keep], self.pin[gone])
        touched = np.zeros(int(self.n), bool)
        touched[keep] = touched[gone] = True
        changed = touched[self.lo] | touched[self.hi]
        # the kept group's sums first, then the absorbed one's: w(keep) + w(gone)
        order = np.argsort(
            np.isin(self.lo[changed], gone) | np.isin(self.hi[changed], gone), kind="stable"
        )
        idx = np.flatnonzero(changed)[order]
        lo, hi, w = self._combine(remap[self.lo[idx]], remap[self.hi[idx]], self.w[idx])
        stay = ~changed
        self.lo = np.r_[self.lo[stay], lo]
        self.hi = np.r_[self.hi[stay], hi]
        self.w = np.r_[self.w[stay], w]
        self.possible = np.r_[self.possible[stay], self._possible(lo, hi)]
        check = np.r_[np.zeros(int(stay.sum()), bool), np.ones(len(lo), bool)]
        self._drop_blocked(check)

    def finish(self, threshold: float) -> None:
        """Merge one pair at a time, best first (a heap), until no mean reaches threshold.

        Only groups with a pair at the threshold now can ever merge: the mean of a union lies
        between the means of its parts, so a pair of groups whose constituents all stay below
        the threshold stays below it. The other groups and their links are left out."""
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_now = np.where(self.possible > 0, self.w / self.possible, 0.0)
        hot = mean_now >= threshold - 1e-9
        rest = _OneAtATime(self, hot)
        # the means now are those of the arrays (the same sums and pair counts, divided alike)
        pairs = (self.lo[hot] << rest.bits | self.hi[hot]).tolist()
        two = 2 * rest.bits  # entries of (rank, x, y, 0, 0): the two groups side by side
        heap = [
            (rank << two | pair) << two
            for rank, pair in zip(_ranks(mean_now[hot]).tolist(), pairs, strict=True)
        ]
        heapq.heapify(heap)
        rest.pushed = dict(zip(pairs, mean_now[hot].tolist(), strict=True))
        rest.merge(heap, threshold)
        self.labels = rest.relabel(self.labels)


_DOUBLE, _BITS = struct.Struct("<d"), struct.Struct("<Q")
_SIGN = 1 << 63


def _rank(mean: float) -> int:
    """An int that orders like -mean (the best first): the float's bits, turned so that they
    sort as numbers do (-0.0 taken as 0.0)."""
    bits = _BITS.unpack(_DOUBLE.pack(mean + 0.0))[0]
    return bits if bits >> 63 else _SIGN - 1 - bits


def _ranks(means: np.ndarray) -> np.ndarray:
    """`_rank` of each."""
    bits = (np.asarray(means, np.float64) + 0.0).view(np.uint64)
    return np.where(bits >> np.uint64(63), bits, np.uint64(_SIGN - 1) - bits)


def _mean_of(rank: int) -> float:
    """The mean a `_rank` was made from."""
    bits = rank if rank >> 63 else _SIGN - 1 - rank
    return _DOUBLE.unpack(_BITS.pack(bits))[0]


class _OneAtATime:
    """The groups that can still merge, with their links, sizes, articles, pins and rejected
    links, in dicts, merged one pair at a time from a heap of (-mean, group, group, versions).

    An entry is current while neither group has changed since it was pushed (same versions); an
    older one is checked against the mean now, as it was pushed. Each entry is one int, its
    fields side by side (`entry`, read back by `fields`: `_rank(mean)`, then the groups and
    versions, `bits` bits each): it
    orders as the tuple would, and ints compare several times faster than tuples whose means
    tie (most do, at 1)."""

    def __init__(self, graph: _Graph, hot: np.ndarray):
        self.bits = int(graph.n).bit_length()  # groups and versions (one a merge) are < n
        self.mask = (1 << self.bits) - 1
        concerned = np.zeros(int(graph.n), bool)
        concerned[graph.lo[hot]] = concerned[graph.hi[hot]] = True
        among = concerned[graph.lo] & concerned[graph.hi]
        rows = np.flatnonzero(concerned[graph.labels])
        # (group -> article -> claims)
        self.arts: dict[int, dict[int, int]] = {}
        for g, art in zip(graph.labels[rows].tolist(), graph.articles[rows].tolist(), strict=True):
            counts = self.arts.setdefault(g, {})
            counts[art] = counts.get(art, 0) + 1
        groups = np.fromiter(self.arts, np.int64, len(self.arts))
        self.size = dict(zip(groups.tolist(), graph.size[groups].tolist(), strict=True))
        pinned = groups[graph.pin[groups] >= 0]
        self.pin = dict(zip(pinned.tolist(), graph.pin[pinned].tolist(), strict=True))
        self.cannot: dict[int, set[int]] = {}
        for x, y in graph.labels[graph.cannot].tolist():
            if x == y:
                continue
            self.cannot.setdefault(x, set()).add(y)
            self.cannot.setdefault(y, set()).add(x)
        self.nbr: dict[int, dict[int, float]] = {g: {} for g in self.arts}
        lo, hi, w = graph.lo[among].tolist(), graph.hi[among].tolist(), graph.w[among].tolist()
        for x, y, v in zip(lo, hi, w, strict=True):
            self.nbr[x][y] = self.nbr[y][x] = v
        self.remap = list(range(int(graph.n)))  # group -> the group it merged into
        self.version = dict.fromkeys(self.arts, 0)
        # pair (x << bits | y) -> the mean of its entry that holds its mean now, if it has one
        self.pushed: dict[int, float] = {}

    def entry(self, rank: int, x: int, y: int, vx: int, vy: int) -> int:
        """A heap entry: `_rank(mean)`, groups x < y and their versions, side by side."""
        bits = self.bits
        return ((((rank << bits | x) << bits | y) << bits | vx) << bits) | vy

    def fields(self, entry: int) -> tuple[int, int, int, int, int]:
        """What `entry` packed: (rank, x, y, vx, vy)."""
        bits, mask = self.bits, self.mask
        return (
            entry >> 4 * bits, entry >> 3 * bits & mask, entry >> 2 * bits & mask,
            entry >> bits & mask, entry & mask,
        )  # fmt: skip

    def mean(self, cx: int, cy: int, v: float) -> float:
        """The mean of groups cx and cy whose links sum to v, over their cross-article pairs."""
        ax, ay = self.arts[cx], self.arts[cy]
        if len(ax) > len(ay):
            ax, ay = ay, ax
        possible = self.size[cx] * self.size[cy]
        for art, k in ax.items():
            if art in ay:
                possible -= k * ay[art]
        return v / possible if possible > 0 else 0.0

    def allowed(self, cx: int, cy: int) -> bool:
        px, py = self.pin.get(cx), self.pin.get(cy)
        if px is not None and py is not None and px != py:
            return False
        return cy not in self.cannot.get(cx, ())

    def merge(self, heap: list, threshold: float) -> None:
        """Pop the best pair, merge it if it is current and allowed, push the merged group's
        pairs that reach the threshold; until the best is below it."""
        remap, version, nbr, bits, mask = self.remap, self.version, self.nbr, self.bits, self.mask
        below = (_rank(threshold) + 1) << 4 * bits  # entries from here have a lower mean
        heappop = heapq.heappop
        while heap:
            entry = heappop(heap)
            if entry >= below:
                break  # the best mean is below the threshold
            cx, cy = entry >> 3 * bits & mask, entry >> 2 * bits & mask
            if remap[cx] != cx or remap[cy] != cy:
                continue  # merged away since (most entries end so: read no more of them)
            rank, _, _, vx, vy = self.fields(entry)
            if vx != version[cx] or vy != version[cy]:
                v = nbr[cx].get(cy)
                if v is None or abs(self.mean(cx, cy, v) - _mean_of(rank)) > 1e-9:
                    continue  # stale: the groups changed since this entry
            if not self.allowed(cx, cy):
                continue
            keep = self._join(cx, cy)
            self._push(heap, keep, threshold)

    def _join(self, cx: int, cy: int) -> int:
        """Merge two groups into the bigger (equal sizes: cx); returns the group kept."""
        size, arts, pin, cannot, nbr = self.size, self.arts, self.pin, self.cannot, self.nbr
        keep, gone = (cy, cx) if size[cx] < size[cy] else (cx, cy)
        self.remap[gone] = keep
        self.version[keep] += 1
        size[keep] += size.pop(gone)
        for art, k in arts.pop(gone).items():
            arts[keep][art] = arts[keep].get(art, 0) + k
        if gone in pin:
            pin.setdefault(keep, pin.pop(gone))
        for z in cannot.pop(gone, ()):
            cannot[z].discard(gone)
            cannot[z].add(keep)
            cannot.setdefault(keep, set()).add(z)
        for other, v in nbr.pop(gone).items():
            if other == keep:
                continue
            nbr[keep][other] = nbr[keep].get(other, 0.0) + v
            nbr[other][keep] = nbr[other].get(keep, 0.0) + v
            nbr[other].pop(gone, None)
        nbr[keep].pop(gone, None)
        return keep

    def _push(self, heap: list, keep: int, threshold: float) -> None:
        """The merged group's pairs whose mean reaches the threshold (the others would never
        be popped before the end). A pair whose mean did not change keeps its entry: that
        older entry pops where a new one would (same mean and groups) and, its mean unchanged,
        counts as current. Two merges in three leave most of their pairs' means as they were.
        (`mean`, inline: this is the loop of the clustering.)"""
        version, pushed, bits, arts, size = (
            self.version,
            self.pushed,
            self.bits,
            self.arts,
            self.size,
        )
        mine, n_mine = arts[keep], size[keep]
        for other, v in self.nbr[keep].items():
            theirs = arts[other]
            small, big = (theirs, mine) if len(theirs) < len(mine) else (mine, theirs)
            possible = n_mine * size[other]
            for art, k in small.items():
                if art in big:
                    possible -= k * big[art]
            m = v / possible if possible > 0 else 0.0
            pair = keep << bits | other if keep < other else other << bits | keep
            if m < threshold:
                pushed.pop(pair, None)
            elif pushed.get(pair) != m:
                pushed[pair] = m
                x, y = (keep, other) if keep < other else (other, keep)
                heapq.heappush(heap, self.entry(_rank(m), x, y, version[x], version[y]))

    def relabel(self, labels: np.ndarray) -> np.ndarray:
        """Labels with each group followed to the group it ended in."""
        remap = np.array(self.remap, np.int64)
        while True:
            nxt = remap[remap]
            if np.array_equal(nxt, remap):
                break
            remap = nxt
        return remap[labels]
