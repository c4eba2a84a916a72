"""A story's claims, normalised once and indexed: what matching and incremental matching share.

Build it with `StoryIndex.build`; `add` puts a new article's claims into it. It holds no database
objects and is kept between runs as bytes (`to_bytes`, `from_bytes`), stamped with FORMAT: an
index kept in another format (a deploy changed the class) is refused with StaleIndex, and the
caller builds it again from the story. Terms are kept flat (one array of term ids and one of
offsets), so a million claims cost a few arrays rather than a million small objects.
"""

import itertools
import math
import pickle
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from . import aliases as alias_step
from . import beside
from .normalise import Sentences, Token, sorted_set, tokens, tokens_of
from .pause import paused_gc
from .types import ArticleInput, ClaimInput

# Raise it with any change to StoryIndex's fields or to what they hold: indexes kept in the
# database under another number are built again rather than misread.
FORMAT = 5
ARTICLE_TERMS = 100  # the most distinctive terms of an article describe its occurrence
# Names, dates and numbers set one happening apart from another of its kind (this town, this
# victim, this day); common words ("boy", "gun", "mother") tell only the kind. Measured on
# ECB+ train and GVC dev (bench/quality.py): x4 took article grouping F1 from .82/.51 to .91/.86.
NAME_WEIGHT = 4.0
LEAD = 5  # the first substantive claims of an article: news puts the main event first
SUBSTANTIVE = 4  # compared terms a claim needs to count towards the lead (not a dateline)
# Articles from which what they define is read by a forked child (beside.py): about a third
# of a millisecond an article.
DEFINITIONS_BESIDE_FROM = 200
PLACE_WORDS = frozenset({"in", "at", "near"})
# every way of writing them, so a token is tested without lowering it
_PLACE_FORMS = frozenset(
    "".join(w) for word in PLACE_WORDS for w in itertools.product(*((c, c.upper()) for c in word))
)


class StaleIndex(Exception):
    """A kept index of another format than this code's: build it again from the story."""


