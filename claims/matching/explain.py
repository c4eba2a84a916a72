"""Step 6: say in words why two claims were linked, and name each event."""

import numpy as np

from .normalise import Token, tokens
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


def _kept(index: StoryIndex, row: int) -> list[Token]:
    article = index.articles[index.claim_article[row]]
    return index.terms_of(tokens(index.raw[row], article.published))


def shared(index: StoryIndex, i: int, j: int, idf: np.ndarray):
    """Shared terms (rarest first, as written in the first claim) and aliases written two ways."""
    ta, tb = _kept(index, i), _kept(index, j)
    first_a = {}
    for t in ta:
        first_a.setdefault(t.term, t)
    first_b = {}
    for t in tb:
        first_b.setdefault(t.term, t)
    common = [t for t in first_a if t in first_b]
    common.sort(key=lambda t: -float(idf[index.vocab[t]]) if t in index.vocab else 0.0)
    terms, aliases, names = [], [], 0
    for term in common:
        a, b = first_a[term], first_b[term]
        word = readable(term, a.surface)
        if term.startswith("=") and a.surface.lower() != b.surface.lower():
            display = index.alias_table.display.get(term, b.surface)
            other = b.surface if b.surface.lower() != a.surface.lower() else display
            word = f"{a.surface} (= {other})"
            aliases.append((a.surface, b.surface))
        names += a.name or b.name
        terms.append(word)
    return terms, aliases, names


def sentence(terms: list[str], names: int, c: dict[str, float], years: tuple[int, int]) -> str:
    parts = []
    if terms:
        parts.append("Both mention " + ", ".join(terms[:8]))
    else:
        parts.append("No rare words in common")
    if c.get("same_date"):
        dates = [
            t for t in terms if t[:3] in _MONTHS.values() or t.split(" ")[0] in _MONTHS.values()
        ]
        parts.append("same date" + (f" {dates[0]}" if dates else ""))
    if c.get("other_date"):
        parts.append("they give different dates")
    parts.append(f"wording {round(100 * c['wording'])}/100")
    parts.append(f"shared names {names}")
    if c.get("other_year"):
        parts.append(f"articles dated in different years ({years[0]} vs {years[1]})")
    elif c["article"] >= 0.3:
        parts.append("articles about the same occurrence (dates, places, people agree)")
    elif c["article"] >= 0.1:
        parts.append("articles only partly about the same occurrence")
    else:
        parts.append("articles about different occurrences")
    return "; ".join(parts)


def label(index: StoryIndex, rows: list[int], centrality: dict[int, float]) -> str:
    """The most central claim, shortened."""
    best = max(rows, key=lambda r: (centrality.get(r, 0.0), -r))
    text = " ".join(index.raw[best].split())
    return text if len(text) <= 140 else text[:137].rsplit(" ", 1)[0] + "..."
