"""A story as data other tools read: one JSON document, or one CSV table per kind of record,
and one joined CSV table for spreadsheets (a claim a row, with its article and event), or all
the tables as one Excel workbook (claims/exchange/sheet.py).

The JSON layout is documented in README.md ("Export") and stable: fields are only ever added.
Every function takes `people` (claims/exchange/people.py): who is named and whose notes are
carried. The default names everyone, as the command line does; the views pass the reader's.
They also take `sight` (articles.access.Sight), the reader's in blind review: where it does not
see everything, the annotations are the reader's own only, and a link's decision (status, who
decided, the adjudication) is left empty on the links the reader has not labelled. None (the
command line): everything.
"""

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from django.utils import timezone

from articles.access import Sight
from articles.models import ARTICLE_TEXTS, Outlet, Story
from claims import accounts
from claims.exchange import sheet, webannotation
from claims.exchange.people import People
from claims.models import Adjudication, Annotation, Claim, Link, standing_also

FORMAT_VERSION = 1


def story_tables(
    story: Story, people: People | None = None, sight: Sight | None = None
) -> dict[str, list[dict]]:
    """Every record of the story, as plain rows (the CSV tables; JSON nests nothing more)."""
    people = people or People.everyone()
    blind = _blind(sight)
    articles = list(story.articles.select_related("outlet").order_by("id"))
    outlet_ids = {a.outlet_id for a in articles}
    claims = list(
        Claim.objects.filter(article__story=story)
        .order_by("article_id", "position")
        .values("id", "article_id", "position", "start", "end", "text", "speaker", "event_id")
    )
    members = defaultdict(list)
    for claim in claims:
        if claim["event_id"]:
            members[claim["event_id"]].append(claim["id"])
    also = _also_telling(story)
    told = accounts.for_story(story)
    return {
        "outlets": [_outlet(o) for o in Outlet.objects.filter(id__in=outlet_ids).order_by("id")],
        "articles": [_article(a) for a in articles],
        "claims": claims,
        "events": [
            {
                "id": e.id,
                "label": e.display_label,
                "label_by_person": bool(e.label),
                "claim_ids": members[e.id],
                "also_claim_ids": sorted(also[e.id]),
                **_accounts(told.get(e.id, accounts.NONE)),
            }
            for e in story.events.order_by("id")
        ],
        "links": list(_links(story, people, sight.labelled(story.links.all()) if blind else None)),
        "annotations": list(_annotations(story, people, sight.user if blind else None)),
    }


def _also_telling(story: Story) -> dict[int, set[int]]:
    """Per event, the claims that also tell of it (`standing_also`), in one query."""
    also = defaultdict(set)
    rows = standing_also(event__story=story).values_list("event_id", "claim_id")
    for event_id, claim_id in rows:
        also[event_id].add(claim_id)
    return also


def _accounts(told: accounts.Accounts) -> dict:
    """An event's independent accounts and who reported it first (claims/accounts.py)."""
    first = told.first
    return {
        "independent_accounts": told.count,
        "accounts": [a.name for a in told.accounts],
        "first_reported_by": list(first.names) if first else [],
        "first_reported_on": first.on.isoformat() if first and first.on else None,
        "first_reported_basis": first.basis if first else None,
    }


def _blind(sight: Sight | None) -> bool:
    """Whether the reader gets their own labels only (blind review, and not an editor)."""
    return sight is not None and not sight.everything


def story_document(story: Story, people: People | None = None, sight: Sight | None = None) -> dict:
    people = people or People.everyone()
    return {
        "format": "parallax-story",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "story": {"slug": story.slug, "title": story.title, "description": story.description},
        # "names": usernames and notes; "pseudonyms": annotator-N and no notes.
        "people": "names" if people.named else "pseudonyms",
        # "all"; or "own" in blind review: the reader's own labels, and the decision only of
        # the links they labelled.
        "labels": "own" if _blind(sight) else "all",
        **story_tables(story, people, sight),
    }


