"""Ingest step beside metadata: the outlet an article's text says it comes from.

A republishing site states where the text was first published: "Source: CNN", "This article
originally appeared in Military Times", "Originally published by The Conversation", a wire
dateline "WASHINGTON (Reuters) -", a credit line "AP". That outlet is the article's origin,
kept beside the site it was found on. Only what the text states: nothing is inferred from the
wording, and a line stating none leaves the origin "".
"""

import re

_NAME = r"(?P<name>[A-Z0-9][\w&.'’ -]{0,60}?)"
_END = r"\s*[.,;:]?\s*$"
# Whole lines (stripped); the first line that matches names the origin.
_LINE_SHAPES = [
    re.compile(r"^source\s*:\s*" + _NAME + _END, re.IGNORECASE),
    re.compile(
        r"^(?:this (?:article|story|report|piece) )?(?:was )?(?:originally|first) "
        r"(?:appeared|published|ran)(?: (?:in|on|at|by))? " + _NAME + _END,
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:this (?:article|story|report|piece) )?(?:originally |first )?"
        r"(?:appeared|was published|ran) (?:originally |first )?(?:in|on|at|by) " + _NAME + _END,
        re.IGNORECASE,
    ),
    re.compile(r"^(?:[-–—]\s*)?(?P<name>AP|AFP|Reuters|(?:The )?Associated Press)" + _END),
]
OPENING = 3
# A wire dateline opening a paragraph: "WASHINGTON (Reuters) - ...", "(CNN) — ...".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z.'’-]*(?:[ ,]+[A-Z][A-Za-z.'’-]*){0,4}\s*)?"
    r"\((?P<name>[A-Z][\w&.'’ -]{0,40}?)\)\s*[-–—]"
)


def stated_origin(body: str, removed: list[str] = ()) -> str:
    """The origin outlet the text states, or "" when it states none. `removed`: the lines
    the cleaner took out of the body (a "Source:" line is one); they are read first. A wire
    dateline counts only in the body's first OPENING lines, where datelines stand."""
    lines = [" ".join(line.split()) for line in [*removed, *body.splitlines()]]
    for line in lines:
        match = len(line) <= 300 and next(filter(None, (s.match(line) for s in _LINE_SHAPES)), None)
        if match:
            return _clean(match["name"])
    opening = [line for line in body.splitlines() if line.strip()][:OPENING]
    for line in opening:
        match = _DATELINE.match(line.strip())
        if match:
            return _clean(match["name"])
    return ""


def _clean(name: str) -> str:
    return name.strip(" .,;:-–—")
