"""The orchestrator: one run of the matcher over a story, step by step (normalise -> aliases ->
occurrences -> candidates -> score -> cluster -> fill between -> explain), full (`match`,
`match_index`) or incremental (`match_incremental`: new articles against a story already
matched).

Clustering runs in two stages when the story covers several occurrences: inside each occurrence
on a low bar (the articles already say which happening they report), then across on the usual
one. Pairs naming other days or places count against a merge, so a claim that names neither
cannot glue a Moscow meeting to a New York one. The steps are in their modules: the score's
components in components.py, "also tells of" in also.py, the events and links returned in
describe.py.
"""

import itertools
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import also as also_step
from . import between, candidates, components, describe, occurrence, score
from . import cluster as cluster_step
from .pause import paused_gc
from .story import StoryIndex
from .types import ArticleInput, ClaimInput, Constraints, MatchResult

NO_CONSTRAINTS = Constraints()
CONFLICT_WEIGHT = 0.5  # a pair naming other days or places counts against its groups merging
INSIDE_THRESHOLD = 0.03  # merge threshold inside an occurrence that sets its articles apart
LINK_FLOOR = 0.5  # a pair inside one event is shown as a link from this score up
LINKS_PER_CLAIM = 4  # each claim keeps its best few links inside its event


@dataclass(frozen=True)
class Run:
    """The state of one run once its claims are grouped: what "also tells of" and describing
    the events and links read."""

    index: StoryIndex
    rows: np.ndarray | None  # incremental: the new claims' rows; None: the whole story
    existing: Mapping[int, str]  # claim id -> key of the event it is in now
    pinned: dict[int, str]  # row -> key of the event a person put it in
    a: np.ndarray  # the scored pairs of rows (a < b) ...
    b: np.ndarray
    s: np.ndarray  # ... their scores
    comps: dict[str, np.ndarray]  # ... and their score's components
    labels: np.ndarray  # the group of each node
    local: np.ndarray | None  # row -> node (incremental: the neighbourhood only); None: same

    def label(self, rows: np.ndarray) -> np.ndarray:
        """The group of each of these rows. An old claim outside an incremental run's
        neighbourhood is in none of its groups: it has a label of its own (as if alone)."""
        return self.labels[rows] if self.local is None else self._row_labels[rows]

    @cached_property
    def _row_labels(self) -> np.ndarray:
        """Incremental: the group of every row, those outside the neighbourhood numbered after
        the run's groups (still under the number of claims, as row * n + label keys need)."""
        inside = self.local >= 0
        out = np.empty(len(self.local), np.int64)
        out[inside] = self.labels[self.local[inside]]
        first = int(self.labels.max()) + 1 if len(self.labels) else 0
        out[~inside] = first + np.arange(int((~inside).sum()))
        return out

    def nodes(self) -> np.ndarray:
        """The rows this run grouped: all (full run) or the new claims' neighbourhood."""
        if self.local is None:
            return np.arange(len(self.index.claim_ids))
        return np.flatnonzero(self.local >= 0)

    def existing_keys(self, rows) -> dict[int, str]:
        return _existing_keys(self.index, rows, self.existing)


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
    """One run: the story's occurrences, its candidate pairs scored, grouped (a `Run` once
    grouped), then "also tells of", the events and the links. `rows`, `new_articles`: the new
    claims' rows and articles of an incremental run (None: a full run)."""
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
    is_kept, outside_is_a = also_step.confirmed(row_of, keys, n, constraints.also_confirmed)
    _agreement(index, rows, new_articles)
    comps, worded, later = components.of(
        index, a, b, cos, same, aa, ab, asim, exact=is_must | is_kept, agree=index.agreement
    )
    s = score.combine(comps)
    sure = components.sure(index, a, b, comps, worded, s) | is_must
    lap("score")
    conflict = (comps["other_date"] > 0) | (comps["other_place"] > 0)
    conflict &= ~is_must & ~is_cannot
    edge = ~is_cannot & (((s >= components.EDGE_FLOOR) & sure) | conflict)
    weight = np.where(conflict, -CONFLICT_WEIGHT, s)
    inside = (comps["same_occurrence"] > 0) & (comps["occurrences_apart"] > 0)
    pinned = {row_of[c]: k for c, k in constraints.pinned.items() if c in row_of}
    labels, local = _cluster(
        index, rows, a[edge], b[edge], weight[edge], inside[edge], must, cannot, pinned, existing
    )
    labels = _fill_between(index, rows, labels, local, pinned, cannot)
    lap("cluster")
    run = Run(index, rows, existing, pinned, a, b, s, comps, labels, local)
    label_a, label_b = run.label(a), run.label(b)
    also = also_step.telling(run, edge, weight[edge], is_kept, outside_is_a)
    # the pairs that waited for their wording and may be shown: inside one event, or of two
    # events one of whose claims also tells of the other's (their scores change in place)
    shown_later = later & ((label_a == label_b) | also_step.may_tell(run, also, later))
    components.word_later(index, a, b, comps, s, shown_later)
    worded |= shown_later
    link_mask = ~is_cannot & (label_a == label_b) & ((s >= LINK_FLOOR) | is_must)
    link_mask &= _best_per_claim(a, b, s, link_mask, LINKS_PER_CLAIM) | is_must
    shown = ~is_cannot & ((s >= LINK_FLOOR) | is_kept)  # of pairs of two events
    tells, also_pairs, told = also_step.ties(run, also, shown, is_kept, outside_is_a)
    link_mask |= tells
    components.word_links(index, a, b, comps, link_mask & ~worded)
    events, links, also_found = describe.events_and_links(
        run, link_mask, also_pairs, told, explain_links
    )
    lap("explain")
    stats |= _counts(index, rows, generated, len(a), events, links)
    return MatchResult(events=events, links=links, stats=stats, also=also_found)


