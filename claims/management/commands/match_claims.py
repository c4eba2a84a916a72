"""Group a story's claims into events and link claims of different articles that describe the
same event, each link with its score and the reasons for it.

Safe to run again: links people confirmed stay, links they rejected never come back, claims
they moved stay where they put them, and events keep the names people gave them. A story in
which nothing changed since its last full match (claims, articles, aliases, decisions, the
matcher, and what that match stored) is not matched again unless --full is given.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Story
from claims.actions.matching import match_story


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--story", required=True, help="slug of the story to match")
        parser.add_argument(
            "--full",
            action="store_true",
            help="match the story again even when nothing changed since its last full match",
        )

    def handle(self, *args, story, full, verbosity, **options):
        try:
            story_obj = Story.objects.get(slug=story)
        except Story.DoesNotExist:
            raise CommandError(f"no story with slug {story!r}") from None
        summary = match_story(story_obj, full=full)
        self.stdout.write(self.style.SUCCESS(f"{story_obj.slug}: {summary}"))
        learned = story_obj.match_state.stats.get("aliases_learned") if verbosity > 1 else None
        for alias in learned or []:
            self.stdout.write(f"  learned alias: {alias}")
