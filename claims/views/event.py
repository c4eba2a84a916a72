"""One event, one column per outlet; a claim's neighbouring sentences one click away."""

from collections import defaultdict

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles.access import EDIT, can, get_story
from claims.forms import MergeForm, MoveClaimsForm, OutletColumnForm, RenameForm
from claims.highlight import differing_words, pieces
from claims.models import Claim, Event, Link

# What one event page renders is bounded, whatever the event's size: a journalist reads a few
# claims per outlet and opens an outlet's full column on demand (?outlet=ID).
CLAIMS_PER_COLUMN = 8
LINKS_SHOWN = 30
CONTEXT_SENTENCES = 2


@require_GET
def event_detail(request, slug, pk):
    story = get_story(request, slug)
    event = get_object_or_404(Event, story=story, pk=pk)
    return render(request, "claims/event_detail.html", event_context(request, story, event))


def event_context(request, story, event) -> dict:
    claims = list(
        event.claims.select_related("article__outlet").order_by(
            "article__outlet__name", "article_id", "position"
        )
    )
    ids = [c.id for c in claims]
    # Links between claims of this event: filtered by the claims (indexed), not by a join
    # through the event, which would read every link of the story.
    links = list(
        Link.objects.filter(claim_a_id__in=ids, claim_b_id__in=ids)
        .select_related("claim_a__article__outlet", "claim_b__article__outlet", "decided_by")
        .order_by("-score")[: LINKS_SHOWN + 1]
    )
    matched = defaultdict(set)
    for link in links:
        matched[link.claim_a_id].update(link.shared_terms)
        matched[link.claim_b_id].update(link.shared_terms)
    by_outlet = defaultdict(list)
    for claim in claims:
        by_outlet[claim.article.outlet].append(claim)
    differs = differing_words({o: [c.text for c in cs] for o, cs in by_outlet.items()})
    shown_outlet = _outlet_param(request)
    urls = _url_prefixes(story)
    columns = [
        {
            "outlet": outlet,
            "claims": [
                {
                    "claim": c,
                    "pieces": pieces(c.text, matched[c.id], differs[outlet]),
                    "context_url": f"{urls['claim']}{c.id}/context/",
                    "reader_url": f"{urls['article']}{c.article_id}/#claim-{c.id}",
                }
                for c in outlet_claims[: None if outlet.id == shown_outlet else CLAIMS_PER_COLUMN]
            ],
            "more": 0
            if outlet.id == shown_outlet
            else max(0, len(outlet_claims) - CLAIMS_PER_COLUMN),
            "total": len(outlet_claims),
        }
        for outlet, outlet_claims in by_outlet.items()
    ]
    editable = can(request.user, story, EDIT)
    rename = {"label": event.display_label, "version": event.version}
    return {
        "story": story,
        "event": event,
        "columns": columns,
        "links": links[:LINKS_SHOWN],
        "more_links": len(links) > LINKS_SHOWN,
        "claim_count": len(claims),
        "can_edit": editable,
        "rename_form": RenameForm(initial=rename) if editable else None,
        "merge_form": MergeForm(story=story, event=event) if editable else None,
        "move_form": MoveClaimsForm(story=story, event=event, claims=claims) if editable else None,
    }


def _outlet_param(request) -> int | None:
    form = OutletColumnForm(request.GET)
    return form.cleaned_data["outlet"] if form.is_valid() else None


def _url_prefixes(story) -> dict:
    """URL prefixes built once per page: reversing a URL per claim costs more than the claim."""
    return {
        "claim": reverse("claims-context", args=[story.slug, 0]).removesuffix("0/context/"),
        "article": reverse("articles-story", args=[story.slug]),
    }


@require_GET
def claim_context(request, slug, pk):
    """The sentences around a claim in its article (a fragment for HTMX, a page without)."""
    story = get_story(request, slug)
    claim = get_object_or_404(
        Claim.objects.select_related("article__outlet"), article__story=story, pk=pk
    )
    around = Claim.objects.filter(
        article=claim.article,
        position__gte=claim.position - CONTEXT_SENTENCES,
        position__lte=claim.position + CONTEXT_SENTENCES,
    ).order_by("position")
    context = {"story": story, "claim": claim, "around": around}
    template = "claims/claim_context.html"
    return render(request, f"{template}#context" if request.htmx else template, context)
