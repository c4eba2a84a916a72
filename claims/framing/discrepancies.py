"""Discrepancies: where two outlets' claims on the same event may contradict each other.

Each is a possible contradiction for a person to confirm or dismiss, with the spans that raised
it in both claims:

- number: counts of the same thing that differ ("18 trucks" / "20 trucks"; "at least 18" allows
  20; "20 killed" / "30 wounded" count different things), or quantities with units that differ
  once converted ("40 knots", 74 km/h, against "50 km/h");
- place: the same place of the same happening with a different relation ("a convoy carrying
  food into the city of Aleppo" / "a convoy carrying food to a rural area near Aleppo"; a loose
  "in Aleppo" allows "near Aleppo");
- date: dates or weekdays of the same happening that share nothing ("Monday" / "September 17");
- agent: different agents named for the same act ("the coalition bombed" / "bombed by Russian
  planes");
- intent: one says the act was meant, the other that it was not ("erroneously" / "no mistake");
- cause: the same happening put down to causes that share no word ("the crash was caused by
  technical or human errors" / "the plane crashed because of the wind"); a claim that names a
  cause the other does not, or one more ("wind and human error" / "human error"), is none.

Counts, places, intent and causes compare every two claims of different outlets on the event
(they carry their own anchor: the same thing counted, the same place, the act's intent, what was
caused); dates and agents only claims the matcher linked, since two claims of one event may well
state different days. Places, quantities, dates and causes are of the same happening when the
words around them share one (`facts.happening`: "convoy", "winds", "crash").
"""

import datetime
from dataclasses import dataclass
from itertools import combinations

from . import Span, span
from . import facts as found
from .agency import acts

KINDS = {
    "number": "numbers",
    "place": "places",
    "date": "dates",
    "agent": "agents",
    "intent": "intent",
    "cause": "causes",
}


@dataclass(frozen=True)
class Discrepancy:
    kind: str
    claim_a: int  # the smaller id
    claim_b: int
    key: str  # what is compared: "trucks", "aleppo"; with the pair and kind, its identity
    detail: str
    spans: tuple[Span, ...]


def discrepancies(claims, lexicon, linked=None) -> list[Discrepancy]:
    """`linked`: pairs of claim ids (smaller first) the matcher linked; None for every pair."""
    facts = {c.id: _facts(c, lexicon) for c in claims}
    out = []
    for a, b in combinations(sorted(claims, key=lambda c: c.id), 2):
        if a.outlet == b.outlet:
            continue
        is_linked = linked is None or (a.id, b.id) in linked
        for kind, rule in RULES.items():
            if kind in ("date", "agent") and not is_linked:
                continue
            out += rule(a, b, facts[a.id], facts[b.id])
    return out


def _facts(claim, lexicon) -> dict:
    text = claim.text
    return {
        "counts": found.counts(text, lexicon),
        "measures": found.measures(text),
        "places": found.places(text),
        "dates": found.dates(text, claim.published),
        "intents": found.intents(text, lexicon),
        "causes": found.causes(text),
        "agents": [act for act in acts(text, lexicon) if act.agent],
    }


def _numbers(a, b, fa, fb):
    for x in fa["counts"]:
        for y in fb["counts"]:
            if x.unit == y.unit and x.what == y.what and not found.compatible(x, y):
                return [_number(a, b, x, y, x.unit)]
    for x in fa["measures"]:
        for y in fb["measures"]:
            if x.dimension == y.dimension and not found.same_measure(x, y) and _same(a, b, x, y):
                return [_number(a, b, x, y, x.dimension)]
    return []


def _number(a, b, x, y, key) -> Discrepancy:
    said_a, said_b = a.text[x.start : x.end], b.text[y.start : y.end]
    detail = f"{a.outlet}: “{said_a}”; {b.outlet}: “{said_b}”"
    spans = (span(a, x.start, x.end), span(b, y.start, y.end))
    return Discrepancy("number", a.id, b.id, key, detail, spans)


def _same(a, b, x, y) -> bool:
    """Whether facts x of claim a and y of claim b are of the same happening."""
    return bool(found.happening(a.text, x.start, x.end) & found.happening(b.text, y.start, y.end))


def _places(a, b, fa, fb):
    for x in fa["places"]:
        for y in fb["places"]:
            if x.name.casefold() != y.name.casefold() or x.relation == y.relation:
                continue
            if (x.firm if x.relation == "in" else y.firm) and _same(a, b, x, y):
                detail = (
                    f"{a.outlet} puts it {x.relation} {x.name}, {b.outlet} {y.relation} {y.name}"
                )
                spans = (span(a, x.start, x.end), span(b, y.start, y.end))
                return [Discrepancy("place", a.id, b.id, x.name.casefold(), detail, spans)]
    return []


