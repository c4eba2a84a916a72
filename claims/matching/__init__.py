"""Match a story's claims into events: normalise -> aliases -> occurrences -> candidates ->
score -> cluster -> explain. Pure functions of their input; the database is the caller's
business.

This is the face only: the names other code uses. The run itself is in run.py; each step in a
module of its own (normalise, aliases, occurrence, candidates, components and score, cluster,
also: "also tells of", describe and explain: the events and links returned).

    result = match(articles, claims, aliases=[["SAA", "Syrian troops"]], constraints=...)
    index = StoryIndex.build(articles, claims, aliases)       # keep it (pickle) for imports
    result = match_index(index, constraints)
    result = match_incremental(index, [new_article], new_claims, existing=claim_to_event_key)
"""

from .run import match, match_incremental, match_index
from .story import StaleIndex, StoryIndex
from .types import ArticleInput, ClaimInput, Constraints, Event, Link, MatchResult, free_key

__all__ = [
    "ArticleInput",
    "ClaimInput",
    "Constraints",
    "Event",
    "Link",
    "MatchResult",
    "StaleIndex",
    "StoryIndex",
    "free_key",
    "match",
    "match_incremental",
    "match_index",
]
