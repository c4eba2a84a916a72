from django.apps import AppConfig
from django.db.models.signals import post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Outlets and articles"

    def ready(self):
        from django.contrib.admin.models import LogEntry

        post_save.connect(_admin_changed, sender=LogEntry, dispatch_uid="articles-admin-touch")


def _admin_changed(sender, instance, **kwargs):
    """A change in the admin can touch anything a page shows (an outlet's name, an article, a
    link): every story's cached fragments are stale (articles/pagecache.py). Admin changes are
    rare; working out which stories one concerns is not worth the risk of missing one."""
    from articles.models import Story

    Story.objects.touch()
