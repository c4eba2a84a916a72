"""Step 2: names and terms that mean the same thing.

Three sources, merged into one table: what a user typed for the story, what the text defines
("the Syrian Arab Army (SAA)", "dubbed the JIC, for Joint Implementation Center"), and what the
story's own spelling shows (initials of a capitalised phrase that the story also uses as an
acronym: "United Nations" / "UN"; two close spellings of a name next to the same other name:
"Sergei Lavrov" / "Sergey Lavrov"). Nothing here knows about any particular story.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from . import score
from .normalise import STOP_WORDS, Sentences, Token, clean, sorted_set, text_terms

_ACR = r"[A-Z][A-Z0-9]{1,7}"
_PHRASE = r"[A-Z][\w'-]*(?:\s+(?:(?:of|the|for|and|on)\s+)?[A-Z][\w'-]*){1,6}"
_DEFINITIONS = [
    # Syrian Arab Army (SAA)
    (re.compile(rf"({_PHRASE})\s*\(\s*(?:the\s+)?({_ACR})\s*\)"), 1, 2),
    # SAA (Syrian Arab Army)
    (re.compile(rf"\b({_ACR})\s*\(\s*(?:the\s+)?({_PHRASE})\s*\)"), 2, 1),
    # the JIC, for Joint Implementation Center / JIC, short for ... / JIC, which stands for ...
    (re.compile(rf"\b({_ACR}),?\s+(?:short\s+for|which\s+stands\s+for|for)\s+(?:the\s+)?({_PHRASE})"), 2, 1),  # noqa: E501
    # Joint Implementation Center, dubbed the JIC / known as / or
    (re.compile(rf"({_PHRASE}),?\s+(?:dubbed|known\s+as|also\s+known\s+as|called|or)\s+(?:the\s+)?({_ACR})\b"), 1, 2),  # noqa: E501
]  # fmt: skip
# what each definition must contain, found far faster than the definition itself (which tries a
# phrase at every capital letter): a text without all of its cues is not searched for it. Cues
# that start with a literal come first, being the fastest to rule a text out.
_CUES = [
    [re.compile(rf"\(\s*(?:the\s+)?{_ACR}\s*\)")],
    [re.compile(r"\(\s*(?:the\s+)?[A-Z]"), re.compile(rf"\b{_ACR}\s*\(\s*(?:the\s+)?[A-Z]")],
    [
        re.compile(r"for\s+(?:the\s+)?[A-Z][\w'-]*\s+(?:(?:of|the|for|and|on)\s+)?[A-Z]"),
        re.compile(rf"\b{_ACR},?\s+(?:short\s+for|which\s+stands\s+for|for)\s+(?:the\s+)?[A-Z]"),
    ],
    [
        re.compile(rf"(?:dubbed|known\s+as|called|or)\s+(?:the\s+)?{_ACR}\b"),
        re.compile(
            rf"[A-Z][\w'-]*,?\s+(?:dubbed|(?:also\s+)?known\s+as|called|or)\s+(?:the\s+)?{_ACR}\b"
        ),
    ],
]
_JOINERS = {"of", "the", "for", "and", "on"}
_RUN = re.compile("C[Cj]*C")
# Words in capitals that are not acronyms of a phrase: Roman numerals (World War II, Title
# IX) and short words written in capitals (a form's "Incident Number", "IN" for Indiana).
_ROMAN = re.compile("[IVX]+")
_CAPITAL_WORDS = frozenset(
    "AM AN AS AT BE BY DO GO HE IF IN IS IT ME MY NO OF OK ON OR SO TO UP WE".split()  # noqa: SIM905
)


@dataclass
class AliasTable:
    """Term sequences that stand for one canonical term."""

    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)  # canonical term -> readable name
    learned: list[tuple[str, str, str]] = field(default_factory=list)  # (a, b, how)
    longest: int = 1

    def apply(self, toks: list[Token]) -> list[Token]:
        if not self.phrases:
            return toks
        terms = [t.term for t in toks]
        starts = self.starts()
        hits = [i for i, term in enumerate(terms) if term in starts]
        return self._replace(toks, terms, hits) if hits else toks

    def apply_all(self, sentences: list[list[Token]], flat: Sentences) -> list[list[Token]]:
        """`apply` to each sentence (`flat`: the same sentences flat). Where a phrase may begin
        is found for all of them at once, from its first two terms: most places `apply` tries
        (a phrase's first word) begin none, and most sentences have no place left to try."""
        at = self._may_begin(flat) if self.phrases else np.zeros(0, np.int64)
        if not len(at):
            return sentences
        rows = flat.sentence[at]
        bounds = np.flatnonzero(np.diff(rows)) + 1
        out = list(sentences)
        firsts = rows[np.r_[0, bounds]].tolist()
        for row, hits in zip(firsts, np.split(at - flat.starts[rows], bounds), strict=True):
            toks = sentences[row]
            out[row] = self._replace(toks, [t.term for t in toks], hits.tolist())
        return out

    def _may_begin(self, flat: Sentences) -> np.ndarray:
        """Where, among `flat`'s tokens, a phrase of the table may begin: a phrase of one term
        at its term, a longer one where its first two terms are next to each other."""
        terms, term = flat.term_codes()
        code = {t: i for i, t in enumerate(terms)}
        size = max(len(terms), 1)
        single, pair_start, pairs = np.zeros(size, bool), np.zeros(size, bool), []
        for phrase in self.phrases:
            first = code.get(phrase[0])
            if first is None:
                continue
            if len(phrase) == 1:
                single[first] = True
            elif phrase[1] in code:
                pair_start[first] = True
                pairs.append(first * size + code[phrase[1]])
        pairs = sorted_set(np.array(pairs, np.int64))
        may = single[term]
        at = np.flatnonzero(pair_start[term[:-1]] & (flat.sentence[:-1] == flat.sentence[1:]))
        keys = term[at] * size + term[at + 1]
        found = np.searchsorted(pairs, keys).clip(max=max(len(pairs) - 1, 0))
        may[at[pairs[found] == keys]] = True  # (no pair: `at` is empty)
        return np.flatnonzero(may)

    def _replace(self, toks: list[Token], terms: list[str], hits: list[int]) -> list[Token]:
        """`toks` with the phrases that begin at `hits` (in order) replaced, each by one token
        of its canonical term, the longest phrase first; `toks` itself if none is there."""
        starts = self.starts()
        out, done = [], 0  # toks[:done] are dealt with
        for i in hits:
            if i < done:
                continue  # inside a phrase just replaced
            for n in starts[terms[i]]:  # the longest phrase first
                if n > len(toks) - i:
                    continue
                canon = self.phrases.get(tuple(terms[i : i + n]))
                if canon is not None:
                    out += toks[done:i]
                    surface = (
                        toks[i].surface
                        if n == 1
                        else " ".join([t.surface for t in toks[i : i + n]])
                    )
                    out.append(Token(surface, canon, True, False))
                    done = i + n
                    break
        return out + toks[done:] if done else toks

    def add(self, phrase: tuple[str, ...], canon: str, display: str) -> None:
        self.phrases[phrase] = canon
        self.display.setdefault(canon, display)
        self.longest = max(self.longest, len(phrase))
        self._lengths = None

    def starts(self) -> dict[str, list[int]]:
        """First terms of the phrases (only there can a phrase begin), each with the lengths of
        its phrases, longest first."""
        if getattr(self, "_lengths", None) is None:
            lengths: dict[str, set[int]] = defaultdict(set)
            for p in self.phrases:
                lengths[p[0]].add(len(p))
            self._lengths = {t: sorted(ns, reverse=True) for t, ns in lengths.items()}
        return self._lengths


def _strip(terms: list[str]) -> tuple[str, ...]:
    while terms and terms[0] in STOP_WORDS:
        terms = terms[1:]
    while terms and terms[-1] in STOP_WORDS:
        terms = terms[:-1]
    return tuple(terms)


def _matches_acronym(acronym: str, words: list[str]) -> list[str] | None:
    """The tail of `words` that `acronym` abbreviates, letter by letter in order."""
    acr = acronym.lower()
    for k in range(len(words)):
        tail = words[k:]
        if len(tail) < 2 and len(acr) > 2 or tail[0][0].lower() != acr[0]:
            continue
        text, pos = " ".join(tail).lower(), 0
        for ch in acr:
            pos = text.find(ch, pos) + 1
            if pos == 0:
                break
        else:
            return tail
    return None


def definitions(text: str) -> list[tuple[str, str]]:
    """(long form, acronym) pairs a text defines."""
    # a date is written as one word, which can neither make nor complete a cue: look for
    # the cues before reading the dates, and read them only in the few texts that have one
    rough = clean(text, dates=False)
    if not any(_cued(rough, cues) for cues in _CUES):
        return []
    text = clean(text)
    found = []
    for (pattern, long_group, short_group), cue in zip(_DEFINITIONS, _CUES, strict=True):
        if not _cued(text, cue):
            continue
        for m in pattern.finditer(text):
            long_form, acronym = m.group(long_group), m.group(short_group)
            tail = _matches_acronym(acronym, long_form.split())
            if tail:
                found.append((" ".join(tail), acronym))
    return found


def defined_in(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(long form, acronym) pairs the texts define, text by text."""
    return [pair for text in texts for pair in definitions(text)]


def _cued(text: str, cues: list[re.Pattern]) -> bool:
    return all(cue.search(text) for cue in cues)


def _letter(word: str) -> str:
    """A word's letter in spelled_out's code: "C" capitalised, "j" a joiner, "o" any other,
    a word in capitals ("INDIANAPOLIS, Ind.", a heading) too: no part of a spelled-out name."""
    if len(word) > 1 and word.isupper():
        return "o"
    return "C" if word[:1].isupper() else "j" if word in _JOINERS else "o"


def spelled_out(s: Sentences) -> list[tuple[str, str]]:
    """Capitalised phrases whose initials the story also uses as an acronym."""
    surfaces = [t.surface for t in s.distinct]
    kinds = set(surfaces)
    acronyms = {w for w in kinds if len(w) >= 2 and w.isupper() and w.isalpha()}
    acronyms = {a for a in acronyms if a not in _CAPITAL_WORDS and not _ROMAN.fullmatch(a)}
    # a letter a word: Capitalised, joiner, other. A run is a capitalised word, then more of
    # them or joiners (trailing joiners dropped), two words or more; looked at once each.
    # Each sentence ends on "" ("o"), which closes its last run.
    # a word in capitals ("INDIANAPOLIS, Ind.", a heading) is no part of a spelled-out name
    code = [_letter(w) for w in surfaces]
    ends = s.starts[1:]
    words = np.insert(s.column(surfaces), ends, "").tolist()
    coded = np.insert(s.column([ord(c) for c in code], np.uint8), ends, ord("o"))
    coded = coded.tobytes().decode("ascii")
    runs = {tuple(words[m.start() : m.end()]) for m in _RUN.finditer(coded)}
    # the beginnings of the acronyms: initials that begin none can grow into none
    # ("" too: a capitalised joiner, "The", adds no letter)
    begins = {a[:k] for a in acronyms for k in range(len(a) + 1)}
    found = set()
    for run in runs:
        # a word's part of the initials ("" for a joiner), so each phrase's grow by one letter
        initial = ["" if w.lower() in _JOINERS else w[0].upper() for w in run]
        for i in range(len(run)):
            if run[i] in _JOINERS or initial[i] not in begins:
                continue
            acr = initial[i]
            for j in range(i + 2, min(len(run), i + 7) + 1):
                acr += initial[j - 1]
                if acr not in begins:
                    break
                if run[j - 1] in _JOINERS or len(acr) < 2 or acr not in acronyms:
                    continue
                phrase = run[i:j]
                if acr not in phrase:
                    found.add((" ".join(phrase), acr))
    return sorted(found)


def spelling_variants(s: Sentences) -> list[tuple[str, str]]:
    """Two close spellings of a name written next to the same other name (Sergei/Sergey Lavrov).

    Only names sharing a neighbour are compared, so the cost stays linear in the story."""
    terms, term = s.term_codes()
    # two names in a row (neither written in capitals) of one sentence, each pair of terms once
    fit = s.column([t.name and not t.surface.isupper() for t in s.distinct], bool)
    pair = fit[:-1] & fit[1:] & (s.sentence[:-1] == s.sentence[1:])
    at = np.flatnonzero(pair)
    size = max(len(terms), 1)
    by_neighbour: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key in sorted_set(term[at] * size + term[at + 1]).tolist():
        a, b = terms[key // size], terms[key % size]
        by_neighbour["next", b].add(a)
        by_neighbour["prev", a].add(b)
    found = set()
    for names in by_neighbour.values():
        if 1 < len(names) <= 50:
            # close_spellings pairs only names of 4 letters or more that begin alike: a group
            # with no two such is not worth its call
            heads = [n[:3] for n in names if len(n) >= 4 and n.isalpha()]
            if len(set(heads)) < len(heads):
                found.update(score.close_spellings(sorted(names)))
    return sorted(found)


def build(
    user: Iterable[Iterable[str]] = (),
    texts: Iterable[str] = (),
    sentences: Iterable[list[Token]] | Sentences = (),
    defined: list[tuple[str, str]] | None = None,
) -> AliasTable:
    """Merge a user's alias groups with what the story's texts define and spell. `defined`:
    what the texts define (`defined_in(texts)`), when already found."""
    if not isinstance(sentences, Sentences):
        sentences = Sentences(sentences)
    pairs: list[tuple[str, str, str]] = []
    for group in user:
        members = [m for m in group if m.strip()]
        pairs += [(members[0], m, "you said so") for m in members[1:]]
    if defined is None:
        defined = defined_in(texts)
    pairs += [(a, b, "the text defines it") for a, b in defined]
    pairs += [(a, b, "initials") for a, b in spelled_out(sentences)]
    pairs += [(a, b, "spelling variant") for a, b in spelling_variants(sentences)]
    return _table(pairs)


def _table(pairs: list[tuple[str, str, str]]) -> AliasTable:
    parent: dict[tuple[str, ...], tuple[str, ...]] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    surface: dict[tuple[str, ...], str] = {}
    learned = []
    for a, b, how in pairs:
        ta, tb = _strip(list(text_terms(a))), _strip(list(text_terms(b)))
        if not ta or not tb or ta == tb:
            continue
        surface.setdefault(ta, a)
        surface.setdefault(tb, b)
        if find(ta) != find(tb):
            learned.append((a, b, how))
        parent[find(ta)] = find(tb)
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for key in list(parent):
        groups[find(key)].append(key)
    table = AliasTable(learned=learned)
    for members in groups.values():
        best = min(members, key=lambda m: (len(m), len("".join(m)), m))
        canon = "=" + "_".join(best)
        table.display[canon] = surface[best]
        for m in members:
            table.phrases[m] = canon
            table.longest = max(table.longest, len(m))
    return table
