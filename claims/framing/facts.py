"""What a claim states about an event, as values with spans: counts, places, dates, intent and
the facts of the lexicon. Omissions and discrepancies both read these."""

import re
from dataclasses import dataclass

from claims.text.dates import DATE_DM, DATE_MD, MONTHS, WEEKDAY, WEEKDAYS, dates_in

from . import find


def _words(words: str) -> list[str]:
    return words.split()


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen twenty"
        )
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")(?:-(\w+))?\b",
    re.IGNORECASE,
)
_AT_LEAST = re.compile(r"(?:at least|more than|over|upwards of|no fewer than)\s+$", re.IGNORECASE)
_AT_MOST = re.compile(r"(?:at most|up to|fewer than|less than|under|nearly|almost)\s+$", re.I)
_WORD = re.compile(r"[\w’'-]+")
_NEGATORS = _set("not no never n't without doubted doubt doubts denied denies deny")
_PLACE_WORDS = {
    "in": "in", "into": "in", "inside": "in", "within": "in", "at": "in", "to": "in",
    "near": "near", "outside": "near", "around": "near", "nearby": "near",
}  # fmt: skip
_FUNCTION = _set(
    "of in on at and or to was were is are has have had which that for with from by when after "
    "before as but while who where said says this its"
)
_NOT_PLACES = {m.capitalize() for m in MONTHS} | {d.capitalize() for d in WEEKDAYS}


@dataclass(frozen=True)
class Count:
    start: int
    end: int
    value: float
    unit: str
    bound: str  # "", "at least" or "at most"


@dataclass(frozen=True)
class Place:
    start: int  # the relation word: "into", "near"
    end: int  # the end of the name
    name: str
    relation: str  # "in" or "near"


def counts(text: str, lexicon) -> list[Count]:
    """Numbers followed within three words by a word of a unit of the lexicon ("18 UN trucks",
    "a seven-day cease-fire")."""
    out = []
    for m in _NUMBER.finditer(text):
        raw = m.group(1).lower().replace(",", "")
        value = float(NUMBER_WORDS[raw]) if raw in NUMBER_WORDS else float(raw)
        following, cursor = [], m.end()
        for w in _WORD.finditer(text, m.end()):
            if len(following) == 3 or any(c in text[cursor : w.start()] for c in ",;:()."):
                break
            following.append(w)
            cursor = w.end()
        for unit, terms in lexicon.units.items():
            heads = {t.split()[-1] for t in terms}
            end = m.end() if (m.group(2) or "").lower() in heads else None
            end = end or next((w.end() for w in following if w.group().lower() in heads), None)
            if end:
                before = text[: m.start()]
                bound = "at least" if _AT_LEAST.search(before) else ""
                bound = bound or ("at most" if _AT_MOST.search(before) else "")
                out.append(Count(m.start(), end, value, unit, bound))
                break
    return out


def compatible(a: Count, b: Count) -> bool:
    if a.value == b.value:
        return True
    low, high = (a, b) if a.value < b.value else (b, a)
    return low.bound == "at least" or high.bound == "at most"


def places(text: str) -> list[Place]:
    """A relation word ("in", "into", "near") and the next name in its phrase; "the city of"
    puts a place in, "a rural area near" near."""
    words = list(_WORD.finditer(text))
    out = []
    for i, w in enumerate(words):
        relation = _PLACE_WORDS.get(w.group())
        following = words[i + 1].group().lower() if i + 1 < len(words) else ""
        if relation is None or following in ("least", "most", "all", "once", "times", "first"):
            continue
        for j in range(i + 1, min(i + 8, len(words))):
            between = text[w.end() : words[j].start()]
            if any(c in between for c in ',;:()“”"'):
                break
            word = words[j].group()
            if word.lower() in ("near", "outside", "around", "outskirts"):
                relation = "near"
            elif word.lower() in _FUNCTION - {"of"} or word in ("The",):
                break
            if not word[:1].isupper() or word in _NOT_PLACES:
                continue
            k = j
            while k + 1 < len(words) and _continues_name(words[k + 1].group()):
                k += 1
            after = words[k + 1].group() if k + 1 < len(words) else ""
            if k == j and word.endswith(_DEMONYM) and after[:1].islower():
                continue  # "the Syrian city of": a people's name used as an adjective
            name = text[words[j].start() : words[k].end()]
            if not out or out[-1].end != words[k].end():
                out.append(Place(w.start(), words[k].end(), name, relation))
            break
    return out


_DEMONYM = ("an", "ese", "ish", "i")


def _continues_name(word: str) -> bool:
    if word in _NOT_PLACES:
        return False
    return word[:1].isupper() or re.fullmatch(r"[a-z]{1,3}-[A-Z][\w’']*", word) is not None


def dates(text: str, published) -> list[tuple[int, int, str]]:
    """(start, end, value): dates as ISO days; without the article's date, weekdays as their
    name and days without a year as "--MM-DD"."""
    found = [(d.start, d.end, d.date.isoformat()) for d in dates_in(text, published)]
    if published is None:
        found += [(m.start(), m.end(), m.group(1).capitalize()) for m in WEEKDAY.finditer(text)]
        for pattern, month, day in ((DATE_MD, 1, 2), (DATE_DM, 2, 1)):
            for m in pattern.finditer(text):
                value = f"--{MONTHS[m.group(month).lower()]:02d}-{int(m.group(day)):02d}"
                found.append((m.start(), m.end(), value))  # a day of a year nobody states
    return sorted(found)


def intents(text: str, lexicon) -> list[tuple[int, int, str]]:
    """(start, end, "accident" or "deliberate"), turned round by a negation just before."""
    out = []
    for kind, other, terms in (
        ("accident", "deliberate", lexicon.accident),
        ("deliberate", "accident", lexicon.deliberate),
    ):
        for start, end in find(text, terms):
            before = [w.lower() for w in _WORD.findall(text[:start])][-6:]
            negated = any(w in _NEGATORS or w.endswith("n't") or w.endswith("n’t") for w in before)
            out.append((start, end, other if negated else kind))
    return sorted(out)


def lexicon_facts(text: str, lexicon) -> list[tuple[int, int, str]]:
    """(start, end, fact) for each fact of the lexicon the text states."""
    out = []
    numbers = [(m.start(), m.end()) for m in _NUMBER.finditer(text)]
    for fact, (terms, with_number) in lexicon.facts.items():
        for start, end in find(text, terms):
            if with_number:
                near = [n for n in numbers if abs(n[0] - start) < 45 or abs(n[1] - end) < 45]
                if not near:
                    continue
                start, end = min(start, near[0][0]), max(end, near[0][1])
            out.append((start, end, fact))
            break
    return out
