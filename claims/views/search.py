"""Search a story's claims as you type: words in any order, "quoted phrases", the story's names
that mean the same (its alias groups), by outlet, event and date (claims/text/query.py reads
the query; claims/textsearch.py narrows the claims through the index)."""

from itertools import islice

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from articles import pagecache
from articles.access import get_story
from articles.models import Outlet, article_texts
from claims import textsearch
from claims.actions.matching import story_aliases
from claims.forms import SearchForm
from claims.models import Claim
from claims.text.query import Query, parse
from claims.views import highlight, rows
from claims.views.common import url_prefix

RESULTS_PER_PAGE = 50
# A word in most claims ("the") would otherwise read the whole story: the first 5,000 found
# are shown, in pages, with a word that there are more.
MOST_FOUND = 5000
SHOWN_EVENTS = 200  # in the event menu: the largest; any other can still be asked for by id
PARAMS = ("q", "outlet", "event", "since", "until", "page")


@require_GET
def search(request, slug):
    story = get_story(request, slug)
    return pagecache.page(request, story, lambda: _search_page(request, story), PARAMS)


def _search_page(request, story):
    outlets = Outlet.objects.filter(articles__story=story).distinct()
    form = SearchForm(request.GET, outlets=outlets, events=story.events.all())
    filters = form.filters()
    text = form.cleaned_data.get("q", "")
    params = _params(text, filters)
    page = _page_number(request)
    html = pagecache.fragment(
        story,
        "search",
        (params.urlencode(), page),
        lambda: _results_html(story, text, filters, params, page),
    )
    if request.htmx:
        return HttpResponse(html)
    form.offer_events(pagecache.fragment(story, "search-events", (), lambda: _events(story)))
    return render(request, "claims/search.html", {"story": story, "form": form, "results": html})


def _events(story) -> list[tuple[int, str]]:
    """The events the menu offers: the largest first."""
    events = story.events.annotate(n=Count("claims")).order_by("-n", "id")[:SHOWN_EVENTS]
    return [(e.pk, e.display_label) for e in events.only("id", "label", "auto_label")]


def _params(text: str, filters: dict) -> QueryDict:
    """The search as the links of its pages carry it: only what the form read as valid."""
    params = QueryDict(mutable=True)
    if text:
        params["q"] = text
    for name, value in filters.items():
        params[name] = str(getattr(value, "pk", value))
    return params


def _page_number(request) -> int:
    """The page asked for; anything that is not a page number is the first (one cache entry)."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


def _results_html(story, text: str, filters: dict, params: QueryDict, page: int) -> str:
    """The claims found, a page of them, as HTML (the same for every reader)."""
    query = parse(text, story_aliases(story))
    context = {"story": story, "text": text, "query": query, "filters": filters, "params": params}
    if query or filters:
        ids = pagecache.fragment(
            story, "search-ids", (params.urlencode(),), lambda: found_ids(story, query, filters)
        )
        shown = Paginator(ids[:MOST_FOUND], RESULTS_PER_PAGE).get_page(page)
        context.update(searched=True, page=shown, more=len(ids) > MOST_FOUND)
        context["results"] = _rows(story, query, shown.object_list)
    return render_to_string("claims/search.html#results", context)


def found_ids(story, query: Query, filters: dict) -> list[int]:
    """The ids of the story's claims that match the query and the filters, in id order: the
    first MOST_FOUND + 1 (one more says there are more)."""
    claims = Claim.objects.filter(article__story=story)
    if outlet := filters.get("outlet"):
        claims = claims.filter(article__outlet=outlet)
    if event := filters.get("event"):
        claims = claims.filter(event=event)
    if since := filters.get("since"):
        claims = claims.filter(article__published__gte=since)
    if until := filters.get("until"):
        claims = claims.filter(article__published__lte=until)
    claims = claims.order_by("id")
    if not query:
        return list(claims.values_list("id", flat=True)[: MOST_FOUND + 1])
    found = (pk for pk, text in textsearch.candidates(claims, query) if query.matches(text))
    return list(islice(found, MOST_FOUND + 1))


def _rows(story, query: Query, ids: list[int]) -> list:
    claims = (
        Claim.objects.select_related("article__outlet", "event")
        .defer(*article_texts("article"))
        .in_bulk(ids)
    )
    urls = {
        "event": url_prefix("claims-event", story),
        "article": url_prefix("articles-detail", story),
    }
    return [
        rows.search_result(c, urls, highlight.found(c.text, query.marks(c.text)))
        for c in (claims[pk] for pk in ids if pk in claims)
    ]
