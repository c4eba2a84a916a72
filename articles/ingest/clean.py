"""Step 2 of ingest: strip site chrome from scraped plain text, keep every line of reporting.

No library classifies the lines of plain text, so this module does it: each line is judged on
its shape (a sentence, or a label without sentence punctuation), its script, its place at the
top of the page, and against tables of chrome patterns. Whatever goes is listed with a reason,
so the user sees what was removed and why. metadata.py reads the same classification, so the
line it reports as the title is the line dropped here as "headline".

`furniture_reason` judges a sentence of the cleaned (or HTML, or JSONL) body the same way:
datelines, bylines, web addresses and labels that a line of reporting carried along, or that
came in a format with no lines to clean, stay in the body but are never made claims.
"""

import functools
import re
import unicodedata
from collections import Counter
from datetime import date

from articles.ingest.types import Cleaned, RemovedLine

HEADLINE = "headline"
OUTLET_LINE = "outlet/dateline line"
SOURCE_LINE = "source line"
BYLINE = "byline"
COPYRIGHT = "copyright notice"
REPEATED = "repeated across this outlet's articles"
SHORT_LINE = "short line without sentence punctuation"
TITLE_CASE_LINE = "related headline"
# Lines removed for their shape alone: text without a sentence, not recognised as chrome.
SHAPE_REASONS = frozenset([HEADLINE, SHORT_LINE, TITLE_CASE_LINE])

# Chrome recognised by what it says. Matched case-insensitively against the whole stripped
# line, and only on lines of at most CHROME_MAX_WORDS words, so reporting that happens to begin
# with "Subscribers" or "Share prices" is never matched. Order matters: the first hit names it.
CHROME_MAX_WORDS = 30
CHROME_PATTERNS: list[tuple[str, str]] = [
    ("photo credit", r"^©.*(photo|image|picture|/)"),
    ("photo credit", r"^\(?(photo|image|picture|photograph|credit)s?\s*(by|credit|courtesy)?\s*:"),
    ("photo credit", r"^(photo|image|picture)s? (by|courtesy( of)?)\s"),
    ("photo credit", r"\(([\w .]+ )?photo\s*/[^)]*\)$|^image copyright\b|getty images$"),
    ("caption", r"^(caption|image caption)\s*:?\s"),
    (COPYRIGHT, r"^(copyright\s*)?(©|\(c\)|copyright)\s*\d{4}\b|all rights reserved\.?$"),
    (
        "subscription prompt",
        r"^(subscribe\b|become a (subscriber|member)\b|already (a subscriber|have an account)"
        r"|support (our|independent) journalism\b|unlock (this|unlimited)\b)",
    ),
    (
        "newsletter prompt",
        r"^(sign up|subscribe|get|receive|manage|join|our|daily|free)\b.*\bnewsletters?\b"
        r"|^newsletters?$",
    ),
    (
        "comment prompt",
        r"^(to (participate|join) in the (discussion|conversation)|be the first to comment"
        r"|(write|leave|post|add|view|show|hide|load|read) (a |your |the |all )?(\d+ )?comments?$"
        r"|(please )?(read|see|review) our (comment|commenting|community) (policy|guidelines)"
        r"|\d+ comments?$|comments?$|join the (discussion|conversation)\b"
        r"|this site uses akismet\b)",
    ),
    ("login prompt", r"^(log ?in|sign ?in|register)( (or|and|to) [\w ]{0,30})?$"),
    (
        "read-more link",
        r"^((read|see|view) (more|also|next|the full (story|article))\b|continue reading\b"
        r"|keep reading\b|click (here )?(to|for)\b|more (from|on) [^.]{0,40}$)",
    ),
    (
        "related headline",
        r"^(related( (articles?|stories|coverage|content|news|posts|reading|topics))?|recommended"
        r"( for you)?|you (may|might) also like|most (read|popular|viewed)|trending( now)?"
        r"|top stories|editor'?s picks)\s*([:»>|-].*)?$",
    ),
    (
        "share prompt",
        r"^(share (this|on|via|article|story)\b|share$|tweet( this)?$|e-?mail( this)?$"
        r"|print( this)?( article| page)?$|copy link$|(facebook|twitter|whatsapp|linkedin)$)",
    ),
    (
        "advertisement",
        r"^(advertisement|advertising|sponsored( content)?|ad|promoted( content)?"
        r"|paid (content|post)|story continues below( advertisement)?|scroll to continue[\w ]*)$",
    ),
    (
        "cookie notice",
        r"^((we|this (web)?site|our (web)?site) uses? cookies\b"
        r"|(accept|allow|reject|manage|decline)( all)? cookies\b"
        r"|cookie (policy|settings|preferences)$)",
    ),
]
_CHROME = [(reason, re.compile(pattern, re.IGNORECASE)) for reason, pattern in CHROME_PATTERNS]

