"""Step 1: turn a sentence into the terms the matcher compares.

Case, quote and dash styles, abbreviation dots (U.N. -> UN), possessives, hyphenated compounds
("cease-fire" = "ceasefire"), stop words and a light stemmer. Numbers and dates are read as
values: "seven" and "7" are the term "#7"; "Sept. 17" and "17 September" are "@sep17"; a weekday
is the date it names when the article's date is known.
"""

import datetime
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from claims.text.dates import MONTHS, WEEKDAYS

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": " - ",
        "\u2015": " - ",
        "\u2212": "-",
        "\u00a0": " ",
    }
)

_CHAR_PAIRS = [(chr(code), spelling) for code, spelling in _CHAR_MAP.items()]

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "more",
        "most",
        "mr",
        "mrs",
        "ms",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "was",
        "wasn't",
        "we",
        "were",
        "weren't",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "saying",
        "told",
        "tell",
        "tells",
        "according",
        "added",
        "adding",
        "noted",
        "asserted",
        "just",
        "still",
        "even",
        "another",
        "many",
        "much",
        "may",
        "might",
        "must",
        "would",
        "shall",
        "however",
        "although",
        "though",
        "yet",
        "whether",
        "within",
        "without",
        "via",
        "per",
        "since",
        "ago",
        "amid",
        "among",
        "across",
        "along",
        "around",
        "it's",
        "that's",
        "there's",
        "what's",
        "he's",
        "she's",
        "they're",
        "we're",
        "i'm",
        "i've",
        "we've",
        "they've",
    ]
)

_MONTHS = MONTHS  # one list of month and weekday names: claims/text/dates.py
_WEEKDAYS = WEEKDAYS
NUMBER_WORDS = _NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
_MONTH_ABBR = [""] + [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
]
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}

