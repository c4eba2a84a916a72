"""Sources: whom each outlet quotes or cites, how often, with the quoted spans; and which claims
are the outlet's own statements.

The speaker of a claim comes from `claims.text.attribution` (the speech-verb lexicon). A personal
pronoun or a role ("he", "they", "the journalist") stands for the last person the same article
named as a speaker, and is not listed when there is none; "it" is never a source; a role that is
not a person ("the company") stands for the last organisation named, or is not listed. One
person is one source whatever the form of the name ("Col. John Thomas", "Thomas"). A claim that
is nothing but a quotation continues the previous claim's source.

A claim that retells another's reporting has that reporter or outlet as its source
(`claims.framing.retold`: "according to a report by Reuters", "as The New York Times reported",
"In Porter's opinion"); a source that names reporting ("journalist Gareth Porter", "Reuters") is
listed as a retold report, not as the printing outlet's own finding.
"""

import re

from claims.text.attribution import PRONOUNS, attributions, mask_quotations, quotation_regions

from . import Flag, retold, span

# Titles that only a person's name follows ("Col. Thomas", "Mr. Kerry").
_HONORIFICS = {"mr", "mrs", "ms", "dr", "col", "gen", "lt", "maj", "capt", "sgt", "adm", "sen"}
_TITLES = _HONORIFICS | {
    "rep", "gov", "president", "secretary", "minister", "spokesman", "spokeswoman", "chief", "the",
}  # fmt: skip
_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|one|some)\s+", re.IGNORECASE)
_PERSON_PRONOUNS = PRONOUNS - {"it"}  # "it" is never a person
_PERSON_ROLES = {
    "official", "spokesman", "spokeswoman", "spokesperson", "journalist", "minister", "leader",
    "analyst", "expert", "officer", "commander", "diplomat", "witness", "resident", "lawyer",
    "prosecutor", "president", "secretary", "author", "aide", "senator", "investigator",
    "reporter", "man", "woman", "colonel", "general", "chief", "director",
}  # fmt: skip
# Words that make a capitalised name an organisation or a place rather than a person.
_ORGANISATION_WORDS = {
    "corp", "corporation", "company", "inc", "ltd", "group", "department", "ministry", "command",
    "army", "force", "forces", "council", "committee", "agency", "office", "house", "nations",
    "union", "police", "government", "cross", "crescent", "court", "bank", "university", "party",
    "pentagon", "kremlin", "commission", "organization", "organisation", "association", "service",
    "services", "times", "news", "press", "network", "institute", "center", "centre", "board",
    "authority", "embassy", "navy", "guard", "fund", "foundation", "airlines", "airways",
    "administration", "ministries", "club", "team", "league", "federation", "survey",
}  # fmt: skip


def source_key(name: str) -> str:
    """Names of one source: "Col. John Thomas", "Thomas", "Air Force Col. John J. Thomas"; a
    news organisation by its whole name ("The New York Times" is not "The Washington Times")."""
    if retold.is_news_name(name):
        return _DETERMINERS.sub("", name).lower()
    words = [re.sub(r"[’']s$", "", w.strip(".,’'")) for w in name.split()]
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
    flags, last, people, others = [], {}, {}, {}
    for claim in claims:
        regions = quotation_regions(claim.text)
        found = _attributions(claim.text)
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
        known = people.setdefault(claim.article, {})
        for s_start, s_end, v_start, v_end in found:
            said = claim.text[s_start:s_end]
            name, how = said, "named"
            if _is_stand_in(said):
                stands_for = _antecedent(said, known, others.get(claim.article))
                if stands_for is None:
                    continue  # "it", or a pronoun with no one named before it
                if stands_for != said:
                    name, how = stands_for, f"“{said}” refers back to {stands_for}"
            elif _is_person(said, known):
                known.pop(source_key(said), None)
                known[source_key(said)] = said
            else:
                others[claim.article] = said
            last[claim.article] = name
            if source_key(name) in seen:
                continue
            seen.add(source_key(name))
            spans = (span(claim, s_start, s_end), span(claim, v_start, v_end))
            spans += tuple(span(claim, a, b) for a, b in regions)
            flags.append(Flag("source", claim.outlet, source_key(name), name, spans, how))
    return flags


def _attributions(text: str) -> list[tuple[int, int, int, int]]:
    """What attribution finds, with the retold reports beside it: "a report by Reuters" names
    Reuters, not "a report"."""
    reports = retold.reports(mask_quotations(text))
    found = [
        a
        for a in attributions(text)
        if not any(a[0] < max(r[1], r[3]) and min(r[0], r[2]) < a[1] for r in reports)
    ]
    return sorted(found + reports, key=lambda a: min(a[0], a[2]))


def _antecedent(said: str, people: dict[str, str], other: str | None) -> str | None:
    """Whom a pronoun or a role stands for: the last person named (a dict keeps the order of
    the last naming), the last organisation for a role that is no person; a person's role with
    nobody named before it is a source of its own ("officials", "the journalist")."""
    words = [w.lower() for w in said.split()]
    if words == ["it"]:
        return None
    if words[-1] in _PERSON_PRONOUNS or {_singular(w) for w in words} & _PERSON_ROLES:
        person = list(people.values())[-1] if people else None
        return person or (None if words[-1] in _PERSON_PRONOUNS else said)
    return other


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


def _is_person(name: str, people: dict[str, str]) -> bool:
    """A person's name: an honorific before a name ("command spokesman Col. John Thomas"), a
    title ("Col.", "spokesman"), two capitalised words of no organisation ("Gareth Porter"), or
    a surname the article gave in full before ("Thomas")."""
    words = [w.strip(".,’'") for w in name.split()]
    lowered = {w.lower() for w in words}
    pairs = zip(words, words[1:], strict=False)
    if any(a.lower() in _HONORIFICS and b[:1].isupper() for a, b in pairs):
        return True  # "command spokesman Col. John Thomas": a person of the command
    if lowered & _ORGANISATION_WORDS or words[0].lower() == "the":
        return False
    if any(w.isupper() and len(w) > 1 for w in words):
        return False
    if lowered & (_TITLES | _PERSON_ROLES) - {"the"}:
        return True
    capitalised = [w for w in words if w[:1].isupper()]
    return len(capitalised) >= 2 or source_key(name) in people


def _only_quotation(text: str, regions) -> bool:
    inside = sum(b - a for a, b in regions)
    return bool(regions) and inside >= len(text.strip()) - 2


def summary(flags) -> dict[str, list[dict]]:
    """Per outlet: its sources, most quoted first, each with its longest name, its flags and
    whether it is a retold report (one of its names names reporting)."""
    out: dict[str, dict[str, dict]] = {}
    for flag in flags:
        if flag.kind != "source":
            continue
        row = out.setdefault(flag.outlet, {}).setdefault(
            flag.topic, {"name": flag.label, "flags": [], "quotes": 0, "retold": False}
        )
        row["retold"] = row["retold"] or retold.is_reporting(flag.label)
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
