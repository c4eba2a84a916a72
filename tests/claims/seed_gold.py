"""The seed story (five articles on the Sept 2016 collapse of the US-Russia Syria ceasefire) and
our own labels: which seed claims describe the same real-world event.

Each named event lists its core claims by a unique snippet of their text. Claims not listed are
not judged. The Moscow meeting (002, July) is listed so that the New York meeting (Sept 20) can
be checked not to absorb it.
"""

import datetime
import json
import re
from pathlib import Path

from claims.matching import ArticleInput, ClaimInput

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# What the importer reads from the pages themselves (None where the page states no date).
PUBLISHED = {
    "001": datetime.date(2016, 9, 20),
    "003": datetime.date(2016, 9, 21),
}

# What a journalist typed into the story's alias box (user input, not matcher knowledge): the
# demo story loads the same list from seeds/story.json.
USER_ALIASES = json.loads((SEEDS / "story.json").read_text())["aliases"]["groups"]

GOLD = {
    "deir-ez-zor strike": [
        "The US-led coalition airstrike on the Syrian Arab Army (SAA) besieged",
        "first ever US strike against Syrian government forces on September 17",
        "The bombing of the SAA base in Deir ez-Zor",
        "it was the U.S.-led coalition that erroneously bombed Syrian troops",
    ],
    "aid convoy strike": [
        "a United Nations convoy carrying food and medial equipment",
        "Up until Monday’s airstrike on the aid convoy",
        "including Monday’s bombing of an aid convoy",
        "at least 18 UN trucks carrying aid were hit on Monday",
    ],
    "JIC conditions": [
        "is contingent on two conditions being met",
        "The key requirement was adherence to a seven-day cease-fire",
        "must be increased and sustained access for the delivery of humanitarian supplies",
        "wholly contingent on the cease-fire holding for several days",
    ],
    "Kerry-Lavrov meeting in New York": [
        "and his Russian counterpart, Sergei Lavrov, met in New York",
        "he is expected to meet with Russian Foreign Minister Sergey Lavrov",
    ],
    "Kerry-Lavrov meeting in Moscow": [
        "meets with Russian counterpart Sergey Lavrov in Moscow",
        "Kerry and Lavrov are expected to discuss in detail",
    ],
}

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘A-Z])")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.)+|\b(?:Col|Gen|Lt|Mr|Mrs|Ms|Dr|Sept|St|Jr|Sr)\.)$")


def split(body: str) -> list[tuple[int, str]]:
    """A naive splitter, enough for the tests: lines, then sentence ends. (start, text)."""
    out = []
    for line in re.finditer(r"[^\n]+", body):
        start = line.start()
        pieces: list[str] = []
        for piece in _SENTENCE_END.split(line.group(0)):
            if pieces and _ABBREVIATION.search(pieces[-1]):
                pieces[-1] = line.group(0)[
                    line.group(0).index(pieces[-1]) : line.group(0).index(piece) + len(piece)
                ]
            else:
                pieces.append(piece)
        for piece in pieces:
            text = piece.strip()
            if text:
                pos = body.index(text, start)
                out.append((pos, text))
                start = pos + len(text)
    return out


def seed_story(which: tuple[str, ...] = ("000", "001", "002", "003", "004")):
    articles, claims = [], []
    for n, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        number = path.name[:3]
        if number not in which:
            continue
        body = path.read_text()
        title = next(line for line in body.splitlines() if line.strip())
        article_id = n + 1
        articles.append(ArticleInput(article_id, number, title, PUBLISHED.get(number), body))
        for position, (_, text) in enumerate(split(body)):
            claims.append(ClaimInput(article_id * 1000 + position, article_id, text, position))
    return articles, claims


def gold_ids(claims) -> dict[str, list[int]]:
    """The claim ids of each named event, found by snippet; fails loudly if a snippet is lost."""
    out = {}
    for event, snippets in GOLD.items():
        ids = []
        for snippet in snippets:
            hits = [c.id for c in claims if snippet in " ".join(c.text.split())]
            assert len(hits) == 1, (snippet, hits)
            ids.append(hits[0])
        out[event] = ids
    return out
