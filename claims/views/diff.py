"""A word-level comparison of two claims, for the pair view."""

import difflib
import re
from dataclasses import dataclass

TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Part:
    text: str
    kind: str  # "same", "only" (in this claim, not the other)


def word_diff(a: str, b: str) -> tuple[list[Part], list[Part]]:
    """Both texts cut into parts: words they share, and words only one of them has.
    Comparison ignores case and punctuation at the edges of words."""
    ta, tb = TOKEN.findall(a), TOKEN.findall(b)
    ka, kb = [_key(t) for t in ta], [_key(t) for t in tb]
    out_a, out_b = [], []
    matcher = difflib.SequenceMatcher(a=ka, b=kb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        kind = "same" if op == "equal" else "only"
        _extend(out_a, ta[i1:i2], kind)
        _extend(out_b, tb[j1:j2], kind)
    return out_a, out_b


def _key(token: str) -> str:
    return " " if token.isspace() else token.lower().strip(".,;:!?\"'“”‘’()[]")


def _extend(out: list[Part], tokens: list[str], kind: str) -> None:
    for token in tokens:
        k = "same" if token.isspace() else kind
        if out and out[-1].kind == k:
            out[-1] = Part(out[-1].text + token, k)
        else:
            out.append(Part(token, k))