# Shapes of a line. A line ending in sentence punctuation (a closing quote or bracket may follow)
# is reporting's strongest signal; a clause ending in ":" ";" "," counts once it has a few words.
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]»]*$")
CLAUSE_END = re.compile(r"[:;,][\"'”’)\]»]*$")
CLAUSE_MIN_WORDS = 4
LABEL_MAX_WORDS = 12  # a line without sentence punctuation this short is chrome, not reporting
HEADLINE_WORDS = (3, 20)
HEADLINE_MAX_CHARS = 160
# A repeated line is chrome only if it is no long sentence of reporting (see _repeat_is_chrome).
REPEAT_MAX_WORDS = 20
REPORTING_MARKS = re.compile(r"[\"“”«»]|\b(said|says|told|according to|asked|added)\b", re.I)
MASTHEAD_MAX_LINES = 4
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "with",
    ]
)

# Lines that state metadata; metadata.py reads their values with the functions below.
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PREFIX = (
    r"(?:(?:(?:first |last )?(?:published|updated|posted|modified)|story created|created)"
    r"(?: on)?:?\s+)?"
)
# "10:32 a.m. ET", also as tokenised corpora print it: "4: 43 pm".
_TIME_SUFFIX = (
    r"(?:\s*(?:,|\||at|-)?\s*\d{1,2}\s?[:.]\s?\d{2}(?:\s*[ap]\.?\s?m\.?)?(?:\s*[a-z]{2,4})?)?"
)
DATE_FORMS = [
    rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}",  # Tuesday, September 20, 2016 / Sept. 20, 2016
    rf"{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}",  # 20 September 2016
    rf"{_WEEKDAY}{_YEAR}-(?P<month>\d{{2}})-(?P<day>\d{{2}})",  # 2016-09-20
]
_DATES = [re.compile(rf"{_DATE_PREFIX}{form}{_TIME_SUFFIX}", re.IGNORECASE) for form in DATE_FORMS]
MONTHS = {
    name: n
    for n, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}

