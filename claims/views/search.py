"""Search a story's claims by text, as you type."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from articles import pagecache
from articles.access import get_story
from articles.models import article_texts
from claims.forms import SearchForm
from claims.models import Claim
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
        "results": [_result(claim, urls) for claim in results[:RESULTS_SHOWN]],
        "more": len(results) > RESULTS_SHOWN,
    }
    return render_to_string("claims/search.html#results", context)


def _result(claim, urls) -> SafeString:
    """One claim found, as HTML built in Python (50 of them through a template with two
    {% url %} each cost more than the search). Every text is escaped by format_html."""
    if claim.event:
        event = format_html(
            '<a href="{}{}/#c{}">Event: {}</a>',
            urls["event"],
            claim.event_id,
            claim.pk,
            Truncator(claim.event.display_label).chars(80),
        )
    else:
        event = "Not matched to other outlets"
    return format_html(
        "<li>\n"
        '      <p class="outlet">{outlet}</p>\n'
        '      <p class="claim-text">{text}</p>\n'
        '      <p class="claim-meta">{event} · '
        '<a href="{article}{article_id}/#claim-{pk}">In the article</a></p>\n'
        "    </li>",
        outlet=claim.article.outlet.name,
        text=claim.text,
        event=event,
        article=urls["article"],
        article_id=claim.article_id,
        pk=claim.pk,
    )
