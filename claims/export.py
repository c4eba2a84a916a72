"""A story as data other tools read: one JSON document, or one CSV table per kind of record.

The JSON layout is documented in README.md ("Export") and stable: fields are only ever added.
"""

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from django.utils import timezone

from articles.models import Outlet, Story
from claims.models import Claim, Link

FORMAT_VERSION = 1


def story_tables(story: Story) -> dict[str, list[dict]]:
    """Every record of the story, as plain rows (the CSV tables; JSON nests nothing more)."""
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
            }
            for e in story.events.order_by("id")
        ],
        "links": list(_links(story)),
    }


def story_document(story: Story) -> dict:
    return {
        "format": "parallax-story",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "story": {"slug": story.slug, "title": story.title, "description": story.description},
        **story_tables(story),
    }


def write_csv_tables(story: Story, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in story_tables(story).items():
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            fields = list(rows[0]) if rows else _EMPTY_HEADERS[name]
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(_flat(row) for row in rows)
        written.append(path)
    return written


_EMPTY_HEADERS = {
    "outlets": ["id", "name", "slug", "domain", "country", "ownership"],
    "articles": ["id", "outlet_id", "outlet", "title", "byline", "source", "published", "body"],
    "claims": ["id", "article_id", "position", "start", "end", "text", "speaker", "event_id"],
    "events": ["id", "label", "label_by_person", "claim_ids"],
    "links": [
        "claim_a",
        "claim_b",
        "score",
        "status",
        "decided_by",
        "decided_at",
        "shared_terms",
        "explanation",
    ],
}


def _flat(row: dict) -> dict:
    """CSV cells: lists become space- or semicolon-separated text."""
    flat = {}
    for key, value in row.items():
        if isinstance(value, list):
            value = " ".join(map(str, value)) if key == "claim_ids" else "; ".join(map(str, value))
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
    }


def _links(story: Story) -> Iterator[dict]:
    for link in (
        Link.objects.filter(story=story)
        .select_related("decided_by")
        .order_by("claim_a_id", "claim_b_id")
    ):
        yield {
            "claim_a": link.claim_a_id,
            "claim_b": link.claim_b_id,
            "score": round(link.score, 4),
            "status": link.status,
            "decided_by": link.decided_by.get_username() if link.decided_by else None,
            "decided_at": link.decided_at.isoformat() if link.decided_at else None,
            "shared_terms": link.shared_terms,
            "explanation": link.explanation,
        }
