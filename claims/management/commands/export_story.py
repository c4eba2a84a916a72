"""Export a story: outlets, articles, claims, events, links and annotations, as JSON (one
document, to stdout or --output FILE) or as CSV (one table per kind of record, into --output
DIRECTORY); or its annotations alone as W3C Web Annotations (--format jsonld, JSON-LD)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Story
from claims.exchange.export import story_annotations_jsonld, story_document, write_csv_tables


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("story", help="slug of the story")
        parser.add_argument("--format", choices=["json", "csv", "jsonld"], default="json")
        parser.add_argument("--output", type=Path, help="file (JSON) or directory (CSV)")

    def handle(self, *args, story, format, output, **options):
        try:
            story_obj = Story.objects.get(slug=story)
        except Story.DoesNotExist:
            raise CommandError(f"no story with slug {story!r}") from None
        if format == "csv":
            if output is None:
                raise CommandError("CSV export writes one file per table: give --output DIRECTORY")
            for path in write_csv_tables(story_obj, output):
                self.stderr.write(f"wrote {path}")
            return
        document = (
            story_annotations_jsonld(story_obj) if format == "jsonld" else story_document(story_obj)
        )
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if output is None:
            self.stdout.write(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"wrote {output}")
