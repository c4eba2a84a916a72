"""Match a story's claims into events: normalise -> aliases -> candidates -> score -> cluster ->
explain. Pure functions of their input; the database is the caller's business.

    result = match(articles, claims, aliases=[["SAA", "Syrian troops"]], constraints=...)
    index = StoryIndex.build(articles, claims, aliases)       # keep it (pickle) for imports
    result = match_incremental(index, [new_article], new_claims, existing=claim_to_event_key)
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np

from . import cluster as cluster_step
from . import explain, pairs, score
from .story import StoryIndex
from .types import ArticleInput, ClaimInput, Constraints, Event, Link, MatchResult

__all__ = [
    "ArticleInput",
    "ClaimInput",
    "Constraints",
    "Event",
    "Link",
    "MatchResult",
    "StoryIndex",
    "match",
    "match_incremental",
]

NO_CONSTRAINTS = Constraints()
EDGE_FLOOR = 0.15  # weaker pairs are left out of the clustering graph (they would count ~0)


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
    rows = np.array(index.add(new_articles, new_claims), np.int64)
    stats = {"seconds_normalise": time.perf_counter() - t0}
    return _run(index, rows, constraints, dict(existing or {}), explain_links, stats)


def _run(index, rows, constraints, existing, explain_links, stats) -> MatchResult:
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        stats[f"seconds_{name}"] = now - clock
        clock = now

    a, b, cos, generated = pairs.candidate_pairs(index, rows)
    lap("candidates")
    new_articles = None
    if rows is not None:
        new_articles = sorted({index.claim_article[r] for r in rows.tolist()})
    art_keys, art_sims = pairs.article_similarity(index, new_articles)
    if rows is None:
        index.article_baseline = pairs.story_baseline(len(index.articles), art_sims)
    la, lb = pairs.lead_pairs(index, art_keys, art_sims, rows)
    a, b, cos = pairs.merge_pairs(a, b, cos, la, lb, len(index.claim_ids))
    a, b, cos = _with_must_links(index, a, b, cos, constraints)
    comps = pairs.components(index, a, b, cos, art_keys, art_sims)
    s = score.combine(comps)
    lap("score")
    row_of = index.row_of
    cannot = {
        _pair(row_of, x, y) for x, y in constraints.cannot_link if x in row_of and y in row_of
    }
    must = {_pair(row_of, x, y) for x, y in constraints.must_link if x in row_of and y in row_of}
    pair_keys = list(zip(a.tolist(), b.tolist(), strict=True))
    usable = (
        np.array([p not in cannot for p in pair_keys], bool) if cannot else np.ones(len(a), bool)
    )
    edge = usable & (s >= EDGE_FLOOR)
    pinned = {row_of[c]: k for c, k in constraints.pinned.items() if c in row_of}
    labels, local = _cluster(index, rows, a[edge], b[edge], s[edge], must, cannot, pinned, existing)
    lap("cluster")
    link_mask = usable & (
        (s >= score.LINK_THRESHOLD) | np.array([p in must for p in pair_keys], bool)
    )
    link_mask &= labels[_local(local, a)] == labels[_local(local, b)]
    events, links = _describe(
        index, labels, local, a, b, s, comps, link_mask, pinned, existing, rows, explain_links
    )
    lap("explain")
    stats.update(
        claims=len(index.claim_ids),
        articles=len(index.articles),
        candidate_pairs_generated=int(generated),
        candidate_pairs_scored=int(len(a)),
        links=len(links),
        events=len(events),
        aliases_learned=[list(x) for x in index.alias_table.learned if x[2] != "you said so"],
    )
    if rows is not None:
        stats["new_aliases"] = [list(x) for x in getattr(index, "new_aliases", [])]
    return MatchResult(events=events, links=links, stats=stats)


def _pair(row_of, x, y):
    rx, ry = row_of[x], row_of[y]
    return (min(rx, ry), max(rx, ry))


def _with_must_links(index, a, b, cos, constraints):
    """Confirmed links are scored even when blocking would not have proposed them."""
    have = set(zip(a.tolist(), b.tolist(), strict=True))
    extra = []
    for x, y in constraints.must_link:
        if x in index.row_of and y in index.row_of:
            p = _pair(index.row_of, x, y)
            if p not in have and index.claim_article[p[0]] != index.claim_article[p[1]]:
                extra.append(p)
                have.add(p)
    if not extra:
        return a, b, cos
    idf = index.idf()
    add_cos = []
    for x, y in extra:
        tx, ty = index.claim_terms[x], index.claim_terms[y]
        wx, wy = idf[tx], idf[ty]
        both = np.intersect1d(tx, ty)
        denom = float(np.sqrt((wx * wx).sum() * (wy * wy).sum())) or 1.0
        add_cos.append(float((idf[both] ** 2).sum()) / denom)
    ex = np.array(extra, np.int64).reshape(-1, 2)
    return (
        np.r_[a, ex[:, 0]],
        np.r_[b, ex[:, 1]],
        np.r_[cos, np.array(add_cos, np.float32)],
    )


def _local(local, rows):
    return rows if local is None else local[rows]


def _cluster(index, rows, a, b, s, must, cannot, pinned, existing):
    """Labels per row (full run) or per local row (incremental: only the neighbourhood)."""
    articles = np.asarray(index.claim_article, np.int64)
    if rows is None:
        labels = cluster_step.cluster(articles, a, b, s, must, cannot, pinned)
        return labels, None
    # incremental: the new claims, the old claims they touch and those claims' whole events
    key_of = {index.row_of[c]: k for c, k in existing.items() if c in index.row_of}
    members = defaultdict(list)
    for r, k in key_of.items():
        members[k].append(r)
    nodes = set(rows.tolist()) | set(a.tolist()) | set(b.tolist())
    for r in list(nodes):
        if r in key_of:
            nodes.update(members[key_of[r]])
    nodes = sorted(nodes)
    local = np.full(len(index.claim_ids), -1, np.int64)
    local[nodes] = np.arange(len(nodes))
    group_ids = {k: i for i, k in enumerate(sorted(set(key_of.values())))}
    fixed = {int(local[r]): group_ids[k] for r, k in key_of.items() if local[r] >= 0}
    lp = lambda m: {(int(local[x]), int(local[y])) for x, y in m if local[x] >= 0 and local[y] >= 0}  # noqa: E731
    lpin = {int(local[r]): k for r, k in pinned.items() if local[r] >= 0}
    labels = cluster_step.cluster(
        articles[nodes], local[a], local[b], s, lp(must), lp(cannot), lpin, fixed=fixed
    )
    return labels, local


def _describe(
    index, labels, local, a, b, s, comps, link_mask, pinned, existing, rows, explain_links
):
    node_rows = np.arange(len(index.claim_ids)) if local is None else np.flatnonzero(local >= 0)
    groups = defaultdict(list)
    for r in node_rows.tolist():
        groups[int(labels[_local(local, np.array([r]))[0]])].append(r)
    centrality = defaultdict(float)
    for x, y, w in zip(
        a[link_mask].tolist(), b[link_mask].tolist(), s[link_mask].tolist(), strict=True
    ):
        centrality[x] += w
        centrality[y] += w
    key_of = {index.row_of[c]: k for c, k in existing.items() if c in index.row_of}
    new_rows = set() if rows is None else set(rows.tolist())
    events, used = [], set(pinned.values()) | set(key_of.values())
    for members in groups.values():
        ids = sorted(index.claim_ids[r] for r in members)
        keys = [pinned[r] for r in members if r in pinned] or [
            key_of[r] for r in members if r in key_of
        ]
        arts = {index.claim_article[r] for r in members}
        if rows is not None and not (new_rows & set(members)):
            continue
        if not keys and len(arts) < 2:
            continue
        key = min(keys) if keys else _fresh_key(ids, used)
        used.add(key)
        events.append(
            Event(key=key, claim_ids=ids, label=explain.label(index, members, centrality))
        )
    events.sort(key=lambda e: e.claim_ids[0])
    links = _links(index, a, b, s, comps, link_mask, explain_links)
    return events, links


def _fresh_key(ids, used):
    key = f"e{ids[0]}"
    n = 1
    while key in used:
        n += 1
        key = f"e{ids[0]}-{n}"
    return key


def _links(index, a, b, s, comps, mask, explain_links):
    idf = index.idf()
    years = pairs.article_years(index) if explain_links else None
    out = []
    for k in np.flatnonzero(mask).tolist():
        i, j = int(a[k]), int(b[k])
        c = {name: round(float(v[k]), 3) for name, v in comps.items()}
        if explain_links:
            terms, aliases, names = explain.shared(index, i, j, idf)
            y = (int(years[index.claim_article[i]]), int(years[index.claim_article[j]]))
            text = explain.sentence(terms, names, c, y)
        else:
            terms, aliases, text = [], [], ""
        x, y2 = index.claim_ids[i], index.claim_ids[j]
        if x > y2:
            x, y2 = y2, x
            aliases = [(q, p) for p, q in aliases]
        out.append(Link(x, y2, round(float(s[k]), 3), c, terms, aliases, text))
    out.sort(key=lambda link: (link.a, link.b))
    return out


def match_index(
    index: StoryIndex, constraints: Constraints = Constraints(), explain_links: bool = True
) -> MatchResult:
    """`match` on an index the caller built (and keeps, for matching new articles later)."""
    return _run(index, None, constraints, {}, explain_links, {"seconds_normalise": 0.0})
