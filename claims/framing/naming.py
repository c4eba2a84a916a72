"""Naming: which of several names for the same actor or thing each outlet uses.

The groups of names come from the matcher's alias data (what a user typed for the story, what
the texts define: "the Syrian Arab Army (SAA)") and from the naming lexicon. A name found in a
claim is flagged with its span; the panel shows, per group, the names each outlet chose.
"""

import re

from claims.matching import aliases

from . import Flag, by_outlet, find, span


def alias_groups(user_groups, texts) -> list[tuple[str, ...]]:
    """The matcher's alias data as groups of names as written: the user's groups and what the
    texts define, joined where they share a name."""
    table = aliases.build(user_groups, texts)
    return merge([(a, b) for a, b, _ in table.learned] + [tuple(g) for g in user_groups])


def key(name: str) -> str:
    """Spellings of one name that are one choice: case, hyphens and spaces do not count."""
    return re.sub(r"[\s‐.-]+", "", name.casefold())


def merge(groups) -> list[tuple[str, ...]]:
    """Groups that share a name become one group, first-seen order kept."""
    merged: list[list[str]] = []
    for group in groups:
        keys = {key(n) for n in group}
        hits = [g for g in merged if keys & {key(n) for n in g}]
        target = hits[0] if hits else []
        if not hits:
            merged.append(target)
        for other in hits[1:]:
            target.extend(other)
            merged.remove(other)
        for name in group:
            if key(name) not in {key(n) for n in target}:
                target.append(name)
    return [tuple(g) for g in merged if len(g) > 1]


def naming(claims, groups) -> list[Flag]:
    """One flag per outlet, group and name it uses, with every span where it uses it."""
    flags = []
    for group in groups:
        title = " / ".join(group)
        for outlet, outlet_claims in by_outlet(claims).items():
            used: dict[str, list] = {}
            for claim in outlet_claims:
                for start, end in _occurrences(claim.text, group):
                    used.setdefault(key(claim.text[start:end]), []).append(span(claim, start, end))
            for spans in used.values():
                flags.append(
                    Flag(
                        "naming",
                        outlet,
                        title,
                        spans[0].text,
                        tuple(spans),
                        f"one of the names for {group[0]}",
                    )
                )
    return flags


def _occurrences(text: str, group) -> list[tuple[int, int]]:
    """Acronyms ("IS", "SAA") only in capitals: "is" is not the Islamic State."""
    acronyms = [n for n in group if n.isupper()]
    found = find(text, [n for n in group if not n.isupper()]) + find(text, acronyms, case=True)
    return sorted(found)


def differing_groups(flags) -> set[str]:
    """Groups for which the outlets did not all choose the same names."""
    chosen: dict[str, dict[str, set[str]]] = {}
    for flag in flags:
        chosen.setdefault(flag.topic, {}).setdefault(flag.outlet, set()).add(key(flag.label))
    return {
        topic
        for topic, outlets in chosen.items()
        if len(outlets) > 1 and len({frozenset(v) for v in outlets.values()}) > 1
    }