# "- Sputnik International" or "- The Washington Times - Tuesday, September 20, 2016".
# Linear on any line: a name ends at a non-space, so the separator is only tried there, and the
# possessive `\s++` reads a run of spaces once instead of once per position in it.
_OUTLET_LINE = re.compile(r"^[-–—]\s++(?P<name>.*?\S)(?:\s++[-–—|]\s++(?P<rest>.+))?$")
OUTLET_MAX_WORDS = 6
OUTLET_LINE_MAX_CHARS = 200  # "- <name of six words> - <date and time>", generously spelled
_SOURCE_LINE = re.compile(r"^source\s*:\s*(?P<name>.*)$", re.IGNORECASE)
# "By Jane Doe", "By JANE DOE and John Roe", "By Jane Doe, Military Times". Linear for the
# same reasons as _OUTLET_LINE; BYLINE_MAX_CHARS keeps long lines from being tried at all.
_BYLINE = re.compile(
    r"^[Bb][Yy]:?\s++(?P<who>[^,|]*?[^,|\s])(?:\s*+[,|]\s*+(?P<org>[^,|]*?[^,|\s]))?\s*+$"
)
BYLINE_MAX_CHARS = 300  # eight names and an outlet of eight words, generously spelled
_NAME_WORD = re.compile(r"^([A-Z][\w.'’-]*|and|&|de|da|van|von|der|al|bin|la|le|du)$")
BYLINE_ROLES = frozenset(
    ["staff", "writer", "reporter", "correspondent", "editor", "contributor", "columnist"]
)
# "Headline - Outlet - Date": the separators between the parts of a page's title line.
_TITLE_SEPARATOR = re.compile(r"(\s[-–—|]\s)")
# "© 2021 Name", "Copyright © 2020 Name, LLC.", "(c) 2019-2021 Name. All rights reserved."
_COPYRIGHT = re.compile(
    r"^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
# Where the name in a notice ends: "Name, LLC", "Name. All rights reserved", "Name | About us".
_COPYRIGHT_END = re.compile(r"[,;|]|\.(?:\s|$)|\s[-–—]\s|\ball rights\b", re.IGNORECASE)
COMPANY_FORMS = frozenset(["llc", "inc", "ltd", "limited", "corp", "co", "plc", "gmbh", "sa", "ag"])
# A site's navigation bar: "The Vancouver Sun | Home | News | Sports", "Coastal Post - News -
# Port Ellis". At least NAV_MIN_ITEMS items of a few capitalised words, no digits, none a sentence.
NAV_MIN_ITEMS = 3
NAV_ITEM_MAX_WORDS = 3
_NAV_WORD = re.compile(r"^([A-Z][\w.&'’]*|&|and|of|the|for)$")
# A caption ends with " - <Outlet>", the page's name for the picture's source.
_CAPTION_TAIL = re.compile(
    r"\s[-–—|]\s+(?P<outlet>[A-Z][\w.&'’]*(?:\s+(?:[A-Z][\w.&'’]*|of|the|and|for)){0,4})$"
)


def clean_text(text: str, repeated_lines: frozenset[str] = frozenset()) -> Cleaned:
    """The reporting of `text`, one paragraph a kept line, and every dropped line with why.

    `repeated_lines` holds line_key()s of lines found in several articles of the same outlet.
    """
    verdicts = classify_lines(text, repeated_lines)
    body = "\n\n".join(line for line, reason in verdicts if reason is None)
    removed = [RemovedLine(line, reason) for line, reason in verdicts if reason is not None]
    return Cleaned(body=body, removed=removed)


def line_key(line: str) -> str:
    """A line's identity across articles: case, spacing, punctuation and digits ignored."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", line).casefold())
    return " ".join(re.sub(r"\d+", "0", word) for word in words)


def classify_lines(
    text: str, repeated_lines: frozenset[str] = frozenset()
) -> list[tuple[str, str | None]]:
    """Each non-blank line, stripped, with the reason it is chrome, or None for reporting."""
    lines = [line.strip() for line in text.splitlines()]
    script = dominant_script(text)
    masthead = masthead_indexes(lines)
    headline = find_headline(lines, script)
    verdicts = []
    for i, line in enumerate(lines):
        if not line:
            continue
        if i == headline:
            reason = HEADLINE
        elif i in masthead:
            reason = OUTLET_LINE if i == masthead.start else "site header"
        else:
            reason = line_reason(line, script, repeated_lines)
        verdicts.append((line, reason))
    return verdicts


def line_reason(line: str, script: str, repeated_lines: frozenset[str] = frozenset()) -> str | None:
    """Why one line, out of context, is chrome; None when it reads as reporting."""
    reason = stated_reason(line, script)
    if reason is None and line_key(line) in repeated_lines and _repeat_is_chrome(line):
        reason = REPEATED
    return reason or shape_reason(line)


def stated_reason(line: str, script: str) -> str | None:
    """Chrome recognised by what the line says or by its script, whatever its shape."""
    if not any(ch.isalnum() for ch in line):
        return "line without words"
    if not any(ch.isalpha() for ch in line):
        return "number without words"
    if _script_share(line, script) < 0.5:
        return "line in another script"
    if outlet_line(line) or parse_date(line) or dated_line(line):
        return OUTLET_LINE
    if _SOURCE_LINE.match(line):
        return SOURCE_LINE
    if byline(line):
        return BYLINE
    return _table_reason(line) or _navigation_reason(line) or _caption_reason(line)


def shape_reason(line: str) -> str | None:
    """Chrome recognised by shape: short lines, or title-case ones, without sentence punctuation."""
    if is_sentence(line):
        return None
    words = len(line.split())
    if words >= 4 and is_title_case(line):
        return TITLE_CASE_LINE
    if words <= LABEL_MAX_WORDS:
        return SHORT_LINE
    return None


def _table_reason(line: str) -> str | None:
    if len(line.split()) > CHROME_MAX_WORDS:
        return None
    return next((reason for reason, pattern in _CHROME if pattern.search(line)), None)


def _navigation_reason(line: str) -> str | None:
    if len(line) > OUTLET_LINE_MAX_CHARS:
        return None
    items = _TITLE_SEPARATOR.split(line)[::2]
    if len(items) < NAV_MIN_ITEMS:
        return None
    for item in items:
        words = item.split()
        if not 1 <= len(words) <= NAV_ITEM_MAX_WORDS or not all(map(_NAV_WORD.match, words)):
            return None
    return "site navigation"


def _caption_reason(line: str) -> str | None:
    if is_sentence(line) or not _CAPTION_TAIL.search(line):
        return None
    return "caption"


def _repeat_is_chrome(line: str) -> bool:
    """Boilerplate repeats; so may a short reporting sentence, which quotes or attribution save."""
    if not is_sentence(line):
        return True
    return len(line.split()) <= REPEAT_MAX_WORDS and not REPORTING_MARKS.search(line)


# Shapes


def is_sentence(line: str) -> bool:
    if SENTENCE_END.search(line):
        return True
    return bool(CLAUSE_END.search(line)) and len(line.split()) >= CLAUSE_MIN_WORDS


def is_title_case(line: str) -> bool:
    """Most words capitalised, as in "Syrian Ceasefire Failed 'Because Some Wanted It to Fail'"."""
    words = [w.strip("\"'“”‘’()[]:,") for w in line.split()]
    words = [w for w in words if w[:1].isalpha() and w.lower() not in SMALL_WORDS]
    if not words:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.8


def is_headline_shaped(line: str) -> bool:
    low, high = HEADLINE_WORDS
    if not low <= len(line.split()) <= high or len(line) > HEADLINE_MAX_CHARS:
        return False
    return not (CLAUSE_END.search(line) or re.search(r"[.…][\"'”’)\]»]*$", line))


# The top of the page


def masthead_indexes(lines: list[str]) -> range:
    """The outlet line at the very top, with the short lines (section, tagline) set with it
    before the first blank line: the site's header. Just the outlet line if that block could
    hold reporting (long or quoting lines, or no blank line to end it)."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None or outlet_line(lines[first]) is None:
        return range(0)
    end = next((i for i in range(first, len(lines)) if not lines[i]), len(lines))
    block = lines[first + 1 : end]
    if end == len(lines) or len(block) > MASTHEAD_MAX_LINES or any(map(_could_report, block)):
        return range(first, first + 1)
    return range(first, end)


def _could_report(line: str) -> bool:
    return len(line.split()) > REPEAT_MAX_WORDS or bool(REPORTING_MARKS.search(line))


def find_headline(lines: list[str], script: str) -> int | None:
    """Index of the article's headline: the first headline-shaped line above the reporting,
    on a line of its own: followed by a blank line, by a dateline, byline or photo line, or
    by the first sentence of the reporting. A headline line may also state the outlet and the
    date ("Talks Fail - The Harbor Gazette - March 24, 2021", see `title_line`). None if the
    text has none.
    """
    for i in _top_lines(lines):
        line = lines[i]
        if stated_reason(line, script):
            continue
        stated = title_line(line)
        shaped = len(stated[0]) <= HEADLINE_MAX_CHARS if stated else is_headline_shaped(line)
        if shaped and _ends_headline_block(lines, i, script):
            return i
        if shape_reason(line) is None:
            return None  # the reporting begins: no headline above it
    return None


def _top_lines(lines: list[str]) -> list[int]:
    masthead = masthead_indexes(lines)
    return [i for i, line in enumerate(lines) if line and i not in masthead]


def _ends_headline_block(lines: list[str], i: int, script: str) -> bool:
    if i + 1 >= len(lines) or not lines[i + 1]:
        return True
    reason = stated_reason(lines[i + 1], script)
    if reason in (OUTLET_LINE, BYLINE, "photo credit", "caption"):
        return True
    # Text with a line break between paragraphs and none between them: the headline sits
    # straight above the first sentence of the reporting.
    return reason is None and shape_reason(lines[i + 1]) is None


# Values stated by metadata lines


def outlet_line(line: str) -> tuple[str, date | None] | None:
    """(name, date) from "- Name" or "- Name - <date>"; None for any other line."""
    match = _OUTLET_LINE.match(line) if len(line) <= OUTLET_LINE_MAX_CHARS else None
    if not match:
        return None
    name, rest = match["name"].strip(), match["rest"]
    published = parse_date(rest) if rest else None
    if rest and published is None:
        return None
    if len(name.split()) > OUTLET_MAX_WORDS or is_sentence(name) or not name[0].isupper():
        return None
    return name, published


def dated_line(line: str) -> tuple[str, date] | None:
    """(name, date) from a line that is a name, a separator and a full date: "Fernhill Herald
    - December 27, 2008", "The Vancouver Sun | Saturday, December 27, 2008". The name is ""
    where it need not be an outlet's: a place in capitals opening a dateline ("BEIRUT - Dec.
    27, 2008") or a stamp word ("Updated - ..."). None for any other line, a headline holding
    a dash among them ("Syria - the truce is over - March 24, 2021")."""
    if len(line) > OUTLET_LINE_MAX_CHARS:
        return None
    pieces = _TITLE_SEPARATOR.split(line, maxsplit=1)
    if len(pieces) < 3 or not _is_outlet_name(name := pieces[0].strip()):
        return None
    published = parse_date(pieces[2])
    if published is None:
        return None
    words = name.lower().split()
    if name.isupper() or all(word in STAMP_WORDS for word in words):
        name = ""
    return name, published


def title_line(line: str) -> tuple[str, str, date] | None:
    """(headline, outlet, date) from "Headline - Outlet - Date" (also with "|", "–" or "—"
    between them), as pages print their title; None for any other line. The date must be
    one (`parse_date`) and the outlet name-shaped, so a headline that itself holds a dash
    ("Syria - the truce is over") stays whole."""
    if len(line) > OUTLET_LINE_MAX_CHARS + HEADLINE_MAX_CHARS:
        return None
    pieces = _TITLE_SEPARATOR.split(line)  # text, separator, text, ...
    # The date may hold a separator itself ("September 20, 2016 - 4:43 pm"): try each tail.
    for k in range(len(pieces) - 1, 3, -2):
        published = parse_date("".join(pieces[k:]))
        if published is None:
            continue
        name, headline = pieces[k - 2].strip(), "".join(pieces[: k - 3]).strip()
        if headline and _is_outlet_name(name):
            return headline, name, published
    return None


def _is_outlet_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= OUTLET_MAX_WORDS or is_sentence(name) or not name[0].isupper():
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in SMALL_WORDS for w in words)