def write_csv_tables(story: Story, directory: Path, people: People | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    tables = {**story_tables(story, people), JOINED: joined_claims(story)}
    for name, rows in tables.items():
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            write_csv(handle, name, rows)
        written.append(path)
    return written


# Excel reads a CSV as the system's legacy code page unless it starts with a byte order mark;
# other tools (Python's csv with "utf-8-sig", pandas) skip it. LibreOffice opening a CSV
# without being asked for UTF-8 ignores it (bench/spreadsheets.py).
BOM = "\ufeff"


def write_csv(handle, name: str, rows: list[dict]) -> None:
    """One table as CSV, starting with a UTF-8 byte order mark, with its header even when it
    has no rows, and no text a spreadsheet would run as a formula (`_cell`)."""
    handle.write(BOM)
    writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else _EMPTY_HEADERS[name])
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) if isinstance(v, str) else v for k, v in _flat(row).items()})


def story_workbook(story: Story, people: People | None = None, sight: Sight | None = None) -> bytes:
    """Every CSV table, the joined one first, as the sheets of one .xlsx file: the same rows,
    each text exact and a text cell (claims/exchange/sheet.py)."""
    tables = {JOINED: joined_claims(story), **story_tables(story, people, sight)}
    flat = {name: [_flat(row) for row in rows] for name, rows in tables.items()}
    return sheet.workbook(flat, _EMPTY_HEADERS)


_EMPTY_HEADERS = {
    "outlets": ["id", "name", "slug", "domain", "country", "ownership"],
    "articles": [
        "id",
        "outlet_id",
        "outlet",
        "title",
        "byline",
        "source",
        "published",
        "body",
        "copy_of",
        "copy_similarity",
        "origin",
    ],
    "claims": ["id", "article_id", "position", "start", "end", "text", "speaker", "event_id"],
    "events": [
        "id",
        "label",
        "label_by_person",
        "claim_ids",
        "also_claim_ids",
        "independent_accounts",
        "accounts",
        "first_reported_by",
        "first_reported_on",
        "first_reported_basis",
    ],
    "links": [
        "claim_a",
        "claim_b",
        "event_id",
        "score",
        "status",
        "decided_by",
        "decided_at",
        "shared_terms",
        "explanation",
        "adjudicated_label",
        "adjudicated_by",
        "adjudicated_at",
        "adjudication_note",
    ],
    "annotations": [
        "claim_a",
        "claim_b",
        "annotator",
        "label",
        "note",
        "created_at",
        "updated_at",
        "adjudicated_label",
        "blind",
    ],
}

TABLES = list(_EMPTY_HEADERS)  # the tables of records, as in the JSON document

# The joined table: a claim a row, with what a spreadsheet user would otherwise look up in
# three tables. Not in the JSON document, which nests nothing and repeats nothing.
JOINED = "claims_joined"
_EMPTY_HEADERS[JOINED] = [
    "claim_id",
    "text",
    "start",
    "end",
    "speaker",
    "article_id",
    "article_title",
    "outlet",
    "published",
    "source",
    "event_id",
    "event_label",
    "also_event_ids",
    "also_event_labels",
]
CSV_TABLES = [*TABLES, JOINED]


