"""Our labels for the framing panels on a third list, labelled before the rules ran on it and
never used to change them: the annotated ("validated") sentences of ECB+ dev topics 21 (a
woman killed by a hit-and-run driver: outside a Sam's Club in Bloomington on a Wednesday
night; in Queens on a Friday evening, Raj Chohan, a Toyota Camry) and 23 (climbers falling on
New Zealand's Mount Cook: Mark Vinar on a Thursday, his brother surviving; Duncan Rait on a
Friday and Robert Buckley on a Saturday). 99 claims in 47 articles; each article is its own
outlet, each subtopic an event. `bench/quality.py` prints the rules' precision and recall
against these lists beside the seed list's and the first ECB+ list's (framing_gold_ecb.py,
two of whose discrepancy rules were changed after seeing its errors).

Guideline (as framing_gold_ecb.py's, written before the rules ran on these sentences):
- A claim is one validated sentence, headlines included; an article's claims are in sentence
  order; the date of publication is unknown (None).
- Sources: whoever the claim is attributed to, by a speech verb ("said", "say", "confirmed",
  "spoke to"), by "according to", or by a headline ("Cops: ...", "...: NYPD", "... DA SAYS").
  A pronoun counts only for a person named as a speaker in an earlier claim of its article
  ("the man who they say hit": nobody named before, no source). A source is written as the
  keys that name it: its name in lower case, its last capitalised word, its head noun. One
  outlet's police under several names ("police", "cops", "NYPD") are one source. An unnamed
  source is a source ("investigators", "witnesses", "the woman's friend"); a document cited
  by "according to" is one too ("charges filed Friday", "a report from WCCO-TV Channel 4").
  A topic before a headline's colon ("New Zealand: ...") is none.
- Passives: a form of "be" (or "being") with a past participle, as "be-word participle"
  ("was struck", "been charged", "being hit", "is thought", "is presumed"); True when a "by"
  phrase names who acted. A vehicle ("by a car", "by a gray 2013 Toyota Camry", "by a
  vehicle") is the means, not who acted: False; "by a motorist", "by a hit-and-run driver",
  "by police officers" are who. "has fallen", "is dead", "was walking" are not passives.
- Hedges: words that keep the outlet's distance from what it reports: "allegedly", "accused"
  (of a crime), "presumed" and "feared" (dead), "thought to" (have happened). A hedge is
  scored by its exact words, as the panel names it.
- Discrepancies: possible contradictions between two outlets on one event (a subtopic), about
  the same fact: the same count or quantity of the same thing, the same place, the same date
  or the same cause of the same happening. Here only the height of Duncan Rait's fall
  differs: about 200 feet, or 60 metres (six outlets), against 150 metres (three) and 200
  metres (one). Buckley's 2,000 feet and 600 metres are the same height. Not labelled, as no
  kind of the panel holds them: the car's colour (gray / silver), the charges (manslaughter /
  murder / criminally negligent homicide), Chohan's errand (a temple / a neighbour), Rait's
  nationality (Australian / "a New Zealand climber"), and the headline date glued to "DA
  SAYS" (the page's date, not the crash's).
- Omissions are not labelled here.
"""

from tests.gold import framing_gold_ecb as ecb

TOPICS = ("21", "23")

EVENTS = {
    "21 ecb: Bloomington Sam's Club hit-and-run": ("21", "ecb"),
    "21 ecbplus: Queens hit-and-run, Raj Chohan": ("21", "ecbplus"),
    "23 ecb: Mark Vinar falls from Mount Cook": ("23", "ecb"),
    "23 ecbplus: Duncan Rait and Robert Buckley fall": ("23", "ecbplus"),
}
POLICE = {"police"}
COPS = {"police", "cops"}
INVESTIGATORS = {"investigators"}
WITNESSES = {"witnesses"}

