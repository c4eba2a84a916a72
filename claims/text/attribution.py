"""Who a sentence says is speaking: the speaker as written, or "" when nobody is named.

Rules only. A speech verb from `SPEECH_VERBS` (or "according to") outside any quotation marks
anchors the attribution, and so does a headline's colon after a role ("Sheriff: suspect fled":
`headline_source`); the speaker is the noun phrase next to it, cut at the nearest clause
boundary. The rule for what is returned: the whole noun phrase naming the speaker as the sentence
writes it, with its titles and role words ("command spokesman Col. John Thomas", "Air Force Col.
John J. Thomas", "independent investigative journalist Gareth Porter"), without a leading
conjunction or a trailing auxiliary or adverb. Pronouns come back as written ("he"): resolving
them is someone else's job.
"""

import re


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Verbs that attribute what the sentence says to their subject. Extend freely: one word or a
# phrase a line, lower case, past and present forms both listed. Noun-like forms ("states",
# "reports", "notes") are left out on purpose: "member states" is not an attribution.
SPEECH_VERBS = _lexicon(
    """
    said says say tell tells told asserted asserts noted added adds insisted insists
    claimed claims declared declares stated explained explains argued argues warned warns
    acknowledged acknowledges admitted admits announced announces confirmed confirms
    denied denies wrote writes testified testifies stressed stresses emphasized emphasised
    concluded recalled recalls suggested suggests maintained maintains asked asks replied
    replies responded responds urged urges predicted predicts observed commented comments
    remarked conceded concedes countered complained complains estimated estimates
    alleged alleges contended contends cautioned reiterated reiterates disclosed revealed
    reveals say shouted yelled tweeted
    """
)
SPEECH_PHRASES = ("pointed out", "points out")
# "according to X": the speaker follows the phrase.
SOURCE_PHRASES = ("according to",)

# Words that may name a speaker on their own, without a capital letter.
PRONOUNS = _lexicon("i he she we they it you")
SPEAKER_NOUNS = _lexicon(
    """
    official officials spokesman spokeswoman spokesperson journalist journalists minister
    ministers leader leaders analyst analysts expert experts source sources officer officers
    commander commanders diplomat diplomats police witness witnesses resident residents
    people investigator investigators authorities lawyer lawyers prosecutor prosecutors
    president secretary author authors statement report researchers scientists doctors
    government ministry military army spokespeople aide aides lawmakers senator observers
    activists critics agency group
    """
)

