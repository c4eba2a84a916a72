"""Import annotations into a story from a file that `export_story` wrote: Web Annotations
(--format jsonld) or the JSON story document. Each label is placed on the claims that have its
exact text at its position in the same article; what cannot be placed is reported, and the
command then exits with status 1. The import is one transaction."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Story
from claims.exchange import webannotation
from claims.exchange.restore import records_from_story_document, restore_annotations


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .jsonld or .json export")
        parser.add_argument("--story", required=True, help="slug of the story to import into")

    def handle(self, *args, file, story, **options):
        try:
            story_obj = Story.objects.get(slug=story)
        except Story.DoesNotExist:
            raise CommandError(f"no story with slug {story!r}") from None
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"cannot read {file}: {error}") from None
        if isinstance(document, dict) and document.get("format") == "parallax-story":
            records, problems = records_from_story_document(document), []
        else:
            try:
                records, problems = webannotation.read(document)
            except ValueError as error:
                raise CommandError(f"{file}: {error}") from None
        report = restore_annotations(story_obj, records)
        self.stdout.write(str(report))
        for problem in problems + report.unplaced:
            self.stderr.write(f"not imported: {problem}")
        if problems or report.unplaced:
            raise SystemExit(1)
