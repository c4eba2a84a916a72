"""Our own labels for the framing panels on the seed story: what a careful reader finds, written
by reading the five articles, not by running the rules. `bench/quality.py` scores the rules
against these lists; tests check the panels find what matters.

Claims are the seed texts cut by the naive splitter of `seed_gold`, so that everything here runs
without a database.
"""

from claims.framing import ClaimText
from tests.gold.seed_gold import PUBLISHED, SEEDS, split

OUTLETS = {
    "000": "Sputnik International",
    "001": "The Washington Times",
    "002": "CNN",
    "003": "Military Times",
    "004": "Washington Examiner",
}
SPUTNIK, WT, CNN, MT, WE = OUTLETS.values()

# Events of the story as a reader groups the claims (by a unique snippet of each claim).
EVENTS = {
    "deir-ez-zor strike": [
        "The US-led coalition airstrike on the Syrian Arab Army (SAA) besieged",
        "first ever US strike against Syrian government forces on September 17",
        "The Deir ez-Zor attack that claimed the lives",
        "The bombing of the SAA base in Deir ez-Zor",
        "According to CENTCOM, the planes targeted",
        "The journalist doubted that the air raid was unintentional",
        "make a tight fit with the thesis that it was no mistake",
        "it was the U.S.-led coalition that erroneously bombed Syrian troops",
        "The U.S. quickly admitted its error",
    ],
    "aid convoy strike": [
        "But those talks were derailed Monday after a United Nations convoy",
        "Moscow and Damascus have each denied",
        "Up until Monday’s airstrike on the aid convoy",
        "including Monday’s bombing of an aid convoy",
        "The International Committee of the Red Cross said the strikes killed",
        "at least 18 UN trucks carrying aid were hit on Monday",
    ],
}

# Whom each outlet quotes or cites: each entry is the keys that name one source (any of them).
SOURCES = {
    SPUTNIK: [{"porter"}, {"centcom", "command"}],
    WT: [
        {"thomas"},
        {"command", "u.s. command"},
        {"kerry"},
        {"ayrault"},
        {"harrigian"},
        {"damascus", "moscow"},
        {"mistura"},
        {"obama"},
    ],
    CNN: [
        {"kirby"},
        {"carter"},
        {"defense"},
        {"u.s. officials"},
        {"officials"},
        {"cnn"},
    ],
    MT: [{"thomas"}, {"u.s. defense officials", "defense"}, {"cross"}, {"many military leaders"}],
    WE: [
        {"kirby"},
        {"pentagon"},
        {"state department", "department"},
        {"syria"},
        {"pentagon official", "one pentagon official"},
    ],
}

# Passive constructions as written, and whether they name who acted (False: agentless).
PASSIVES = {
    SPUTNIK: {
        "was meant": False,
        "was delivered": False,
        "was motivated": False,  # "by an overriding interest": a cause, not an actor
        "negotiated by": True,
    },
    WT: {
        "were derailed": False,
        "was hit": False,  # "by an airstrike": a means
        "has been characterized": True,
        "is attacked": False,
        "was reached": False,
        "brokered by": True,
    },
    CNN: {
        "are expected": False,
        "be trusted": False,
        "been directed": False,
        "is considered": False,
        "are intermixed": False,
        "be grounded": False,
        "be dealt": False,
        "be viewed": False,
        "is processed": False,
    },
    MT: {
        "was put": False,
        "are not authorized": False,
        "be trusted": False,
        "supplied by": True,
    },
    WE: {
        "been dubbed": False,
        "being met": False,
        "were bombed": True,
        "were hit": False,
        "be put": False,
        "been reduced": False,
        "be increased": False,
        "be established": False,
        "is expected": False,
    },
}

# Markers that distance the outlet (or its source) from what it reports.
HEDGES = {
    SPUTNIK: {"it is always possible that"},
    CNN: {"potentially"},
    WE: {"seems to"},  # a Russian air force that "seems to show little regard"; added on review
}

# Possible contradictions between outlets on one event: (event, kind, the two outlets).
DISCREPANCIES = {
    ("aid convoy strike", "place", frozenset({WT, MT})),  # into the city of Aleppo / near it
    ("deir-ez-zor strike", "intent", frozenset({SPUTNIK, WE})),  # no mistake / erroneously
}

# Facts of an event that other outlets state and this one does not: (event, outlet, fact).
OMISSIONS = {
    ("aid convoy strike", WT, "the death toll"),
    ("aid convoy strike", WE, "the death toll"),
    ("aid convoy strike", WT, "the number of trucks"),
    ("aid convoy strike", MT, "the number of trucks"),
    ("aid convoy strike", WE, "the location"),
    ("aid convoy strike", MT, "a denial"),
    ("aid convoy strike", WE, "a denial"),
    ("aid convoy strike", WE, "a legal judgement"),
    ("deir-ez-zor strike", WE, "the death toll"),
    ("deir-ez-zor strike", WE, "the date"),
    ("deir-ez-zor strike", WE, "the location"),
    ("deir-ez-zor strike", SPUTNIK, "the apology"),
}


def seed_claims() -> list[ClaimText]:
    claims = []
    for n, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        number = path.name[:3]
        for position, (_, text) in enumerate(split(path.read_text())):
            claims.append(
                ClaimText(
                    (n + 1) * 1000 + position,
                    OUTLETS[number],
                    text,
                    article=n + 1,
                    published=PUBLISHED.get(number),
                )
            )
    return claims


def event_claims(claims, event: str) -> list[ClaimText]:
    out = []
    for snippet in EVENTS[event]:
        hits = [c for c in claims if snippet in " ".join(c.text.split())]
        assert len(hits) == 1, (snippet, [c.text for c in hits])
        out.append(hits[0])
    return out
