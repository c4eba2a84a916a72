"""Fixing what an import read wrong, in the browser: an article's outlet, title, date and
byline; an outlet's country, ownership and homepage; two outlets that are one.

Each change is recorded in Django's change log (`LogEntry`, what the admin writes too): who,
when, and what in words ('title "" -> "Talks stall"'), shown on the article's and the
outlet's pages. Matching never writes these fields, so a change survives every re-match; the
matcher reads an article's date and outlet afresh when the story is matched again.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from articles.models import ALSO_NAMED, UNKNOWN_OUTLET, Article, Outlet, Story


class Stale(Exception):
    """The thing changed since the form was loaded: nothing was written."""


@dataclass(frozen=True)
class ArticleDetails:
    outlet: str
    title: str
    published: date | None
    byline: str

    @classmethod
    def of(cls, article: Article) -> "ArticleDetails":
        return cls(article.outlet.name, article.title, article.published, article.byline)

    def version(self) -> str:
        """What the form was loaded with, to tell a change made meanwhile."""
        return repr((self.outlet, self.title, self.published, self.byline))


LABELS = {"outlet": "outlet", "title": "title", "published": "date", "byline": "byline"}


def fix_article(article: Article, new: ArticleDetails, user, loaded_version: str) -> list[str]:
    """Give the article these details; the changes in words (none: nothing to do). Raises
    Stale when someone changed them since `loaded_version` was read."""
    with transaction.atomic():
        Story.objects.filter(pk=article.story_id).lock()
        article = Article.objects.select_related("outlet").get(pk=article.pk)
        old = ArticleDetails.of(article)
        if old.version() != loaded_version:
            raise Stale(_describe(old))
        changes = _changes(old, new)
        if not changes:
            return []
        article.outlet = Outlet.objects.for_name(new.outlet)
        article.title, article.published, article.byline = new.title, new.published, new.byline
        article.save(update_fields=["outlet", "title", "published", "byline"])
        _log(user, [article], "changed " + "; ".join(changes))
        Story.objects.filter(pk=article.story_id).touch()
    return changes


def _changes(old: ArticleDetails, new: ArticleDetails) -> list[str]:
    found = []
    for field, label in LABELS.items():
        before, after = getattr(old, field), getattr(new, field)
        if field == "outlet" and before.casefold() == " ".join(after.split()).casefold():
            continue
        if before != after:
            found.append(f"{label} {_shown(before)} → {_shown(after)}")
    return found


def _shown(value) -> str:
    if value is None or value == "":
        return "(none)"
    return f"“{value.isoformat() if isinstance(value, date) else value}”"


def _describe(details: ArticleDetails) -> str:
    return (
        f"outlet {_shown(details.outlet)}, title {_shown(details.title)}, "
        f"date {_shown(details.published)}, byline {_shown(details.byline)}"
    )


OUTLET_FIELDS = {"country": "country", "ownership": "ownership", "domain": "homepage"}


def fix_outlet(outlet: Outlet, values: dict, user) -> list[str]:
    """Set the outlet's country, ownership and homepage domain; the changes in words."""
    with transaction.atomic():
        outlet = Outlet.objects.select_for_update().get(pk=outlet.pk)
        changes = [
            f"{label} {_shown(getattr(outlet, field))} → {_shown(values[field])}"
            for field, label in OUTLET_FIELDS.items()
            if getattr(outlet, field) != values[field]
        ]
        if not changes:
            return []
        for field in OUTLET_FIELDS:
            setattr(outlet, field, values[field])
        outlet.save(update_fields=list(OUTLET_FIELDS))
        _log(user, [outlet], "changed " + "; ".join(changes))
        Story.objects.filter(articles__outlet=outlet).distinct().touch()
    return changes


def merge_outlets(gone: Outlet, kept: Outlet, user) -> int:
    """Two outlets that are one: every article of `gone` (in every story) moves to `kept`, in
    one transaction, and `gone` is deleted. Its name is kept in `kept`'s notes ("Also named",
    so that an import naming it lands in `kept`: OutletQuerySet.for_name) and in the change
    log of `kept` and of each article moved; what `kept` leaves blank
    (homepage, country, ownership) it takes from `gone`. The number of articles moved."""
    if gone.pk == kept.pk or UNKNOWN_OUTLET in (gone.name, kept.name):
        raise ValueError("merge two different outlets, neither of them Unknown")
    with transaction.atomic():
        ids = set(Story.objects.filter(articles__outlet=gone).values_list("pk", flat=True))
        stories = Story.objects.filter(pk__in=ids)
        stories.lock()
        gone = Outlet.objects.select_for_update().get(pk=gone.pk)
        kept = Outlet.objects.select_for_update().get(pk=kept.pk)
        # Only what the change log names them by (Article.__str__), not their texts.
        moved = list(Article.objects.filter(outlet=gone).only("title", "source").order_by("pk"))
        Article.objects.filter(outlet=gone).update(outlet=kept)
        for field in OUTLET_FIELDS:
            if not getattr(kept, field):
                setattr(kept, field, getattr(gone, field))
        kept.notes = "\n".join(filter(None, [kept.notes.strip(), f"{ALSO_NAMED}{gone.name}"]))
        kept.save()
        gone.delete()
        _log(user, [kept], f"merged “{gone.name}” into it: {len(moved)} article(s) moved")
        _log(user, moved, f"changed outlet “{gone.name}” → “{kept.name}” (outlets merged)")
        stories.touch()
    return len(moved)


def _log(user, objects, message: str) -> None:
    if objects:
        LogEntry.objects.log_actions(user.pk, objects, CHANGE, message)


def changes_of(obj) -> list[LogEntry]:
    """The recorded changes of an article or outlet, newest first, with who made them (the
    admin's included)."""
    content_type = ContentType.objects.get_for_model(obj)
    entries = LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
    return list(entries.select_related("user").order_by("-action_time", "-pk"))
