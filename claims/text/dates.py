"""Dates a sentence states, read as values: "September 17", "Sept. 9, 2016", "17 September",
and weekdays ("Monday") resolved against the article's publication date.

Nothing is guessed: a day and month without a year takes the article's year, and a weekday
needs the article's date; without it, neither is read.
"""

import datetime
import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip
WEEKDAYS = {
    d: i
    for i, d in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_MD = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?", re.I
)
DATE_DM = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}})\b)?", re.I
)
WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s)?\b", re.I)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: datetime.date
    how: str  # "stated" or "weekday before the article's date"


def weekday_before(weekday: int, published: datetime.date) -> datetime.date:
    """The latest day with this weekday on or before the article's date."""
    return published - datetime.timedelta(days=(published.weekday() - weekday) % 7)


def weekday_after(weekday: int, published: datetime.date) -> datetime.date:
    """The first day with this weekday on or after the article's date."""
    return published + datetime.timedelta(days=(weekday - published.weekday()) % 7)


# A weekday the sentence looks ahead to: "will meet on Friday", "was expected to be charged
# Tuesday", "is scheduled for Thursday", "next Monday". The cue and the weekday stand in one
# clause, nothing between them that starts another or tells of the past ("who", "after", "was
# arrested", a comma); "last Tuesday" is the last one. News tells what happened on the last
# such day, and what is planned on the next.
_AHEAD = re.compile(
    r"\b(?:will|won[’']t|shall|expected\s+to|scheduled|set\s+to|due\s+to|plans?\s+to|"
    r"planning\s+to|going\s+to)\b"
    r"(?:(?!\b(?:who|which|that|after|before|when|since|was|were|had|has|said|says)\b)"
    r"[^.,;:!?]){0,50}$"
    r"|\bnext\s+$",
    re.I,
)
_LAST = re.compile(r"\blast\s+$", re.I)


_DIGIT = re.compile(r"\d")


def dates_in(text: str, published: datetime.date | None) -> list[DateMention]:
    found = []
    # the patterns are costly: a stated date needs a digit, a weekday the letters "day"
    stated = ((DATE_MD, 1, 2), (DATE_DM, 2, 1)) if _DIGIT.search(text) else ()
    for pattern, month_group, day_group in stated:
        for m in pattern.finditer(text):
            year = int(m.group(3)) if m.group(3) else (published.year if published else None)
            when = _date(year, MONTHS[m.group(month_group).casefold()], int(m.group(day_group)))
            if when:
                found.append(DateMention(m.start(), m.end(), when, "stated"))
    if published and "day" in text.lower():
        for m in WEEKDAY.finditer(text):
            if not any(d.start <= m.start() < d.end for d in found):
                weekday = WEEKDAYS[m.group(1).casefold()]
                before = text[max(0, m.start() - 80) : m.start()]
                ahead = _AHEAD.search(before) and not _LAST.search(before)
                when = (weekday_after if ahead else weekday_before)(weekday, published)
                how = f"weekday {'after' if ahead else 'before'} the article's date"
                found.append(DateMention(m.start(), m.end(), when, how))
    return sorted(found, key=lambda d: d.start)


def _date(year: int | None, month: int, day: int) -> datetime.date | None:
    if year is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