def copyright_owner(line: str) -> str | None:
    """The name a copyright notice gives: "© 2021 The Harbor Gazette", "Copyright © 2020 The
    Washington Times, LLC. Click here for reprint permission." (company forms such as "LLC"
    left out); None when the line is no notice or names nothing name-shaped."""
    match = _COPYRIGHT.match(line) if len(line) <= BYLINE_MAX_CHARS else None
    if not match:
        return None
    name = _COPYRIGHT_END.split(match["rest"], maxsplit=1)[0]
    words = name.split()
    while words and words[-1].strip(".").lower() in COMPANY_FORMS:
        words.pop()
    name = " ".join(words)
    return name if name and _is_outlet_name(name) else None


def source_name(line: str) -> str | None:
    """The name after "Source:" ("" when it names nobody); None if it is no source line."""
    match = _SOURCE_LINE.match(line)
    return match["name"].strip() if match else None


def byline(line: str) -> tuple[str, str] | None:
    """(names, outlet) from "By Jane Doe" or "By Jane Doe, Outlet"; None for other lines."""
    match = _BYLINE.match(line) if len(line) <= BYLINE_MAX_CHARS else None
    if not match or not _is_name(match["who"]):
        return None
    org = (match["org"] or "").strip()
    if org and not _is_name(org):
        return None
    if org and org.lower().split()[-1] in BYLINE_ROLES:
        org = ""
    return match["who"].strip(), org


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 8 or not words[0][0].isupper():
        return False
    return all(_NAME_WORD.match(word) for word in words)


