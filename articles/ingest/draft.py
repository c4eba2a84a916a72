"""An article as the ingest steps build it, before it is stored."""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Draft:
    source: str
    original: str
    original_format: str
    body: str = ""
    title: str = ""
    outlet: str = ""
    published: date | None = None
    byline: str = ""
    domain: str = ""
    display_html: str = ""
    # Pre-segmented claims from the input, as (start, end) into body; None means "segment it".
    spans: list[tuple[int, int]] | None = None
    removed: list = field(default_factory=list)
    # What the importer had to change in the input to store it, for the report ("" if nothing).
    note: str = ""
