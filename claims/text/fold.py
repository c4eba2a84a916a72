"""Accents aside: "São Paulo" reads as "Sao Paulo", "Erdoğan" as "Erdogan", "Łódź" as "Lodz".

`fold` maps each Latin letter with diacritics to its letter (one character to one) and drops
combining accents (a text written decomposed, "Sa\u0303o", folds as the composed one does). No
other character changes, so a stretch of the folded text is a stretch of the original
(`Folded.span`), and the search can mark the accented word where it stands.

The letters folded are those whose canonical decomposition is an ASCII letter and accents
(488 of them: Latin-1, Latin Extended-A and -B, Vietnamese), and ł ø đ ı ħ ŧ, which have no
decomposition but which PostgreSQL's `unaccent` folds as well. PostgreSQL's search index folds
with `unaccent`, which folds every letter folded here and more (ß to ss, æ to ae): its
candidates always include what this fold finds (tests/claims/test_search_accents.py checks every
letter), and the query decides. Not folded: ß, æ, œ, Greek and Cyrillic letters.

Changing what `fold` does needs a migration that refills SQLite's index (claims/textsearch.py
REBUILD): its table is contentless, and a claim's entry is deleted by the folded text it was
given, which must be folded the same way again.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_NO_DECOMPOSITION = dict(zip("łŁøØđĐıħĦŧŦ", "lLoOdDihHtT", strict=True))
ACCENTS = "".join(chr(c) for c in range(0x300, 0x370))  # Unicode's combining diacritical marks


def _letters() -> dict[str, str]:
    letters = dict(_NO_DECOMPOSITION)
    for code in range(0x80, 0x2000):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base, marks = decomposed[0], decomposed[1:]
        if marks and base.isascii() and base.isalpha() and all(m in ACCENTS for m in marks):
            letters[chr(code)] = base
    return letters


LETTERS = _letters()
_TABLE = {**LETTERS, **dict.fromkeys(ACCENTS, "")}
# A pattern finds the few characters to fold ten times faster than str.translate walks all.
_FOLDABLE = re.compile("[" + re.escape("".join(_TABLE)) + "]")


def fold(text: str) -> str:
    """The text with its Latin letters' accents taken off (case kept)."""
    if text.isascii():
        return text
    return _FOLDABLE.sub(lambda m: _TABLE[m.group()], text)


@dataclass(frozen=True)
class Folded:
    """A text and its fold, with the way back from a stretch of the fold to the original."""

    text: str

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @cached_property
    def _starts(self) -> list[int] | None:
        """Where each character of the fold stands in the text (and the text's end), when
        combining accents were dropped; None when every character stayed in its place."""
        if len(self.folded) == len(self.text):
            return None
        starts = [i for i, c in enumerate(self.text) if c not in ACCENTS]
        return [*starts, len(self.text)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The stretch of the text that the fold's [start, end) stands for, with the accents
        that follow its last letter."""
        if self._starts is None:
            return start, end
        return self._starts[start], self._starts[end]