def parse_date(line: str) -> date | None:
    """The date a line consists of ("Tuesday, September 20, 2016", "20 Sept. 2016", ...)."""
    for pattern in _DATES:
        match = pattern.fullmatch(line.strip())
        if match:
            return _date(match["year"], match["month"], match["day"])
    return None


def _date(year: str, month: str, day: str) -> date | None:
    number = int(month) if month.isdigit() else MONTHS[month[:3].lower()]
    try:
        return date(int(year), number, int(day))
    except ValueError:
        return None


# Scripts


def dominant_script(text: str) -> str:
    counts = Counter(_script(ch) for ch in text if ch.isalpha())
    return counts.most_common(1)[0][0] if counts else ""


def _script_share(line: str, script: str) -> float:
    letters = [ch for ch in line if ch.isalpha()]
    if not letters or not script:
        return 1.0
    return sum(1 for ch in letters if _script(ch) == script) / len(letters)


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


# Page furniture inside the body


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Reasons a sentence of the body is no claim. The sentence stays in the body, so the claims
# around it keep their exact offsets; it is only not offered as a claim.
WEB_ADDRESS = "web address"
DATELINE = "dateline"
SECTION_LABEL = "section label"
SOURCE_MARKER = "source marker"
NO_WORDS = "sentence without words"