# every name in _MONTHS, longest spelling tried first; written as a tree because the regex
# engine tries the branches of a flat alternation one by one at every position
_MONTH_RE = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_FIRST = "(?=[adfjmnos])"  # a cheap test of the first letter before the branches
_DATE_MD = re.compile(
    rf"{_MONTH_FIRST}\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?",
    re.I,
)
_DATE_DM = re.compile(
    rf"(?=\d)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}})\b)?", re.I
)
_MONTH_START = re.compile(
    rf"{_MONTH_FIRST}(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I
)
_ABBREV = re.compile(r"(?=[A-Za-z]\.)\b(?:[A-Za-z]\.){2,}")
_MONTH_LOWER = re.compile("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
_ABBREV_HINT = re.compile(r"\.[A-Za-z]\.")  # in every abbreviation; found fast (a literal first)
_TOKEN = re.compile(r"[A-Za-z0-9@#][A-Za-z0-9@#'\-]*")
_DIGIT = re.compile(r"\d")
_NUM = re.compile(r"^\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th|s)?$")


class Token(NamedTuple):
    surface: str  # as written, after cleaning ("Lavrov", "UN", "ceasefire")
    term: str  # what is compared ("lavrov", "un", "ceasefir", "#7", "@09-17")
    name: bool  # written with a capital inside the sentence: a name or a title
    stop: bool


def clean(text: str, dates: bool = True) -> str:
    """One spelling for quotes, dashes and abbreviations; dates as one word each (unless
    `dates` is false: the costly part, which never makes two words adjacent)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        for char, spelling in _CHAR_PAIRS:  # str.replace is far faster than str.translate
            if char in text:
                text = text.replace(char, spelling)
    if "." in text and _ABBREV_HINT.search(text):
        text = _ABBREV.sub(lambda m: m.group(0).replace(".", ""), text)
    # the date patterns are costly; a date needs a digit and a month name
    if dates and _DIGIT.search(text) and _has_month(text):
        text = _DATE_MD.sub(lambda m: _date_word(m.group(1), m.group(2), m.group(3)), text)
        text = _DATE_DM.sub(lambda m: _date_word(m.group(2), m.group(1), m.group(3)), text)
    return text


def _has_month(text: str) -> bool:
    if not text.isascii():
        return _MONTH_START.search(text) is not None
    return _MONTH_LOWER.search(text.lower()) is not None  # far faster than ignoring case


def _date_word(month: str, day: str, year: str | None) -> str:
    m, d = _MONTHS[month.lower()], int(day)
    if not 1 <= d <= 31:
        return f"{month} {day}" + (f" {year}" if year else "")
    return f"@{_MONTH_ABBR[m]}{d}" + (f" {year}" if year else "")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stemmer: plurals, -ed, -ing, -ly and a final e, so 'strikes', 'striking' and
    'strike' meet. Deliberately blunt: it only has to send variants of one word to one term."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ingly", "edly", "ing", "ed", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: -len(suffix)]
            if any(v in base for v in "aeiouy"):
                w = base
                if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                    w = w[:-1]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def _split_hyphen(word: str) -> list[str]:
    """'cease-fire' is one word, 'US-Russian' and 'seven-day' are two."""
    parts = [p for p in word.split("-") if p]
    words = 1 < len(parts) <= 3 and all(p.isalpha() and p.islower() for p in parts)
    if words and not any(p in _NUMBER_WORDS for p in parts):
        return ["".join(parts)]
    return parts


def _value(word: str) -> str | None:
    low = word.lower()
    if low in _NUMBER_WORDS:
        return f"#{_NUMBER_WORDS[low]}"
    if low in _ORDINAL_WORDS:
        return None  # "first ever" is not a count
    if _NUM.match(low):
        digits = re.sub(r"(st|nd|rd|th|s)$", "", low).replace(",", "")
        if len(digits) == 4 and digits[:2] in ("19", "20") and "." not in digits:
            return f"@{digits}"
        return f"#{digits}"
    return None


def _weekday_date(word: str, published: datetime.date | None) -> str | None:
    day = _WEEKDAYS.get(word.lower().removesuffix("'s"))
    if day is None or published is None:
        return None
    back = (published.weekday() - day) % 7
    when = published - datetime.timedelta(days=back)
    return f"@{_MONTH_ABBR[when.month]}{when.day}"


def tokens(text: str, published: datetime.date | None = None) -> list[Token]:
    """Every word of a sentence, stop words included (aliases may span them)."""
    return _tokens(text, published, None)


_LATER_WORDS = 300_000  # words kept in front of `_word` by one batch, over all its dates


class _LaterWords(dict):
    """The tokens of words that do not start a sentence, by word, for one article date: in
    front of `_word`'s cache, read by a C-level map rather than a call a word (a sentence's
    words are most of its tokenising time). `kept` counts the words kept by it and the other
    dates' of its batch (one count, shared), so that the batch can keep them bounded."""

    def __init__(self, published: datetime.date | None, kept: list[int]):
        self.published = published
        self.kept = kept

    def __missing__(self, raw: str) -> tuple[Token, ...]:
        toks = self[raw] = _word(raw, False, self.published)
        self.kept[0] += 1
        return toks


def _tokens(text: str, published: datetime.date | None, later: _LaterWords | None) -> list[Token]:
    """`tokens`, the words after the first read through `later` (a batch's, of this date) or,
    with none, straight from `_word`'s cache (one sentence: a map of its own would cost more
    than it saves)."""
    words = _TOKEN.findall(clean(text))
    for i, raw in enumerate(words):  # up to the first word that gives a token: it starts
        first = _word(raw, True, published)  # the sentence
        if first:
            rest = words[i + 1 :]
            if later is None:
                found = map(_word, rest, itertools.repeat(False), itertools.repeat(published))
            else:
                found = map(later.__getitem__, rest)
            return [*first, *itertools.chain.from_iterable(found)]
    return []


def located_tokens(
    text: str, published: datetime.date | None = None, kept: int | None = None
) -> tuple[str, list[Token], list[tuple[int, int]]]:
    """`tokens`, and where the word of each starts and ends in the cleaned text (returned
    too): to show a stretch of a sentence as it was written. With `kept`, only up to the
    word that gives about the kept-th token that is not a stop word."""
    cleaned = clean(text)
    out: list[Token] = []
    spans: list[tuple[int, int]] = []
    first, at, find = True, 0, cleaned.find  # findall and find: faster than finditer
    left = len(cleaned) if kept is None else kept
    for raw in _TOKEN.findall(cleaned):
        toks = _word(raw, first, published)
        start = find(raw, at)
        at = start + len(raw)
        if len(toks) == 1:
            out.append(toks[0])
            spans.append((start, at))
        elif toks:
            out.extend(toks)
            spans.extend([(start, at)] * len(toks))
        if toks:
            first = False
            if not toks[0].stop:
                left -= len(toks)
                if left <= 0:
                    break
    return cleaned, out, spans


