"""A story's claims, normalised once and indexed: what matching and incremental matching share.

Build it with `StoryIndex.build`; `add` puts a new article's claims into it. It holds no database
objects and can be pickled. Terms are kept flat (one array of term ids and one of offsets), so a
million claims cost a few arrays rather than a million small objects.
"""

import itertools
import math
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from . import aliases as alias_step
from .normalise import Token, tokens
from .types import ArticleInput, ClaimInput

ARTICLE_TERMS = 100  # the most distinctive terms of an article describe its occurrence
LEAD = 5  # the first substantive claims of an article: news puts the main event first
SUBSTANTIVE = 4  # compared terms a claim needs to count towards the lead (not a dateline)
PLACE_WORDS = frozenset({"in", "at", "near"})
# every way of writing them, so a token is tested without lowering it
_PLACE_FORMS = frozenset(
    "".join(w) for word in PLACE_WORDS for w in itertools.product(*((c, c.upper()) for c in word))
)


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

    @classmethod
    def build(
        cls,
        articles: Iterable[ArticleInput],
        claims: Iterable[ClaimInput],
        user_aliases: Iterable[Iterable[str]] = (),
    ) -> "StoryIndex":
        articles, claims = list(articles), sorted(claims, key=lambda c: c.id)
        user_aliases = [list(g) for g in user_aliases]
        published = {a.id: a.published for a in articles}
        toks = [tokens(c.text, published.get(c.article_id)) for c in claims]
        texts = [a.title + "\n" + a.body for a in articles]
        table = alias_step.build(user_aliases, texts, toks)
        index = cls(alias_table=table, user_aliases=user_aliases)
        index._add(articles, claims, toks)
        return index

    def add(self, articles: Iterable[ArticleInput], claims: Iterable[ClaimInput]) -> list[int]:
        """Index a new article's claims; returns their rows. Aliases the new text defines are
        learned for the new claims only (stats say so; a full re-run applies them everywhere)."""
        articles, claims = list(articles), sorted(claims, key=lambda c: c.id)
        published = {a.id: a.published for a in [*self.articles, *articles]}
        toks = [tokens(c.text, published.get(c.article_id)) for c in claims]
        new = alias_step.build(self.user_aliases, [a.title + "\n" + a.body for a in articles], toks)
        self.new_aliases = [x for x in new.learned if x[2] != "you said so"]
        for phrase, canon in new.phrases.items():
            if phrase not in self.alias_table.phrases:
                self.alias_table.add(phrase, canon, new.display[canon])
        first = len(self.claim_ids)
        self._add(articles, claims, toks)
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

    def _add(self, articles, claims, toks) -> None:
        for a in articles:
            self.article_row[a.id] = len(self.articles)
            self.articles.append(a)
            self.article_counts.append(Counter())
        first_row = len(self.claim_ids)
        apply, term = self.alias_table.apply, self._term
        for c, ts in zip(claims, toks, strict=True):
            aliased = apply(ts)
            kept = [t for t in aliased if not t.stop]
            ids = [term(t) for t in kept]
            art = self.article_row[c.article_id]
            row = len(self.claim_ids)
            self.row_of[c.id] = row
            self.claim_ids.append(c.id)
            self.claim_article.append(art)
            unique = sorted(set(ids))
            self.term_ids.extend(unique)
            self.term_ptr.append(len(self.term_ids))
            self.texts.append(" ".join(t.term for t in kept))
            self.raw.append(c.text)
            self.positions.append(c.position)
            self.lead.append(0)
            self.article_counts[art].update(ids)
            place = _places(aliased, self.vocab)
            if place:
                self.places[row] = place
        self._mark_leads(first_row)
        for a in articles:
            title = self.terms_of(tokens(a.title, a.published))
            self.article_counts[self.article_row[a.id]].update(term(t) for t in title)
        n_terms = len(self.names)
        self.df = _grow(self.df, n_terms)
        new_terms = np.frombuffer(self.term_ids, np.int32)[self.term_ptr[first_row] :]
        self.df += np.bincount(new_terms, minlength=n_terms)
        self.article_df = _grow(self.article_df, n_terms)
        for a in articles:
            keys = list(self.article_counts[self.article_row[a.id]])
            self.article_df[np.array(keys, np.int64)] += 1
        self.occurrence = _grow(self.occurrence, len(self.articles))

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

    def claim_matrix(self, max_df: int | None = None) -> sparse.csr_matrix:
        """Claims x terms, IDF weights, rows L2-normalised over all their terms; terms used by
        more than `max_df` claims are then dropped (they open too many pairs, and say little)."""
        n, v = len(self.claim_ids), len(self.names)
        indices = np.frombuffer(self.term_ids, np.int32)
        indptr = np.frombuffer(self.term_ptr, np.int64)
        idf = self.idf()
        sizes = np.diff(indptr)
        rows = np.repeat(np.arange(n), sizes)
        data = idf[indices]
        norms = np.sqrt(np.bincount(rows, data * data, minlength=n))
        data = data / np.maximum(norms[rows], 1e-9)
        m = sparse.csr_matrix((data.astype(np.float32), indices, indptr), shape=(n, v))
        if max_df is not None:
            m = m @ sparse.diags((self.df <= max_df).astype(np.float32))
            m.eliminate_zeros()
        return m.tocsr()

    def article_matrix(self) -> sparse.csr_matrix:
        """Articles x terms: each article's ARTICLE_TERMS most distinctive terms (TF-IDF against
        the story's own articles), L2-normalised. A term no other article uses says nothing."""
        n = max(len(self.articles), 1)
        idf = np.log((n + 1) / (self.article_df + 0.5)).clip(min=0.0)
        indptr, indices, data = [0], [], []
        for counts in self.article_counts:
            if counts:
                t = np.fromiter(counts.keys(), np.int64, len(counts))
                w = (1 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))) * idf[t]
                w[self.article_df[t] < 2] = 0.0
                top = np.argsort(-w)[:ARTICLE_TERMS]
                t, w = t[top], w[top]
                keep = w > 0
                t, w = t[keep], w[keep]
                w = w / max(math.sqrt(float((w * w).sum())), 1e-9)
                indices.append(t)
                data.append(w)
                indptr.append(indptr[-1] + len(t))
            else:
                indptr.append(indptr[-1])
        cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)  # noqa: E731
        return sparse.csr_matrix(
            (cat(data, np.float32), cat(indices, np.int32), np.array(indptr, np.int64)),
            shape=(len(self.articles), len(self.names)),
        )


def _places(toks: list[Token], vocab: dict[str, int]) -> tuple[int, ...]:
    """Names written after "in", "at" or "near" (a few words may come between: "in the city
    of Aleppo"): where the claim says it happened."""
    found = []
    for i in [i for i, t in enumerate(toks) if t.surface in _PLACE_FORMS]:
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
    return tuple(sorted(set(found)))


def _grow(arr: np.ndarray, size: int) -> np.ndarray:
    if len(arr) >= size:
        return arr
    return np.concatenate([arr, np.zeros(size - len(arr), arr.dtype)])