# A web address alone, also as tokenised corpora print it: "http: / / www. example. com / a".
_URL = re.compile(r"^(?:https?\s*:\s*/\s*/|//\s*\w|www\s*\.\s*\w)", re.IGNORECASE)
# A short label before a web address and nothing after it: "Read or Share this story: http://..."
_LABELLED_URL = re.compile(r"^[\w'’ ]{1,40}:\s*(?=(?:https?\s*:|//|www\s*\.))", re.IGNORECASE)
# A credit line for the story's other reporters: "Contributing: Jane Doe and John Roe".
_CREDIT = re.compile(
    r"^(?:contributing|contributors?|additional reporting(?: by)?|reporting by)\s*:?\s+"
    r"(?P<who>[^.;]{2,120}?)\s*\.?$",
    re.IGNORECASE,
)
_PROSE = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}")  # words set apart by spaces
# The words a dateline is made of: weekdays and months, stamp words, time zones.
CALENDAR_WORDS = _lexicon(
    """
    mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday
    sun sunday jan january feb february mar march apr april may jun june jul july aug august
    sep sept september oct october nov november dec december
    """
)
STAMP_WORDS = CALENDAR_WORDS | _lexicon(
    """
    posted published updated created modified story article first last originally date dated
    time filed on at and as of today ago year years day days hour hours minute minutes mins
    hrs a p m am pm noon midnight st nd rd th
    et est edt ct cst cdt mt mst mdt pt pst pdt akst akdt hst gmt utc bst cet cest eet eest
    ist aest aedt awst jst hkt msk sast uk
    """
)
_CLOCK = re.compile(r"\d\s*[:.]\s*\d\d\b|\d\s*[ap]\.?\s*m\b|\bnoon\b|\bmidnight\b", re.I)
_NUMERIC_DATE = re.compile(r"\d{1,4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}")
# "Posted: <anything>": the colon after a stamp word marks it as page furniture.
_STAMP_LABEL = re.compile(
    r"^(?:(?:first |last |originally )?(?:posted|published|updated|modified)|story created"
    r"|created)(?: (?:on|at|in|by))?\s*:",
    re.IGNORECASE,
)
STAMP_LABEL_MAX_WORDS = 12
# "(CNN) --", "BEIRUT, Lebanon (AP) —": the agency marker that opens a story, when alone.
_SOURCE_MARKER = re.compile(r"(?:[A-Z][\w.,' -]{0,40})?\(\s*[A-Z][\w.&'/ -]{0,40}\)\s*[-–—:]*")
LABEL_MAX_WORDS_CAPS = 3
_CAPS_WORD = re.compile(r"([A-Z]{2,})\b[\s,.–—-]*")