def joined_claims(story: Story) -> list[dict]:
    """One row per claim of the story, in article order: the claim, its article (title,
    outlet, date, source address), its event and the events it also tells of. Nothing in it
    is a label or a decision, so every reader of the story gets the same rows."""
    articles = story.articles.select_related("outlet").defer(*ARTICLE_TEXTS)
    articles = {a.id: a for a in articles}
    events = story.events.only("id", "label", "auto_label")
    labels = {e.id: e.display_label for e in events}
    also = defaultdict(list)
    for event_id, claim_ids in sorted(_also_telling(story).items()):
        for claim_id in claim_ids:
            also[claim_id].append(event_id)
    rows = []
    for claim in (
        Claim.objects.filter(article__story=story)
        .order_by("article_id", "position")
        .values("id", "article_id", "start", "end", "text", "speaker", "event_id")
    ):
        article = articles[claim["article_id"]]
        rows.append(
            {
                "claim_id": claim["id"],
                "text": claim["text"],
                "start": claim["start"],
                "end": claim["end"],
                "speaker": claim["speaker"],
                "article_id": article.id,
                "article_title": article.title,
                "outlet": article.outlet.name,
                "published": article.published.isoformat() if article.published else None,
                "source": article.source,
                "event_id": claim["event_id"],
                "event_label": labels.get(claim["event_id"]),
                "also_event_ids": " ".join(map(str, also[claim["id"]])),
                "also_event_labels": "; ".join(labels[e] for e in also[claim["id"]]),
            }
        )
    return rows


# What a spreadsheet reads as the start of a formula, after any apostrophes.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet never runs as a formula ("CSV injection"): a text that starts
    with =, +, -, @, a tab or a carriage return, after any apostrophes, gets one more leading
    apostrophe. Taking one apostrophe off such a cell gives the text back exactly."""
    return "'" + text if _FORMULA.match(text) else text


def _flat(row: dict) -> dict:
    """CSV cells: lists become text, claim ids separated by spaces, anything else by
    semicolons."""
    flat = {}
    for key, value in row.items():
        if isinstance(value, list):
            ids = key.endswith("claim_ids")
            value = " ".join(map(str, value)) if ids else "; ".join(map(str, value))
        flat[key] = value
    return flat


def _outlet(o: Outlet) -> dict:
    return {
        "id": o.id,
        "name": o.name,
        "slug": o.slug,
        "domain": o.domain,
        "country": o.country,
        "ownership": o.ownership,
    }


def _article(a) -> dict:
    return {
        "id": a.id,
        "outlet_id": a.outlet_id,
        "outlet": a.outlet.name,
        "title": a.title,
        "byline": a.byline,
        "source": a.source,
        "published": a.published.isoformat() if a.published else None,
        "body": a.body,
        # The earlier article of the story this one repeats (found at import), and the outlet
        # its text says it first appeared in ("" when it states none).
        "copy_of": a.copy_of_id,
        "copy_similarity": a.copy_similarity,
        "origin": a.origin,
    }


def _links(story: Story, people: People, shown: set[int] | None = None) -> Iterator[dict]:
    """`shown`: the links whose decision the reader may see (None: all); the others' status,
    who decided and adjudication are left empty (None)."""
    adjudicated = _adjudications(story)
    for link in (
        Link.objects.filter(story=story)
        .select_related("decided_by")
        .order_by("claim_a_id", "claim_b_id")
    ):
        final = adjudicated.get(link.pk)
        if shown is not None and link.pk not in shown:
            link.status, link.decided_by, link.decided_at, final = None, None, None, None
        yield {
            "claim_a": link.claim_a_id,
            "claim_b": link.claim_b_id,
            "event_id": link.event_id,
            "score": round(link.score, 4),
            "status": link.status,
            "decided_by": people.name(link.decided_by),
            "decided_at": link.decided_at.isoformat() if link.decided_at else None,
            "shared_terms": link.shared_terms,
            "explanation": link.explanation,
            "adjudicated_label": final.label if final else None,
            "adjudicated_by": people.name(final.editor) if final else None,
            "adjudicated_at": final.at.isoformat() if final else None,
            "adjudication_note": people.note(final.note) if final else None,
        }


def _adjudications(story: Story) -> dict[int, Adjudication]:
    rows = Adjudication.objects.filter(link__story=story).select_related("editor")
    return {a.link_id: a for a in rows}


def _annotations(story: Story, people: People, own=None) -> Iterator[dict]:
    """Every annotator's label (`own`, a user: theirs only); `adjudicated_label` is the editor's
    final word on the link, the one to use where annotators disagree; `blind` whether the label
    was given before its annotator could see others' (Annotation.blind)."""
    adjudicated = _adjudications(story)
    for a in (
        _labels(story, own)
        .select_related("link", "annotator")
        .order_by("link__claim_a_id", "link__claim_b_id", "annotator__username")
    ):
        final = adjudicated.get(a.link_id)  # own labels are on links the reader may see
        yield {
            "claim_a": a.link.claim_a_id,
            "claim_b": a.link.claim_b_id,
            "annotator": people.name(a.annotator),
            "label": a.label,
            "note": people.note(a.note),
            "created_at": a.created_at.isoformat(),
            "updated_at": a.updated_at.isoformat(),
            "adjudicated_label": final.label if final else None,
            "blind": a.blind,
        }


