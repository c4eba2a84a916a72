"""Precision and recall of the framing rules against labelled lists (tests/gold/
framing_gold.py): what `bench/quality.py` prints. Pure: labels and flags in, numbers out."""

from claims.framing import agency, discrepancies, hedging, omissions, sources
from claims.framing.lexicon import load


def predicted(claims, events: dict[str, list], lexicon=None) -> dict[str, set]:
    """Flags of each kind as comparable items."""
    lexicon = lexicon or load()
    out = {"sources": set(), "passives": set(), "agentless": set(), "hedges": set()}
    out |= {"discrepancies": set(), "omissions": set()}
    for flag in sources.sources(claims):
        if flag.kind == "source":
            out["sources"].add((flag.outlet, flag.topic))
    for flag in agency.agency(claims, lexicon):
        verb = flag.spans[0]
        if verb.text.lower().split()[0] in _BE_WORDS:
            out["passives"].add((flag.outlet, _phrase(verb.text)))
            if flag.kind == "agentless":
                out["agentless"].add((flag.outlet, _phrase(verb.text)))
    for flag in hedging.hedging(claims, lexicon):
        if flag.kind == "hedge":
            out["hedges"].add((flag.outlet, flag.topic))
    for name, event_claims in events.items():
        outlet = {c.id: c.outlet for c in event_claims}
        for d in discrepancies.discrepancies(event_claims, lexicon):
            out["discrepancies"].add(
                (name, d.kind, frozenset({outlet[d.claim_a], outlet[d.claim_b]}))
            )
        for flag in omissions.omissions(event_claims, lexicon):
            out["omissions"].add((name, flag.outlet, flag.topic))
    return out


_BE_WORDS = {"am", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had"}


def _phrase(text: str) -> str:
    return " ".join(text.lower().split())


def gold_items(gold) -> dict[str, set]:
    """The labels as comparable items; a list that labels no omissions (OMISSIONS = None)
    has no omissions row."""
    passives = {(o, p) for o, ps in gold.PASSIVES.items() for p in ps}
    items = {
        "sources": {(o, frozenset(keys)) for o, rows in gold.SOURCES.items() for keys in rows},
        "passives": passives,
        "agentless": {
            (o, p) for o, ps in gold.PASSIVES.items() for p, named in ps.items() if not named
        },
        "hedges": {(o, h) for o, hs in gold.HEDGES.items() for h in hs},
        "discrepancies": set(gold.DISCREPANCIES),
    }
    if gold.OMISSIONS is not None:
        items["omissions"] = set(gold.OMISSIONS)
    return items


def precision_recall(kind: str, found: set, gold: set) -> tuple[float, float, int, int, int]:
    """(precision, recall, true positives, found, gold); sources match any of the gold keys,
    passives a gold phrase that the found one ends with ("has been characterized")."""
    if kind == "sources":
        matched = {g for g in gold if any(f[0] == g[0] and f[1] in g[1] for f in found)}
        good = {f for f in found if any(f[0] == g[0] and f[1] in g[1] for g in gold)}
    elif kind in ("passives", "agentless"):
        matched = {g for g in gold if any(f[0] == g[0] and f[1].endswith(g[1]) for f in found)}
        good = {f for f in found if any(f[0] == g[0] and f[1].endswith(g[1]) for g in gold)}
    else:
        matched = good = found & gold
    precision = len(good) / len(found) if found else 1.0
    recall = len(matched) / len(gold) if gold else 1.0
    return precision, recall, len(matched), len(found), len(gold)