# Words at which a speaker phrase starts or stops: the clause around it, not part of it.
_CLAUSE_WORDS = _lexicon(
    """
    that which who whom whose but and or because while when whereas if as since although
    though so yet then where what how why whether nor than
    """
)
_LEADING_WORDS = _lexicon("but and so also yet instead however still now then or")
_AUXILIARIES = _lexicon(
    "has have had would will could can may might must shall should did does do also each both all"
)
_NEGATIONS = _lexicon(
    "not never no can't cannot won't wouldn't didn't doesn't don't can’t won’t wouldn’t didn’t"
    " doesn’t don’t"
)
# A speaker named inside one of these clauses is not the sentence's speaker.
_SUBORDINATE = _lexicon(
    "which who whom whose where when because while whereas if since although though"
)
_DETERMINERS = _lexicon("the a an one some many several most few two three four five")
_RELATIVE = _lexicon("who which whose")
_PREPOSITIONS = _lexicon("in on at by from with to into for over under near")
_TIME_WORDS = _lexicon(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December week month year
    """
)
_PASSIVE = _lexicon("was were is are be been being")
_STOP_AFTER = _lexicon(
    """
    in at on during from after before when while about to that of for with by told reporters
    """
)
_FUNCTION_WORDS = _CLAUSE_WORDS | _lexicon(
    "the a an of in on at to for with by from this these those its their his her our"
)

_QUOTES = {"“": "open", "”": "close", '"': "toggle", "«": "open", "»": "close"}
_BOUNDARY_CHARS = ',;:()[]—–“”"«»'
_WORD = re.compile(r"[\w.’'-]+")
_VERB = re.compile(
    r"\b(" + "|".join(sorted((*SPEECH_VERBS, *SPEECH_PHRASES), key=len, reverse=True)) + r")\b"
)
_SOURCE = re.compile(r"\b(?:" + "|".join(SOURCE_PHRASES) + r")\b", re.IGNORECASE)
_DOTTED = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
# A speaker is a noun phrase of at most 12 words (`_noun_phrase`) beside its verb, so each
# anchor is read within this many characters on either side: a clause that runs on further
# names no speaker. This keeps one very long sentence linear instead of quadratic in its length.
CONTEXT_CHARS = 400
# No sentence of reporting has more speech verbs than this; only the first are read.
MAX_ANCHORS = 20


def speaker(sentence: str) -> str:
    """The speaker the sentence names, as written, or "" when it attributes nothing."""
    found = attributions(sentence)
    return sentence[found[0][0] : found[0][1]] if found else ""


def attributions(sentence: str) -> list[tuple[int, int, int, int]]:
    """Every attribution the sentence makes, in order: (speaker start, speaker end, anchor
    start, anchor end), the anchor being the speech verb, "according to" or a headline's colon
    (`headline_source`, first)."""
    text = mask_quotations(sentence)
    headline = headline_source(text)
    spoken = [(*found, *anchor) for anchor, found in _candidates(text) if found]
    return [headline, *spoken] if headline else spoken


def mask_quotations(text: str) -> str:
    """The text with what is inside quotation marks blanked, same length and offsets.

    A quotation still open at the end is left as it is: it may be an apostrophe or a quote
    closed in the next paragraph, and blanking the rest of the sentence would hide its speaker.
    """
    chars = list(text)
    for start, end in quotation_regions(text):
        chars[start + 1 : end - 1] = " " * (end - start - 2)
    return "".join(chars)


def quotation_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of each closed quotation, quote marks included. Straight and curly both.

    A straight quote opens when it starts a word and closes when it ends one, so one stray mark
    does not turn every later quotation inside out. An opening mark while a quotation is open
    starts again from it: the earlier one was never closed.
    """
    regions, opened = [], None
    for i, char in enumerate(text):
        kind = _quote_kind(text, i) if char in _QUOTES else None
        if kind == "open" or (kind == "toggle" and opened is None):
            opened = i
        elif kind in ("close", "toggle") and opened is not None:
            regions.append((opened, i + 1))
            opened = None
    return regions


def _quote_kind(text: str, i: int) -> str:
    kind = _QUOTES[text[i]]
    if kind != "toggle":
        return kind
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if (before.isspace() or before in "([{—–") and not after.isspace():
        return "open"
    if after.isspace() or after in ",.;:!?)]}—–":
        return "close" if not before.isspace() else "toggle"
    return "toggle"


def _candidates(text: str):
    """((start, end) of the anchor, (start, end) of its speaker or None) for each of the
    first MAX_ANCHORS anchors."""
    anchors = [(m.start(), m.end(), "source") for m in _SOURCE.finditer(text)]
    anchors += [(m.start(), m.end(), "verb") for m in _VERB.finditer(text)]
    for start, end, kind in sorted(anchors)[:MAX_ANCHORS]:
        if kind == "source":
            yield (start, end), _phrase_after(text, end)
        else:
            yield (
                (start, end),
                (
                    _subject_before(text, start)
                    or _appositive_subject(text, start)
                    or _inverted_after(text, start, end)
                ),
            )


def _subject_before(text: str, verb_start: int) -> tuple[int, int] | None:
    """The noun phrase just before the verb, back to the clause boundary.

    None when the clause is subordinate (`a longtime ally who President Obama insists must go`:
    not the sentence's speaker), the verb is negated (`would not acknowledge`) or passive.
    """
    start, opener = _clause_start(text, verb_start)
    if opener in _SUBORDINATE or opener == _TOO_LONG:
        return None
    words = _words(text, start, verb_start)
    while words and _is_verb_modifier(words[-1][2]):
        if words.pop()[2].lower() in _NEGATIONS:
            return None
    if not words or words[-1][2].lower() in _PASSIVE:
        return None
    while len(words) > 2 and _is_time(words[-2][2], words[-1][2]):
        del words[-2:]  # `Kirby on Monday said`
    while words and words[0][2].lower() in _LEADING_WORDS:
        words.pop(0)
    if any(_is_participle_phrase(a[2], b[2]) for a, b in zip(words, words[1:], strict=False)):
        return None  # `the airstrike ... besieged in the city confirmed`: not a speaker
    return _noun_phrase(words)


def _is_verb_modifier(word: str) -> bool:
    lower = word.lower()
    return lower in _AUXILIARIES or lower in _NEGATIONS or (lower.endswith("ly") and len(lower) > 4)


def _is_time(preposition: str, word: str) -> bool:
    return preposition.lower() in ("on", "last", "this", "next") and word in _TIME_WORDS


def _is_participle_phrase(word: str, following: str) -> bool:
    return word.islower() and word.endswith(("ed", "ing")) and following in _PREPOSITIONS


def _appositive_subject(text: str, verb_start: int) -> tuple[int, int] | None:
    """`A spokeswoman for the ministry, Anna Ivanova, said`: the subject is set off by commas.

    Only at the start of the sentence (or of a quotation's attribution), where the commas can
    only enclose the subject and its apposition.
    """
    floor = max(0, verb_start - CONTEXT_CHARS)
    end = verb_start
    while end > floor and text[end - 1].isspace():
        end -= 1
    if end == floor or text[end - 1] != ",":
        return None
    quote = max(text.rfind(q, floor, end) for q in '“”"')
    if quote < 0 and floor > 0:
        return None  # the sentence starts beyond CONTEXT_CHARS: too long a subject
    start = quote + 1 if quote >= 0 else 0
    if text.count(",", start, end) != 2 or text[start:end].lstrip()[:1] == ",":
        return None
    comma = text.index(",", start, end)
    words = _words(text, start, end - 1)
    while words and words[0][2].lower() in _LEADING_WORDS:
        words.pop(0)
    aside = [w for w in words if w[0] > comma]
    if aside and aside[0][2].lower() in _RELATIVE:
        words = [w for w in words if w[0] < comma]  # `Smith, who was there, said`
    elif any(w[2].lower() in _CLAUSE_WORDS for w in words):
        return None
    return _noun_phrase(words)


def _inverted_after(text: str, verb_start: int, verb_end: int) -> tuple[int, int] | None:
    """`“...,” said Col. Thomas, a spokesman`: the verb opens its clause, the speaker follows.
    Not after a relative word: in `the attack that claimed the lives` nobody speaks."""
    start, opener = _clause_start(text, verb_start)
    if opener or text[start:verb_start].strip():
        return None
    return _phrase_after(text, verb_end)


def _phrase_after(text: str, start: int) -> tuple[int, int] | None:
    """The noun phrase from `start` to the next clause boundary or preposition."""
    end = min(len(text), start + CONTEXT_CHARS)
    for i in range(start, end):
        if text[i] in _BOUNDARY_CHARS:
            end = i
            break
    words = []
    for word in _words(text, start, end):
        lower = word[2].lower()
        if lower in _STOP_AFTER | _CLAUSE_WORDS and words:
            break
        if lower in _PASSIVE | _AUXILIARIES | _NEGATIONS:
            return None  # a clause (`said it was loud`), not a speaker
        words.append(word)
    else:
        if end == start + CONTEXT_CHARS < len(text):
            return None  # runs on past CONTEXT_CHARS: too long to name a speaker
    return _noun_phrase(words)


def _noun_phrase(words: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """(start, end) of the words if they can name a speaker, trailing full stop dropped."""
    if not words or len(words) > 12:
        return None
    last = words[-1][2].lower().rstrip(".")
    if last in _FUNCTION_WORDS or last in _LEADING_WORDS:
        return None
    if words[0][2].lower() not in _DETERMINERS and not any(_names_someone(w[2]) for w in words):
        return None
    start, end = words[0][0], words[-1][1]
    token = words[-1][2]
    if token.endswith(".") and not _DOTTED.search(token):
        end -= 1
    return start, end


def _names_someone(word: str) -> bool:
    bare = word.strip(".’'")
    return bare[:1].isupper() or bare.lower() in PRONOUNS | SPEAKER_NOUNS


_TOO_LONG = "(too long)"  # the "opener" of a clause that starts beyond CONTEXT_CHARS


def _clause_start(text: str, before: int) -> tuple[int, str]:
    """Where the clause holding `before` starts, and the word that opened it ("" if none, or
    _TOO_LONG when it starts more than CONTEXT_CHARS before)."""
    floor = max(0, before - CONTEXT_CHARS)
    start = floor
    for i in range(before - 1, floor - 1, -1):
        if text[i] in _BOUNDARY_CHARS:
            start = i + 1
            break
    words = _words(text, start, before)
    for i in range(len(words) - 1, -1, -1):
        if words[i][2].lower() in _CLAUSE_WORDS and not _joins_names(words, i):
            return words[i][1], words[i][2].lower()
    return start, _TOO_LONG if start == floor > 0 else ""


def _joins_names(words: list[tuple[int, int, str]], i: int) -> bool:
    """`Kerry and Lavrov said`: "and"/"or" between names joins one subject, not two clauses."""
    return words[i][2] in ("and", "or") and i > 0 and words[i - 1][2][:1].isupper()


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (m.start() + start, m.end() + start, m.group()) for m in _WORD.finditer(text[start:end])
    ]


# A headline's source before its colon: "Sheriff: suspect fled on foot", "UN official: convoy
# was hit from the air". Only a head that holds a speaker's role or title counts, so page
# furniture ("Photo: ...", "Updated: ...", "Note: ...") and topics ("Syria: ...") do not; a
# time ("4:43") has no space after its colon.
_HEADLINE = re.compile(r"\s*([A-Z][\w.’'&-]*(?:[ \t]+[\w.’'&-]+){0,4}):\s+(?=[\w“\"‘'$]+\s+\S)")
_HEADLINE_ONLY = _lexicon(
    """
    sheriff sheriffs coroner mayor governor judge chief coach navy fbi pentagon un
    mr mrs ms dr gov sen rep gen col lt capt sgt adm
    """
)
# "Source: AP" and "Report: ..." credit or label a page; they name no speaker.
HEADLINE_ROLES = (SPEAKER_NOUNS | _HEADLINE_ONLY) - _lexicon("source report statement group")


def headline_source(sentence: str) -> tuple[int, int, int, int] | None:
    """(speaker start, speaker end, colon start, colon end) of a headline that opens with its
    source and a colon, or None."""
    m = _HEADLINE.match(sentence)
    if not m:
        return None
    words = [re.sub(r"[’']s$", "", w.strip(".")).lower() for w in m.group(1).split()]
    if not set(words) & HEADLINE_ROLES:
        return None
    return m.start(1), m.end(1), m.end(1), m.end(1) + 1
