"""Step 5's evidence: the named components of each pair's score (shared terms, wording, the
articles' likeness, occurrence, lead, other days or places, shared aliased things, the
sentences around them: context.py), and which
pairs the calibrated model is sure enough of to join claims into one event (MIN_SURE).

Wording (rapidfuzz, the costly one) is compared only where it can change a decision; the
links kept get theirs afterwards (`word_links`), to show.
"""

import itertools
import re

import numpy as np

from . import calibrate, context, english, occurrence, score
from .normalise import sorted_set

EDGE_FLOOR = 0.3  # weaker pairs stay out of the clustering graph (they count as 0)
MIN_SURE = 0.4  # calibrated chance a pair is one event that it takes to join claims into one
# A word written at least this often in English (Zipf frequency: "investigation" 4.75, "fire"
# 5.3; "evacuated" 3.66, "convoy" 3.71) tells no happening from another of its kind: two
# claims sharing only such words ("The cause of the fire is under investigation." in reports
# of two fires) join only inside an occurrence that sets its articles apart.
COMMON_ZIPF = 4.0
_SMALL_NUMBER = re.compile(r"#\d")  # one to nine: as common as words ("two officials said")


def of(index, a, b, cos, same, aa, ab, asim, exact=None, agree=None):
    """The named components of each pair's score, where its wording was compared, and where
    it waits (`later`). Compared: where the wording can change what the score decides (see
    `_wording_counts`), and for the pairs in `exact`. Waiting: pairs whose score the wording
    changes but that the model can never be sure of (`_never_sure`): they stay out of the
    clustering graph whatever their wording, and their score matters only if they end up
    shown (`word_later`). Pairs kept as links get theirs from `word_links`."""
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
    apart = np.full(len(a), distinct_occurrences(index))
    if agree is not None:  # an occurrence whose articles lead alike (occurrence.agreement)
        apart &= ~same | (agree[index.occurrence[pa]] >= occurrence.AGREE)
    inside = same & apart
    comps = {
        "terms": cos.astype(np.float32),
        "wording": np.zeros(len(a), np.float32),
        "article": article.astype(np.float32),
        "same_occurrence": same.astype(np.float32),
        # whether occurrences set articles apart here: a story that is one occurrence, or an
        # occurrence whose articles lead with different happenings (occurrence.agreement),
        # says nothing about which of its events a claim is
        "occurrences_apart": apart.astype(np.float32),
        "lead": (lead[a] & lead[b] & (article >= index.article_baseline + occurrence.TIGHT)).astype(
            np.float32
        ),
        "other_date": _other_date(index, a, b).astype(np.float32),
        "other_place": _other_place(index, a, b).astype(np.float32),
        "concepts": (_shared_concepts(index, a, b) >= 2).astype(np.float32),
        "context": context.similarity(index, a, b, inside & (cos >= context.FLOOR)),
    }
    worded = _wording_counts(comps)
    later = np.zeros(len(a), bool)
    later[worded] = _never_sure(_subset(comps, worded))
    if exact is not None:
        worded |= exact
        later &= ~exact
    worded &= ~later
    comps["wording"][worded] = score.wording(index.texts, a[worded], b[worded])
    return comps, worded, later


