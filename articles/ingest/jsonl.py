"""JSON Lines: one article a line, optionally with its claims already segmented.

Fields: `title`, `outlet`, `url` or `source`, `published` (ISO date), `byline`, and `text` or
`html`; `claims` is an optional list of strings, each of which must occur in the body, in order
(without `text` or `html`, the body is the claims joined by spaces).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from articles.ingest.draft import Draft
from articles.ingest.errors import ImportFailure, unforeseen
from articles.ingest.html import parse_html
from articles.ingest.read import removal_note, storable

KNOWN_FIELDS = {"title", "outlet", "url", "source", "published", "byline", "text", "html", "claims"}
# No field is a number: a longer one is refused before Python spends time converting it.
MAX_DIGITS = 100


@dataclass
class Line:
    number: int
    draft: Draft | None
    error: ImportFailure | None


def parse_jsonl(text: str, file_name: str) -> Iterator[Line]:
    """Each non-blank line as a Draft, or as the reason it cannot be one. Never raises."""
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            yield Line(number, parse_record(raw, f"{file_name}:{number}"), None)
        except ImportFailure as exc:
            yield Line(number, None, ImportFailure(exc.reason, line=number))
        except Exception as exc:
            reason = unforeseen(exc, f"{file_name}:{number}")
            yield Line(number, None, ImportFailure(reason, line=number))


def parse_record(raw: str, default_source: str) -> Draft:
    record = _load(raw)
    if not isinstance(record, dict):
        raise ImportFailure("each line must be a JSON object")
    unknown = sorted(set(record) - KNOWN_FIELDS)
    if unknown:
        raise ImportFailure(f"unknown field(s): {', '.join(unknown)}")
    for key in KNOWN_FIELDS - {"claims"}:
        if key in record and not isinstance(record[key], str):
            raise ImportFailure(f"field '{key}' must be a string")
    record, note = _storable(record)
    source = record.get("url") or record.get("source") or default_source
    draft = _draft_from_content(record, raw, source)
    draft.note = note
    # What the record states wins over what the HTML says; empty fields do not erase it.
    draft.title = record.get("title", "").strip() or draft.title
    draft.outlet = record.get("outlet", "").strip() or draft.outlet
    draft.byline = record.get("byline", "").strip() or draft.byline
    if record.get("published"):
        draft.published = _iso_date(record["published"])
    return draft


def _load(raw: str):
    try:
        return json.loads(raw, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise ImportFailure(f"malformed JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ImportFailure("JSON nested too deeply") from None


def _int(digits: str) -> int:
    if len(digits) > MAX_DIGITS:
        raise ImportFailure(f"a number of {len(digits):,} digits; no field is a number")
    return int(digits)


def _storable(record: dict) -> tuple[dict, str]:
    """The record's strings without NULs and lone surrogates (JSON can escape both), and a
    note saying what went."""
    nuls = surrogates = 0

    def clean(value):
        nonlocal nuls, surrogates
        if not isinstance(value, str):
            return value  # refused later with its field's rule
        value, n, s = storable(value)
        nuls, surrogates = nuls + n, surrogates + s
        return value

    cleaned = {
        key: [clean(v) for v in value] if isinstance(value, list) else clean(value)
        for key, value in record.items()
    }
    return cleaned, removal_note(nuls, surrogates)


def _draft_from_content(record: dict, raw: str, source: str) -> Draft:
    claims = _claims(record)
    if record.get("html"):
        draft = parse_html(record["html"], source)
    elif record.get("text", "").strip():
        draft = Draft(
            source=source, original="", original_format="jsonl", body=record["text"].strip()
        )
    elif claims:
        draft = Draft(source=source, original="", original_format="jsonl", body=" ".join(claims))
    else:
        raise ImportFailure("needs 'text', 'html' or 'claims'")
    draft.original, draft.original_format = raw, "jsonl"
    if claims is not None:
        draft.spans = locate_claims(draft.body, claims)
    return draft


def _claims(record: dict) -> list[str] | None:
    if "claims" not in record:
        return None
    claims = record["claims"]
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
        raise ImportFailure("'claims' must be a list of strings")
    claims = [c.strip() for c in claims]
    if not all(claims):
        raise ImportFailure("'claims' contains an empty claim")
    return claims


def locate_claims(body: str, claims: list[str]) -> list[tuple[int, int]]:
    """Offsets of each claim in body, searching forward so that they stay in order."""
    spans, cursor = [], 0
    for n, claim in enumerate(claims, start=1):
        start = body.find(claim, cursor)
        if start < 0:
            where = "at all" if claim not in body else "after the previous claim"
            raise ImportFailure(f"claim {n} does not occur in the body {where}: {claim[:60]!r}")
        spans.append((start, start + len(claim)))
        cursor = start + len(claim)
    return spans


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ImportFailure(f"'published' is not an ISO date (YYYY-MM-DD): {value!r}") from None
