"""One event, one column per outlet; a claim's neighbouring sentences one click away."""

from collections import defaultdict

from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from articles import pagecache
from articles.access import EDIT, Sight, can, get_story
from articles.models import article_texts, side_by_side
from claims import accounts
from claims.actions import editing, framing
from claims.exchange.people import sees_people
from claims.forms import MergeForm, MoveClaimsForm, OutletColumnForm, RenameForm
from claims.models import Claim, Event, Link
from claims.views import rows
from claims.views.common import url_prefix
from claims.views.gone import follows_gone_events
from claims.views.highlight import differing_words, pieces

# What one event page renders is bounded, whatever the event's size: a journalist reads a few
# claims per outlet and opens an outlet's full column on demand (?outlet=ID).
CLAIMS_PER_COLUMN = 8
LINKS_SHOWN = 30
CONTEXT_SENTENCES = 2


@require_GET
@follows_gone_events
def event_detail(request, slug, pk):
    story = get_story(request, slug)
    return pagecache.page(request, story, lambda: _event_page(request, story, pk), ("outlet",))


def _event_page(request, story, pk):
    if can(request.user, story, EDIT):
        event = get_object_or_404(Event, story=story, pk=pk)
        context = event_context(request, story, event, cached=True)
    else:
        shown, view = _outlet_param(request), _reader_view(request.user, story, pk)
        cached = pagecache.fragment(
            story,
            "event",
            (pk, shown, "read", *view),
            lambda: _reader_copy(story, pk, shown, *view),
        )
        context = {**cached, "story": story, "can_edit": False}
    return render(request, "claims/event_detail.html", context)


def event_context(request, story, event, cached: bool = False) -> dict:
    """The page as an editor sees it, forms included; the forms are never cached. `cached`:
    the columns and links may come from the cache (articles/pagecache.py), as on a GET, where
    `story` was read before anything else; never after a write in the same request, which moved
    the revision past the one `story` holds."""
    shown = _outlet_param(request)
    if cached:
        body = pagecache.fragment(
            story, "event-body", (event.pk, shown), lambda: _claims(story, event, shown)
        )
    else:
        body = _claims(story, event, shown)
    rename = {"label": event.display_label, "version": event.version}
    # One token for the whole page, the layout's and the forms' (as {% csrf_token %} has it).
    token = get_token(request)
    suggested = editing.suggested(editing.event_links(event))
    return {
        **body,
        # the matcher's suggestions a bulk decision would decide, as the page shows them
        "bulk": {"count": len(suggested), "shown": editing.shown(suggested)},
        "csrf_token": token,
        "link_rows": rows.link_rows(story, body["links"], token),
        "can_edit": True,
        "rename_form": RenameForm(initial=rename),
        "merge_form": MergeForm(story=story, event=event),
        "move_form": MoveClaimsForm(story=story, event=event, claims=body["claims"]),
    }


def _reader_view(user, story, pk) -> tuple:
    """What this reader may see of the event's links, as part of the cache's key: the ids of
    the links whose decision shows (None: all; in blind review only those the reader labelled,
    articles.access.Sight) and whether who decided is named (members and staff only, as in
    the exports)."""
    sight = Sight(user, story)
    links = None
    if not sight.everything:
        links = tuple(sorted(sight.labelled(Link.objects.filter(story=story, event_id=pk))))
    return links, sees_people(user, story)


def _reader_copy(story, pk, shown_outlet, shown_links=None, names=False) -> dict:
    """The page as readers see it, for the cache (articles/pagecache.py): the event, its
    columns and links as HTML rendered without the request (so without forms or tokens),
    and the counts the heading shows. `shown_links` and `names` as _reader_view says."""
    events = Event.objects.select_related("label_edited_by").defer("label_edited_by__password")
    event = get_object_or_404(events, story=story, pk=pk)
    context = _claims(story, event, shown_outlet)
    context["link_rows"] = rows.link_rows(story, context["links"], shown=shown_links, names=names)
    html = render_to_string("claims/event_detail.html#claims", {**context, "can_edit": False})
    counts = {k: context[k] for k in ("outlet_count", "claim_count", "accounts")}
    return {"event": event, "claims_html": html, **counts}


