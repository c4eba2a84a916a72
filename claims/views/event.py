"""One event, one column per outlet; a claim's neighbouring sentences one click away."""

from collections import defaultdict

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.access import EDIT, can, get_story
from claims.forms import MergeForm, MoveClaimsForm, RenameForm
from claims.highlight import differing_words, pieces
from claims.models import Claim, Event, Link

CLAIMS_PER_COLUMN = 40
CONTEXT_SENTENCES = 2


@require_GET
def event_detail(request, slug, pk):
    story = get_story(request, slug)
    event = get_object_or_404(Event, story=story, pk=pk)
    return render(request, "claims/event_detail.html", event_context(request, story, event))


def event_context(request, story, event) -> dict:
    claims = list(
        event.claims.select_related("article", "article__outlet").order_by(
            "article__outlet__name", "article_id", "position"
        )
    )
    links = list(
        Link.objects.filter(Q(claim_a__event=event) | Q(claim_b__event=event), story=story)
        .select_related("claim_a__article__outlet", "claim_b__article__outlet")
        .order_by("-score")[:200]
    )
    matched = defaultdict(set)
    for link in links:
        matched[link.claim_a_id].update(link.shared_terms)
        matched[link.claim_b_id].update(link.shared_terms)
    by_outlet = defaultdict(list)
    for claim in claims:
        by_outlet[claim.article.outlet].append(claim)
    differs = differing_words({o: [c.text for c in cs] for o, cs in by_outlet.items()})
    columns = [
        {
            "outlet": outlet,
            "claims": [
                {"claim": c, "pieces": pieces(c.text, matched[c.id], differs[outlet])}
                for c in outlet_claims[:CLAIMS_PER_COLUMN]
            ],
            "more": max(0, len(outlet_claims) - CLAIMS_PER_COLUMN),
        }
        for outlet, outlet_claims in by_outlet.items()
    ]
    editable = can(request.user, story, EDIT)
    return {
        "story": story,
        "event": event,
        "columns": columns,
        "links": links,
        "can_edit": editable,
        "rename_form": RenameForm(initial={"label": event.display_label}) if editable else None,
        "merge_form": MergeForm(story=story, event=event) if editable else None,
        "move_form": MoveClaimsForm(story=story, event=event, claims=claims) if editable else None,
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
