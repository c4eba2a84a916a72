"""A search query as a journalist types it: words in any order, all of which must occur,
"quoted phrases", and the story's names that mean the same (its alias groups) standing in for
one another. Pure: the database only narrows the claims down through its index
(claims/textsearch.py); whether a claim matches is decided here, the same on every database.

    query = parse('Kerry "aid convoy" ISIS', groups=[["ISIS", "Daesh", "Islamic State"]])
    query.matches("Daesh fighters shelled the aid convoys; Kerry protested.")  # True

A word or phrase matches where a word of the text starts with it, case and accents aside
(claims/text/fold.py): "convoy" finds "convoys", "Sao Paulo" finds "São Paulo" and "Erdoğan"
finds "Erdogan", "ISIS" does not find "crisis". A phrase's words follow one another, with any
spacing between them; a hyphen and a space are the same ("Deir ez Zor" finds "Deir-ez-Zor"), and
the Arabic article typed with its hyphen may be missing from the text ("al-Assad" finds "Assad";
"Assad" finds "al-Assad", as any word found inside a hyphenated one). Both apostrophes (' and ’)
are the same.

Nothing typed is an operator: NEAR, OR, AND, NOT, *, -, ( ) and an unbalanced quote are read
as words (their punctuation dropped), so no input can break the query sent to the index.
"""

import functools
import re
from dataclasses import dataclass

from claims.text.fold import Folded, fold

MAX_CHARS = 200  # what the search box takes; more is cut off, not refused
MAX_TERMS = 12  # words or phrases: each is one more condition for the index
LONGEST_NAME = 6  # words in an alias name recognised among words typed without quotes

_PIECE = re.compile(r"[\"“”„]([^\"“”„]*)[\"“”„]|(\S+)")
# What a word typed without quotes is made of: "al-Nusra", "U.S.", "Russia's", "AT&T". Any
# other character ( ) * : ^ + ... separates words.
_WORD = re.compile(r"[\w'’ʼ.&-]+")
_APOSTROPHES = "'’ʼ"
# What separates a needle's words, and a text's words that a needle's separator matches: spacing
# and hyphens (-, the hyphen ‐ and the non-breaking one ‑).
_SEPARATOR = r"[\s\-‐‑]+"
_SEPARATORS = re.compile(_SEPARATOR)
# Arabic articles written with a hyphen ("al-Assad", "el-Sisi"): the text may leave them out.
_ARTICLES = ("al", "el")


@dataclass(frozen=True)
class Term:
    """One word or phrase typed, with the names that may stand for it. `alternatives`: each is
    a tuple of needles that must all occur; the first is what was typed, the others the
    names of its alias group. A term holds when any alternative does."""

    typed: str
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(alt[0] for alt in self.alternatives[1:])

    def matches(self, text: str, folded: str | None = None) -> bool:
        """Whether the text holds this term, accents aside (claims/text/fold.py). `folded`,
        when given: the text's casefold, `text` being already folded (Query.matches)."""
        if folded is None:
            text = fold(text)
            folded = text.casefold()
        return any(all(_holds(n, text, folded) for n in alt) for alt in self.alternatives)


@dataclass(frozen=True)
class Mark:
    """A stretch of a claim's text that matched: from where a needle starts to the end of the
    word it ends in ("convoy" marks "convoys")."""

    start: int
    end: int
    term: Term
    needle: str

    @property
    def why(self) -> str:
        if self.needle in self.term.alternatives[0]:
            return f"matches “{self.term.typed}”"
        return f"“{self.needle}” is another name for “{self.term.typed}” in this story"


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, text: str) -> bool:
        text = fold(text)
        folded = text.casefold()
        return all(term.matches(text, folded) for term in self.terms)

    def marks(self, text: str) -> list[Mark]:
        """Where the text matches any needle of any term, in order, overlaps merged (the
        earlier mark wins, stretched to cover the later). Offsets are the text's own, accents
        included ("São" is marked whole for "Sao")."""
        original = Folded(text)
        found = sorted(
            (*original.span(m.start(), m.end()), term, needle)
            for term in self.terms
            for alt in term.alternatives
            for needle in alt
            for m in _pattern(needle).finditer(original.folded)
        )
        merged: list[Mark] = []
        for start, end, term, needle in found:
            if merged and start < merged[-1].end:
                last = merged[-1]
                merged[-1] = Mark(last.start, max(last.end, end), last.term, last.needle)
            else:
                merged.append(Mark(start, end, term, needle))
        return merged


