"""Export a story: outlets, articles, claims, events, links and annotations, as JSON (one
document, to stdout or --output FILE) or as CSV (one table per kind of record, into --output
DIRECTORY) or as one Excel workbook of the CSV tables (--format xlsx, into --output FILE); or
its annotations alone as W3C Web Annotations (--format jsonld, JSON-LD).
Annotators are named and their notes included; --anonymous gives what a reader without a
role in the story downloads: pseudonyms (annotator-1, ...) and no notes."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Story
from claims.exchange.export import (
    story_annotations_jsonld,
    story_document,
    story_workbook,
    write_csv_tables,
)
from claims.exchange.people import People


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("story", help="slug of the story")
        parser.add_argument("--format", choices=["json", "csv", "jsonld", "xlsx"], default="json")
        parser.add_argument("--output", type=Path, help="file (JSON, xlsx) or directory (CSV)")
        parser.add_argument(
            "--anonymous",
            action="store_true",
            help="the public form: annotators as annotator-1, annotator-2, ... and no notes",
        )

    def handle(self, *args, story, format, output, anonymous, **options):
        try:
            story_obj = Story.objects.get(slug=story)
        except Story.DoesNotExist:
            raise CommandError(f"no story with slug {story!r}") from None
        people = People.anonymous(story_obj) if anonymous else People.everyone()
        if format == "csv":
            if output is None:
                raise CommandError("CSV export writes one file per table: give --output DIRECTORY")
            for path in write_csv_tables(story_obj, output, people):
                self.stderr.write(f"wrote {path}")
            return
        if format == "xlsx":
            if output is None:
                raise CommandError("an .xlsx workbook is not text: give --output FILE")
            output.write_bytes(story_workbook(story_obj, people))
            self.stderr.write(f"wrote {output}")
            return
        document = (
            story_annotations_jsonld(story_obj, people)
            if format == "jsonld"
            else story_document(story_obj, people)
        )
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if output is None:
            self.stdout.write(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"wrote {output}")
