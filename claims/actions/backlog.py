"""Articles stored but never matched. The importer hands what it stored to matching only at
the end of a batch (articles/ingest/store.py `take_in`), so an import that failed or whose
worker was killed leaves the articles it stored outside the story's match index, and a
re-run skips them as duplicates. Every incremental match therefore takes in whatever the
index is missing along with its own articles, and so does the match that ends every browser
import, whatever its chunks stored before they failed (articles/tasks.py `match_import`)."""

from django.db.models import Count

from articles.models import Article, Story
from claims.actions.matching import Summary, load_index, match_new_articles
from claims.matching import StaleIndex
from claims.models import Claim, MatchState


def unindexed(story: Story, besides=()) -> list[Article]:
    """The story's articles missing from its match index, other than `besides`. None when the
    story was never matched: its first full match takes every article."""
    state = MatchState.objects.filter(story=story).first()
    if state is None:
        return []
    besides_ids = {a.pk for a in besides}
    # Claims per article, summed here: a batch can be too long a list for SQL's IN.
    per_article = (
        Claim.objects.filter(article__story=story)
        .values_list("article_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    stored = sum(n for article_id, n in per_article if article_id not in besides_ids)
    if stored == state.claim_count:  # the usual case, answered without the index
        return []
    try:
        indexed = set(load_index(story).article_row)
    except StaleIndex:  # matching builds the index again, from every article
        indexed = set()
    ids = set(story.articles.values_list("pk", flat=True)) - indexed - besides_ids
    return list(Article.objects.filter(pk__in=ids).order_by("pk"))


def match_backlog(story: Story, articles=()) -> Summary | None:
    """Match these new articles and any the index missed into a matched story; None when there
    is nothing to match or the story was never matched."""
    todo = [*articles, *unindexed(story, besides=articles)]
    return match_new_articles(story, todo) if todo else None
