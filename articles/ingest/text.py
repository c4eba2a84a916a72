"""A scraped page's plain text made a Draft: what the raw text states (outlet, title, date,
byline), then the site chrome removed."""

from articles.ingest.clean import clean_text
from articles.ingest.deadline import NO_DEADLINE, Deadline
from articles.ingest.draft import Draft
from articles.ingest.errors import ImportFailure
from articles.ingest.metadata import Metadata, detect_metadata


def draft_from_text(
    text: str,
    source: str,
    repeated_lines: frozenset[str],
    deadline: Deadline = NO_DEADLINE,
    meta: Metadata | None = None,
) -> Draft:
    """A scraped page's text: metadata from what the raw text states (`meta`, when the caller
    has read it already), then the chrome removed."""
    meta = detect_metadata(text) if meta is None else meta
    deadline.check()
    cleaned = clean_text(text, repeated_lines)
    if not cleaned.body.strip():
        raise ImportFailure("nothing left after removing the site chrome")
    return Draft(
        source=source,
        original=text,
        original_format="txt",
        body=cleaned.body,
        title=meta.title,
        outlet=meta.outlet,
        published=meta.published,
        byline=meta.byline,
        domain=meta.domain,
        removed=cleaned.removed,
    )