def parse(text: str, groups: list[list[str]] | tuple = ()) -> Query:
    """The query typed in `text`, each word or phrase with the names of the alias groups it
    is in (`groups`: lists of names that mean the same)."""
    names = _names(groups)
    longest = max((len(k.split()) for k in names), default=1)
    terms: list[Term] = []
    words: list[str] = []  # typed without quotes, waiting for a multi-word name to be found
    for m in _PIECE.finditer(text[:MAX_CHARS]):
        if m.group(1) is not None:
            terms += _words(words, names, longest)
            words = []
            if phrase := _clean(m.group(1)):
                terms.append(_term(phrase, (phrase,), names))
        else:
            words += [w for w in map(_clean, _WORD.findall(m.group(2))) if w]
    terms += _words(words, names, longest)
    unique = {key(t.typed): t for t in reversed(terms)}  # the first of equal terms stays
    return Query(tuple(t for t in terms if unique[key(t.typed)] is t)[:MAX_TERMS])


def key(name: str) -> str:
    """A name as compared with another: case, accents, spacing and hyphens ("Deir ez-Zor",
    "Deir ez Zor") and the kind of apostrophe aside."""
    for apostrophe in _APOSTROPHES[1:]:
        name = name.replace(apostrophe, "'")
    return " ".join(_SEPARATORS.split(fold(name).strip())).casefold()


def runs(needle: str) -> list[str]:
    """The pieces of a needle an index can look up: its runs of letters and digits, accents
    taken off, without an article the text may leave out. A text the needle matches
    contains each of them, case and accents aside."""
    words = (word for word, optional in _words_of(needle) if not optional)
    return [r for word in words for r in re.findall(r"[^\W_]+", word)]


def _clean(piece: str) -> str:
    """A word or phrase without the punctuation around it (operators, brackets, stray quotes)
    and with single spaces."""
    start, end = 0, len(piece)
    while start < end and not piece[start].isalnum():
        start += 1
    while end > start and not piece[end - 1].isalnum():
        end -= 1
    return " ".join(piece[start:end].split())


def _names(groups) -> dict[str, list[str]]:
    """Each name's key -> the names of every group it is in (itself first)."""
    names: dict[str, list[str]] = {}
    for group in groups:
        cleaned = [c for c in (_clean(n) for n in group) if c]
        for name in cleaned:
            same = names.setdefault(key(name), [name])
            same += [n for n in cleaned if key(n) not in {key(s) for s in same}]
    return names


def _term(typed: str, needles: tuple[str, ...], names: dict[str, list[str]]) -> Term:
    others = tuple((n,) for n in names.get(key(typed), [typed]) if key(n) != key(typed))
    return Term(typed, (needles, *others))


def _words(words: list[str], names: dict[str, list[str]], longest: int) -> list[Term]:
    """Words typed without quotes, each a term, except that consecutive words forming a name
    of an alias group ("Syrian troops") are one term: those words in any order, or any other
    name of the group."""
    terms, i = [], 0
    while i < len(words):
        for n in range(min(longest, LONGEST_NAME, len(words) - i), 0, -1):
            typed = " ".join(words[i : i + n])
            if n == 1 or key(typed) in names:
                terms.append(_term(typed, tuple(words[i : i + n]), names))
                i += n
                break
    return terms


def _holds(needle: str, text: str, folded: str) -> bool:
    # Most texts lack some piece of the needle: finding that out with `in` costs a tenth of
    # the pattern's search. A text the pattern matches holds every piece, case aside.
    return all(p in folded for p in _folded_runs(needle)) and bool(_pattern(needle).search(text))


@functools.lru_cache(maxsize=10_000)
def _folded_runs(needle: str) -> tuple[str, ...]:
    return tuple(r.casefold() for r in runs(needle))


@functools.lru_cache(maxsize=10_000)
def _pattern(needle: str) -> re.Pattern:
    """The needle, accents taken off, at the start of a word of a folded text, its own words
    separated by any spacing or hyphens, to the end of the word it ends in; a hyphenated
    article in it may be missing."""
    words = _words_of(needle)
    pattern = ""
    for i, (word, optional) in enumerate(words):
        word = "".join(f"[{_APOSTROPHES}]" if c in _APOSTROPHES else re.escape(c) for c in word)
        if optional:
            pattern += f"(?:{word}{_SEPARATOR})?"
        else:
            pattern += word + (_SEPARATOR if i < len(words) - 1 else "")
    return re.compile(r"(?<!\w)" + pattern + r"\w*", re.IGNORECASE)


def _words_of(needle: str) -> list[tuple[str, bool]]:
    """The needle's words, accents taken off, each with whether the text may leave it out
    (an article joined to the next word by a hyphen: "al-Assad")."""
    needle = fold(needle).strip()
    separators = _SEPARATORS.findall(needle)
    return [
        (word, i < len(separators) and separators[i].strip() != "" and word.casefold() in _ARTICLES)
        for i, word in enumerate(_SEPARATORS.split(needle))
    ]