def _dates(a, b, fa, fb):
    around_a = [found.happening(a.text, start, end) for start, end, _ in fa["dates"]]
    around_b = [found.happening(b.text, start, end) for start, end, _ in fb["dates"]]
    of_a = [x for x, h in zip(fa["dates"], around_a, strict=True) if any(h & g for g in around_b)]
    of_b = [y for y, g in zip(fb["dates"], around_b, strict=True) if any(h & g for h in around_a)]
    if not of_a or not of_b:
        return []
    if _day_values(of_a) & _day_values(of_b) or not _comparable(of_a, of_b):
        return []
    said_a, said_b = ", ".join(_said(a, of_a)), ", ".join(_said(b, of_b))
    detail = f"{a.outlet}: {said_a}; {b.outlet}: {said_b}"
    spans = tuple(span(a, s, e) for s, e, _ in of_a) + tuple(span(b, s, e) for s, e, _ in of_b)
    return [Discrepancy("date", a.id, b.id, "date", detail, spans)]


def _comparable(dates_a, dates_b) -> bool:
    """A weekday and a day of no stated year ("Thursday", "10 Nov") cannot be told apart."""

    def forms(dates):
        return {
            "iso" if v[:1].isdigit() else "day" if v[:2] == "--" else "weekday" for *_, v in dates
        }

    fa, fb = forms(dates_a), forms(dates_b)
    return "iso" in fa | fb or bool(fa & fb)


def _day_values(dates) -> set[str]:
    """Each date as its ISO day, its weekday and its day of the year, so that "Monday" meets
    "2016-09-19" and "September 19" (no year) does too."""
    out = set()
    for _, _, value in dates:
        out.add(value)
        if value[:1].isdigit():
            out.add(datetime.date.fromisoformat(value).strftime("%A"))
            out.add("--" + value[5:])
    return out


def _said(claim, dates) -> list[str]:
    return sorted({f"“{claim.text[s:e]}”" for s, e, _ in dates})


def _agents(a, b, fa, fb):
    for x in fa["agents"]:
        for y in fb["agents"]:
            name_x, name_y = a.text[slice(*x.agent)], b.text[slice(*y.agent)]
            if not _names(name_x) or not _names(name_y) or _names(name_x) & _names(name_y):
                continue
            if _act(a.text[slice(*x.verb)]) != _act(b.text[slice(*y.verb)]):
                continue  # two acts ("attacked", "thwarted"): not who did the same thing
            verb_x, verb_y = a.text[slice(*x.verb)], b.text[slice(*y.verb)]
            detail = f"{a.outlet}: “{name_x}” {verb_x}; {b.outlet}: {verb_y} “{name_y}”"
            spans = (span(a, *x.agent), span(a, *x.verb), span(b, *y.agent), span(b, *y.verb))
            return [Discrepancy("agent", a.id, b.id, "agent", detail, spans)]
    return []


def _act(verb: str) -> str:
    """The act of a verb phrase, as a stem: "were bombed", "bombing" -> "bomb"."""
    return verb.split()[-1].lower()[:4]


def _names(phrase: str) -> set[str]:
    """The capitalised words of an agent: a pronoun or a common noun names nobody to compare."""
    return {w.strip(".,’'").casefold() for w in phrase.split()[0:] if w[:1].isupper()} - {
        "the",
        "a",
        "an",
    }


def _intent(a, b, fa, fb):
    for x in fa["intents"]:
        for y in fb["intents"]:
            if x[2] != y[2]:
                said_a, said_b = a.text[x[0] : x[1]], b.text[y[0] : y[1]]
                detail = f"{a.outlet}: “{said_a}” ({x[2]}); {b.outlet}: “{said_b}” ({y[2]})"
                spans = (span(a, x[0], x[1]), span(b, y[0], y[1]))
                return [Discrepancy("intent", a.id, b.id, "intent", detail, spans)]
    return []


def _causes(a, b, fa, fb):
    for x in fa["causes"]:
        for y in fb["causes"]:
            if x.words & y.words:
                continue
            if found.cause_happening(a.text, x) & found.cause_happening(b.text, y):
                said_a, said_b = a.text[slice(*x.cause)], b.text[slice(*y.cause)]
                detail = f"{a.outlet}: “{said_a}”; {b.outlet}: “{said_b}”"
                spans = (span(a, x.start, x.end), span(b, y.start, y.end))
                return [Discrepancy("cause", a.id, b.id, "cause", detail, spans)]
    return []


RULES = {
    "number": _numbers,
    "place": _places,
    "date": _dates,
    "agent": _agents,
    "intent": _intent,
    "cause": _causes,
}