SOURCES = {
    "21_10ecbplus": [INVESTIGATORS],
    "21_11ecb": [{"charges", "charges filed friday"}],
    "21_11ecbplus": [POLICE],
    "21_12ecbplus": [{"queens da", "da"}, POLICE],
    "21_13ecbplus": [
        {"nypd", "police", "cops"},
        {"friend", "the woman’s friend", "woman’s friend"},
    ],
    "21_14ecbplus": [{"new york police", "police"}],
    "21_1ecbplus": [WITNESSES],
    "21_2ecb": [
        {
            "report",
            "a report from wcco-tv channel 4",
            "report from wcco-tv channel 4",
            "wcco-tv channel 4",
            "wcco-tv",
            "channel",
        }
    ],
    "21_2ecbplus": [INVESTIGATORS],
    "21_3ecbplus": [COPS, {"family"}],
    "21_4ecbplus": [COPS],
    "21_5ecb": [POLICE],
    "21_5ecbplus": [POLICE],
    "21_7ecb": [POLICE],
    "21_7ecbplus": [POLICE],
    "21_9ecbplus": [WITNESSES],
    "23_10ecb": [POLICE],
    "23_2ecbplus": [{"inspector dave gaskin", "dave gaskin", "gaskin"}],
    "23_5ecb": [{"an australian climber", "australian climber", "climber", "australian"}],
    "23_5ecbplus": [POLICE],
    "23_6ecb": [{"miles vinar", "vinar"}],
    "23_6ecbplus": [POLICE],
}

PASSIVES = {
    "21_10ecb": {"been charged": False},
    "21_10ecbplus": {"was killed": True, "was apprehended": True},  # a driver; police officers
    "21_11ecbplus": {"been charged": False},
    "21_12ecb": {"was struck": True},  # "struck and killed by a motorist"
    "21_13ecbplus": {"was killed": False, "was charged": False, "was struck": False},  # a Camry
    "21_14ecbplus": {"been charged": False},
    "21_1ecbplus": {"being hit": False, "was hit": False},  # a car; a Camry
    "21_2ecb": {"being struck": True},  # "by a hit-and-run driver"
    "21_2ecbplus": {"was hit": False},
    "21_3ecbplus": {"was mowed": True},  # "by a drunken hit-and-run driver"
    "21_4ecb": {"been charged": False},
    "21_4ecbplus": {"was hit": False},  # a Camry
    "21_5ecbplus": {"been charged": False, "was struck": False},  # a vehicle
    "21_6ecb": {"was hit": False},
    "21_6ecbplus": {"was struck": False},  # a car
    "21_7ecbplus": {"being struck": False, "was hit": False},  # a vehicle; a Camry
    "21_8ecb": {"was struck": True},  # "by a motorist"
    "21_8ecbplus": {"being hit": False},  # a car
    "21_9ecbplus": {"being hit": False, "was hit": False},  # a car; a Camry
    "23_11ecbplus": {"been killed": False},
    "23_1ecb": {"being buried": False},
    "23_1ecbplus": {"is thought": False},
    "23_2ecb": {"is presumed": False},
    "23_4ecb": {"been presumed": False},
    "23_5ecbplus": {"was killed": False},
    "23_9ecb": {"being buried": False},
}

HEDGES = {
    "21_11ecb": {"accused"},
    "21_12ecbplus": {"allegedly"},
    "21_13ecbplus": {"allegedly"},
    "21_5ecbplus": {"allegedly"},
    "23_1ecbplus": {"thought to"},
    "23_2ecb": {"presumed"},
    "23_3ecb": {"feared"},
    "23_4ecb": {"presumed"},
}

# The height of Duncan Rait's fall: about 61 metres (200 feet, 60 metres), 150 metres, 200 metres.
_RAIT_61 = ("23_10ecbplus", "23_11ecbplus", "23_3ecbplus", "23_4ecbplus", "23_5ecbplus")
_RAIT_61 += ("23_6ecbplus",)
_RAIT_150 = ("23_1ecbplus", "23_2ecbplus", "23_9ecbplus")
_RAIT_200 = ("23_8ecbplus",)
_FALLS = "23 ecbplus: Duncan Rait and Robert Buckley fall"
DISCREPANCIES = {
    (_FALLS, "number", frozenset({x, y}))
    for group, others in (
        (_RAIT_61, _RAIT_150 + _RAIT_200),
        (_RAIT_150, _RAIT_200),
    )
    for x in group
    for y in others
}
OMISSIONS = None  # not labelled


def available() -> bool:
    return ecb.available()


def untuned_claims():
    return ecb.ecb_claims(TOPICS)


def event_claims(claims, event: str):
    return ecb.event_claims(claims, event, EVENTS)
