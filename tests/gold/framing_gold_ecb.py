"""Our labels for the framing panels on text the rules were not tuned on: the annotated
("validated") sentences of two ECB+ dev topics, topic 12 (the Indian navy foils pirate attacks
in the Gulf of Aden: 23 pirates on a Saturday in 2008; INS Sukanya and 26 pirates on a Thursday
in 2011) and topic 18 (an office shooting: Vancouver, Friday, one dead; Troy, Michigan, Monday,
one dead and two wounded). 80 claims in 57 articles; each article is its own outlet.
`bench/quality.py` prints the rules' precision and recall against these lists beside the seed
list's (tests/gold/framing_gold.py).

Guideline (labelled by reading the sentences, before running the rules on them):
- A claim is one validated sentence, headlines included; an article's claims are in sentence
  order; the date of publication is unknown (None).
- Sources: whoever the claim is attributed to, by a speech verb ("said", "says", "allege",
  "reported", "is reporting", "claims"), by "according to", or by a headline's "Sheriff:". A
  pronoun counts only for a person named as a speaker in an earlier claim of its article (there
  is none here). A source is written as the keys that name it: its name in lower case, its
  last capitalised word, its head noun ("the Indian navy": indian navy, indian, navy). An
  unnamed source is a source ("a spokesperson at naval headquarters", "authorities").
- Passives: a form of "be" (or "being") with a past participle, as "be-word participle"
  ("was fired", "been charged", "being shot"); True when a "by" phrase names who acted. A
  participle without "be" ("arms seized", "the recently-fired man", "accused of") and "is
  dead" are not passives.
- Hedges: words that keep the outlet's distance from what it reports: "allegedly", "suspected"
  (of a crime), "accused" (of it). Speech verbs that distance ("claims", "allege") are verbs,
  shown by the sources and verbs panels, not hedges.
- Discrepancies: possible contradictions between two outlets on one event (a subtopic), about
  the same fact: the same count of the same thing, the same place or the same date of the same
  happening. Different days of different happenings (shot on Friday, charged on Saturday) are
  not one; nor "in the Gulf of Aden" against "off" it. "10 Nov 11" is a Thursday.
- Omissions are not labelled here.
"""

import json
from pathlib import Path

from claims.framing import ClaimText

DATA = Path("/work/shared/eval/ecbplus/dev_documents.jsonl")
TOPICS = ("12", "18")

EVENTS = {
    "12 ecb: 23 pirates captured on a Saturday": ("12", "ecb"),
    "12 ecbplus: INS Sukanya foils an attack, 26 pirates": ("12", "ecbplus"),
    "18 ecb: Vancouver office party shooting": ("18", "ecb"),
    "18 ecbplus: Troy accounting firm shooting": ("18", "ecbplus"),
}
NAVY = {"indian navy", "navy", "indian"}
POLICE = {"police"}
AUTHORITIES = {"authorities"}

SOURCES = {
    "12_11ecb": [NAVY],
    "12_13ecb": [{"defence ministry", "ministry"}],
    "12_15ecb": [{"msnbc"}, NAVY],
    "12_16ecb": [
        {
            "spokesperson",
            "spokesperson at naval headquarters",
            "a spokesperson at naval headquarters",
        }
    ],
    "12_18ecb": [NAVY],
    "12_2ecb": [{"india"}],
    "12_2ecbplus": [
        {
            "statement",
            "a statement from the defence pro",
            "statement from the defence pro",
            "defence pro",
            "pro",
        }
    ],
    "12_7ecb": [NAVY],
    "12_8ecb": [{"indian officials", "officials", "indian"}],
    "12_8ecbplus": [{"naval officer", "a naval officer", "officer"}],
    "12_9ecb": [NAVY],
    "18_11ecbplus": [AUTHORITIES],
    "18_13ecb": [{"fanning", "constable tim fanning"}],
    "18_15ecb": [POLICE],
    "18_1ecb": [POLICE],
    "18_1ecbplus": [{"sheriff"}, POLICE],
    "18_2ecbplus": [POLICE, AUTHORITIES],
    "18_3ecb": [POLICE],
    "18_3ecbplus": [AUTHORITIES],
    "18_4ecb": [POLICE],
    "18_4ecbplus": [POLICE],
    "18_5ecb": [POLICE],
    "18_5ecbplus": [POLICE],
    "18_6ecb": [{"vancouver police", "police", "vancouver"}],
    "18_7ecb": [POLICE],
    "18_8ecbplus": [{"associated press", "the associated press", "press"}],
}

PASSIVES = {
    "12_13ecb": {"being hijacked": False},
    "12_4ecb": {"being chased": True},  # "by speedboats"
    "12_8ecbplus": {"was foiled": True},  # "by an Indian warship"
    "18_10ecb": {"been charged": False},
    "18_10ecbplus": {"was fired": False},  # "from Gordon Advisors": whence, not who
    "18_11ecbplus": {"was fired": False, "was arrested": False},
    "18_12ecb": {"was gunned": False},
    "18_14ecb": {"being shot": True},  # "by a gunman"
    "18_16ecb": {"is charged": False},
    "18_1ecb": {"was charged": False},
    "18_1ecbplus": {"was fired": False},
    "18_2ecb": {"was charged": False},
    "18_2ecbplus": {"was arrested": False},
    "18_3ecb": {"been charged": False},
    "18_3ecbplus": {"was fired": False, "was arrested": False},
    "18_5ecb": {"been charged": False},
    "18_5ecbplus": {"was fired": False},
    "18_6ecb": {"was gunned": False, "was charged": False},
    "18_7ecbplus": {"was arraigned": False},
}

HEDGES = {
    "18_10ecbplus": {"accused"},
    "18_11ecbplus": {"suspected"},
    "18_1ecb": {"allegedly"},
    "18_2ecbplus": {"suspected"},
    "18_3ecbplus": {"suspected"},
    "18_7ecbplus": {"accused"},
    "18_9ecb": {"allegedly"},
}

# Thursday (and "10 Nov 11", a Thursday) against Friday for the foiled attack.
_FRIDAY = "12_4ecbplus"
_THURSDAY = ("12_11ecbplus", "12_1ecbplus", "12_5ecbplus", "12_7ecbplus", "12_6ecbplus")
DISCREPANCIES = {
    ("12 ecbplus: INS Sukanya foils an attack, 26 pirates", "date", frozenset({_FRIDAY, other}))
    for other in (*_THURSDAY, "12_9ecbplus")
}
OMISSIONS = None  # not labelled


def available() -> bool:
    return DATA.exists()


def ecb_claims(topics=TOPICS) -> list[ClaimText]:
    with open(DATA) as f:
        docs = [json.loads(line) for line in f]
    docs = sorted((d for d in docs if d["topic"] in topics), key=lambda d: d["doc_id"])
    claims = []
    for n, doc in enumerate(docs):
        for s in doc["sentences"]:
            if s["validated"]:
                claims.append(ClaimText(len(claims) + 1, doc["doc_id"], s["text"], article=n + 1))
    return claims


def event_claims(claims, event: str, events=EVENTS) -> list[ClaimText]:
    return [c for c in claims if _event_of(c.outlet) == events[event]]


def _event_of(doc_id: str) -> tuple[str, str]:
    """ "12_4ecbplus" -> ("12", "ecbplus")."""
    topic, rest = doc_id.split("_")
    return topic, "ecbplus" if rest.endswith("ecbplus") else "ecb"
