"""What the matcher takes and gives. Plain data, no database."""

import datetime
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class ArticleInput:
    id: int
    outlet: str
    title: str
    published: datetime.date | None
    body: str


@dataclass(frozen=True)
class ClaimInput:
    id: int
    article_id: int
    text: str
    position: int


@dataclass(frozen=True)
class Constraints:
    """What people decided; the matcher never undoes it.

    must_link: confirmed links (claim id pairs). cannot_link: rejected links. pinned: claim id ->
    key of the event a user put it in (claims pinned to one key stay together, claims pinned to
    different keys stay apart, and the event keeps that key)."""

    must_link: frozenset[tuple[int, int]] = frozenset()
    cannot_link: frozenset[tuple[int, int]] = frozenset()
    pinned: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    # confirmed links that tie a claim to another event it also tells of: (that claim, a claim
    # of the event). Not must-links: the claim stays in its own event and stays listed.
    also_confirmed: frozenset[tuple[int, int]] = frozenset()


# A million of them at a million claims: no __dict__, and not frozen (a frozen dataclass sets
# each field through object.__setattr__, which made building them cost a quarter more).
@dataclass(slots=True)
class Link:
    a: int  # claim ids, a < b, from different articles
    b: int
    score: float  # 0..1
    components: dict[str, float]
    shared_terms: Sequence[str]  # () when links are not explained
    shared_aliases: Sequence[tuple[str, str]]  # (as written in a, as written in b)
    explanation: str
    event: str = ""  # key of the event it tells of: both claims', or the one a claim also tells of


@dataclass(frozen=True, slots=True)
class Event:
    key: str  # "e<smallest claim id>" or the key a user pinned claims to
    claim_ids: list[int]
    label: str
    # claims of other events (or of none) that also tell of this one, linked to its claims
    also_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class MatchResult:
    events: list[Event]
    links: list[Link]
    stats: dict
    # (claim id, event key): every claim found to also tell of an event; an incremental run
    # includes events it did not otherwise change (a new claim telling of an old event)
    also: list[tuple[int, str]] = field(default_factory=list)


def free_key(base: str, taken: Container[str]) -> str:
    """An event key not in `taken`: `base`, else `base-2`, `base-3`, ... The one rule for every
    event key a story gets (the matcher's, a stored match's, a person's split)."""
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key
