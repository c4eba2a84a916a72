"""How each outlet framed an event (a panel on the event page, loaded when it scrolls into
view, and a page of its own without JavaScript), and one outlet across a story's events."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.access import ANNOTATE, EDIT, can, get_story
from articles.models import Outlet
from claims.actions import framing as framing_data
from claims.models import Event
from claims.views.gone import follows_gone_events

TEMPLATE = "claims/event_framing.html"
EVENTS_PER_PAGE = 10


@require_GET
@follows_gone_events
def event_framing(request, slug, pk):
    story = get_story(request, slug)
    event = get_object_or_404(Event, story=story, pk=pk)
    context = {
        "story": story,
        "event": event,
        "can_review": can(request.user, story, ANNOTATE),
        **framing_data.frame_event(story, event),
    }
    return render(request, f"{TEMPLATE}#panel" if request.htmx else TEMPLATE, context)


@require_GET
def outlet_detail(request, slug, outlet_slug):
    story = get_story(request, slug)
    # distinct: an outlet with several articles in the story is joined once for each
    outlet = get_object_or_404(
        Outlet.objects.filter(articles__story=story).distinct(), slug=outlet_slug
    )
    events = story.events.filter(claims__article__outlet=outlet).distinct().for_overview()
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    lexicon = framing_data.lexicon_for(story)
    groups = framing_data.name_groups(story, story.articles.filter(outlet=outlet), lexicon)
    sections = []
    for event in page.object_list:
        framed = framing_data.frame_event(story, event, lexicon, groups)
        panel = next(p for p in framed["panels"] if p.outlet.pk == outlet.pk)
        mine = [
            d
            for d in framed["discrepancies"]
            if any(c["claim"].article.outlet_id == outlet.pk for c in d["claims"])
        ]
        sections.append({"event": event, "panel": panel, "discrepancies": mine})
    context = {
        "story": story,
        "outlet": outlet,
        "page": page,
        "sections": sections,
        "articles": story.articles.filter(outlet=outlet),
        "can_review": can(request.user, story, ANNOTATE),
        "can_edit": can(request.user, story, EDIT),
    }
    return render(request, "claims/outlet.html", context)
