"""What the ingest steps hand each other. Plain data, no database."""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RemovedLine:
    text: str
    reason: str  # why the cleaner dropped it, in words: "newsletter prompt", "photo credit", ...


@dataclass(frozen=True)
class Cleaned:
    body: str  # paragraphs joined by "\n\n"; never empty for a usable article
    removed: list[RemovedLine] = field(default_factory=list)


@dataclass(frozen=True)
class Metadata:
    """What the text itself states. Empty string / None when it states nothing: never guess."""

    outlet: str = ""
    title: str = ""
    published: date | None = None
    byline: str = ""
    domain: str = ""
