"""Sources: whom each outlet quotes or cites, how often, with the quoted spans; and which claims
are the outlet's own statements.

The speaker of a claim comes from `claims.text.attribution` (the speech-verb lexicon). A pronoun
or a bare role ("he", "the journalist") stands for the last source the same article named; a
claim that is nothing but a quotation continues the previous claim's source.
"""

import re

from claims.text.attribution import PRONOUNS, attributions, quotation_regions

from . import Flag, span

_TITLES = {
    "mr", "mrs", "ms", "dr", "col", "gen", "lt", "maj", "capt", "sgt", "adm", "sen", "rep",
    "gov", "president", "secretary", "minister", "spokesman", "spokeswoman", "chief", "the",
}  # fmt: skip
_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|one|some)\s+", re.IGNORECASE)


def source_key(name: str) -> str:
    """Names of one source: "Col. John Thomas", "Thomas", "Air Force Col. John J. Thomas"."""
    words = [w.strip(".,’'") for w in name.split()]
    names = [w for w in words if w[:1].isupper() and w.lower() not in _TITLES and len(w) > 1]
    if names and not names[-1].isupper():
        return names[-1].lower()
    return _DETERMINERS.sub("", name).lower()


def _is_stand_in(name: str) -> bool:
    """A pronoun or a role without a name, which refers back to a source named before."""
    words = name.split()
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return True
    return bool(_DETERMINERS.match(name)) and not any(w[:1].isupper() for w in words[1:])


def sources(claims) -> list[Flag]:
    """Per claim: a "source" flag (speaker, verb and quotations as spans) or an "own" flag."""
    flags, last = [], {}
    for claim in claims:
        regions = quotation_regions(claim.text)
        found = attributions(claim.text)
        if not found and _only_quotation(claim.text, regions) and claim.article in last:
            name = last[claim.article]
            spans = tuple(span(claim, a, b) for a, b in regions)
            flags.append(
                Flag("source", claim.outlet, source_key(name), name, spans, "continues a quotation")
            )
            continue
        if not found:
            flags.append(
                Flag(
                    "own",
                    claim.outlet,
                    "own statement",
                    "the outlet's own statement",
                    (span(claim, 0, len(claim.text)),),
                    "no speaker and no quotation",
                )
            )
            continue
        seen = set()
        for s_start, s_end, v_start, v_end in found:
            name = claim.text[s_start:s_end]
            how = "named"
            if _is_stand_in(name) and claim.article in last:
                name, how = last[claim.article], f"“{name}” refers back to {last[claim.article]}"
            else:
                last[claim.article] = name
            if source_key(name) in seen:
                continue
            seen.add(source_key(name))
            spans = (span(claim, s_start, s_end), span(claim, v_start, v_end))
            spans += tuple(span(claim, a, b) for a, b in regions)
            flags.append(Flag("source", claim.outlet, source_key(name), name, spans, how))
    return flags


def _only_quotation(text: str, regions) -> bool:
    inside = sum(b - a for a, b in regions)
    return bool(regions) and inside >= len(text.strip()) - 2


def summary(flags) -> dict[str, list[dict]]:
    """Per outlet: its sources, most quoted first, each with its longest name and its flags."""
    out: dict[str, dict[str, dict]] = {}
    for flag in flags:
        if flag.kind != "source":
            continue
        row = out.setdefault(flag.outlet, {}).setdefault(
            flag.topic, {"name": flag.label, "flags": [], "quotes": 0}
        )
        if len(flag.label) > len(row["name"]) and not _is_stand_in(flag.label):
            row["name"] = flag.label
        row["flags"].append(flag)
        row["quotes"] += sum(1 for s in flag.spans if s.text[:1] in '“"«')
    return {
        outlet: sorted(rows.values(), key=lambda r: (-len(r["flags"]), r["name"]))
        for outlet, rows in out.items()
    }


def own_share(flags) -> dict[str, tuple[int, int]]:
    """Per outlet: (own statements, claims)."""
    counts: dict[str, list[int]] = {}
    claims: dict[str, set[int]] = {}
    for flag in flags:
        claims.setdefault(flag.outlet, set()).add(flag.spans[0].claim)
        counts.setdefault(flag.outlet, [0])[0] += flag.kind == "own"
    return {o: (counts[o][0], len(claims[o])) for o in claims}
