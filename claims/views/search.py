"""Search a story's claims by text, as you type."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.access import get_story
from claims.forms import SearchForm
from claims.models import Claim

RESULTS_SHOWN = 50


@require_GET
def search(request, slug):
    story = get_story(request, slug)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = []
    if query:
        results = list(
            Claim.objects.filter(article__story=story, text__icontains=query)
            .select_related("article__outlet", "event")
            # In id order the scan stops at the first results instead of sorting every match.
            .order_by("id")[: RESULTS_SHOWN + 1]
        )
    context = {
        "story": story,
        "form": form,
        "query": query,
        "results": results[:RESULTS_SHOWN],
        "more": len(results) > RESULTS_SHOWN,
    }
    template = "claims/search.html"
    return render(request, f"{template}#results" if request.htmx else template, context)