def _labels(story: Story, own=None):
    """The story's labels; `own` (a user, in blind review): theirs only, none when signed out."""
    labels = Annotation.objects.filter(link__story=story)
    if own is None:
        return labels
    return labels.filter(annotator=own) if own.is_authenticated else labels.none()


# Web Annotations ---------------------------------------------------------------------------------


def article_source(article) -> str:
    """What a target points at: the article's URL when it came from one, else a name for its
    text that holds in any database (the hash of its normalised body)."""
    if article.source_is_url:
        return article.source
    return f"urn:parallax:article:{article.content_hash}"


def annotation_records(
    story: Story, people: People | None = None, sight: Sight | None = None
) -> list[webannotation.Record]:
    """Every label and every adjudication of the story, as Web Annotation records (in blind
    review, as `sight` has it: the reader's own labels, and the adjudications of the links
    they labelled)."""
    people = people or People.everyone()
    blind = _blind(sight)
    annotations = list(
        _labels(story, sight.user if blind else None)
        .select_related("annotator", "link")
        .order_by("link__claim_a_id", "link__claim_b_id", "annotator__username")
    )
    adjudications = Adjudication.objects.filter(link__story=story)
    if blind:
        adjudications = adjudications.filter(link__in=sight.labelled(story.links.all()))
    adjudications = list(
        adjudications.select_related("editor", "link").order_by(
            "link__claim_a_id", "link__claim_b_id"
        )
    )
    links = [a.link for a in annotations] + [a.link for a in adjudications]
    claim_ids = {c for link in links for c in (link.claim_a_id, link.claim_b_id)}
    claims = {
        c.id: c for c in Claim.objects.filter(id__in=claim_ids).only("article", "start", "end")
    }
    articles = {a.id: a for a in story.articles.only("id", "source", "body", "content_hash")}

    def targets(link):
        return tuple(
            webannotation.target_in(
                article_source(articles[claim.article_id]),
                articles[claim.article_id].body,
                claim.start,
                claim.end,
            )
            for claim in (claims[link.claim_a_id], claims[link.claim_b_id])
        )

    base = f"urn:parallax:story:{story.slug}"
    records = [
        webannotation.Record(
            id=f"{base}:annotation:{a.pk}",
            kind=webannotation.ANNOTATION,
            creator=people.name(a.annotator),
            label=a.label,
            note=people.note(a.note),
            created=a.created_at.isoformat(),
            modified=a.updated_at.isoformat(),
            targets=targets(a.link),
        )
        for a in annotations
    ]
    records += [
        webannotation.Record(
            id=f"{base}:adjudication:{a.pk}",
            kind=webannotation.ADJUDICATION,
            creator=people.name(a.editor) or "unknown",
            label=a.label,
            note=people.note(a.note),
            created=a.at.isoformat(),
            modified=a.at.isoformat(),
            targets=targets(a.link),
        )
        for a in adjudications
    ]
    return records


def story_annotations_jsonld(
    story: Story, people: People | None = None, sight: Sight | None = None
) -> dict:
    return webannotation.collection(
        f"urn:parallax:story:{story.slug}:annotations",
        story.title,
        annotation_records(story, people, sight),
    )