def _claims(story, event, shown_outlet) -> dict:
    """The event's columns (claims with their marks, then the outlet's claims of other events
    that also tell of this one) and links, and the counts, which are the event's own (its
    independent accounts among them: claims/accounts.py)."""
    claims = list(in_columns(event.claims))
    told = accounts.for_event(event)
    # Claims of other events (or of none) the matcher lists on this one, while a link no one
    # rejected ties them to its claims (Claim.objects.also_telling_of).
    also = list(in_columns(Claim.objects.also_telling_of(event)).select_related("event"))
    ids, also_ids = [c.id for c in claims], [c.id for c in also]
    same = framing.quotation_notes(claims + also)
    via = accounts.claim_vias(told, {c.article_id for c in also})
    # Links between claims of this event, and between them and the claims that also tell of
    # it: filtered by the claims (indexed), not by a join through the event, which would read
    # every link of the story.
    links = list(
        editing.links_between(ids, also_ids)
        .select_related("claim_a__article__outlet", "claim_b__article__outlet", "decided_by")
        .defer(
            "components",
            "shared_aliases",
            *article_texts("claim_a__article"),
            *article_texts("claim_b__article"),
        )
        .order_by("-score")[: LINKS_SHOWN + 1]
    )
    matched = defaultdict(set)
    for link in links:
        matched[link.claim_a_id].update(link.shared_terms)
        matched[link.claim_b_id].update(link.shared_terms)
    by_outlet, also_by_outlet = defaultdict(list), defaultdict(list)
    for claim in claims:
        by_outlet[claim.article.outlet].append(claim)
    for claim in also:
        also_by_outlet[claim.article.outlet].append(claim)
    # Underlined words are those an outlet states on this event: its own claims only.
    differs = differing_words({o: [c.text for c in cs] for o, cs in by_outlet.items()})
    urls = _url_prefixes(story)
    # The outlets that tell of the event first, then those that only mention it.
    outlets = [
        *side_by_side(by_outlet),
        *side_by_side(o for o in also_by_outlet if o not in by_outlet),
    ]
    columns = []
    for outlet in outlets:
        own, others = by_outlet.get(outlet, []), also_by_outlet.get(outlet, [])
        shown = None if outlet.id == shown_outlet else CLAIMS_PER_COLUMN
        columns.append(
            {
                "outlet": outlet,
                "claims": [
                    rows.claim_item(
                        c,
                        pieces(c.text, matched[c.id], differs[outlet]),
                        urls,
                        via=via.get(c.article_id),
                        same=same.get(c.id, ""),
                    )
                    for c in own[:shown]
                ],
                "also": [
                    rows.claim_item(
                        c,
                        pieces(c.text, matched[c.id]),
                        urls,
                        also=True,
                        via=via.get(c.article_id),
                        same=same.get(c.id, ""),
                    )
                    for c in others[:shown]
                ],
                "more": shown is not None
                and (len(own) > CLAIMS_PER_COLUMN or len(others) > CLAIMS_PER_COLUMN),
                "total": len(own) + len(others),
            }
        )
    return {
        "story": story,
        "event": event,
        "claims": claims,
        "columns": columns,
        "links": links[:LINKS_SHOWN],
        "more_links": len(links) > LINKS_SHOWN,
        "outlet_count": len(by_outlet),
        "claim_count": len(claims),
        "accounts": told,
    }


def in_columns(claims):
    """Claims as the columns show them: by outlet, in article order, with their outlet."""
    return (
        claims.select_related("article__outlet")
        .defer(*article_texts("article"))
        .order_by("article__outlet__name", "article_id", "position")
    )


def _outlet_param(request) -> int | None:
    form = OutletColumnForm(request.GET)
    return form.cleaned_data["outlet"] if form.is_valid() else None


def _url_prefixes(story) -> dict:
    """URL prefixes built once per page: reversing a URL per claim costs more than the claim."""
    return {
        "claim": url_prefix("claims-context", story),
        "article": url_prefix("articles-detail", story),
        "event": url_prefix("claims-event", story),
    }


@require_GET
def claim_context(request, slug, pk):
    """The sentences around a claim in its article (a fragment for HTMX, a page without)."""
    story = get_story(request, slug)
    claim = get_object_or_404(
        Claim.objects.select_related("article__outlet"), article__story=story, pk=pk
    )
    context = {"story": story, "claim": claim, "around": sentences_around(claim)}
    template = "claims/claim_context.html"
    return render(request, f"{template}#context" if request.htmx else template, context)


def sentences_around(claim):
    """The claim's sentence and CONTEXT_SENTENCES either side of it, in its article's order."""
    return Claim.objects.filter(
        article_id=claim.article_id,
        position__gte=claim.position - CONTEXT_SENTENCES,
        position__lte=claim.position + CONTEXT_SENTENCES,
    ).order_by("position")
