"""A scraped page's plain text made a Draft: what the raw text states (outlet, title, date,
byline), then the site chrome removed."""

from articles.ingest.clean import LABEL_MAX_WORDS, SHAPE_REASONS, clean_text
from articles.ingest.counts import counted
from articles.ingest.deadline import NO_DEADLINE, Deadline
from articles.ingest.draft import Draft
from articles.ingest.errors import ImportFailure
from articles.ingest.metadata import Metadata, detect_metadata
from articles.ingest.types import RemovedLine


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
        raise ImportFailure(_nothing_left(text, cleaned.removed))
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


def _nothing_left(text: str, removed: list[RemovedLine]) -> str:
    """Why a text left no reporting. Said of "Hi" (a UTF-16 file of one word) it was "nothing
    left after removing the site chrome", though no line was chrome: it has no sentence."""
    if any(line.reason not in SHAPE_REASONS for line in removed):
        return "nothing left after removing the site chrome"
    words = len(text.split())
    if words <= LABEL_MAX_WORDS:
        return f"too short to be an article: {counted(words, 'word')}, no sentence"
    return "no sentence to import: every line is a heading or label without sentence punctuation"
