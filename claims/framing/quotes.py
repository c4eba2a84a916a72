"""Shared quotes: claims of different outlets that quote the same words of the same speaker are
one quotation that several outlets printed, not several confirmations.

A quotation is what a claim holds inside quotation marks, said by the source `sources.sources`
gives it (pronouns and roles resolved, "Col. John Thomas" and "Thomas" one person); in a claim
with several speakers, each quotation belongs to the one whose verb is nearest. Two quotations
are one when their speakers are one source and the shorter's words are found in the longer
nearly as they stand (`claims.matching.score.same_words` at SAME_WORDS or more: a quotation
trimmed at either end, or with other punctuation, case or editorial brackets). The same words
said by another speaker are not one quotation; words that are not inside quotation marks (a
paraphrase) are no quotation at all. A quotation of fewer than MIN_WORDS words is not compared:
a scare-quoted phrase ("clear message") is no one's statement.
"""

import re
from dataclasses import dataclass

from claims.matching.score import same_words

from . import Flag

SAME_WORDS = 0.85
MIN_WORDS = 4
_QUOTE_MARKS = '“"«'
_BRACKETS = re.compile(r"\[[^\]]*\]")  # "[U.S.]": the outlet's words, not the speaker's
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Quotation:
    claim: int
    outlet: str
    speaker: str  # the source's key (sources.source_key)
    name: str  # the speaker's name as the claim's article gives it
    words: str  # lower case, punctuation and brackets left out


@dataclass(frozen=True)
class Shared:
    """`claim` quotes the words that `other`, a claim of `outlet`, quotes of `speaker`."""

    claim: int
    other: int
    outlet: str
    speaker: str  # the name to show
    key: str  # the source's key


def has_quotation_marks(text: str) -> bool:
    return any(mark in text for mark in _QUOTE_MARKS)


def quotations(flags: list[Flag]) -> list[Quotation]:
    """Each quotation of the source flags, with its speaker."""
    by_claim: dict[int, list[Flag]] = {}
    for flag in flags:
        if flag.kind == "source":
            by_claim.setdefault(flag.spans[0].claim, []).append(flag)
    found = {}
    for claim_flags in by_claim.values():
        for flag in claim_flags:
            for quoted in (s for s in flag.spans if s.text[:1] in _QUOTE_MARKS):
                if _speaker_of(quoted, claim_flags) is not flag:
                    continue
                words = " ".join(_WORD.findall(_BRACKETS.sub(" ", quoted.text).casefold()))
                if len(words.split()) >= MIN_WORDS:
                    key = (quoted.claim, quoted.start)
                    found[key] = Quotation(quoted.claim, flag.outlet, flag.topic, flag.label, words)
    return list(found.values())


def _speaker_of(quoted, claim_flags: list[Flag]) -> Flag:
    """The flag whose speech verb is nearest the quotation (its spans: speaker, verb, quotes;
    a continued quotation has only quotes, and is the only flag of its claim)."""

    def distance(flag):
        if len(flag.spans) < 2 or flag.spans[1].text[:1] in _QUOTE_MARKS:
            return 0
        verb = flag.spans[1]
        return max(verb.start - quoted.end, quoted.start - verb.end, 0)

    return min(claim_flags, key=distance)


def shared(found: list[Quotation]) -> dict[int, list[Shared]]:
    """Per claim, the claims of other outlets quoting the same words of the same speaker: one
    per other outlet, the first found."""
    by_speaker: dict[str, list[Quotation]] = {}
    for quotation in found:
        by_speaker.setdefault(quotation.speaker, []).append(quotation)
    out: dict[int, dict[str, Shared]] = {}
    for group in by_speaker.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.outlet != b.outlet and same_words(a.words, b.words) >= SAME_WORDS:
                    name = display_name(a.name, b.name)
                    out.setdefault(a.claim, {}).setdefault(
                        b.outlet, Shared(a.claim, b.claim, b.outlet, name, a.speaker)
                    )
                    out.setdefault(b.claim, {}).setdefault(
                        a.outlet, Shared(b.claim, a.claim, a.outlet, name, a.speaker)
                    )
    return {claim: list(notes.values()) for claim, notes in out.items()}


def note(notes: list[Shared]) -> str:
    """The words a page shows on a claim: "same quotation as Military Times: Col. Thomas"."""
    if not notes:
        return ""
    return f"same quotation as {', '.join(n.outlet for n in notes)}: {notes[0].speaker}"


def display_name(*names: str) -> str:
    """The fullest of the names, its role words before the name and an apposition after it left
    out ("command spokesman Col. John Thomas", "Thomas, a spokesman": "Col. John Thomas")."""
    bare = []
    for name in names:
        words = name.split(",")[0].split()
        while len(words) > 1 and not words[0][:1].isupper():
            words.pop(0)
        bare.append(" ".join(words))
    return max(bare, key=len)
