"""Marks inside a claim's text, for reading: the terms that matched another outlet's claim, and
the words where outlets differ on the same event (numbers, names, places, qualifiers).

Every mark is a span of the claim's own text, so a reader can check it against the words.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from claims.matching import normalise

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-.]*[A-Za-z0-9]|[A-Za-z0-9]")
NUMBER = re.compile(r"^\d[\d,.]*$")
NUMBER_WORDS = set(normalise.NUMBER_WORDS) | {"hundreds", "thousand", "thousands", "dozens"}
# Words that change how sure or how deliberate a statement is: where outlets differ on these,
# a journalist wants to see it ("erroneously" against "no mistake").
QUALIFIERS = set(
    [
        "erroneously",
        "mistakenly",
        "accidentally",
        "deliberately",
        "intentionally",
        "unintentional",
        "unintentionally",
        "intentional",
        "mistake",
        "error",
        "allegedly",
        "reportedly",
        "apparently",
        "possibly",
        "likely",
        "unlikely",
        "suspected",
        "claimed",
        "denied",
        "admitted",
        "apologized",
        "apologised",
        "insisted",
        "doubted",
    ]
)
SENTENCE_START = re.compile(r"(^|[.!?][\"”’]?\s+)[\"“‘'(\[]?$")


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str = ""  # "", "match", "differs" or "found" (by the search)
    why: str = ""


def key(word: str) -> str:
    return word.lower().strip(".'’").replace("’", "'")


def notable_words(text: str) -> set[str]:
    """Keys of the words worth comparing across outlets: numbers, names and qualifiers."""
    found = set()
    for m in WORD.finditer(text):
        word = m.group(0)
        if _notable(word, text[: m.start()]):
            found.add(key(word))
    return found


# Capitalised words that name nobody: titles and abbreviations ("Mr.", "Col.", "U.S.").
TITLES = set(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sir",
        "col",
        "gen",
        "lt",
        "maj",
        "capt",
        "sgt",
        "adm",
        "sen",
        "rep",
        "gov",
        "st",
        "jr",
        "sr",
        "vs",
    ]
)
ABBREVIATION = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")


def _notable(word: str, before: str) -> bool:
    """Digits, qualifiers and names; a number written as a word ("two") is too common to tell
    outlets apart, and titles and abbreviations name nobody."""
    k = key(word)
    if NUMBER.match(word) or k in QUALIFIERS:
        return True
    if k in NUMBER_WORDS or k in TITLES or ABBREVIATION.match(word):
        return False
    # A capitalised word inside a sentence is a name (people, places, organisations); the dot
    # of a title ("Mr. Okafor") ends no sentence.
    starts = SENTENCE_START.search(before) and not _AFTER_TITLE.search(before)
    return word[0].isupper() and not starts and len(word) > 1


_AFTER_TITLE = re.compile(
    r"(?<![\w.])(?:" + "|".join(TITLES) + r"|(?:[A-Z]\.)+[A-Z])\.\s+$", re.IGNORECASE
)


def pieces(text: str, matched: Iterable[str] = (), differs: Iterable[str] = ()) -> list[Piece]:
    """The text cut into pieces, each word marked when its key is in `matched` (shared with a
    linked claim) or in `differs` (stated here and by no other outlet on this event)."""
    matched_keys = {key(w) for term in matched for w in WORD.findall(term)}
    differs_keys = set(differs)
    out, cursor = [], 0
    for m in WORD.finditer(text):
        k = key(m.group(0))
        kind = "differs" if k in differs_keys else "match" if k in matched_keys else ""
        if not kind:
            continue
        if m.start() > cursor:
            out.append(Piece(text[cursor : m.start()]))
        why = (
            "no other outlet states this on this event"
            if kind == "differs"
            else "shared with a linked claim"
        )
        out.append(Piece(m.group(0), kind, why))
        cursor = m.end()
    if cursor < len(text):
        out.append(Piece(text[cursor:]))
    return out


def differing_words(claims_by_outlet: dict[object, list[str]]) -> dict[object, set[str]]:
    """Per outlet, the notable words its claims state that no other outlet's claims do.
    Only meaningful with at least two outlets; one outlet alone differs from nobody."""
    words = {
        outlet: set().union(*(notable_words(t) for t in texts)) if texts else set()
        for outlet, texts in claims_by_outlet.items()
    }
    if len(words) < 2:
        return {outlet: set() for outlet in words}
    everything = {}
    for outlet, keys in words.items():
        for k in keys:
            everything.setdefault(k, set()).add(outlet)
    return {
        outlet: {k for k in keys if everything[k] == {outlet}} for outlet, keys in words.items()
    }


def found(text: str, marks: Iterable) -> list[Piece]:
    """The text cut into pieces, each stretch the search found (`marks`: in order, apart,
    each with start, end and why; claims/text/query.py) marked "found"."""
    out, cursor = [], 0
    for mark in marks:
        if mark.start > cursor:
            out.append(Piece(text[cursor : mark.start]))
        out.append(Piece(text[mark.start : mark.end], "found", mark.why))
        cursor = mark.end
    if cursor < len(text):
        out.append(Piece(text[cursor:]))
    return out
