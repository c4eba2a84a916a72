"""A word-level comparison of two claims, for the pair view and the review queue: which words
of each claim the other does not have ("Words in highlight are in one claim and not the
other"), wherever in the other they stand."""

import re
from dataclasses import dataclass

TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Part:
    text: str
    kind: str  # "same", "only" (in this claim, not the other)


def word_diff(a: str, b: str) -> tuple[list[Part], list[Part]]:
    """Both texts cut into parts: words the other text also has (in any place), and words
    only one of them has. Comparison ignores case and punctuation at the edges of words."""
    ta, tb = TOKEN.findall(a), TOKEN.findall(b)
    ka, kb = [_key(t) for t in ta], [_key(t) for t in tb]
    return _parts(ta, ka, set(kb)), _parts(tb, kb, set(ka))


def _key(token: str) -> str:
    return " " if token.isspace() else token.lower().strip(".,;:!?\"'“”‘’()[]")


def _parts(tokens: list[str], keys: list[str], other: set[str]) -> list[Part]:
    out: list[Part] = []
    for token, key in zip(tokens, keys, strict=True):
        kind = "same" if token.isspace() or key in other or not key else "only"
        if out and out[-1].kind == kind:
            out[-1] = Part(out[-1].text + token, kind)
        else:
            out.append(Part(token, kind))
    return out
