"""Step 5: group linked claims into events without chaining.

Average linkage on the sparse link graph: two groups merge only when the mean score over all
their cross-article claim pairs (pairs without a link count as 0) reaches the threshold. One
strong link between two otherwise unrelated groups is far from enough, so a sentence that touches
two events cannot glue them together. Confirmed links and claims pinned to one event start
together; rejected links and claims pinned to different events never end up together.
"""

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

THRESHOLD = 0.26  # mean link score of two groups to merge: one bridging claim of 4 is not enough


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
    """Cluster label per row. Rows are claims, `articles[row]` their article; (a, b, s) links.

    `fixed` maps rows to groups that already exist (incremental matching): rows of one group
    start together, like pinned ones, but may still take in new claims."""
    threshold = THRESHOLD if threshold is None else threshold
    n = len(articles)
    state = _State(articles)
    pinned = pinned or {}
    for row, key in pinned.items():
        state.pin[row] = key
    for rows in _groups(
        {
            **{r: ("pin", k) for r, k in pinned.items()},
            **{r: ("fixed", g) for r, g in (fixed or {}).items() if r not in pinned},
        }
    ):
        for row in rows[1:]:
            state.union(rows[0], row, force=True)
    for x, y in cannot:
        state.cannot[state.find(x)].add(y)
        state.cannot[state.find(y)].add(x)
    for x, y in must:
        if state.allowed(state.find(x), state.find(y)):
            state.union(x, y, force=True)
    for x, y, w in zip(a.tolist(), b.tolist(), s.tolist(), strict=True):
        cx, cy = state.find(x), state.find(y)
        if cx != cy:
            state.nbr[cx][cy] = state.nbr[cx].get(cy, 0.0) + w
            state.nbr[cy][cx] = state.nbr[cy].get(cx, 0.0) + w
    heap = []
    for cx in list(state.nbr):
        for cy, w in state.nbr[cx].items():
            if cx < cy:
                heap.append((-state.mean(cx, cy, w), cx, cy))
    heapq.heapify(heap)
    while heap:
        neg, cx, cy = heapq.heappop(heap)
        if -neg < threshold:
            break
        if state.parent[cx] != cx or state.parent[cy] != cy:
            continue  # merged away since
        w = state.nbr[cx].get(cy)
        if w is None or abs(state.mean(cx, cy, w) + neg) > 1e-9:
            continue  # stale: the groups changed since this entry
        if not state.allowed(cx, cy):
            continue
        keep = state.merge(cx, cy)
        for other, w in state.nbr[keep].items():
            heapq.heappush(heap, (-state.mean(keep, other, w), min(keep, other), max(keep, other)))
    return np.array([state.find(i) for i in range(n)], np.int64)


def _groups(assign: Mapping[int, object]) -> list[list[int]]:
    by: dict[object, list[int]] = {}
    for row, g in sorted(assign.items()):
        by.setdefault(g, []).append(row)
    return list(by.values())


class _State:
    def __init__(self, articles: np.ndarray):
        n = len(articles)
        self.parent = list(range(n))
        self.size = [1] * n
        self.arts: dict[int, Counter] = {}
        self.articles = articles
        self.pin: dict[int, str] = {}
        self.members: dict[int, list[int]] = {}
        self.nbr: dict[int, dict[int, float]] = _Lazy(dict)
        self.cannot: dict[int, set[int]] = _Lazy(set)

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def articles_of(self, c: int) -> Counter:
        if c not in self.arts:
            self.arts[c] = Counter({int(self.articles[c]): 1})
        return self.arts[c]

    def members_of(self, c: int) -> list[int]:
        return self.members.get(c) or [c]

    def mean(self, cx: int, cy: int, w: float) -> float:
        ax, ay = self.articles_of(cx), self.articles_of(cy)
        if len(ax) > len(ay):
            ax, ay = ay, ax
        possible = self.size[cx] * self.size[cy] - sum(k * ay.get(art, 0) for art, k in ax.items())
        return w / possible if possible > 0 else 0.0

    def allowed(self, cx: int, cy: int) -> bool:
        px, py = self.pin.get(cx), self.pin.get(cy)
        if px is not None and py is not None and px != py:
            return False
        if cx in self.cannot or cy in self.cannot:
            small, big = (cx, cy) if self.size[cx] <= self.size[cy] else (cy, cx)
            if any(m in self.cannot.get(big, ()) for m in self.members_of(small)):
                return False
            if any(m in self.cannot.get(small, ()) for m in self.members_of(big)):
                return False
        return True

    def union(self, x: int, y: int, force: bool = False) -> int:
        cx, cy = self.find(x), self.find(y)
        if cx == cy:
            return cx
        return self.merge(cx, cy)

    def merge(self, cx: int, cy: int) -> int:
        if self.size[cx] < self.size[cy]:
            cx, cy = cy, cx
        self.parent[cy] = cx
        self.size[cx] += self.size[cy]
        self.articles_of(cx).update(self.articles_of(cy))
        self.arts.pop(cy, None)
        self.members.setdefault(cx, [cx]).extend(self.members.pop(cy, [cy]))
        if cy in self.pin:
            self.pin.setdefault(cx, self.pin.pop(cy))
        if cy in self.cannot:
            self.cannot[cx] |= self.cannot.pop(cy)
        for other, w in self.nbr.pop(cy, {}).items():
            if other == cx:
                continue
            self.nbr[cx][other] = self.nbr[cx].get(other, 0.0) + w
            self.nbr[other][cx] = self.nbr[other].get(cx, 0.0) + w
            self.nbr[other].pop(cy, None)
        if cx in self.nbr:
            self.nbr[cx].pop(cy, None)
        return cx


class _Lazy(dict):
    """A dict that creates missing entries on write access only (`d[k]` creates, `get` not)."""

    def __init__(self, factory):
        super().__init__()
        self.factory = factory

    def __missing__(self, key):
        value = self[key] = self.factory()
        return value