def sure(index, a, b, comps, worded, s) -> np.ndarray:
    """Pairs the calibrated model gives at least MIN_SURE: only they may join claims into an
    event. Asked of the pairs that reach EDGE_FLOOR only (the others stay out of the graph
    whatever the model says); pairs whose wording was not compared get it compared first
    where it decides."""
    idx = np.flatnonzero(s >= EDGE_FLOOR)
    c, decided = _subset(comps, idx), s[idx]
    high = calibrate.probability(c | {"wording": np.ones_like(c["terms"])}, decided)
    low = calibrate.probability(c | {"wording": np.zeros_like(c["terms"])}, decided)
    need = idx[~worded[idx] & (high >= MIN_SURE) & (low < MIN_SURE)]
    if len(need):
        comps["wording"][need] = score.wording(index.texts, a[need], b[need])
        worded[need] = True
    out = np.zeros(len(s), bool)
    out[idx] = calibrate.probability(_subset(comps, idx), decided) >= MIN_SURE
    # outside an occurrence that sets its articles apart, common words are not enough
    inside = (comps["same_occurrence"] > 0) & (comps["occurrences_apart"] > 0)
    ask = np.flatnonzero(out & ~inside)
    for part in np.array_split(ask, max(1, len(ask) // SPECIFIC_BATCH)):  # bounded memory
        out[part] = shares_specific(index, a[part], b[part])
    return out


SPECIFIC_BATCH = 500_000  # pairs whose shared terms are looked up at once (shares_specific)


def shares_specific(index, a, b) -> np.ndarray:
    """Whether each pair of claims shares a term that can tell one happening from another of
    its kind: a number over nine, a date, an aliased thing, or a word (a name too) rarer in
    English than COMMON_ZIPF. Not every name: "Fire" in "Fire Chief", "Daniel", "Port" are
    common words."""
    if not len(a):
        return np.zeros(0, bool)
    owner, terms = index.terms_of_rows(np.unique(np.r_[a, b]))
    keep = _specific_terms(index)[terms]
    v = np.int64(max(len(index.names), 1))
    keys = np.sort(owner[keep] * v + terms[keep])
    # a pair shares one when some specific term of a's is among b's
    la, lb = np.searchsorted(keys, a * v), np.searchsorted(keys, (a + 1) * v)
    count = lb - la
    pair = np.repeat(np.arange(len(a)), count)
    terms_a = keys[np.repeat(la - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))]
    wanted = b[pair] * v + terms_a % v
    pos = np.searchsorted(keys, wanted).clip(max=max(len(keys) - 1, 0))
    hit = keys[pos] == wanted if len(keys) else np.zeros(len(wanted), bool)
    out = np.zeros(len(a), bool)
    out[pair[hit]] = True
    return out


def _specific_terms(index) -> np.ndarray:
    """Per term of the index: a number over nine or a date ("#12", "@sep17"), an aliased thing
    ("="), or a word rarer in English than COMMON_ZIPF. Kept between calls, extended."""
    names = index.names
    common = getattr(index, "_common", np.zeros(0, bool))
    if len(common) < len(names):
        surface = index.surface
        tail = range(len(common), len(names))
        more = np.fromiter(
            (
                _SMALL_NUMBER.fullmatch(names[t]) is not None
                or names[t][:1] not in "#@="
                and english.is_common(surface[t], COMMON_ZIPF)
                for t in tail
            ),
            bool,
            len(tail),
        )
        common = np.r_[common, more]
        index._common = common
    return ~common


def word_later(index, a, b, comps, s, pairs) -> None:
    """Compare the wording of these pairs that waited (`of`'s `later`) and score them again,
    in place: those that may be shown now that the events are known."""
    if pairs.any():
        comps["wording"][pairs] = score.wording(index.texts, a[pairs], b[pairs])
        s[pairs] = score.combine(_subset(comps, pairs))


def word_links(index, a, b, comps, missing) -> None:
    """Compare the wording of the links that had no need of it to be scored: links show it."""
    if missing.any():
        comps["wording"][missing] = score.wording(index.texts, a[missing], b[missing])


def distinct_occurrences(index) -> bool:
    """Whether the story covers two or more occurrences each reported by several articles.
    Only then does an occurrence set its articles apart from the rest of the story, and claims
    inside it may join on weaker sentence evidence; a story that is one occurrence says nothing
    about which of its events a claim is."""
    if not len(index.occurrence):
        return False
    return int((np.bincount(index.occurrence) >= 2).sum()) >= 2


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


def _subset(comps, mask) -> dict[str, np.ndarray]:
    """The components of the pairs in mask (a component given as a number stays one)."""
    return {k: v[mask] if isinstance(v, np.ndarray) else v for k, v in comps.items()}


def _never_sure(comps) -> np.ndarray:
    """Pairs the model gives less than MIN_SURE whatever their wording. Its chance rises or
    falls steadily with the wording and with the score (a logistic model), and the score lies
    between that with the least and that with the most alike wording: the highest chance is at
    a corner of that box, the same corner for every pair (`_likeliest`). A small margin covers
    the rounding."""
    wording, score_up = _likeliest(comps)
    c = comps | {"wording": np.full_like(comps["terms"], wording)}
    decided = score.combine(comps | {"wording": np.full_like(comps["terms"], float(score_up))})
    return calibrate.probability(c, decided) < MIN_SURE - 1e-3


def _likeliest(comps) -> tuple[float, bool]:
    """The wording (0 or 1) at which the model's chance is highest, and whether it is
    highest at the higher score: asked of a pair with nothing else in common, since the model
    moves the same way for every pair. Its log-odds, not its chance: a chance that rounds to
    0 or 1 there would tie and pick a corner whatever the coefficients' signs."""
    nothing = {k: np.zeros(1, np.float32) for k in comps}

    def chance(wording: float, decided: float) -> float:
        c = nothing | {"wording": np.full(1, wording, np.float32)}
        return calibrate.logit(c, np.full(1, decided, np.float32))[0]

    base = chance(0.0, 0.0)
    return (1.0 if chance(1.0, 0.0) >= base else 0.0), bool(chance(0.0, 1.0) >= base)


def _is_day(term: str) -> bool:
    return term.startswith("@") and not term[1:].isdigit()


def _other_date(index, a, b) -> np.ndarray:
    """Both claims name days, and no day in common."""
    rows, terms = index.terms_of_rows(_rows_in(index, a, b))
    kinds = sorted_set(terms)
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
