"""An article's page: its text with its claims marked, and a chosen claim's matches beside it."""

from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles import pagecache
from articles.access import Sight, get_story
from articles.models import ARTICLE_TEXTS, Article, article_texts
from articles.views.details import article_panel
from claims.actions import framing
from claims.forms import ClaimSelectForm
from claims.views.pair import matches_for
from claims.views.reader import paragraphs


@require_GET
def article_detail(request, slug, pk):
    story = get_story(request, slug)
    return pagecache.page(request, story, lambda: _article_page(request, story, pk), ("claim",))


def _article_page(request, story, pk):
    form = ClaimSelectForm(request.GET)
    chosen = form.cleaned_data["claim"] if form.is_valid() else None
    # Blind review: a reader who may not see decisions gets the matches rejected ones and all.
    decisions = Sight(request.user, story).everything
    cached = pagecache.fragment(
        story, "reader", (pk, chosen, decisions), lambda: _reader_copy(story, pk, chosen, decisions)
    )
    panel = article_panel(request, story, pk)  # its changes and, for editors, the fix-it form
    return render(request, "claims/article_detail.html", {**cached, **panel, "story": story})


def _reader_copy(story, pk, chosen, decisions=True) -> dict:
    """The article with its claims marked and, when one is chosen, its matches, as HTML
    rendered without the request (nothing in it depends on who reads), for the cache
    (articles/pagecache.py); and what the page's title and breadcrumbs show."""
    article = get_object_or_404(
        Article.objects.select_related("outlet", "copy_of__outlet").defer(
            *article_texts("copy_of")
        ),
        story=story,
        pk=pk,
    )
    claims = list(article.claims.all())
    selected = next((c for c in claims if c.pk == chosen), None)
    context = {
        "story": story,
        "article": article,
        "claims": claims,
        "copies": article.copies.select_related("outlet").defer(*ARTICLE_TEXTS).order_by("pk"),
        "paragraphs": paragraphs(article.body, claims),
        "speakers": framing.speakers(claims),
        "claim": selected,
        "matches_prefix": reverse("claims-matches", args=[story.slug, 0]).removesuffix(
            "0/matches/"
        ),
        "matches": matches_for(selected, decisions) if selected else None,
    }
    return {
        "reader_html": render_to_string("claims/article_detail.html#reader", context),
        "title": article.display_title,
        "outlet_name": article.outlet.name,
    }
