"""Search a story's claims by text, as you type."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from articles import pagecache
from articles.access import get_story
from articles.models import article_texts
from claims.forms import SearchForm
from claims.models import Claim
from claims.views import rows
from claims.views.common import url_prefix

RESULTS_SHOWN = 50


@require_GET
def search(request, slug):
    story = get_story(request, slug)
    return pagecache.page(request, story, lambda: _search_page(request, story), ("q",))


def _search_page(request, story):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    html = pagecache.fragment(story, "search", (query,), lambda: _results_html(story, query))
    if request.htmx:
        return HttpResponse(html)
    context = {"story": story, "form": form, "query": query, "results_html": html}
    return render(request, "claims/search.html", context)


def _results_html(story, query: str) -> str:
    """The claims containing the query, as HTML (the same for every reader)."""
    results = []
    if query:
        results = list(
            Claim.objects.select_related("article__outlet", "event")
            .defer(*article_texts("article"))
            .first_containing(story, query, RESULTS_SHOWN + 1)
        )
    urls = {
        "event": url_prefix("claims-event", story),
        "article": url_prefix("articles-detail", story),
    }
    context = {
        "story": story,
        "query": query,
        "results": [rows.search_result(claim, urls) for claim in results[:RESULTS_SHOWN]],
        "more": len(results) > RESULTS_SHOWN,
    }
    return render_to_string("claims/search.html#results", context)
