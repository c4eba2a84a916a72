"""Labels on links as W3C Web Annotations (https://www.w3.org/TR/annotation-model/), JSON-LD
that annotation tools read. Pure functions: records in, JSON out, and back.

Each label is one Annotation with two targets, one per claim of the link: a SpecificResource
of the article, selected twice (a TextQuoteSelector with the claim's exact text and some
context, a TextPositionSelector with its offsets into the article's body). Its body is the
label (purpose "tagging") and the note if any (purpose "commenting"). An editor's final label
(an adjudication) is an annotation too, with the motivation "moderating".
"""

from dataclasses import dataclass
from urllib.parse import quote, unquote

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
AROUND = 32  # characters of prefix and suffix in a TextQuoteSelector
ANNOTATION, ADJUDICATION = "annotation", "adjudication"
MOTIVATION = {ANNOTATION: "assessing", ADJUDICATION: "moderating"}
USER = "urn:parallax:user:"


@dataclass(frozen=True)
class Target:
    source: str
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Record:
    """One label on one link, as the exchange format carries it."""

    kind: str
    creator: str
    label: str
    note: str
    created: str
    modified: str
    targets: tuple[Target, Target]
    id: str = ""
    blind: bool = False  # given before its annotator could see others' (the JSON document's)


def target_in(source: str, body: str, start: int, end: int) -> Target:
    return Target(
        source=source,
        start=start,
        end=end,
        exact=body[start:end],
        prefix=body[max(0, start - AROUND) : start],
        suffix=body[end : end + AROUND],
    )


def annotation(record: Record) -> dict:
    bodies = [_text(record.label, "tagging")]
    if record.note:
        bodies.append(_text(record.note, "commenting"))
    return {
        "@context": CONTEXT,
        "id": record.id,
        "type": "Annotation",
        "motivation": MOTIVATION[record.kind],
        "creator": {
            "id": USER + quote(record.creator, safe=""),
            "type": "Person",
            "nickname": record.creator,
        },
        "created": record.created,
        "modified": record.modified,
        "body": bodies,
        "target": [_target(t) for t in record.targets],
    }


def collection(id: str, label: str, records: list[Record]) -> dict:
    """All the labels of a story: an AnnotationCollection with a single page."""
    items = [annotation(r) for r in records]
    return {
        "@context": CONTEXT,
        "id": id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def _text(value: str, purpose: str) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def _target(t: Target) -> dict:
    return {
        "type": "SpecificResource",
        "source": t.source,
        "selector": [
            {"type": "TextQuoteSelector", "exact": t.exact, "prefix": t.prefix, "suffix": t.suffix},
            {"type": "TextPositionSelector", "start": t.start, "end": t.end},
        ],
    }


# Reading -----------------------------------------------------------------------------------------


def read(document) -> tuple[list[Record], list[str]]:
    """The records of a collection, a page, a list or a single annotation, and a problem
    (in words) for each item that is not one of ours."""
    records, problems = [], []
    for n, item in enumerate(_items(document), 1):
        try:
            records.append(_record(item))
        except (KeyError, TypeError, ValueError) as error:
            name = item.get("id", f"item {n}") if isinstance(item, dict) else f"item {n}"
            problems.append(f"{name}: {error}")
    return records, problems


def _items(document) -> list:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise ValueError("not a JSON object or list")
    if "first" in document:
        return document["first"].get("items", [])
    if "items" in document:
        return document["items"]
    return [document]


def _types(node) -> list:
    kind = node.get("type", [])
    return kind if isinstance(kind, list) else [kind]


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def _record(item: dict) -> Record:
    if "Annotation" not in _types(item):
        raise ValueError("not an Annotation")
    bodies = _listed(item.get("body", []))
    tags = [b["value"] for b in bodies if b.get("purpose") == "tagging"]
    notes = [b["value"] for b in bodies if b.get("purpose") == "commenting"]
    if len(tags) != 1:
        raise ValueError("needs exactly one body with the purpose 'tagging' (the label)")
    targets = tuple(_read_target(t) for t in _listed(item["target"]))
    if len(targets) != 2:
        raise ValueError("needs two targets, one per claim")
    creator = item.get("creator", {})
    name = creator.get("nickname") if isinstance(creator, dict) else None
    if not name and isinstance(creator, dict) and creator.get("id", "").startswith(USER):
        name = unquote(creator["id"][len(USER) :])
    if not name:
        raise ValueError("has no creator")
    motivations = _listed(item.get("motivation", []))
    return Record(
        kind=ADJUDICATION if "moderating" in motivations else ANNOTATION,
        creator=name,
        label=tags[0],
        note=notes[0] if notes else "",
        created=item.get("created", ""),
        modified=item.get("modified", item.get("created", "")),
        targets=targets,
        id=item.get("id", ""),
    )


def _read_target(node: dict) -> Target:
    selectors = {s.get("type"): s for s in _listed(node.get("selector", []))}
    quote_, position = selectors.get("TextQuoteSelector"), selectors.get("TextPositionSelector")
    if not quote_ or not position:
        raise ValueError("a target needs a TextQuoteSelector and a TextPositionSelector")
    start, end = int(position["start"]), int(position["end"])
    if not 0 <= start < end:
        raise ValueError(f"bad TextPositionSelector {start}-{end}")
    return Target(
        source=node["source"],
        start=start,
        end=end,
        exact=quote_["exact"],
        prefix=quote_.get("prefix", ""),
        suffix=quote_.get("suffix", ""),
    )
