"""Step 3 of ingest: the outlet, title, date and byline the raw text itself states.

Read from the lines clean.py classifies, so the title reported here is exactly the line the
cleaner drops as "headline". Anything not stated stays "" or None: never guessed, so dates
the reporting mentions are never taken for the publication date.
"""

import re
from datetime import date

from articles.ingest.clean import (
    BYLINE,
    COPYRIGHT,
    HEADLINE,
    OUTLET_LINE,
    SOURCE_LINE,
    byline,
    classify_lines,
    copyright_owner,
    dated_line,
    outlet_line,
    parse_date,
    source_name,
    title_line,
)
from articles.ingest.types import Metadata

_DOMAIN = re.compile(
    r"^(?:https?://)?(?:www\.)?(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})"
    r"(?:/\S*)?$",
    re.IGNORECASE,
)


def detect_metadata(text: str) -> Metadata:
    """The outlet from the first of: the outlet line at the top ("- Name"), the headline line
    ("Headline - Name - Date"), a dated outlet line above the reporting ("Name - Date", when
    the headline is another line, so the name is not the headline's), a "Source:" line, the
    byline ("By Jane Doe, Name"), a copyright notice ("© 2021 Name"). The date from the
    outlet line, the headline line or a dateline at the top (a dated outlet line among
    them); a copyright year is no publication date."""
    verdicts = classify_lines(text)
    top = _top_lines(verdicts)
    source = _source(verdicts)
    names, byline_outlet = _byline(verdicts)
    masthead = outlet_line(top[0]) if top else None
    named_source = "" if _DOMAIN.match(source) else source
    headline = next((line for line, reason in verdicts if reason == HEADLINE), "")
    title, title_outlet, title_date = title_line(headline) or (headline, "", None)
    dated_outlet = _dated_outlet(verdicts) if headline else ""
    outlets = [masthead[0] if masthead else "", title_outlet, dated_outlet, named_source]
    outlets.append(byline_outlet)
    return Metadata(
        outlet=next((name for name in outlets if name), "") or _copyright(verdicts),
        title=title,
        published=(masthead[1] if masthead else None) or title_date or _dateline(top),
        byline=names,
        domain=_domain(source),
    )


def _top_lines(verdicts: list[tuple[str, str | None]]) -> list[str]:
    """The lines above the first line of reporting, where pages state their metadata."""
    top = []
    for line, reason in verdicts:
        if reason is None:
            break
        top.append(line)
    return top


def _dateline(top: list[str]) -> date | None:
    dates = (parse_date(line) or (dated_line(line) or ("", None))[1] for line in top)
    return next((found for found in dates if found), None)


def _dated_outlet(verdicts: list[tuple[str, str | None]]) -> str:
    """The name of the first "Name - Date" line above the reporting; "" when none names one."""
    top = [line for line, reason in verdicts[: len(_top_lines(verdicts))] if reason == OUTLET_LINE]
    names = ((dated_line(line) or ("", None))[0] for line in top)
    return next((name for name in names if name), "")


def _source(verdicts: list[tuple[str, str | None]]) -> str:
    """The last "Source: Name" line's name; "" when none names anybody."""
    names = [source_name(line) for line, reason in verdicts if reason == SOURCE_LINE]
    return next((name for name in reversed(names) if name), "")


def _copyright(verdicts: list[tuple[str, str | None]]) -> str:
    """The name the first copyright notice that names one gives; "" when none does."""
    owners = (copyright_owner(line) for line, reason in verdicts if reason == COPYRIGHT)
    return next((name for name in owners if name), "")


def _byline(verdicts: list[tuple[str, str | None]]) -> tuple[str, str]:
    found = [byline(line) for line, reason in verdicts if reason == BYLINE]
    return next((pair for pair in found if pair), ("", ""))


def _domain(source: str) -> str:
    match = _DOMAIN.match(source)
    return match["host"].lower() if match else ""