def furniture_reason(sentence: str) -> str | None:
    """Why a sentence of the body is page furniture rather than a claim; None for a claim.

    The whole sentence is judged: one that merely contains a date, or opens with "By" or
    "Posted" as reporting does ("By Tuesday, the talks had collapsed."), is a claim.
    """
    text = sentence.strip()
    if not any(ch.isalpha() for ch in text):
        return DATELINE if _is_timestamp(text) else NO_WORDS
    address = _LABELLED_URL.sub("", text) if len(text.split()) <= 12 else text
    if _URL.match(address) and not _PROSE.search(_URL.sub("", address)):
        return WEB_ADDRESS
    if _is_timestamp(text) or _stamp_label(text):
        return DATELINE
    if byline(text.rstrip(".")) or _credit(text):
        return BYLINE
    if _SOURCE_MARKER.fullmatch(text):
        return SOURCE_MARKER
    if _is_caps_label(text):
        return SECTION_LABEL
    return _table_reason(text)


def _credit(text: str) -> bool:
    """ "Contributing: Jane Doe and John Roe" (names, and maybe a trailing word or count the
    page printed: "Photos 0"), "Additional reporting by Jane Doe in Moscow"."""
    match = _CREDIT.match(text) if len(text) <= BYLINE_MAX_CHARS else None
    if match is None:
        return False
    words = match["who"].split()
    names = [w for w in words if _NAME_WORD.match(w) or w.isdigit()]
    return len(names) >= len(words) - 2 and any(w[:1].isupper() for w in words)


def _is_timestamp(text: str) -> bool:
    """Whether the sentence is a date or time and nothing else, stamp words allowed, after a
    short label ("Edited time: ...") or a place in capitals ("WASHINGTON, DC, April 28, 2009")."""
    label, colon, rest = text.partition(":")
    short = colon and len(label.split()) <= 3 and not any(ch.isdigit() for ch in label)
    if short and _is_date_or_time(rest):
        return True
    return _is_date_or_time(_without_place(text))


def _is_date_or_time(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+|\d+", text.lower())
    if not all(w.isdigit() or w in STAMP_WORDS for w in words):
        return False
    if not any(w.isdigit() for w in words):
        return False
    dated = any(w in CALENDAR_WORDS for w in words) or _NUMERIC_DATE.search(text)
    return bool(dated or _CLOCK.search(text) or "ago" in words)


def _without_place(text: str) -> str:
    """The text after the words in capitals that open it, unless they are stamp words."""
    rest = text
    while match := _CAPS_WORD.match(rest):
        if match[1].lower() in STAMP_WORDS:
            break
        rest = rest[match.end() :]
    return rest


def _stamp_label(text: str) -> bool:
    """A stamp word and a colon before no sentence: "Posted: by admin in World", whereas
    "Updated: the talks resume on Friday." is reporting."""
    if not _STAMP_LABEL.match(text) or SENTENCE_END.search(text):
        return False
    return len(text.split()) <= STAMP_LABEL_MAX_WORDS


def _is_caps_label(text: str) -> bool:
    """A short line in capitals without sentence punctuation: "WORLD NEWS", "SPORTS |"."""
    label = text.rstrip(":|-–—>» ")
    if not label or label[-1] in "!?" or len(label.split()) > LABEL_MAX_WORDS_CAPS:
        return False
    if label.endswith(".") and "." not in label.split()[-1][:-1]:
        return False  # "NO." ends a sentence; "U.S." is an abbreviation
    letters = [ch for ch in label if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)
