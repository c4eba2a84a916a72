"""The word lists the framing rules read: files in `lexicons/` merged with what users add
(LexiconEntry rows, passed in as (kind, term) pairs). Data, not code: extend either freely."""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FILES = Path(__file__).resolve().parent / "lexicons"

# Kinds a user may add, with what a term of that kind is.
KINDS = {
    "naming": "names that mean the same, separated by commas",
    "hedge": "a word or phrase that distances the outlet (“reportedly”)",
    "speech_verb": "a verb of attribution (“charged”)",
    "participle": "an irregular past participle (“struck”)",
    "not_passive": "a word after “was” that is a state, not a passive (“interested”)",
    "instrument": "a means, not an actor (“airstrike”)",
    "action": "a verb of action whose subject is its agent (“shelled”)",
    "accident": "a word saying an act was not meant (“erroneously”)",
    "deliberate": "a word saying an act was meant (“deliberately”)",
    "fact": "a fact and a word that states it: “the apology: expressed regret”",
    "unit": "a thing counted and a word for it: “trucks: lorries”",
}


@dataclass(frozen=True)
class Lexicon:
    naming: tuple[tuple[str, ...], ...] = ()
    hedges: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()
    participles: frozenset[str] = frozenset()
    not_passive: frozenset[str] = frozenset()
    instruments: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()
    accident: frozenset[str] = frozenset()
    deliberate: frozenset[str] = frozenset()
    # fact -> (words, needs a number near the word)
    facts: dict[str, tuple[frozenset[str], bool]] = field(default_factory=dict)
    units: dict[str, frozenset[str]] = field(default_factory=dict)


def _lines(name: str) -> list[str]:
    text = (FILES / name).read_text(encoding="utf-8")
    return [line.strip().lower() for line in text.splitlines() if line.strip()[:1] not in "#"]


def _json(name: str) -> dict:
    return json.loads((FILES / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _files() -> dict:
    intent = _json("intent.json")
    return {
        "naming": [tuple(g) for g in _json("naming.json")["groups"]],
        "hedge": _lines("hedges.txt"),
        "speech_verb": _lines("speech_verbs.txt"),
        "participle": _lines("participles.txt"),
        "not_passive": _lines("not_passive.txt"),
        "instrument": _lines("instruments.txt"),
        "action": _lines("actions.txt"),
        "accident": intent["accident"],
        "deliberate": intent["deliberate"],
        "facts": _json("facts.json")["facts"],
        "units": _json("units.json")["units"],
    }


def load(extra=()) -> Lexicon:
    """The files' lexicon with the user's (kind, term) pairs added."""
    files = _files()
    words = {k: set(files[k]) for k in KINDS if k not in ("naming", "fact", "unit")}
    naming = list(files["naming"])
    facts = {k: (set(v["terms"]), bool(v.get("with_number"))) for k, v in files["facts"].items()}
    units = {k: set(v) for k, v in files["units"].items()}
    for kind, term in extra:
        term = " ".join(term.split())
        if kind == "naming":
            group = tuple(t.strip() for t in term.split(",") if t.strip())
            if len(group) > 1:
                naming.append(group)
        elif kind in ("fact", "unit") and ":" in term:
            name, word = (p.strip() for p in term.split(":", 1))
            if kind == "fact":
                facts.setdefault(name, (set(), False))[0].add(word.lower())
            else:
                units.setdefault(name, set()).add(word.lower())
        elif kind in words and term:
            words[kind].add(term.lower())
    return Lexicon(
        naming=tuple(naming),
        hedges=frozenset(words["hedge"]),
        speech_verbs=frozenset(words["speech_verb"]),
        participles=frozenset(words["participle"]),
        not_passive=frozenset(words["not_passive"]),
        instruments=frozenset(words["instrument"]),
        actions=frozenset(words["action"]),
        accident=frozenset(words["accident"]),
        deliberate=frozenset(words["deliberate"]),
        facts={k: (frozenset(w), n) for k, (w, n) in facts.items()},
        units={k: frozenset(v) for k, v in units.items()},
    )