def tokens_of(texts: Sequence[str], published: Sequence[datetime.date | None]) -> list[list[Token]]:
    """`tokens` of each text, with its article's date: a story's claims at once, their words
    read through one `_LaterWords` a date, all of them let go past _LATER_WORDS words (one
    date, or none, is the common case: the bound is checked a text, not a new date)."""
    by_date: dict[datetime.date | None, _LaterWords] = {}
    kept = [0]  # words kept by by_date's maps
    out = []
    for text, when in zip(texts, published, strict=True):
        if kept[0] > _LATER_WORDS:
            by_date.clear()
            kept[0] = 0
        later = by_date.get(when)
        if later is None:
            later = by_date[when] = _LaterWords(when, kept)
        out.append(_tokens(text, when, later))
    return out


@lru_cache(maxsize=1_000_000)
def _word(raw: str, first: bool, published: datetime.date | None) -> tuple[Token, ...]:
    """The tokens of one written word (a hyphenated word may give several)."""
    word = raw.strip("'-")
    if word.lower().endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "") if not word.lower().endswith("n't") else word
    if not word:
        return ()
    out = []
    for part in _split_hyphen(word):
        out.extend(_token(part, first, published))
        first = False
    return tuple(out)


def _token(word: str, first: bool, published: datetime.date | None) -> tuple[Token, ...]:
    if word.startswith("@"):  # a date written by clean()
        return (Token(word, word, False, False),)
    value = _value(word)
    if value:
        return (Token(word, value, False, False),)
    low = word.lower()
    when = _weekday_date(word, published)
    if when:  # the date it names, and the weekday itself for articles with no date
        return (Token(word, when, False, False), Token(word, stem(low), False, False))
    acronym = len(word) >= 2 and word.isupper() and word.isalpha()
    name = (word[0].isupper() and not first) or acronym
    if acronym:
        return (Token(word, low, True, False),)
    return (Token(word, stem(low), name, low in STOP_WORDS),)


def text_terms(text: str) -> list[str]:
    """The compared terms of a short text, for alias phrases typed by a user."""
    return [t.term for t in tokens(text)]


def distinct_tokens(toks: list[Token]) -> tuple[list[Token], np.ndarray]:
    """The distinct token objects of a flat list (by identity, in no particular order) and,
    per token, the index of its object among them. Tokens come from `_word`'s cache and repeat
    by the million: a field read once per object is then spread by array indexing."""
    objects = np.fromiter(map(id, toks), np.uint64, len(toks))
    order = np.argsort(objects)
    ordered = objects[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]] if len(toks) else np.zeros(0, bool)
    code = np.empty(len(toks), np.int64)
    code[order] = np.cumsum(new) - 1
    return [toks[i] for i in order[new].tolist()], code


class Sentences:
    """Sentences' tokens flat, for the passes that read many sentences at once (a story's
    aliases, a batch of claims indexed): each distinct token object is read once (`distinct`,
    `code`: see distinct_tokens) and what is read spread to its uses by `column`; `starts`
    holds where each sentence starts in `flat`, and the end of the last; `sentence`, per token,
    the sentence it is in."""

    def __init__(self, sentences: Iterable[list[Token]]):
        sentences = list(sentences)
        self.flat = list(itertools.chain.from_iterable(sentences))
        sizes = np.fromiter(map(len, sentences), np.int64, len(sentences))
        self.starts = np.r_[np.int64(0), np.cumsum(sizes)]
        self.sentence = np.repeat(np.arange(len(sentences), dtype=np.int64), sizes)
        self.distinct, self.code = distinct_tokens(self.flat)

    def column(self, values: list, dtype=object) -> np.ndarray:
        """Per token, the value given for its distinct object."""
        return np.array(values, dtype)[self.code]

    def term_codes(self) -> tuple[list[str], np.ndarray]:
        """The distinct terms, and per token the index of its term among them."""
        index: dict[str, int] = {}
        per_object = [index.setdefault(t.term, len(index)) for t in self.distinct]
        return list(index), self.column(per_object, np.int64)


def sorted_set(values: np.ndarray) -> np.ndarray:
    """np.unique(values), by sorting: numpy 2's np.unique without return_* hashes instead, and
    takes a hundred times longer on a million integers."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values
