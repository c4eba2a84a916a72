"""The story as files to download: the JSON document, one CSV table, every table as one Excel
workbook, or the annotations as Web Annotations (JSON-LD). Whoever may read the story may
download it; who labelled it and their notes only members of the story and staff
(claims/exchange/people.py), others get pseudonyms and no notes. In blind review
(articles.access.Sight) only editors get every label and decision; an annotator gets their own
labels, and the decisions of the links they labelled; other readers no labels or decisions. The
joined CSV (a claim a row, with its article and event) holds no name, label or decision: every
reader gets the same. The workbook's sheets are the reader's CSV tables."""

import io
import json

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from articles.access import Sight, get_story
from claims.exchange.export import (
    CSV_TABLES,
    JOINED,
    joined_claims,
    story_annotations_jsonld,
    story_document,
    story_tables,
    story_workbook,
    write_csv,
)
from claims.exchange.people import People

JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(request, story) -> tuple[People, Sight]:
    """Whom the reader may see named, and what of the labels (blind review)."""
    return People.for_viewer(request.user, story), Sight(request.user, story)


def _attachment(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def export_json(request, slug):
    story = get_story(request, slug)
    text = json.dumps(story_document(story, *_reader(request, story)), ensure_ascii=False, indent=2)
    return _attachment(text, "application/json", f"{story.slug}.json")


@require_GET
def export_jsonld(request, slug):
    story = get_story(request, slug)
    text = json.dumps(
        story_annotations_jsonld(story, *_reader(request, story)),
        ensure_ascii=False,
        indent=2,
    )
    return _attachment(text, JSONLD, f"{story.slug}-annotations.jsonld")


@require_GET
def export_csv(request, slug, table):
    story = get_story(request, slug)
    if table not in CSV_TABLES:
        raise Http404("No such table.")
    if table == JOINED:
        rows = joined_claims(story)
    else:
        rows = story_tables(story, *_reader(request, story))[table]
    out = io.StringIO()
    write_csv(out, table, rows)
    return _attachment(out.getvalue(), "text/csv; charset=utf-8", f"{story.slug}-{table}.csv")


@require_GET
def export_xlsx(request, slug):
    story = get_story(request, slug)
    content = story_workbook(story, *_reader(request, story))
    return _attachment(content, XLSX, f"{story.slug}.xlsx")
