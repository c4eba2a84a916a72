"""Attribution and hedging: the verbs an outlet attributes with ("asserted", "claimed",
"noted", "said") and the markers that keep its distance ("reportedly", "allegedly", "it is
always possible that").

Verbs are the anchors `claims.text.attribution` finds a speaker for, plus the lexicon's extra verbs
outside quotations; markers are the hedge lexicon, anywhere in the claim.
"""

from claims.text.attribution import attributions, mask_quotations

from . import Flag, find, span


def hedging(claims, lexicon) -> list[Flag]:
    flags = []
    for claim in claims:
        anchors = set()
        for _, _, start, end in attributions(claim.text):
            anchors.add(start)
            if claim.text[start:end] == ":":
                continue  # a headline's source ("Sheriff: ..."): no verb
            flags.append(_verb(claim, start, end, "attributes the claim to a speaker"))
        masked = mask_quotations(claim.text)
        for start, end in find(masked, lexicon.speech_verbs):
            if start not in anchors:
                flags.append(_verb(claim, start, end, "a verb of the attribution lexicon"))
        for start, end in find(claim.text, lexicon.hedges):
            word = claim.text[start:end].lower()
            flags.append(
                Flag("hedge", claim.outlet, word, word, (span(claim, start, end),), "hedge lexicon")
            )
    return flags


def _verb(claim, start, end, why) -> Flag:
    verb = claim.text[start:end].lower()
    return Flag("verb", claim.outlet, verb, verb, (span(claim, start, end),), why)


def counts(flags, kind: str) -> dict[str, list[tuple[str, int]]]:
    """Per outlet: each verb or marker with how often it is used, most used first."""
    out: dict[str, dict[str, int]] = {}
    for flag in flags:
        if flag.kind == kind:
            row = out.setdefault(flag.outlet, {})
            row[flag.topic] = row.get(flag.topic, 0) + 1
    return {o: sorted(r.items(), key=lambda kv: (-kv[1], kv[0])) for o, r in out.items()}
