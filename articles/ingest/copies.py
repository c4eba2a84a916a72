"""Ingest step after clean: is this article a copy of one the story already has?

A copy (a republished or syndicated article, wire copy with a new first paragraph, a shortened
version, the same text in another site's chrome) shares most of its words, in order, with an
earlier article. Two steps, so that the cost grows with the candidates, not the story:

- candidates: a sample of each body's five-word shingles (those whose hash falls in one of
  SAMPLE buckets) goes into an inverted index; articles sharing at least MIN_SHARED sampled
  shingles with the new one are candidates, the most shared first.
- score: rapidfuzz's LCSseq over the two bodies' words: the share of the new article's words
  found, in order, in the candidate. A shortened copy scores 1.0; a changed lead loses only
  that paragraph. This is the one module besides claims/matching/score.py that calls
  rapidfuzz, and it compares whole bodies, never claims.

COPY_THRESHOLD was chosen on the pairs bench/copies.py builds from the seed story.
"""

import re
import zlib
from dataclasses import dataclass, field

from rapidfuzz.distance import LCSseq

SHINGLE = 5
SAMPLE = 4  # keep one shingle in SAMPLE (by hash): the same ones in every copy
MIN_SHARED = 3
MAX_CANDIDATES = 5
COPY_THRESHOLD = 0.8
_WORD = re.compile(r"\w+")


def words(body: str) -> list[str]:
    """The body's words, case and punctuation aside (quotes and dashes vary between sites)."""
    return _WORD.findall(body.casefold())


def sampled_shingles(tokens: list[str]) -> set[int]:
    found = set()
    for i in range(len(tokens) - SHINGLE + 1):
        h = zlib.crc32(" ".join(tokens[i : i + SHINGLE]).encode())
        if h % SAMPLE == 0:
            found.add(h)
    return found


def share(copy: list[str], original: list[str]) -> float:
    """The share of `copy`'s words found in `original` in the same order (0..1)."""
    if not copy:
        return 0.0
    return LCSseq.similarity(copy, original) / len(copy)


@dataclass(frozen=True)
class Found:
    key: object  # whatever the caller indexed the original under (an article's pk)
    similarity: float


@dataclass
class CopyIndex:
    """The bodies of a story's articles, to find what a new body copies. Add in import
    order: a body is only ever a copy of one added before it."""

    threshold: float = COPY_THRESHOLD
    _words: dict = field(default_factory=dict)
    _postings: dict = field(default_factory=dict)

    def add(self, key, body: str) -> None:
        tokens = words(body)
        self._words[key] = tokens
        for h in sampled_shingles(tokens):
            self._postings.setdefault(h, []).append(key)

    def find(self, body: str) -> Found | None:
        """The earlier body this one copies (the most similar above the threshold), or None."""
        tokens = words(body)
        best = None
        for key in self._candidates(tokens):
            similarity = share(tokens, self._words[key])
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Found(key, round(similarity, 3))
        return best

    def _candidates(self, tokens: list[str]) -> list:
        counts: dict = {}
        for h in sampled_shingles(tokens):
            for key in self._postings.get(h, ()):
                counts[key] = counts.get(key, 0) + 1
        ranked = sorted((k for k, n in counts.items() if n >= MIN_SHARED), key=counts.get)
        return ranked[::-1][:MAX_CANDIDATES]
