"""An article's body cut into paragraphs of plain text and claim spans, for the reader."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    claim: object | None = None  # the Claim this text is, or None for text between claims


def paragraphs(body: str, claims) -> list[list[Piece]]:
    """Paragraphs (split on blank lines outside claims) as lists of pieces, claims marked."""
    result: list[list[Piece]] = [[]]
    cursor = 0
    for claim in sorted(claims, key=lambda c: c.start):
        _add_gap(result, body[cursor : claim.start])
        result[-1].append(Piece(body[claim.start : claim.end], claim))
        cursor = claim.end
    _add_gap(result, body[cursor:])
    return [p for p in result if any(piece.text.strip() for piece in p)]


def _add_gap(result: list[list[Piece]], gap: str) -> None:
    parts = gap.split("\n\n")
    for n, part in enumerate(parts):
        if n:
            result.append([])
        if part.strip():
            result[-1].append(Piece(part))
        elif part and result[-1]:
            result[-1].append(Piece(" "))
