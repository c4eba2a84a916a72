"""What a claim states about an event, as values with spans: counts, places, dates, intent,
causes and the facts of the lexicon. Omissions and discrepancies both read these."""

import re
from dataclasses import dataclass, replace

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
# A place put firmly in: "into", or "in the city of" (not a loose "in Aleppo").
_FIRM = ("into", "inside", "within")
_FIRM_BEFORE = re.compile(r"\b(?:city|town|village|centre|center|heart) of\s*$")
_NOT_PLACES = {m.capitalize() for m in MONTHS} | {d.capitalize() for d in WEEKDAYS}


@dataclass(frozen=True)
class Count:
    start: int
    end: int
    value: float
    unit: str
    bound: str  # "", "at least" or "at most"
    what: str = ""  # of people: "killed" or "hurt" when the words say which


_HARM = (
    ("killed", re.compile(r"^(?:kill|dead|die|death|live|lost|slain|perish|fatal)", re.I)),
    ("hurt", re.compile(r"^(?:injur|wound|hurt|hospital)", re.I)),
    ("shot", re.compile(r"^(?:shot|shoot)", re.I)),
)


@dataclass(frozen=True)
class Place:
    start: int  # the relation word: "into", "near"
    end: int  # the end of the name
    name: str
    relation: str  # "in" or "near"
    firm: bool = True  # "into", "inside", "in the city of": not a loose "in Aleppo"


@dataclass(frozen=True)
class Measure:
    """A quantity with a unit, in the units of its dimension: m/s, m, kg, degrees Celsius."""

    start: int
    end: int
    value: float
    dimension: str  # "speed", "distance", "weight", "temperature"


# Units as written -> (dimension, factor to the dimension's unit); temperatures apart.
UNITS = {
    "knots": ("speed", 0.514444), "knot": ("speed", 0.514444), "kt": ("speed", 0.514444),
    "km/h": ("speed", 1 / 3.6), "kph": ("speed", 1 / 3.6), "kmh": ("speed", 1 / 3.6),
    "kilometres per hour": ("speed", 1 / 3.6), "kilometers per hour": ("speed", 1 / 3.6),
    "mph": ("speed", 0.44704), "miles per hour": ("speed", 0.44704), "m/s": ("speed", 1.0),
    "metres per second": ("speed", 1.0), "meters per second": ("speed", 1.0),
    "nautical miles": ("distance", 1852.0), "km": ("distance", 1000.0),
    "kilometres": ("distance", 1000.0), "kilometers": ("distance", 1000.0),
    "kilometre": ("distance", 1000.0), "kilometer": ("distance", 1000.0),
    "miles": ("distance", 1609.344), "mile": ("distance", 1609.344), "metres": ("distance", 1.0),
    "meters": ("distance", 1.0), "metre": ("distance", 1.0), "meter": ("distance", 1.0),
    "m": ("distance", 1.0), "feet": ("distance", 0.3048), "foot": ("distance", 0.3048),
    "ft": ("distance", 0.3048), "yards": ("distance", 0.9144),
    "kg": ("weight", 1.0), "kilograms": ("weight", 1.0), "kilos": ("weight", 1.0),
    "kilogram": ("weight", 1.0), "pounds": ("weight", 0.453592), "lbs": ("weight", 0.453592),
    "lb": ("weight", 0.453592), "tonnes": ("weight", 1000.0), "tons": ("weight", 907.185),
    "grams": ("weight", 0.001), "g": ("weight", 0.001),
}  # fmt: skip
_TEMPERATURE = {"c": "C", "celsius": "C", "centigrade": "C", "f": "F", "fahrenheit": "F"}
_MEASURE = re.compile(
    r"(?<![\w.,$£€])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*|-)(?:(°\s*|degrees?\s+)("
    + "|".join(_TEMPERATURE)
    + r")|("
    + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    + r"))(?![\w/])",
    re.IGNORECASE,
)
# How far two measures of one thing may differ: rounding in a conversion ("40 knots (74 km/h)"
# against "75 km/h").
TOLERANCE = 0.08


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
                what = _harm(text, m.start(), end) if terms & _OF_PEOPLE else ""
                out.append(Count(m.start(), end, value, unit, bound, what))
                break
    return out