@dataclass
class StoryIndex:
    alias_table: alias_step.AliasTable
    user_aliases: list[list[str]]
    vocab: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # term id -> term
    surface: list[str] = field(default_factory=list)  # term id -> as first written
    is_name: bytearray = field(default_factory=bytearray)  # term id -> written as a name
    claim_ids: list[int] = field(default_factory=list)
    claim_article: array = field(default_factory=lambda: array("q"))  # article row per claim
    positions: list[int] = field(default_factory=list)
    lead: bytearray = field(default_factory=bytearray)
    texts: list[str] = field(default_factory=list)  # normalised, for wording
    raw: list[str] = field(default_factory=list)
    term_ids: array = field(default_factory=lambda: array("i"))  # flat, claim by claim
    term_ptr: array = field(default_factory=lambda: array("q", [0]))
    places: dict[int, tuple[int, ...]] = field(default_factory=dict)  # row -> "in <Place>"
    df: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    articles: list[ArticleInput] = field(default_factory=list)
    article_row: dict[int, int] = field(default_factory=dict)
    article_counts: list[Counter] = field(default_factory=list)  # term id -> count
    article_df: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    row_of: dict[int, int] = field(default_factory=dict)  # claim id -> row
    occurrence: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # per article
    article_baseline: float = 0.0  # median likeness of two articles (set by a full match)
    # per occurrence, how alike its articles' leads are (occurrence.agreement; set by a match)
    agreement: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # how claims wrote the aliased things they name ("=..." terms), for the explanations: one
    # entry a (claim, term) of the claims that name one, in order of row then term id; the
    # form is its last mention's, an index into `alias_forms` (each distinct form once)
    alias_rows: array = field(default_factory=lambda: array("i"))
    alias_terms: array = field(default_factory=lambda: array("i"))
    alias_form: array = field(default_factory=lambda: array("i"))
    alias_forms: list[str] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        """The index as kept between runs, stamped with this code's FORMAT."""
        return pickle.dumps((FORMAT, self), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> "StoryIndex":
        """An index kept by `to_bytes`. Raises StaleIndex for one of another format, or one
        kept before indexes had a format, or one whose class no longer unpickles."""
        try:
            kept = pickle.loads(data)
        except Exception as exc:
            raise StaleIndex(f"the kept index does not load ({type(exc).__name__})") from exc
        if not (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[1], cls)):
            raise StaleIndex("the kept index has no format (kept before indexes had one)")
        if kept[0] != FORMAT:
            raise StaleIndex(f"the kept index is of format {kept[0]}, this code reads {FORMAT}")
        return kept[1]

    @classmethod
    @paused_gc()
    def build(
        cls,
        articles: Iterable[ArticleInput],
        claims: Iterable[ClaimInput],
        user_aliases: Iterable[Iterable[str]] = (),
    ) -> "StoryIndex":
        articles, claims = list(articles), sorted(claims, key=lambda c: c.id)
        user_aliases = [list(g) for g in user_aliases]
        published = {a.id: a.published for a in articles}
        texts = [a.title + "\n" + a.body for a in articles]
        # what the articles define ("Joint Implementation Center (JIC)") read on the other
        # core while the claims are tokenised here
        worth = len(texts) >= DEFINITIONS_BESIDE_FROM
        with beside.beside(alias_step.defined_in, texts, worth=worth) as defined:
            dates = [published.get(c.article_id) for c in claims]
            toks = tokens_of([c.text for c in claims], dates)
            flat = Sentences(toks)
            table = alias_step.build(user_aliases, texts, flat, defined())
        index = cls(alias_table=table, user_aliases=user_aliases)
        aliased = table.apply_all(toks, flat)
        del toks, flat  # every token once more, flat: not kept while the claims are indexed
        index._add(articles, claims, aliased)
        return index

    @paused_gc()
    def add(self, articles: Iterable[ArticleInput], claims: Iterable[ClaimInput]) -> list[int]:
        """Index a new article's claims; returns their rows. Aliases the new text defines are
        learned for the new claims only (stats say so; a full re-run applies them everywhere)."""
        articles, claims = list(articles), sorted(claims, key=lambda c: c.id)
        published = {a.id: a.published for a in [*self.articles, *articles]}
        toks = tokens_of([c.text for c in claims], [published.get(c.article_id) for c in claims])
        flat = Sentences(toks)
        new = alias_step.build(self.user_aliases, [a.title + "\n" + a.body for a in articles], flat)
        self.new_aliases = [x for x in new.learned if x[2] != "you said so"]
        for phrase, canon in new.phrases.items():
            if phrase not in self.alias_table.phrases:
                self.alias_table.add(phrase, canon, new.display[canon])
        first = len(self.claim_ids)
        self._add(articles, claims, self.alias_table.apply_all(toks, flat))
        return list(range(first, len(self.claim_ids)))

    def terms_of(self, toks: list[Token]) -> list[Token]:
        return [t for t in self.alias_table.apply(toks) if not t.stop]

    def _term(self, t: Token) -> int:
        i = self.vocab.get(t.term)
        if i is None:
            i = self.vocab[t.term] = len(self.names)
            self.names.append(t.term)
            self.surface.append(self.alias_table.display.get(t.term, t.surface))
            self.is_name.append(0)
        if t.name:
            self.is_name[i] = 1
        return i

    def _add(self, articles, claims, aliased: list[list[Token]]) -> None:
        """Index the claims, each with its tokens after the alias table (`aliased`)."""
        first_article = len(self.articles)
        for a in articles:
            self.article_row[a.id] = len(self.articles)
            self.articles.append(a)
            self.article_counts.append(Counter())
        first_row = len(self.claim_ids)
        arts = [self.article_row[c.article_id] for c in claims]
        if arts and min(arts) < first_article:  # an article's counts change: its flat copy
            self._article_entries = None  # is stale
        ids_ = [c.id for c in claims]
        self.row_of.update(zip(ids_, range(first_row, first_row + len(ids_)), strict=True))
        self.claim_ids.extend(ids_)
        self.claim_article.extend(arts)
        self.raw.extend([c.text for c in claims])
        self.positions.extend([c.position for c in claims])
        self.lead.extend(bytes(len(claims)))
        if claims:
            batch = _Batch(aliased)
            born = self._number_terms(batch)
            self._add_terms(batch)
            self._add_counts(batch, np.array(arts, np.int64))
            self._add_places(aliased, batch, first_row, born)
            self._add_forms(batch, first_row)
        self._mark_leads(first_row)
        for a in articles:
            title = self.terms_of(tokens(a.title, a.published))
            self.article_counts[self.article_row[a.id]].update(self._term(t) for t in title)
        n_terms = len(self.names)
        self.df = _grow(self.df, n_terms)
        new_terms = np.frombuffer(self.term_ids, np.int32)[self.term_ptr[first_row] :]
        self.df += np.bincount(new_terms, minlength=n_terms)
        self.article_df = _grow(self.article_df, n_terms)
        for a in articles:
            keys = list(self.article_counts[self.article_row[a.id]])
            self.article_df[np.array(keys, np.int64)] += 1
        self.occurrence = _grow(self.occurrence, len(self.articles))

    def _number_terms(self, batch: "_Batch") -> np.ndarray:
        """Term ids for the batch's kept tokens (`batch.ids`): the terms not yet known are
        numbered in the order they first appear, claim by claim, as `_term` would. Returns,
        per new term id (from the first one this batch numbers), the batch row that first
        uses it."""
        first_new = len(self.names)
        keys, first = np.unique(batch.keys, return_index=True)
        order = np.argsort(first, kind="stable")
        keys, first = keys[order], first[order]
        id_of = np.zeros(len(batch.terms), np.int64)
        for key, at in zip(keys.tolist(), first.tolist(), strict=True):
            term = batch.terms[key]
            i = self.vocab.get(term)
            if i is None:
                i = self.vocab[term] = len(self.names)
                self.names.append(term)
                self.surface.append(self.alias_table.display.get(term, batch.token(at).surface))
                self.is_name.append(0)
            id_of[key] = i
        for key in sorted_set(batch.keys[batch.named]).tolist():
            self.is_name[id_of[key]] = 1
        batch.ids = id_of[batch.keys]
        new = id_of[keys] >= first_new
        born = np.zeros(len(self.names) - first_new, np.int64)
        born[id_of[keys[new]] - first_new] = batch.rows[first[new]]
        return born

    def _add_terms(self, batch: "_Batch") -> None:
        """Each claim's distinct term ids (in order of id) and its kept terms as text."""
        n, v = batch.n, max(len(self.names), 1)
        entries = sorted_set(batch.rows * v + batch.ids)
        self.term_ids.frombytes((entries % v).astype(np.int32).tobytes())
        sizes = np.bincount(entries // v, minlength=n)
        ends = self.term_ptr[-1] + np.cumsum(sizes)
        self.term_ptr.frombytes(ends.astype(np.int64).tobytes())
        words = np.array(batch.terms, object)[batch.keys].tolist()
        ends = np.cumsum(np.bincount(batch.rows, minlength=n)).tolist()
        starts = [0, *ends[:-1]]
        self.texts.extend([" ".join(words[a:b]) for a, b in zip(starts, ends, strict=True)])

    def _add_counts(self, batch: "_Batch", arts: np.ndarray) -> None:
        """Each article's term counts, its new terms in the order they first appear (as
        Counter.update with the claims' terms one by one would give)."""
        v = max(len(self.names), 1)
        keys, first, counts = np.unique(
            arts[batch.rows] * v + batch.ids, return_index=True, return_counts=True
        )
        order = np.lexsort((first, keys // v))
        keys, counts = keys[order], counts[order]
        if not len(keys):  # claims with no term but stop words
            return
        art = keys // v
        bounds = np.flatnonzero(np.diff(art)) + 1
        starts = np.r_[np.int64(0), bounds]
        for a, ts, cs in zip(
            art[starts].tolist(), np.split(keys % v, bounds), np.split(counts, bounds), strict=True
        ):
            self.article_counts[a].update(dict(zip(ts.tolist(), cs.tolist(), strict=True)))

    def _add_places(self, aliased, batch: "_Batch", first_row: int, born: np.ndarray) -> None:
        """The places of the claims that have a place word. A term a later claim of the batch
        brought is not one yet (as when the claims were indexed one by one)."""
        first_new = len(self.names) - len(born)
        for row, at in batch.place_words().items():
            place = _places(aliased[row], self.vocab, at)
            place = tuple(i for i in place if i < first_new or born[i - first_new] <= row)
            if place:
                self.places[first_row + row] = place

    def _add_forms(self, batch: "_Batch", first_row: int) -> None:
        """How each claim of the batch wrote each aliased thing it names (its last mention), so
        the explanations need not read the claims again. Only the few claims naming one cost
        an entry."""
        distinct = batch.distinct
        canon = np.fromiter((t.term[:1] == "=" for t in distinct), bool, len(distinct))
        at = np.flatnonzero(canon[batch.code])
        if not len(at):
            return
        code = batch.code[at]
        vocab = self.vocab
        tid = np.array([vocab.get(distinct[c].term, -1) for c in code.tolist()], np.int64)
        known = tid >= 0  # (a term not indexed is never one two claims share)
        at, code, tid = at[known], code[known], tid[known]
        v = np.int64(max(len(self.names), 1))
        keys = batch.all_rows[at] * v + tid
        # the last mention of each (claim, term): the first one found from the end
        keys, last = np.unique(keys[::-1], return_index=True)
        code = code[::-1][last]
        form_id = {f: i for i, f in enumerate(self.alias_forms)}
        forms = [form_id.setdefault(distinct[c].surface, len(form_id)) for c in code.tolist()]
        self.alias_forms.extend(list(form_id)[len(self.alias_forms) :])
        self.alias_rows.frombytes((first_row + keys // v).astype(np.int32).tobytes())
        self.alias_terms.frombytes((keys % v).astype(np.int32).tobytes())
        self.alias_form.frombytes(np.array(forms, np.int32).tobytes())

    def _mark_leads(self, first_row: int) -> None:
        """The first LEAD substantive claims of each article (in order of position)."""
        rows = range(first_row, len(self.claim_ids))
        ptr = self.term_ptr
        by_article: dict[int, list[int]] = {}
        for r in rows:
            if ptr[r + 1] - ptr[r] >= SUBSTANTIVE:
                by_article.setdefault(self.claim_article[r], []).append(r)
        for members in by_article.values():
            for r in sorted(members, key=lambda r: self.positions[r])[:LEAD]:
                self.lead[r] = 1

    # -- arrays --------------------------------------------------------------------------

    def terms(self, row: int) -> np.ndarray:
        return np.frombuffer(self.term_ids, np.int32)[self.term_ptr[row] : self.term_ptr[row + 1]]

    def article_of(self) -> np.ndarray:
        return np.frombuffer(self.claim_article, np.int64).copy()

    def idf(self) -> np.ndarray:
        n = max(len(self.claim_ids), 1)
        return np.log((n + 1) / (self.df + 0.5)).clip(min=0.0).astype(np.float32)

    def claim_matrix(
        self, max_df: int | None = None, rows: np.ndarray | None = None
    ) -> sparse.csr_matrix:
        """Claims x terms, IDF weights, rows L2-normalised over all their terms; terms used by
        more than `max_df` claims are then dropped (they open too many pairs, and say little).
        With `rows` (sorted), only those rows are filled; the others are left empty."""
        n, v = len(self.claim_ids), len(self.names)
        idf = self.idf()
        if rows is None:
            indices = np.frombuffer(self.term_ids, np.int32)
            indptr = np.frombuffer(self.term_ptr, np.int64)
            entry_rows = np.repeat(np.arange(n), np.diff(indptr))
        else:
            entry_rows, indices = self.terms_of_rows(rows)
            sizes = np.zeros(n, np.int64)
            sizes[rows] = np.diff(np.frombuffer(self.term_ptr, np.int64))[rows]
            indptr = np.r_[np.int64(0), np.cumsum(sizes)]
        data = idf[indices]
        norms = np.sqrt(np.bincount(entry_rows, data * data, minlength=n))
        data = data / np.maximum(norms[entry_rows], 1e-9)
        m = sparse.csr_matrix((data.astype(np.float32), indices, indptr), shape=(n, v))
        if max_df is not None:
            m = m @ sparse.diags((self.df <= max_df).astype(np.float32))
            m.eliminate_zeros()
        return m.tocsr()

    def alias_matrix(self, max_df: int | None = None) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Claims x terms, 1 where a claim names an aliased thing (a term an alias group stands
        for, "=..."; used by at most `max_df` claims), and how many of them each claim names."""
        names = self.names
        is_alias = np.fromiter((t[0] == "=" for t in names), bool, len(names))
        if max_df is not None:
            is_alias &= self.df <= max_df
        ids = np.frombuffer(self.term_ids, np.int32)
        hit = np.flatnonzero(is_alias[ids])
        ptr = np.frombuffer(self.term_ptr, np.int64)
        n = len(self.claim_ids)
        per_row = np.bincount(np.searchsorted(ptr, hit, side="right") - 1, minlength=n)
        x = sparse.csr_matrix(
            (np.ones(len(hit), np.float32), ids[hit], np.r_[0, np.cumsum(per_row)]),
            shape=(n, len(names)),
        )
        return x, per_row

    def terms_of_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, term id) of every term of these rows, in their order, each row's terms in
        order of id."""
        ptr = np.frombuffer(self.term_ptr, np.int64)
        start, size = ptr[rows], ptr[rows + 1] - ptr[rows]
        at = np.repeat(start - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))
        return np.repeat(rows, size), np.frombuffer(self.term_ids, np.int32)[at]

    def article_matrix(self, rows: np.ndarray | None = None) -> sparse.csr_matrix:
        """Articles x terms: each article's ARTICLE_TERMS most distinctive terms (TF-IDF against
        the story's own articles), L2-normalised. A term no other article uses says nothing.
        With `rows` (sorted), only those articles are filled; the others are left empty."""
        n = max(len(self.articles), 1)
        idf = np.log((n + 1) / (self.article_df + 0.5)).clip(min=0.0)
        idf = idf * self.name_weights()
        ptr, terms, counts = self.article_entries()
        rows = range(len(self.articles)) if rows is None else np.asarray(rows).tolist()
        sizes, indices, data = np.zeros(len(self.articles), np.int64), [], []
        for r in rows:
            t, c = terms[ptr[r] : ptr[r + 1]], counts[ptr[r] : ptr[r + 1]]
            if not len(t):
                continue
            w = (1 + np.log(c)) * idf[t]
            w[self.article_df[t] < 2] = 0.0
            top = np.argsort(-w)[:ARTICLE_TERMS]
            t, w = t[top], w[top]
            keep = w > 0
            t, w = t[keep], w[keep]
            w = w / max(math.sqrt(float((w * w).sum())), 1e-9)
            indices.append(t)
            data.append(w)
            sizes[r] = len(t)
        cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)  # noqa: E731
        return sparse.csr_matrix(
            (cat(data, np.float32), cat(indices, np.int32), np.r_[np.int64(0), np.cumsum(sizes)]),
            shape=(len(self.articles), len(self.names)),
        )

    def name_weights(self) -> np.ndarray:
        """Per term: NAME_WEIGHT for names, dates and numbers, 1 for other words."""
        named = np.frombuffer(bytes(self.is_name), np.uint8).astype(bool)
        # dates and numbers never change kind: kept between calls, extended for new terms
        special = getattr(self, "_special", np.zeros(0, bool))
        if len(special) < len(self.names):
            tail = self.names[len(special) :]
            special = np.r_[special, np.fromiter((t[0] in "@#" for t in tail), bool, len(tail))]
            self._special = special
        return np.where(named | special, NAME_WEIGHT, 1.0)

    def article_entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`article_counts` flat: offsets per article, term ids, counts (float), each article's
        in the order of its Counter. Kept between calls (and pickled) and extended with the
        articles added since; rebuilt when the claims added went to an article already here."""
        cached = getattr(self, "_article_entries", None)
        done = 0 if cached is None else len(cached[0]) - 1
        if cached is not None and done == len(self.article_counts):
            return cached
        new = self.article_counts[done:]
        sizes = np.fromiter(map(len, new), np.int64, len(new))
        terms = np.fromiter(itertools.chain.from_iterable(new), np.int64, int(sizes.sum()))
        counts = np.fromiter(
            itertools.chain.from_iterable(c.values() for c in new), np.float64, len(terms)
        )
        if cached is not None:
            ptr, old_terms, old_counts = cached
            sizes = np.r_[np.diff(ptr), sizes]
            terms, counts = np.r_[old_terms, terms], np.r_[old_counts, counts]
        self._article_entries = (np.r_[np.int64(0), np.cumsum(sizes)], terms, counts)
        return self._article_entries


class _Batch:
    """A batch of claims' tokens (after aliases) flat, as arrays: the tokens repeat (they come
    from a cache), so each distinct one is read once rather than at each of its uses.

    `rows`, `keys`: per kept token (not a stop word), its claim (0..n-1 in the batch) and its
    term as an index into `terms`; `named`: whether it is written as a name. `ids` (the term
    ids) is set by StoryIndex._number_terms."""

    def __init__(self, aliased: list[list[Token]]):
        s = Sentences(aliased)
        self.n, self.flat, self.starts = len(aliased), s.flat, s.starts
        self.distinct, self.code = s.distinct, s.code
        self.terms, term = s.term_codes()
        kept = ~s.column([t.stop for t in s.distinct], bool)
        self.where = np.flatnonzero(kept)  # kept token -> position in flat
        self.all_rows = s.sentence  # per token, its claim
        self.rows = s.sentence[kept]
        self.keys = term[kept]
        self.named = s.column([t.name for t in s.distinct], bool)[kept]
        self._place = s.column([t.surface in _PLACE_FORMS for t in s.distinct], bool)
        self.ids = np.zeros(0, np.int64)

    def token(self, kept_at: int) -> Token:
        return self.flat[self.where[kept_at]]

    def place_words(self) -> dict[int, list[int]]:
        """Claim -> where its place words ("in", "at", "near") are among its tokens, for the
        claims that have one."""
        at = np.flatnonzero(self._place)
        rows = self.all_rows[at]
        out: dict[int, list[int]] = {}
        for row, i in zip(rows.tolist(), (at - self.starts[rows]).tolist(), strict=True):
            out.setdefault(row, []).append(i)
        return out


def _places(
    toks: list[Token], vocab: dict[str, int], at: list[int] | None = None
) -> tuple[int, ...]:
    """Names written after "in", "at" or "near" (a few words may come between: "in the city
    of Aleppo"): where the claim says it happened. `at`: where those words are, if known."""
    found = []
    if at is None:
        at = [i for i, t in enumerate(toks) if t.surface in _PLACE_FORMS]
    for i in at:
        for j in range(i + 1, min(i + 5, len(toks))):
            if toks[j].name:
                k = j
                while k < len(toks) and toks[k].name:
                    if toks[k].term in vocab:
                        found.append(vocab[toks[k].term])
                    k += 1
                break
            if toks[j].surface in _PLACE_FORMS or toks[j].term.startswith(("@", "#")):
                break
    return tuple(sorted(set(found))) if found else ()


def _grow(arr: np.ndarray, size: int) -> np.ndarray:
    if len(arr) >= size:
        return arr
    return np.concatenate([arr, np.zeros(size - len(arr), arr.dtype)])
