"""Omissions: facts about an event that other outlets report and this one does not.

A fact is the lexicon's (the death toll, the number of trucks, the apology, a denial, ...) or
found by a rule: the date (a date or weekday), the location (a place after "in", "near", ...),
who did it (a named agent, see agency). An outlet omits a fact when it reports the event (it
has claims in it) and none of its claims states the fact while another outlet's does. The
spans are the other outlets' words: what this outlet does not say.
"""

from . import Flag, by_outlet, span
from . import facts as found
from .agency import acts


def stated(claim, lexicon) -> list[tuple[str, int, int]]:
    """(fact, start, end) for every fact the claim states."""
    text = claim.text
    out = [(fact, a, b) for a, b, fact in found.lexicon_facts(text, lexicon)]
    out += [("the date", a, b) for a, b, _ in found.dates(text, claim.published)[:1]]
    place = found.dateline(text) or next(iter(found.places(text)), None)
    out += [("the location", place.start, place.end)] if place else []
    agents = [a.agent for a in acts(text, lexicon) if a.agent and _named(text[slice(*a.agent)])]
    out += [("who did it", *agents[0])] if agents else []
    return out


def _named(phrase: str) -> bool:
    """A name, not "they" or "the planes": an outlet that says who did it names someone."""
    return (
        any(w[:1].isupper() for w in phrase.split()[1:])
        or phrase[:1].isupper()
        and (phrase.split()[0].lower() not in ("the", "a", "an", "they", "he", "she", "it", "we"))
    )


def omissions(claims, lexicon) -> list[Flag]:
    outlets = by_outlet(claims)
    evidence: dict[str, dict[str, list]] = {}
    for outlet, outlet_claims in outlets.items():
        for claim in outlet_claims:
            for fact, start, end in stated(claim, lexicon):
                evidence.setdefault(fact, {}).setdefault(outlet, []).append(span(claim, start, end))
    flags = []
    for fact, by in sorted(evidence.items()):
        for outlet in outlets:
            if outlet in by:
                continue
            others = sorted(by)
            spans = tuple(s for o in others for s in by[o][:2])
            flags.append(
                Flag(
                    "omission",
                    outlet,
                    fact,
                    f"does not state {fact}",
                    spans,
                    "reported by " + ", ".join(others),
                )
            )
    return flags
