"""Agency: who is said to have done what.

Two rules. A passive ("was hit", "were bombed") is a form of "be" and a past participle (a
regular -ed form or one of the lexicon's irregular ones); a "by" phrase after it names the agent,
unless it names only a means ("by an airstrike": the instrument lexicon), which leaves the act
agentless. An action verb of the lexicon in the active voice has its subject as agent: the noun
phrase before it in its clause, through a relative or cleft "that" ("it was the U.S.-led
coalition that erroneously bombed"). A subject that is itself a means ("the strikes killed")
names no one either.
"""

import re
from dataclasses import dataclass

from claims.text.attribution import PRONOUNS, SPEECH_VERBS

from . import Flag, find, span


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_BE = r"(?:am|is|are|was|were|be|been|being)"
_PASSIVE = re.compile(
    rf"\b(?:(?:has|have|had|will|would|could|may|might|must)\s+)?{_BE}\b(?:\s+(?:not|never|also|just|all|both|each|\w+ly))*\s+([a-z]+)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w.’'-]+")
_BOUNDARY = re.compile(r"[,;:()\[\]—–“”\"«»!?]|\.(?=\s*$)")
_BY = re.compile(r"^\s*,?\s*(?:[\w’'-]+\s+){0,4}?by\s+", re.IGNORECASE)
_CLAUSE = _set(
    "that which who whom when while after before because as since if until although though "
    "where and but so than to in on at for with from during despite"
)
_NOT_SUBJECT = _set(
    "am is are was were be been being has have had do does did would will could can may might "
    "must shall should not never also each both all just then only even that which who whom "
    "when while after before because as since if and but or so than in on at by from with to "
    "into for over under near during despite"
)
_DETERMINERS = _set("the a an this that these those its their his her")
_BY_NEXT = re.compile(r"\s+by\s", re.IGNORECASE)
_HEADLINE_NEXT = re.compile(
    r"\s*(?:$|[:—–]|-\s|(?:in|at|on|near|after|during|outside|while)\b)", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s*$")


@dataclass(frozen=True)
class Act:
    """One act as the claim tells it: the verb, and the agent when one is named."""

    verb: tuple[int, int]
    agent: tuple[int, int] | None
    means: tuple[int, int] | None  # a means named instead of an agent
    passive: bool


def acts(text: str, lexicon) -> list[Act]:
    found = _passives(text, lexicon)
    taken = {a.verb[1] for a in found}
    for start, end in find(text, lexicon.actions):
        if end in taken or _after_be(text, start) and not text[start:end].endswith("ing"):
            continue  # a passive, read above
        passive = _reduced_passive(text, start, end, lexicon)
        agent = _by_phrase(text, end) if passive else _subject(text, start)
        found.append(_act(text, (start, end), agent, passive, lexicon))
    return sorted(found, key=lambda a: a.verb)


def _act(text: str, verb: tuple[int, int], agent, passive: bool, lexicon) -> Act:
    """The act, with what it names as its agent taken as a means when it is one."""
    means = agent if agent and _is_means(text[agent[0] : agent[1]], lexicon) else None
    return Act(verb, None if means else agent, means, passive)


def _passives(text: str, lexicon) -> list[Act]:
    out = []
    for m in _PASSIVE.finditer(text):
        if not _participle(m.group(1), lexicon):
            continue
        out.append(_act(text, (m.start(), m.end()), _by_phrase(text, m.end()), True, lexicon))
    return out


def _participle(word: str, lexicon) -> bool:
    word = word.lower()
    regular = word.endswith("ed") and len(word) > 4
    return (regular or word in lexicon.participles) and word not in lexicon.not_passive


def _reduced_passive(text: str, start: int, end: int, lexicon) -> bool:
    """A participle with no "be" that is still passive: before a "by" phrase ("a grandmother
    killed by a drunk driver"), or in a headline, which drops "was" ("Woman killed in crash",
    "Cops: Queens Woman Killed In Hit-And-Run"): a line that does not end as a sentence ends.
    The noun before it is who was acted on, not who acted."""
    if not _participle(text[start:end], lexicon):
        return False
    if _BY_NEXT.match(text, end):
        return True
    headline = not _SENTENCE_END.search(text)
    return headline and _HEADLINE_NEXT.match(text, end) is not None


def _after_be(text: str, start: int) -> bool:
    words = _WORD.findall(text[max(0, start - 40) : start])
    while words and words[-1].lower().endswith("ly"):
        words.pop()
    return bool(words) and re.fullmatch(_BE, words[-1], re.IGNORECASE) is not None


def _by_phrase(text: str, after: int) -> tuple[int, int] | None:
    m = _BY.match(text[after:])
    if not m:
        return None
    start = after + m.end()
    stop = _BOUNDARY.search(text, start)
    end = stop.start() if stop else len(text)
    words = [
        (start + w.start(), start + w.end(), w.group()) for w in _WORD.finditer(text[start:end])
    ]
    kept = []
    for w in words:
        if w[2].lower() in _CLAUSE - {"and"} and kept:
            break
        kept.append(w)
    while kept and kept[-1][2].lower() in _CLAUSE | _DETERMINERS:
        kept.pop()
    return (kept[0][0], kept[-1][1]) if kept else None


def _subject(text: str, verb_start: int) -> tuple[int, int] | None:
    boundaries = [m.end() for m in _BOUNDARY.finditer(text, 0, verb_start)]
    start = boundaries[-1] if boundaries else 0
    words = [
        (start + w.start(), start + w.end(), w.group())
        for w in _WORD.finditer(text[start:verb_start])
    ]
    while words and (
        words[-1][2].lower() in _NOT_SUBJECT - {"that", "who", "which"}
        or words[-1][2].lower().endswith("ly")
    ):
        words.pop()
    if words and words[-1][2].lower() in ("that", "who", "which"):
        words.pop()  # "the coalition that bombed": the noun before the relative word
    phrase = []
    while words:
        word = words[-1][2]
        lower = word.lower()
        if lower in _NOT_SUBJECT and not _joins_names(words, phrase) or lower in SPEECH_VERBS:
            break
        phrase.insert(0, words.pop())
        if lower in PRONOUNS or lower in _DETERMINERS or len(phrase) >= 8:
            break
    while phrase and phrase[-1][2].lower() in _DETERMINERS:
        phrase.pop()
    if not phrase:
        return None
    return phrase[0][0], phrase[-1][1]


def _joins_names(words, phrase) -> bool:
    """ "Moscow and Damascus": "and" between two names is part of one subject."""
    return (
        words[-1][2] in ("and", "or")
        and bool(phrase)
        and phrase[0][2][:1].isupper()
        and len(words) > 1
        and words[-2][2][:1].isupper()
    )


def _is_means(phrase: str, lexicon) -> bool:
    if any(w[:1].isupper() for w in phrase.split() if w.lower() not in _DETERMINERS):
        return False
    return bool(find(phrase, lexicon.instruments)) and phrase.split()[-1].lower().strip(".,") in {
        i.split()[-1] for i in lexicon.instruments
    }


def agency(claims, lexicon) -> list[Flag]:
    """ "agentless" flags (a passive with no agent, or only a means) and "agent" flags (who is
    said to have done it), each with the verb's span and the agent's or the means'."""
    flags = []
    for claim in claims:
        for act in acts(claim.text, lexicon):
            verb = span(claim, *act.verb)
            if act.agent:
                agent = span(claim, *act.agent)
                voice = "passive with “by”" if act.passive else "active; the subject acts"
                flags.append(
                    Flag("agent", claim.outlet, agent.text, agent.text, (verb, agent), voice)
                )
            elif act.passive or act.means:
                spans = (verb, span(claim, *act.means)) if act.means else (verb,)
                why = (
                    f"names a means (“{spans[1].text}”), not who acted"
                    if act.means
                    else "passive without an agent"
                )
                flags.append(Flag("agentless", claim.outlet, verb.text, verb.text, spans, why))
    return flags
