"""A story's links split between annotators, some given to two of them so that agreement can
be measured. Pure arithmetic; no database.

The links are dealt out in their order, round the annotators in turn, like cards: a link
that is to be labelled twice takes the next two annotators. So every link goes to at least
one annotator, exactly `round(overlap * n)` of the n links go to two (two different ones),
each annotator's share is within one link of every other's, the doubled links are spread
evenly along the order (not bunched at its start) and the pairs who share them rotate. The
same input gives the same split.
"""

from collections.abc import Hashable, Sequence


def doubled_count(n: int, annotators: int, overlap: float) -> int:
    """How many of n links go to two annotators: round(overlap * n), none with one annotator."""
    if not 0 <= overlap <= 1:
        raise ValueError(f"overlap must be between 0 and 1, not {overlap}")
    return round(overlap * n) if annotators >= 2 else 0


def split(links: Sequence, annotators: Sequence[Hashable], overlap: float) -> dict:
    """Each annotator's share of `links` (in the links' order), as {annotator: [link, ...]}.
    `overlap` is the share of links to be labelled by two annotators (0 to 1)."""
    if not annotators:
        raise ValueError("no annotators to split the links between")
    if len(set(annotators)) != len(annotators):
        raise ValueError("an annotator is named twice")
    n, k = len(links), len(annotators)
    doubled = doubled_count(n, k, overlap)
    shares = {annotator: [] for annotator in annotators}
    turn = 0
    for i, link in enumerate(links):
        # Link i is doubled when the running count of doubled links steps up at it: exactly
        # `doubled` of the n links, evenly spaced.
        times = 2 if (i + 1) * doubled // n > i * doubled // n else 1
        for _ in range(times):
            shares[annotators[turn % k]].append(link)
            turn += 1
    return shares