def measures(text: str) -> list[Measure]:
    """Quantities with a unit of speed, distance, weight or temperature ("40 knots", "74 km/h",
    "1.5 miles", "30°C"), each converted to its dimension's unit."""
    out = []
    for m in _MEASURE.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if m.group(3):
            scale = _TEMPERATURE[m.group(3).lower()]
            value = (value - 32) * 5 / 9 if scale == "F" else value
            out.append(Measure(m.start(), m.end(), value, "temperature"))
            continue
        unit = m.group(4)
        dimension, factor = UNITS[unit.lower()]
        out.append(Measure(m.start(), m.end(), value * factor, dimension))
    return out


def same_measure(a: Measure, b: Measure) -> bool:
    if a.dimension == "temperature":
        return abs(a.value - b.value) <= 1.5
    return abs(a.value - b.value) <= TOLERANCE * max(abs(a.value), abs(b.value))


def happening(text: str, start: int, end: int, reach: int = 8) -> set[str]:
    """The words of what happens around a span, as stems: the content words within `reach`
    words before and after it, in its clause ("a convoy carrying food into Aleppo"); a clause
    ends at a comma, a semicolon or a word that starts another ("after", "when", "with")."""
    before = re.split(_CLAUSE, text[:start])[-1]
    after = re.split(_CLAUSE, text[end:])[0]
    return {_stem(w) for w in _content(before)[-reach:] + _content(after)[:reach]}


def _content(text: str) -> list[str]:
    """Words that tell what happened: not names (where and who), numbers or function words."""
    return [
        w
        for w in _WORD.findall(text)
        if len(w) > 2 and w.islower() and w not in _FUNCTION | _VAGUE and not w[0].isdigit()
    ]


_CLAUSE = re.compile(
    r"[,;:()]|[.!?](?:\s|$)|\s(?:after|before|when|while|with|who|which|but|then)\s", re.I
)


def _stem(word: str) -> str:
    return word.lower().replace("’", "'")[:5]


# Words around a fact that tell nothing of what happened.
_VAGUE = _set(
    "about some more than also said says told would could been being into near city town area "
    "there their they them what about over under only just least most after before since until "
    "while during other another reported according monday tuesday wednesday thursday friday "
    "saturday sunday the and but not are its his her him she who why how all any can may one two "
    "new now out own per man woman men women people person"
)


_OF_PEOPLE = _set("killed dead injured wounded casualties")


def _harm(text: str, start: int, end: int) -> str:
    """What happened to the people counted: the nearest word of killing or hurting after the
    count (five words), else before it (three)."""
    after = re.split(r"[,;:.()]", text[end:])[0]
    before = re.split(r"[,;:.()]", text[:start])[-1]
    words = _WORD.findall(text[start:end])[1:] + _WORD.findall(after)[:5]
    words += _WORD.findall(before)[-3:][::-1]
    for word in words:
        for what, pattern in _HARM:
            if pattern.match(word):
                return what
    return ""


def compatible(a: Count, b: Count) -> bool:
    if a.value == b.value:
        return True
    low, high = (a, b) if a.value < b.value else (b, a)
    return low.bound == "at least" or high.bound == "at most"


# A dateline: the place a report was filed from, in capitals, before a dash ("PORT ELLIS —",
# "INDIANAPOLIS, Ind. -", "WASHINGTON (AP) --"): it states where.
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z'.]*(?: [A-Z][A-Z'.]*){0,3})(?:, [A-Z][A-Za-z.]{1,14}){0,2}"
    r"(?= ?(?:\([A-Za-z .]{1,20}\) ?)?(?:—|–|--?) )"
)


# Labels in capitals before a dash that are no place ("BREAKING —", "UPDATE -"), and
# acronyms (a dateline's place has four letters or more, or a state after it: "ROME, Italy").
_NOT_DATELINES = re.compile(
    r"\b(?:BREAKING|UPDATED?|WATCH|LISTEN|OPINION|EDITORIAL|ANALYSIS|EXCLUSIVE|LIVE|VIDEO|"
    r"PHOTOS?|CORRECTION|ADVERTISEMENT|SPONSORED)\b|^(?:THE END|READ MORE|EDITOR'S NOTE)$"
)


def dateline(text: str) -> Place | None:
    """The place of the claim's dateline, if it opens with one."""
    m = _DATELINE.match(text)
    if m is None:
        return None
    place = m.group().split(",")[0]
    if _NOT_DATELINES.search(place) or (len(place.replace(".", "")) < 4 and "," not in m.group()):
        return None
    return Place(0, m.end(), m.group(), "in")


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
            firm = w.group() in _FIRM or bool(_FIRM_BEFORE.search(text[: words[j].start()]))
            if not out or out[-1].end != words[k].end():
                out.append(Place(w.start(), words[k].end(), name, relation, firm))
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


