"""Import news articles (.txt as scraped, .html pages, .jsonl in bulk) into a story.

Directories are searched recursively. The story is created when it does not exist. Each
article is stored atomically; a file or line that fails (unreadable, malformed, or over its
time budget) is reported with its reason and the rest goes on. Every file ends in the report.
Exits non-zero when anything failed.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.ingest.importer import (
    DUPLICATE,
    FAILED,
    IMPORTED,
    SKIPPED,
    Report,
    collect_paths,
    import_uploads,
    read_uploads,
)
from articles.ingest.store import never_matched, take_in
from articles.models import Story


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or directories")
        parser.add_argument("--story", required=True, help="slug of the story to import into")
        parser.add_argument("--title", default="", help="title for a story created by this run")
        parser.add_argument(
            "--outlet",
            default="",
            help="outlet of every article in this run, overriding "
            "what the text states (use it when the text names none)",
        )

    def handle(self, *args, paths, story, title, outlet, verbosity, **options):
        story_obj, created = Story.objects.get_or_create(
            slug=story, defaults={"title": title or story.replace("-", " ").capitalize()}
        )
        if created:
            self.stdout.write(f"Created story {story_obj.slug!r}.")
        files, early = collect_paths(paths)
        uploads, unread = read_uploads(files, outlet.strip())
        report = Report(outcomes=[*early, *unread])
        with tqdm(total=len(uploads), unit="file", disable=not sys.stderr.isatty()) as bar:
            batch = import_uploads(uploads, story_obj, progress=lambda name: bar.update())
        report.outcomes.extend(batch.outcomes)
        if not batch.articles:
            # Nothing new, so the importer said nothing; a re-run of a crashed import meets the
            # articles it stored as duplicates, and matching takes them in only when told.
            batch.matched = str(take_in(story_obj, []) or "")
        self._print(report, verbosity, self._matching(story_obj, batch.matched))
        if report.failed:
            raise CommandError(f"{report.count(FAILED)} input(s) failed; see above.")

    def _matching(self, story: Story, matched: str) -> str:
        """What matching did with what was stored, or how to match a story never matched."""
        if matched:
            return f"{story.slug}: {matched}"
        if never_matched(story) and story.articles.exists():
            return (
                f"{story.slug} is not matched yet: `python manage.py match_claims --story "
                f"{story.slug}` groups its claims into events (the articles imported next are "
                "then matched as they come)."
            )
        return ""

    def _print(self, report: Report, verbosity: int, matching: str):
        for o in report.outcomes:
            if o.status == IMPORTED and verbosity >= 1:
                a = o.article
                self.stdout.write(
                    f"imported  {o.where}: {a.outlet.name}, {a.display_title!r}, "
                    f"{a.claims.count()} claims" + (f" ({o.reason})" if o.reason else "")
                )
            elif o.status in (DUPLICATE, SKIPPED) and verbosity >= 1:
                self.stdout.write(f"{o.status:<9} {o.where}: {o.reason}")
            elif o.status == FAILED:
                self.stderr.write(f"FAILED    {o.where}: {o.reason}")
        if matching and verbosity >= 1:
            self.stdout.write(matching)
        self.stdout.write(self.style.SUCCESS(report.summary()))
