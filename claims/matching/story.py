"""A story's claims, normalised once and indexed: what matching and incremental matching share.

Build it with `StoryIndex.build`; `add` puts a new article's claims into it. It holds no database
objects and can be pickled.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from . import aliases as alias_step
from .normalise import Token, tokens
from .types import ArticleInput, ClaimInput

ARTICLE_TERMS = 100  # the most distinctive terms of an article describe its occurrence


@dataclass
class StoryIndex:
    alias_table: alias_step.AliasTable
    user_aliases: list[list[str]]
    vocab: dict[str, int] = field(default_factory=dict)
    claim_ids: list[int] = field(default_factory=list)
    claim_article: list[int] = field(default_factory=list)  # article row per claim
    claim_terms: list[np.ndarray] = field(default_factory=list)  # unique term ids per claim
    texts: list[str] = field(default_factory=list)  # normalised, for wording
    raw: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    df: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    articles: list[ArticleInput] = field(default_factory=list)
    article_row: dict[int, int] = field(default_factory=dict)
    article_counts: list[Counter] = field(default_factory=list)  # term id -> count
    article_df: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    row_of: dict[int, int] = field(default_factory=dict)  # claim id -> row
    article_baseline: float = 0.0  # set by a full match; kept for incremental ones

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
                self.alias_table.phrases[phrase] = canon
                self.alias_table.display.setdefault(canon, new.display[canon])
                self.alias_table.longest = max(self.alias_table.longest, len(phrase))
        first = len(self.claim_ids)
        self._add(articles, claims, toks)
        return list(range(first, len(self.claim_ids)))

    def terms_of(self, toks: list[Token]) -> list[Token]:
        return [t for t in self.alias_table.apply(toks) if not t.stop]

    def _add(self, articles, claims, toks) -> None:
        for a in articles:
            self.article_row[a.id] = len(self.articles)
            self.articles.append(a)
            self.article_counts.append(Counter())
        vocab = self.vocab
        df_add: Counter = Counter()
        for c, ts in zip(claims, toks, strict=True):
            kept = self.terms_of(ts)
            ids = sorted({vocab.setdefault(t.term, len(vocab)) for t in kept})
            art = self.article_row[c.article_id]
            self.row_of[c.id] = len(self.claim_ids)
            self.claim_ids.append(c.id)
            self.claim_article.append(art)
            self.claim_terms.append(np.array(ids, np.int32))
            self.texts.append(" ".join(t.term for t in kept))
            self.raw.append(c.text)
            self.positions.append(c.position)
            self.article_counts[art].update(vocab[t.term] for t in kept)
            df_add.update(ids)
        for a in articles:
            title = self.terms_of(tokens(a.title, a.published))
            self.article_counts[self.article_row[a.id]].update(
                vocab.setdefault(t.term, len(vocab)) for t in title
            )
        self.df = _grow(self.df, len(vocab))
        if df_add:
            keys = np.fromiter(df_add.keys(), np.int64, len(df_add))
            self.df[keys] += np.fromiter(df_add.values(), np.int64, len(df_add))
        self.article_df = _grow(self.article_df, len(vocab))
        for a in articles:
            keys = list(self.article_counts[self.article_row[a.id]])
            self.article_df[np.array(keys, np.int64)] += 1

    # -- weights -------------------------------------------------------------------------

    def idf(self) -> np.ndarray:
        n = max(len(self.claim_ids), 1)
        return np.log((n + 1) / (self.df + 0.5)).clip(min=0.0).astype(np.float32)

    def claim_vectors(self, rows: np.ndarray | None = None):
        """(row, term, weight) triples with weights L2-normalised per claim."""
        rows = np.arange(len(self.claim_ids)) if rows is None else rows
        sizes = np.array([len(self.claim_terms[r]) for r in rows], np.int64)
        terms = (
            np.concatenate([self.claim_terms[r] for r in rows]).astype(np.int64)
            if len(rows)
            else np.zeros(0, np.int64)
        )
        items = np.repeat(rows, sizes)
        w = self.idf()[terms]
        norms = np.sqrt(np.bincount(items, w * w, minlength=len(self.claim_ids)))
        return items, terms, (w / np.maximum(norms[items], 1e-9)).astype(np.float32)

    def article_vectors(self, rows: Iterable[int] | None = None):
        """(article row, term, weight): the ARTICLE_TERMS most distinctive terms of each."""
        n = max(len(self.articles), 1)
        idf = np.log((n + 1) / (self.article_df + 0.5)).clip(min=0.0)
        rows = range(len(self.articles)) if rows is None else rows
        items, terms, weights = [], [], []
        for r in rows:
            counts = self.article_counts[r]
            if not counts:
                continue
            t = np.fromiter(counts.keys(), np.int64, len(counts))
            w = (1 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))) * idf[t]
            w[self.article_df[t] < 2] = 0.0  # a term no other article uses says nothing here
            top = np.argsort(-w)[:ARTICLE_TERMS]
            t, w = t[top], w[top]
            w = w / max(math.sqrt(float((w * w).sum())), 1e-9)
            items.append(np.full(len(t), r))
            terms.append(t)
            weights.append(w)
        if not items:
            z = np.zeros(0, np.int64)
            return z, z, np.zeros(0, np.float32)
        return (
            np.concatenate(items),
            np.concatenate(terms),
            np.concatenate(weights).astype(np.float32),
        )

    def term_names(self) -> list[str]:
        names = [""] * len(self.vocab)
        for t, i in self.vocab.items():
            names[i] = t
        return names


def _grow(arr: np.ndarray, size: int) -> np.ndarray:
    if len(arr) >= size:
        return arr
    return np.concatenate([arr, np.zeros(size - len(arr), arr.dtype)])
