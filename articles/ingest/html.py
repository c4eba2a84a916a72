"""HTML pages: main text and metadata with trafilatura (this module owns every call to it)."""

from datetime import date

import trafilatura

from articles.ingest.draft import Draft
from articles.ingest.errors import ImportFailure
from articles.sanitize import sanitize_html

# Dates only from the page's metadata (meta tags, JSON-LD, <time>); no guessing from the
# text or the URL, and never the file's own date.
DATE_PARAMS = {"extensive_search": False, "original_date": True}


def parse_html(html: str, source: str) -> Draft:
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params=DATE_PARAMS,
    )
    if doc is None or not (doc.text or "").strip():
        raise ImportFailure("no article text found in the HTML")
    title = (doc.title or "").strip()
    return Draft(
        source=source,
        original=html,
        original_format="html",
        body=_body(doc.text, title),
        title=title,
        outlet=(doc.sitename or doc.hostname or "").strip(),
        domain=(doc.hostname or "").strip(),
        published=_date(doc.date),
        byline=(doc.author or "").strip(),
        display_html=_display_html(html),
    )


def _body(text: str, title: str) -> str:
    """trafilatura's text, a paragraph a line, as our blank-line-separated body without the
    headline it repeats at the top."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and title and lines[0] == title:
        lines = lines[1:]
    if not lines:
        raise ImportFailure("no article text found in the HTML beyond its headline")
    return "\n\n".join(lines)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _display_html(html: str) -> str:
    markup = trafilatura.extract(
        html,
        output_format="html",
        include_comments=False,
        include_tables=False,
        include_links=True,
        include_formatting=True,
    )
    return sanitize_html(markup or "")
