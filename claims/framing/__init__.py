"""How each outlet framed an event, as flags a reader can check: every flag carries the exact
spans of claim text that raised it.

One pure module a panel (naming, sources, hedging, agency, omissions, discrepancies), each a
function of plain data: claims (`ClaimText`), alias groups and a `Lexicon`. No database here;
`claims/actions/framing.py` loads the data and stores the discrepancies people review.
"""

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class ClaimText:
    id: int
    outlet: str
    text: str
    speaker: str = ""
    article: int = 0
    published: datetime.date | None = None


@dataclass(frozen=True)
class Span:
    """Characters start:end of one claim's text; `text` is always claim.text[start:end]."""

    claim: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Flag:
    kind: str  # what the panel reports: "naming", "source", "own", "verb", "hedge", ...
    outlet: str
    topic: str  # what it is about: the name group, the source, the marker, the fact
    label: str  # the flag in words
    spans: tuple[Span, ...]
    detail: str = ""  # the rule that raised it


def span(claim: ClaimText, start: int, end: int) -> Span:
    return Span(claim.id, start, end, claim.text[start:end])


def phrase_pattern(terms, case: bool = False) -> re.Pattern | None:
    """One pattern finding any of the terms as whole words, longest first, case-insensitive
    unless `case`; a hyphen or a space inside a term matches either ("cease-fire", "cease fire")."""
    return _pattern(frozenset(t.strip() for t in terms if t.strip()), case)


@lru_cache(maxsize=256)
def _pattern(terms: frozenset[str], case: bool) -> re.Pattern | None:
    if not terms:
        return None
    parts = [
        r"[\s‐-]?".join(re.escape(w) for w in re.split(r"[\s‐-]+", t))
        for t in sorted(terms, key=len, reverse=True)
    ]
    flags = 0 if case else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", flags)


def find(text: str, terms, case: bool = False) -> list[tuple[int, int]]:
    pattern = phrase_pattern(terms, case)
    return [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []


def by_outlet(claims) -> dict[str, list[ClaimText]]:
    out: dict[str, list[ClaimText]] = {}
    for claim in claims:
        out.setdefault(claim.outlet, []).append(claim)
    return out