@dataclass(frozen=True)
class Cause:
    start: int  # the cue: "caused by", "because of", "blamed"
    end: int  # the end of the cause
    cause: tuple[int, int]  # the cause's own words: "technical or human errors"
    words: frozenset[str]  # its content words, as stems, to tell two causes apart


# What introduces a cause, and its cause after it ("caused by X", "blamed on X", "the cause of
# the crash was X"), or around it ("blamed X for").
_CAUSE_CUE = re.compile(
    r"\b(?:(?:caused|triggered|brought about|sparked) by|due to|because(?: of)?|owing to|"
    r"(?:as )?(?:a |the )?result(?:ed)? (?:of|from)|stemm(?:ed|ing) from|blamed on|"
    r"attributed to|put down to|the cause (?:of [\w\s’'-]{1,40}? )?(?:was|is|has been)|"
    r"blam(?:ed|ing|es?)(?=\s+[\w\s’'-]{1,60}?\s+for\b))\s+",
    re.IGNORECASE,
)
# A cause before its verb: "strong winds caused the crash".
_CAUSED = re.compile(r"\s+(?:caused|triggered|sparked)(?=\s+(?:the|a|an)\b)", re.IGNORECASE)
_CAUSE_END = re.compile(r"[,;:()“”\"]|[.!?](?:\s|$)|\s(?:for|said|says|according|when|while)\s")
_CAUSE_WORDS = 8
_MAY = _set("may might could would have has had likely probably possibly also apparently")
# The cue's own words, which tell nothing of what was caused.
_CUE_STEMS = _set("cause trigg spark due becau owing resul stemm blame attri put down")


def causes(text: str) -> list[Cause]:
    """What the text says made something happen: the words after a cue ("caused by", "due
    to", "because", "blamed ... for"), to the end of the clause, at most eight, or the clause's
    words before "caused the" (at most four); a negated cause ("not caused by") says what did
    not, and is left out."""
    out = []
    for m in _CAUSE_CUE.finditer(text):
        if not _negated(text, m.start()):
            tail = re.split(_CAUSE_END, text[m.end() :])[0]
            words = list(_WORD.finditer(tail))[:_CAUSE_WORDS]
            out += _cause(m.start(), [(m.end() + w.start(), m.end() + w.end(), w) for w in words])
    for m in _CAUSED.finditer(text):
        head = re.split(_CAUSE_END, text[: m.start()])[-1]
        offset = m.start() - len(head)
        words = [(offset + w.start(), offset + w.end(), w) for w in _WORD.finditer(head)]
        while words and words[-1][2].group().lower() in _MAY:
            words.pop()
        run = []  # the words naming the cause, back to the first that names nothing
        for word in reversed(words[-4:]):
            if word[2].group().lower() in _FUNCTION | _VAGUE | _NEGATORS:
                break
            run.insert(0, word)
        if run:
            out += [replace(c, end=m.end()) for c in _cause(run[0][0], run)]
    return sorted(out, key=lambda c: c.start)


def _negated(text: str, start: int) -> bool:
    before = [w.lower() for w in _WORD.findall(text[:start])][-3:]
    return any(w in _NEGATORS or w.endswith(("n't", "n’t")) for w in before)


def _cause(start: int, words) -> list[Cause]:
    stems = frozenset(
        _stem(w.group())
        for *_, w in words
        if len(w.group()) > 2 and w.group().lower() not in _FUNCTION | _VAGUE
    )
    if not stems:
        return []
    return [Cause(start, words[-1][1], (words[0][0], words[-1][1]), stems)]


def cause_happening(text: str, cause: Cause) -> set[str]:
    """What the cause made happen: the words around the cause in its clause ("the crash was
    caused by", "the cause of the fire was"), or, for a cause that opens the sentence ("Due
    to fog, the ferry sank"), the next clause's."""
    around = happening(text, *cause.cause) - _CUE_STEMS
    comma = re.match(r"\s*[,;:]\s*", text[cause.end :])
    if not around and comma:
        return happening(text, cause.end + comma.end(), cause.end + comma.end())
    return around


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
