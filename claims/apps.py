from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims and matching"

    def ready(self):
        from claims import models, textsearch

        # Writes that change what a story's pages show move its revision (articles/pagecache.py).
        # Every matching run ends by saving its MatchState (a run asked for in the browser has a
        # MatchJob, which also touches the story as it goes); every edit is recorded as an Edit;
        # every label and undo as an AnnotationChange. Models the matcher writes in bulk
        # (events, claims) get no receiver: it would cost a query per row, and a delete
        # receiver would make Django load each row it deletes.
        for model in (
            models.MatchState,
            models.MatchJob,
            models.Edit,
            models.AnnotationChange,
            models.Adjudication,
            models.Alias,
            models.Link,
        ):
            post_save.connect(_touch, sender=model, dispatch_uid=f"claims-touch-{model.__name__}")
        post_delete.connect(_touch, sender=models.Alias, dispatch_uid="claims-touch-alias-delete")
        post_migrate.connect(_repair_search, sender=self, dispatch_uid="claims-repair-search")
        # The search index's triggers fold the claims' text with a function of ours.
        connection_created.connect(textsearch.register, dispatch_uid="claims-search-fold")


def _touch(sender, instance, **kwargs):
    from articles.models import Story

    story_id = getattr(instance, "story_id", None)
    if story_id is None and hasattr(instance, "link_id"):
        story_id = instance.link.story_id
    if story_id is None:  # an alias for every story
        Story.objects.touch()
    else:
        Story.objects.filter(pk=story_id).touch()


def _repair_search(sender, using, **kwargs):
    """A migration that rebuilt claims_claim on SQLite took the search index's triggers with it
    (claims/textsearch.py): put them back."""
    from claims import textsearch

    textsearch.repair(using)