def _agreement(index, rows, new_articles) -> None:
    """How alike each occurrence's articles' leads are (occurrence.agreement), kept in the
    index: worked out whole in a full run; in an incremental one for the occurrences its new
    articles are in (made or joined), the others keeping theirs."""
    if rows is None:
        index.agreement = occurrence.agreement(index)
        return
    n_occ = int(index.occurrence.max()) + 1 if len(index.occurrence) else 0
    touched = np.unique(index.occurrence[np.asarray(new_articles or [], np.int64)])
    fresh = occurrence.agreement(index, touched)
    kept = np.r_[index.agreement, np.ones(max(n_occ - len(index.agreement), 0))][:n_occ]
    kept[touched] = fresh[touched]
    index.agreement = kept


def _counts(index, rows, generated, scored, events, links) -> dict:
    """What a run reports besides its times: sizes, pairs, and the aliases it learned."""
    stats = dict(
        claims=len(index.claim_ids),
        articles=len(index.articles),
        occurrences=int(len(np.unique(index.occurrence))) if len(index.articles) else 0,
        candidate_pairs_generated=int(generated),
        candidate_pairs_scored=int(scored),
        links=len(links),
        events=len(events),
        aliases_learned=[list(x) for x in index.alias_table.learned if x[2] != "you said so"],
    )
    if rows is not None:
        stats["new_aliases"] = [list(x) for x in getattr(index, "new_aliases", [])]
    return stats


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


def _fill_between(index, rows, labels, local, pinned, cannot):
    """Claims alone between two claims of one event in their article join it (between.py):
    in a full run any claim, in an incremental one the new claims only; never a pinned claim
    or one of a rejected link."""
    nodes = np.arange(len(index.claim_ids)) if local is None else np.flatnonzero(local >= 0)
    fillable = np.zeros(len(index.claim_ids), bool)
    fillable[slice(None) if rows is None else rows] = True
    fillable[list(pinned)] = False
    fillable[[r for pair in cannot for r in pair]] = False
    positions = np.asarray(index.positions, np.int64)[nodes]
    return between.fill(index.article_of()[nodes], positions, labels, fillable[nodes])


def _existing_keys(index, rows, existing) -> dict[int, str]:
    """Row -> key of the event it is in now, for these rows (those in an event)."""
    ids = index.claim_ids
    return {r: existing[ids[r]] for r in rows if ids[r] in existing} if existing else {}
