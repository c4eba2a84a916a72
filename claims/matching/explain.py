"""Step 6: say in words why two claims were linked, and name each event.

Written only for the links that are kept, from what the index already holds (term ids, their
first written form), with plain string formatting: a few microseconds a link. An event's name
is chosen from its claims' compared terms, and only the claim it comes from is read again.
"""

import datetime
import itertools
import re
import weakref
from collections import Counter

import numpy as np

from claims.text.dates import DATE_DM, DATE_MD, WEEKDAYS

from .normalise import clean, located_tokens, tokens
from .story import StoryIndex

_MONTHS = dict(
    jan="Jan", feb="Feb", mar="March", apr="April", may="May", jun="June", jul="July",
    aug="Aug", sep="Sept", oct="Oct", nov="Nov", dec="Dec",
)  # fmt: skip


def readable(term: str, surface: str) -> str:
    if term.startswith("@") and term[1:4] in _MONTHS:
        return f"{_MONTHS[term[1:4]]} {term[4:]}"
    if term.startswith("@") or term.startswith("#"):
        return term[1:]
    return surface


def sharing(index: StoryIndex, a: np.ndarray, b: np.ndarray, idf: np.ndarray):
    """What the claims of each link of one run share, at once: for each pair (a[k], b[k]) the
    terms both claims use (rarest first, the lower id first among equals) as a reader sees them
    (as the story first wrote them); and k -> the aliases the two claims write two ways (as in
    a[k], as in b[k]), for the pairs that have some. Array operations over all pairs' terms:
    a link costs a slice of a list, not a loop."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    pair, term = _rarest_first(*_common_terms(index, a, b), idf)
    counts = np.bincount(pair, minlength=len(a))
    ends = np.cumsum(counts)
    flat = _shown(index, term)
    terms = [flat[x:y] for x, y in zip((ends - counts).tolist(), ends.tolist(), strict=True)]
    return terms, _aliases(index, a, b, pair, term)


def _common_terms(index: StoryIndex, a: np.ndarray, b: np.ndarray):
    """(pair, term id) of every term both claims of a pair use. A claim's terms are distinct,
    so a (pair, term) found twice among both claims' is one they share."""
    v = np.int64(len(index.names))
    keys = np.concatenate([_pair_terms(index, a, v), _pair_terms(index, b, v)])
    keys.sort(kind="stable")  # (two sorted runs: merged)
    both = keys[1:][keys[1:] == keys[:-1]]
    return both // v, both % v


def _pair_terms(index: StoryIndex, rows: np.ndarray, v: np.int64) -> np.ndarray:
    """pair * v + term id of the terms of each pair's claim `rows[pair]`, in order."""
    ptr = np.frombuffer(index.term_ptr, np.int64)
    size = ptr[rows + 1] - ptr[rows]
    _, terms = index.terms_of_rows(rows)
    return np.repeat(np.arange(len(rows), dtype=np.int64) * v, size) + terms


def _rarest_first(pair: np.ndarray, term: np.ndarray, idf: np.ndarray):
    """The same entries, pair by pair, each pair's terms rarest first (the lower id first
    among equals)."""
    v = np.int64(len(idf))
    ranked = np.lexsort((np.arange(len(idf)), -idf))  # term ids by (-idf, id)
    rank = np.empty(len(idf), np.int64)
    rank[ranked] = np.arange(len(idf))
    keys = np.sort(pair * v + rank[term])
    return keys // v, ranked[keys % v]


def _shown(index: StoryIndex, term: np.ndarray) -> list[str]:
    """Each term as a reader sees it (`readable`), worked out once a distinct term."""
    present = np.zeros(len(index.names), bool)
    present[term] = True  # (a table of the vocabulary: no sort of a million entries)
    distinct = np.flatnonzero(present)
    which = (np.cumsum(present) - 1)[term]
    names, surface = index.names, index.surface
    words = [readable(names[t], surface[t]) for t in distinct.tolist()]
    return np.array(words, dtype=object)[which].tolist()


def _aliases(index: StoryIndex, a: np.ndarray, b: np.ndarray, pair, term) -> dict:
    """Pair -> the aliased things (terms "=...") its claims share that they write two ways,
    as (as in a, as in b), in the order of `term`; pairs with none are left out. How each
    claim wrote them the index keeps (`_written`): no claim is read again."""
    names = index.names
    canon = np.fromiter((t.startswith("=") for t in names), bool, len(names))
    hit = canon[term]
    pair, term = pair[hit], term[hit]
    if not len(pair):
        return {}
    v = np.int64(len(names))
    keys, form, lowered = _written(index, v)
    in_a, in_b = _lookup(keys, a[pair] * v + term), _lookup(keys, b[pair] * v + term)
    found = (in_a >= 0) & (in_b >= 0)
    found[found] = lowered[in_a[found]] != lowered[in_b[found]]
    forms, out = index.alias_forms, {}
    for k, x, y in zip(
        pair[found].tolist(), form[in_a[found]].tolist(), form[in_b[found]].tolist(), strict=True
    ):
        out.setdefault(k, []).append((forms[x], forms[y]))
    return out


