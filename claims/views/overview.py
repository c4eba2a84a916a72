"""The story overview: events as rows, outlets as columns, and a timeline strip."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.access import EDIT, can, get_story
from articles.models import Outlet
from claims.export import TABLES
from claims.forms import AliasForm
from claims.models import Alias, Claim, Edit, MatchState

EVENTS_PER_PAGE = 25
OUTLETS_PER_PAGE = 12


@require_GET
def story_overview(request, slug):
    story = get_story(request, slug)
    match_state = MatchState.objects.filter(story=story).first()
    events = Paginator(story.events.for_overview(), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    outlets = Paginator(
        Outlet.objects.filter(id__in=story.articles.values("outlet_id")).order_by("name"),
        OUTLETS_PER_PAGE,
    ).get_page(request.GET.get("outlets"))
    context = {
        "story": story,
        "events": events,
        "outlets": outlets,
        "rows": _matrix(list(events.object_list), list(outlets.object_list)),
        "timeline": _timeline(story),
        **_claim_totals(story, match_state),
        "edits": Edit.objects.filter(story=story).select_related("user")[:10],
        "aliases": Alias.objects.filter(Q(story=story) | Q(story=None)),
        "alias_form": AliasForm(),
        "can_edit": can(request.user, story, EDIT),
        "match_state": match_state,
        "match_job": story.match_jobs.select_related("created_by").first(),
        "export_tables": TABLES,
    }
    return render(request, "claims/story_overview.html", context)


def _claim_totals(story, match_state) -> dict:
    """From the last matching run when there is one (kept current by imports), else counted."""
    if match_state:
        return {
            "claim_count": match_state.claim_count,
            "unmatched_count": match_state.unmatched_count,
        }
    claims = Claim.objects.filter(article__story=story)
    return {"claim_count": claims.count(), "unmatched_count": claims.filter(event=None).count()}


def _matrix(events, outlets) -> list[dict]:
    """Each event with its claim count per outlet column (None where the outlet is silent)."""
    counts = defaultdict(dict)
    for row in (
        Claim.objects.filter(
            event__in=[e.id for e in events], article__outlet__in=[o.id for o in outlets]
        )
        .values("event_id", "article__outlet_id")
        .annotate(n=Count("id"))
    ):
        counts[row["event_id"]][row["article__outlet_id"]] = row["n"]
    return [{"event": e, "cells": [counts[e.id].get(o.id) for o in outlets]} for e in events]


def _timeline(story) -> list[dict]:
    """Days on which events happened, as the claims state them, with how many events each."""
    days = list(
        story.events.exclude(occurred_on=None)
        .values("occurred_on")
        .annotate(n=Count("id"))
        .order_by("occurred_on")
    )
    top = max((d["n"] for d in days), default=1)
    # Bar heights in five steps: a class each, since the CSP allows no inline styles.
    return [
        {"day": d["occurred_on"], "n": d["n"], "level": min(5, 1 + 4 * d["n"] // top)} for d in days
    ]
