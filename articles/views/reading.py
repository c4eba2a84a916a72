from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.access import EDIT, can, get_story
from articles.models import Article, Story, article_texts

ARTICLES_PER_PAGE = 50


@require_GET
def story_list(request):
    stories = Story.objects.with_counts().order_by("-created_at", "slug")
    return render(request, "articles/story_list.html", {"stories": stories})


@require_GET
def story_detail(request, slug):
    story = get_story(request, slug)
    articles = (
        story.articles.with_claim_counts()
        .select_related("outlet", "copy_of")
        .defer(*article_texts("copy_of"))
        .order_by(F("published").asc(nulls_last=True), "outlet__name", "id")
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"story": story, "page": page, "can_edit": can(request.user, story, EDIT)}
    return render(request, "articles/story_detail.html", context)


@require_GET
def article_original(request, slug, pk):
    """The text exactly as it was imported (loaded on demand: it can be long)."""
    story = get_story(request, slug)
    article = get_object_or_404(Article.objects.select_related("outlet"), story=story, pk=pk)
    template = "articles/article_original.html"
    context = {"story": story, "article": article}
    return render(request, f"{template}#original" if request.htmx else template, context)