def _written(index: StoryIndex, v: np.int64):
    """How the story's claims write the aliased things they name, as the index keeps it:
    keys row * v + term id (sorted: the index keeps them in order of row, then term), the
    form of each (into `alias_forms`), and an id per form lowered (forms alike but for case
    share one)."""
    rows = np.frombuffer(index.alias_rows, np.int32).astype(np.int64)
    keys = rows * v + np.frombuffer(index.alias_terms, np.int32)
    form = np.frombuffer(index.alias_form, np.int32)
    ids: dict[str, int] = {}
    lowered = [ids.setdefault(f.lower(), len(ids)) for f in index.alias_forms]
    return keys, form, np.array(lowered, np.int64)[form]


def _lookup(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each wanted key is in the sorted keys, -1 where it is not."""
    if not len(keys):
        return np.full(len(wanted), -1, np.int64)
    at = np.searchsorted(keys, wanted).clip(max=len(keys) - 1)
    return np.where(keys[at] == wanted, at, -1)


CONTEXT_SAID = 0.2  # context likeness (context.py) from which the explanation names it
# the components `_reasons` reads as yes or no, and what a link stored without one says
_YES_NO = dict(
    concepts=0.0, other_date=0.0, other_place=0.0, same_occurrence=0.0, occurrences_apart=1.0,
    lead=0.0,
)  # fmt: skip


def sentences(
    terms: list[list[str]], c: dict[str, np.ndarray], one_occurrence: bool = False
) -> list[str]:
    """Each link in a journalist's words: what both claims mention (`terms`), how close the
    wording is, and what the two articles have in common. `c` holds each component's values,
    one a link, as the links show them (rounded). The reasons depend on the wording and a few
    yes-or-no facts only, so they are worded once per distinct combination of those.
    `one_occurrence`: the whole story is one occurrence (or no two of its occurrences have
    several articles), which is why occurrences set no articles apart in it."""
    n = len(terms)
    wording, code = np.unique(c["wording"], return_inverse=True)
    code = code.astype(np.int64).reshape(-1) << 8
    flags = {name: c.get(name, np.full(n, default)) != 0 for name, default in _YES_NO.items()}
    flags["context"] = c.get("context", np.zeros(n)) >= CONTEXT_SAID
    for bit, values in enumerate(flags.values()):
        code |= values.astype(np.int64) << bit
    distinct, first, which = np.unique(code, return_index=True, return_inverse=True)
    reasons = []
    for k, r in zip(distinct.tolist(), first.tolist(), strict=True):
        one = {name: float(values[r]) for name, values in flags.items()}
        one |= {"wording": float(wording[k >> 8]), "one_occurrence": float(one_occurrence)}
        reasons.append(_reasons(one))
    which = which.reshape(-1).tolist()
    return [_opening(t) + "; " + reasons[k] for t, k in zip(terms, which, strict=True)]


def _opening(terms: list[str]) -> str:
    return "Both mention " + ", ".join(terms[:8]) if terms else "Confirmed by a person"


def _reasons(c: dict[str, float]) -> str:
    parts = []
    if c.get("concepts"):
        parts.append("they name two of the same aliased things, as two accounts of one event do")
    if c.get("context", 0) >= CONTEXT_SAID:
        parts.append("the sentences around them in their articles tell alike too")
    parts.append(f"wording {round(100 * c['wording'])}/100 alike")
    if c.get("other_date"):
        parts.append("but they give different days")
    if c.get("other_place"):
        parts.append("but they name different places")
    apart = c.get("occurrences_apart", 1.0)  # links stored before the field: as they were
    if c.get("same_occurrence") and apart:
        parts.append(
            "both articles cover the same occurrence (the same names, places, dates), so less "
            "was needed"
        )
        if c.get("lead"):
            parts.append("both lead their articles")
    elif c.get("same_occurrence") and c.get("one_occurrence"):
        parts.append(
            "the story has no two happenings each covered by several of its articles, so the "
            "article a claim comes from says nothing about its event: the sentences had to "
            "tell of the same event on their own"
        )
    elif c.get("same_occurrence"):
        parts.append(
            "both articles cover the same occurrence, but its articles lead with different "
            "happenings, which says nothing about which of them a claim tells of, so the "
            "sentences had to tell of the same event on their own"
        )
    else:
        parts.append(
            "the articles cover different occurrences, so the sentences had to agree closely"
        )
    return "; ".join(parts) + "."


# -- event names ------------------------------------------------------------------------

LABEL_CHARS = 60  # a headline's length: the overview, menus and page titles show it whole
CANDIDATES = 2  # claims of an event searched for a phrase (those with most shared weight)
WORDS = 7  # compared words a name may hold: a headline's few
SHORT = 30  # characters a name may have for free
PER_TOP = 25  # characters more a name may grow by for the weight of its rarest shared term
STARTS = 6  # the shared terms of a claim a name may start on, the rarest
SHORTLIST = 8  # the best stretches by their words, then looked up in the text
# where a clause ends; not at "Mr." or "J." inside a name
_BREAK = re.compile(r'[,;:()\[\]"!?]| - |(?<![A-Z])(?<!\b[A-Z][a-z])\.(?=\s|$)')
_ARTICLE = re.compile(r"\b(?:the|a|an) ", re.A)  # dropped, as headlines do
# words that join a clause to what came before: no headline starts with them
_OPENERS = frozenset(
    {"and", "but", "so", "yet", "or", "although", "though", "while", "because", "also", "then"}
)
_CLAUSE_WORDS = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|do|does|did|will|would|can|could|should|not|"
    r"that|which|who|it|they|we|he|she|i|you|their|its|his|her|our|there)\b",
    re.I,
)
# the endings of adjectives (and of names used as one: "Russian", "Syrian", "Islamic")
_ADJECTIVE = re.compile(r"(?:al|an|ian|ic|ive|ous|ary|ese|ish|ern)$")
_DATE_WORD = re.compile(r"@\w+")
_DATE_WRITTEN = (DATE_MD, DATE_DM)
_MONTH_ABBR = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()  # noqa: SIM905


def label(index: StoryIndex, rows: list[int], centrality: dict[int, float]) -> str:
    """A headline for an event: the stretch of one of its claims that holds the most of what
    its articles share and the rest of the story rarely says ("UN aid convoy near Aleppo"), a
    few words, at most LABEL_CHARS. Without such a phrase, the shortest informative clause of
    its most central claim. Never a sentence cut short. The caller adds the date (`dated`)."""
    weights = _shared_weights(index, rows)
    found = _best_phrase(index, rows, weights, centrality) if weights else None
    if not found:  # (the most central claim is worked out only then)
        central = max(rows, key=lambda r: (centrality.get(r, 0.0), -r))
        found = _clause(index, central)
    return _headline(found)


def dated(name: str, when: datetime.date | None) -> str:
    """The name with its day ("..., 19 Sep"), unless it has none or already states one."""
    if when is None or not name or any(p.search(name) for p in _DATE_WRITTEN):
        return name
    return f"{name}, {when.day} {_MONTH_ABBR[when.month - 1]}"


def _shared_weights(index: StoryIndex, rows: list[int]) -> dict[int, float]:
    """Term id -> weight, for the terms claims of two or more of the event's articles use: the
    term's IDF times the share of the event's articles that use it. Plain loops: an event has
    a few dozen terms, fewer than numpy's cost a call."""
    ptr, ids, art = index.term_ptr, index.term_ids, index.claim_article
    by_article: dict[int, set] = {}
    for r in rows:
        by_article.setdefault(art[r], set()).update(ids[ptr[r] : ptr[r + 1]])
    if len(by_article) < 2:
        return {}
    idf = _label_idf(index)
    if len(by_article) == 2:
        a, b = by_article.values()
        return {t: idf[t] for t in a & b if idf[t] > 0}
    share = 1 / len(by_article)
    counts = Counter(itertools.chain.from_iterable(by_article.values()))
    return {t: idf[t] * c * share for t, c in counts.items() if c > 1 and idf[t] > 0}


_idf_of: list = [None, 0, 0, []]  # (the index, its claims, its terms, the list)


def _label_idf(index: StoryIndex) -> list[float]:
    """The story's IDF per term id, as a list (read a term at a time), 0 for dates and
    weekdays (`dated` gives the day). Made once a matching run, not once an event."""
    ref, claims, terms, idf = _idf_of
    if (
        ref is None
        or ref() is not index
        or (claims, terms) != (len(index.claim_ids), len(index.names))
    ):
        values = index.idf()
        skip = [k for k, t in enumerate(index.names) if t[0] == "@" or t in WEEKDAYS]
        values[skip] = 0.0
        idf = values.tolist()
        _idf_of[:] = [weakref.ref(index), len(index.claim_ids), len(index.names), idf]
    return idf


def _best_phrase(index, rows, weights, centrality, others=True) -> str | None:
    """The best stretch of words (see `_stretches`) of the claim that holds the most weight
    (the next one where it has none that fits); only its best few stretches are looked up in
    its text, so that one claim an event is read again."""
    ptr, ids = index.term_ptr, index.term_ids
    has, get = weights.__contains__, weights.__getitem__
    held = {r: sum(map(get, filter(has, ids[ptr[r] : ptr[r + 1]]))) for r in rows}
    picked = sorted(rows, key=lambda r: (-held[r], -centrality.get(r, 0.0), r))[:CANDIDATES]
    top = max(weights.values())
    elsewhere = _elsewhere(index, rows) if others else lambda art: ()
    names = index.names
    by_term = {names[t]: x for t, x in weights.items()}  # as `StoryIndex.texts` writes them
    for r in picked:
        if held[r] <= 0:
            break
        found = sorted(_stretches(index, r, by_term, top, elsewhere), reverse=True)[:SHORTLIST]
        if not found:
            continue
        text, toks = _located(index, r, max(j for *_, j in found) + 1)
        best = None
        for guess, score, i, j in found:
            if best is not None and guess < best[0] - 0.5 * top:
                break  # (the guessed length is near the real one)
            phrase = _phrase(text, toks, i, j)
            if phrase is not None:
                score -= top * (0.6 * len(_CLAUSE_WORDS.findall(phrase)) + _long(phrase))
                best = max(best or (score, phrase), (score, phrase))
        if best is not None:
            return best[1]
    return None


def _long(phrase: str) -> float:
    """What a name's length costs, in weights of its rarest term: nothing up to a few words."""
    return max(len(phrase) - SHORT, 0) / PER_TOP


def _elsewhere(index, rows):
    """article -> the compared terms of the event's claims of other articles, in one string,
    each claim's padded with spaces (a phrase they share is a substring); built when asked."""
    done = {}

    def of(article):
        if article not in done:
            art, texts = index.claim_article, index.texts
            done[article] = "  ".join(["", *(texts[r] for r in rows if art[r] != article), ""])
        return done[article]

    return of


def _stretches(index, row, by_term, top, elsewhere):
    """(guess, score, i, j) of each stretch of the claim's compared words i..j (about
    LABEL_CHARS long at most) that starts and ends on a shared term. Its score: the weight of
    the shared terms it holds, more for two written side by side in another article
    too ("aid convoy"), less for every other word. The guess also takes off for its length,
    guessed from the words' first forms."""
    seq = index.texts[row].split()
    w = [by_term.get(t, 0.0) for t in seq]
    hits = [k for k, x in enumerate(w) if x > 0]
    size = [len(t) + 6 for t in seq]  # a stem's length, the rest of the word, a short word
    # what word k adds to a stretch that holds word k - 1 (more when the two are written side
    # by side in another article too); a stretch's first word adds its weight only
    gain = [x if x > 0 else -0.2 * top for x in w]
    for k in hits:  # a thing and its definition, side by side ("Syrian Arab Army (SAA)"), once
        if k and seq[k] == seq[k - 1]:
            gain[k] = 0.0
    pair = [0.0] * len(seq)
    others = None
    for k in hits:
        if k and w[k - 1] > 0:
            others = elsewhere(index.claim_article[row]) if others is None else others
            if f" {seq[k - 1]} {seq[k]} " in others:
                pair[k] = 0.5 * (w[k - 1] + w[k])
                gain[k] += pair[k]
    out, n, limit = [], len(seq), LABEL_CHARS + 5
    names, surface, vocab = index.is_name, index.surface, index.vocab
    if len(hits) > STARTS:
        hits = sorted(sorted(hits, key=w.__getitem__)[-STARTS:])
    for i in hits:  # the best end of each start: other starts give the other choices
        # headlines start with who or what, not with a verb: a name is the safest start
        t = vocab[seq[i]]
        score, chars, best = (0.3 * top if names[t] else 0.0) - pair[i], 0, None
        # one word names nothing, unless it is a name (widened to all its words) or an alias
        # of several ("aid convoy")
        alone = names[t] or " " in surface[t]
        for k in range(i, min(i + WORDS, n)):
            chars += size[k]
            if chars > limit:
                break
            score += gain[k]
            if w[k] > 0 and (k > i or alone):
                guess = score - top * (chars - SHORT if chars > SHORT else 0) / PER_TOP
                if best is None or guess > best[0]:
                    best = (guess, score, i, k)
        if best:
            out.append(best)
    return out


def _phrase(text, toks, i, j) -> str | None:
    """The words of tokens i..j as written (see `_extend`), without articles; None where they
    are not in one clause, are one lone word or are longer than LABEL_CHARS."""
    if len(toks) <= j or _BREAK.search(text, toks[i][1], toks[j][1]):
        return None
    first, last = _extend(text, toks, i, j)
    phrase = _ARTICLE.sub("", text[toks[first][1] : toks[last][2]])
    if "@" in phrase:  # a date, as the cleaning wrote it
        phrase = _DATE_WORD.sub(lambda m: readable(m.group(), ""), phrase)
    if len(phrase) > LABEL_CHARS or not re.search(r"[\s-]", phrase):
        return None
    return phrase


def _located(index, row, upto: int) -> tuple[str, list]:
    """The claim's text (quotes, dashes, abbreviations and dates cleaned) and its compared
    tokens up to the upto-th at least, in the order of `StoryIndex.texts`, each with where its
    words are written there."""
    published = index.articles[index.claim_article[row]].published
    aliased = "=" in index.texts[row]  # the claim names an aliased thing ("=...")
    # (an alias may stand for several words: read as many more)
    kept = upto + 2 + (2 * index.alias_table.longest if aliased else 0)
    text, written, spans = located_tokens(index.raw[row], published, kept)
    if not aliased:
        return text, [(t, *span) for t, span in zip(written, spans, strict=True) if not t.stop]
    out, p = [], 0
    for t in index.alias_table.apply(written):
        if t is written[p]:
            (start, end), p = spans[p], p + 1
        else:  # the words an alias stands for
            n = t.surface.count(" ") + 1
            start, end, p = spans[p][0], spans[p + n - 1][1], p + n
        if not t.stop:
            out.append((t, start, end))
    return text, out


def _extend(text, toks, i, j) -> tuple[int, int]:
    """Tokens i..j widened to whole names ("Deir ez-Zor", "Col. John J. Thomas": neighbours
    written as names with only a space, a hyphen or a particle between) and, where the last
    word looks like an adjective ("Russian", "humanitarian", "internal"), to the word it
    describes."""
    while i > 0 and toks[i - 1][0].name and toks[i][0].name and _joined(text, toks, i - 1):
        i -= 1
    while j + 1 < len(toks) and toks[j + 1][0].name and _joined(text, toks, j):
        j += 1
    if (
        j + 1 < len(toks)
        and _ADJECTIVE.search(toks[j][0].surface)
        and not toks[j + 1][0].name
        and text[toks[j][2] : toks[j + 1][1]] == " "
    ):
        j += 1
    return i, j


def _joined(text, toks, k) -> bool:
    """Tokens k and k + 1 are one name: a space or hyphen, or a lower-case particle ("de",
    "ez", "al"), between them."""
    if toks[k + 1][1] < toks[k][2]:
        return False  # (two tokens of one word)
    gap = text[toks[k][2] : toks[k + 1][1]]
    if gap == ". " and len(toks[k][0].surface) <= 3:  # a title or an initial: "Col.", "J."
        return True
    return gap in (" ", "-") or (
        len(gap) <= 5 and gap.strip(" -").isalpha() and gap.strip(" -").islower()
    )


def _clause(index, row) -> str:
    """The shortest clause of the claim with three compared words or more (the whole claim when
    none has them). Where even that is long, the claim's best stretch of rare words."""
    text = clean(index.raw[row], dates=False).strip()
    parts = [p.strip(" -'") for p in _BREAK.split(text)]
    informative = [p for p in parts if len(index.terms_of(tokens(p))) >= 3] or [text]
    shortest = min(informative, key=len).rstrip(".")
    if len(shortest) <= LABEL_CHARS + 10:  # (the day still fits in 80)
        return shortest
    idf = _label_idf(index)
    own = {t: idf[t] for t in index.terms(row).tolist() if idf[t] > 0}
    found = _best_phrase(index, [row], own, {}, others=False) if own else None
    return found or shortest[:LABEL_CHARS].rsplit(" ", 1)[0]


def _headline(phrase: str) -> str:
    words = phrase.split()
    while len(words) > 2 and words[0].lower() in _OPENERS:
        words = words[1:]
    out = " ".join(words).rstrip(" .,;:")
    return out[:1].upper() + out[1:]
