"""The address of an event that is gone (matching regrouped its claims, a person merged it
away) leads to the event that now holds most of its claims, or to a page that says where they
went: never to a bare Not Found (GoneEvent)."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django_htmx.http import HttpResponseClientRedirect

from articles.access import get_story
from articles.models import article_texts
from claims.models import Claim, GoneEvent

UNPLACED_SHOWN = 20


def follows_gone_events(view):
    """For a view of one event (`slug`, `pk`): when there is no such event but there was, the
    answer says where its claims are now. A GET goes to the same page of the event that holds
    most of them; a POST changes nothing and goes to that event's page; an HTMX request is
    sent there with a whole page load, since the page it came from shows an event that is
    gone. Where no event holds most of them, the old address explains (410)."""

    @wraps(view)
    def wrapper(request, slug, pk, **kwargs):
        try:
            return view(request, slug, pk, **kwargs)
        except Http404:
            story = get_story(request, slug)
            gone = GoneEvent.objects.filter(story=story, old_id=pk).first()
            if gone is None:
                raise
            return _forward(request, story, gone)

    return wrapper


def _forward(request, story, gone):
    where = gone.whereabouts()
    changing = request.method != "GET"
    if where.successor is None:
        if changing or request.htmx:
            if changing:
                messages.warning(request, "Nothing was changed: this event is gone.")
            return _go(request, reverse("claims-event", args=[story.slug, gone.old_id]))
        return _gone_page(request, story, gone, where)
    same_page = not changing and not request.htmx
    name = request.resolver_match.url_name if same_page else "claims-event"
    url = reverse(name, args=[story.slug, where.successor.pk])
    if same_page and request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    label = Truncator(gone.label).chars(80)
    messages.info(
        request,
        f"“{label}” (event {gone.old_id}) was {gone.get_cause_display()}; most of its claims "
        f"are in this event now.{' Nothing was changed.' if changing else ''}",
    )
    return _go(request, url)


def _go(request, url):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _gone_page(request, story, gone, where):
    unplaced = (
        Claim.objects.filter(id__in=gone.claim_ids, event=None)
        .select_related("article__outlet")
        .defer(*article_texts("article"))
        .order_by("article__outlet__name", "article_id", "position")
    )
    context = {
        "story": story,
        "gone": gone,
        "where": where,
        "claim_count": len(gone.claim_ids),
        "unplaced": unplaced[:UNPLACED_SHOWN],
    }
    return render(request, "claims/event_gone.html", context, status=410)
