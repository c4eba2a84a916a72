"""Step 6: say in words why two claims were linked, and name each event.

Written only for the links that are kept, from what the index already holds (term ids, their
first written form), with plain string formatting: a few microseconds a link.
"""

import numpy as np

from .normalise import tokens
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


def shared(index: StoryIndex, i: int, j: int, idf: np.ndarray):
    """Shared terms (rarest first, as the story first wrote them) and aliases written two ways
    ((as in claim i, as in claim j))."""
    both = np.intersect1d(index.terms(i), index.terms(j))
    both = both[np.argsort(-idf[both], kind="stable")]
    terms = [readable(index.names[t], index.surface[t]) for t in both.tolist()]
    canon = [index.names[t] for t in both.tolist() if index.names[t].startswith("=")]
    aliases = _written(index, i, j, canon) if canon else []
    return terms, aliases


def _written(index: StoryIndex, i: int, j: int, canon: list[str]) -> list[tuple[str, str]]:
    """How each claim wrote the shared aliases, where they wrote them differently."""

    def forms(row):
        article = index.articles[index.claim_article[row]]
        toks = index.alias_table.apply(tokens(index.raw[row], article.published))
        return {t.term: t.surface for t in toks if t.term in canon}

    fa, fb = forms(i), forms(j)
    return [(fa[c], fb[c]) for c in canon if c in fa and c in fb and fa[c].lower() != fb[c].lower()]


def sentence(terms: list[str], c: dict[str, float]) -> str:
    """The link in a journalist's words: what both claims mention, how close the wording is,
    and what the two articles have in common."""
    parts = ["Both mention " + ", ".join(terms[:8]) if terms else "Confirmed by a person"]
    if c.get("concepts"):
        parts.append("they name two of the same aliased things, as two accounts of one event do")
    parts.append(f"wording {round(100 * c['wording'])}/100 alike")
    if c.get("other_date"):
        parts.append("but they give different days")
    if c.get("other_place"):
        parts.append("but they name different places")
    if c.get("same_occurrence"):
        parts.append("both articles cover the same occurrence (the same names, places, dates)")
    else:
        parts.append(
            "the articles cover different occurrences, so the sentences had to agree closely"
        )
    if c.get("lead") and c.get("same_occurrence"):
        parts.append("both lead their articles")
    return "; ".join(parts) + "."


def label(index: StoryIndex, rows: list[int], centrality: dict[int, float]) -> str:
    """The most central claim, shortened."""
    best = max(rows, key=lambda r: (centrality.get(r, 0.0), -r))
    text = " ".join(index.raw[best].split())
    return text if len(text) <= 140 else text[:137].rsplit(" ", 1)[0] + "..."
