"""Load the demo story from seeds/story.json: the story, what we know of its outlets, and the
seed articles with the metadata a user would supply at import, and the aliases the journalist
typed for matching. Safe to run again."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.ingest.importer import FAILED, Upload, import_uploads
from articles.models import Outlet, Story
from claims.models import Alias

SEEDS_DIR = settings.BASE_DIR / "seeds"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--manifest", type=Path, default=SEEDS_DIR / "story.json")

    def handle(self, *args, manifest, **options):
        spec = json.loads(manifest.read_text())
        story, _ = Story.objects.update_or_create(
            slug=spec["story"]["slug"],
            defaults={
                "title": spec["story"]["title"],
                "description": spec["story"].get("description", ""),
            },
        )
        for outlet in spec.get("outlets", []):
            obj = Outlet.objects.for_name(outlet["name"])
            for field in ("domain", "country", "ownership"):
                if outlet.get(field) and not getattr(obj, field):
                    setattr(obj, field, outlet[field])
            obj.save()
        _aliases(story, spec.get("aliases", {}).get("groups", []))
        uploads = [
            Upload(
                str(manifest.parent / a["file"]),
                (manifest.parent / a["file"]).read_bytes(),
                outlet=a.get("outlet", ""),
                byline=a.get("byline", ""),
            )
            for a in spec["articles"]
        ]
        report = import_uploads(uploads, story)
        Story.objects.filter(pk=story.pk).touch()  # a new title or outlet shows on every page
        for o in report.outcomes:
            if o.status == FAILED:
                self.stderr.write(f"FAILED {o.where}: {o.reason}")
        self.stdout.write(f"Seed story {story.slug!r}. {report.summary()}")
        if report.failed:
            raise CommandError("the seed story did not load completely")


def _aliases(story, groups: list[list[str]]) -> None:
    """The aliases a user typed for the story, each group once however often this runs."""
    have = {frozenset(t.casefold() for t in a.term_list) for a in story.aliases.all()}
    for group in groups:
        if frozenset(t.casefold() for t in group) not in have:
            Alias.objects.create(story=story, terms=", ".join(group))
