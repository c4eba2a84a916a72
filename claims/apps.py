from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims and matching"

    def ready(self):
        from articles.signals import articles_imported

        articles_imported.connect(_match_imported, dispatch_uid="claims-match-imported")


def _match_imported(sender, story, articles, **kwargs):
    """A matched story takes new articles in at once; an unmatched one waits for match_claims."""
    from claims.store import match_new_articles

    match_new_articles(story, articles)
