"""The story overview: events as rows, outlets as columns, and a timeline strip."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from articles import pagecache
from articles.access import EDIT, MEMBER, Sight, can, get_story
from articles.models import Outlet
from claims import accounts
from claims.actions import undo
from claims.exchange.export import TABLES
from claims.forms import AliasForm, BlindReviewForm
from claims.models import Alias, Claim, Edit, EditAction, MatchState
from claims.views import rows
from claims.views.common import invalid_status, url_prefix

EVENTS_PER_PAGE = 25
OUTLETS_PER_PAGE = 12


@require_GET
def story_overview(request, slug):
    story = get_story(request, slug)
    return pagecache.page(
        request, story, lambda: overview_page(request, story), ("page", "outlets")
    )


def overview_page(request, story, alias_form=None, alias_saved=False, blind_form=None):
    """The page; with `alias_form`, names that did not validate, kept in the form with its
    errors (400; for htmx only the names section, 422). `alias_saved`: for htmx, the names
    section with the names just added and an empty form. `blind_form`: a blind-review mode
    that did not validate (claims/views/blind.py), likewise."""
    can_edit = can(request.user, story, EDIT)
    pages = (_page_number(request, "page"), _page_number(request, "outlets"))
    sight = Sight(request.user, story)  # blind review: who may see links' decisions
    context = {
        "story": story,
        # What changes with the story (articles/pagecache.py); times ("5 minutes ago") are
        # rendered from it on each request.
        **pagecache.fragment(
            story,
            "overview",
            (*pages, "edit" if can_edit else "read", sight.everything),
            lambda: _overview(story, *pages, can_edit, sight.everything),
        ),
        "sight": sight,
        "blind_form": blind_form or BlindReviewForm(initial={"mode": story.blind_review}),
        "alias_form": AliasForm() if alias_form is None else alias_form,
        "alias_saved": alias_saved,
        "can_edit": can_edit,
        # who made an edit is named to the story's members only, as in the exports
        "show_names": can(request.user, story, MEMBER),
        "export_tables": TABLES,
    }
    if alias_saved:
        return render(request, "claims/story_overview.html#aliases", context)
    if blind_form is not None:  # a blind-review mode that did not validate
        template = "claims/story_overview.html" + ("#blind-review" if request.htmx else "")
        return render(request, template, context, status=invalid_status(request))
    if alias_form is None:
        return render(request, "claims/story_overview.html", context)
    template = "claims/story_overview.html" + ("#aliases" if request.htmx else "")
    return render(request, template, context, status=invalid_status(request))


# Edits that tell how a link was decided: not listed to readers who may not see decisions.
DECISIONS = [
    EditAction.CONFIRM,
    EditAction.REJECT,
    EditAction.REOPEN,
    EditAction.ADJUDICATE,
    EditAction.BULK,
]


def _overview(story, events_page, outlets_page, can_edit, decisions=True) -> dict:
    """What the page shows of the story at its revision, for the cache: the coverage as HTML,
    the rows of the other sections as objects (their "5 minutes ago" is rendered each time).
    Not `decisions` (blind review, articles.access.Sight): the latest edits leave out how
    links were decided."""
    match_state = MatchState.objects.filter(story=story).defer("stats").first()
    edits = Edit.objects.filter(story=story)
    if not decisions:
        edits = edits.exclude(action__in=DECISIONS)
    edits = list(edits.select_related("user").defer("user__password")[:10])
    if can_edit:
        _undoable(edits, match_state)
    return {
        "coverage_html": _coverage_html(story, match_state, events_page, outlets_page, can_edit),
        "match_state": match_state,
        "edits": edits,
        "aliases": list(Alias.objects.filter(Q(story=story) | Q(story=None))),
        "match_job": story.match_jobs.first(),  # each change to it touches the story
    }


def _undoable(edits: list, match_state) -> None:
    """Mark the edits an editor may undo (`undo`), and why not the others of the kinds that
    can be undone (`undo_refusal`), by the edit log: the list is the latest edits, so each
    edit's later ones are in it. The undo itself checks the state again."""
    matched_at = match_state.matched_at if match_state else None
    for i, edit in enumerate(edits):
        if edit.action in undo.UNDOABLE and not edit.undone_at:
            edit.undo_refusal = undo.refusal(edit, edits[:i][::-1], matched_at)
            edit.undo = edit.undo_refusal is None


def _page_number(request, name: str) -> str:
    """The page number, or 1 for anything the paginator would read as the first page, so
    that the cache keeps one copy of it whatever was typed."""
    value = request.GET.get(name, "1")
    return value if value.isdigit() else "1"


def _coverage_html(story, match_state, events_page, outlets_page, can_edit) -> str:
    """The timeline and the events × outlets matrix as HTML (no request: no forms, no
    tokens)."""
    events = Paginator(story.events.for_overview(), EVENTS_PER_PAGE).get_page(events_page)
    outlets = Paginator(_outlets_by_coverage(story), OUTLETS_PER_PAGE).get_page(outlets_page)
    event_list, outlet_list = list(events.object_list), list(outlets.object_list)
    context = {
        "story": story,
        "events": events,
        "outlets": outlets,
        "rows": _rows(story, event_list, outlet_list),
        "outlets_elsewhere": outlets.paginator.count - len(outlet_list),
        "timeline": _timeline(story),
        "can_edit": can_edit,
        **_claim_totals(story, match_state),
    }
    return render_to_string("claims/story_overview.html#coverage", context)


def _outlets_by_coverage(story) -> list[Outlet]:
    """The story's outlets, those that reported the most of its events first (then by name):
    the first page of columns is then the one with the fewest empty cells. One pass over the
    story's claims (about 30 ms at 50,000), on a cold render only (articles/pagecache.py)."""
    reported = dict(
        Claim.objects.filter(article__story=story)
        .exclude(event=None)
        .order_by()
        .values_list("article__outlet_id")
        .annotate(n=Count("event_id", distinct=True))
    )
    outlets = Outlet.objects.filter(id__in=story.articles.values("outlet_id"))
    return sorted(outlets, key=lambda o: (-reported.get(o.id, 0), o.name, o.id))


def _claim_totals(story, match_state) -> dict:
    """From the last matching run when there is one (kept current by imports), else counted."""
    if match_state:
        return {
            "claim_count": match_state.claim_count,
            "unmatched_count": match_state.unmatched_count,
        }
    claims = Claim.objects.filter(article__story=story)
    return {"claim_count": claims.count(), "unmatched_count": claims.filter(event=None).count()}


def _rows(story, events, outlets) -> list[SafeString]:
    """The matrix's rows as HTML (claims/views/rows.py)."""
    event_url = url_prefix("claims-event", story)
    return [rows.matrix_row(row, event_url) for row in _matrix(events, outlets)]


def _matrix(events, outlets) -> list[dict]:
    """Each event with its claim count per outlet column (None where the outlet is silent),
    each count with whose reporting its claims carry where another outlet's ("copy of CNN"),
    and the event's independent accounts (claims/accounts.py)."""
    counts = defaultdict(dict)
    for row in (
        Claim.objects.filter(
            event__in=[e.id for e in events], article__outlet__in=[o.id for o in outlets]
        )
        .values("event_id", "article__outlet_id")
        .annotate(n=Count("id"))
    ):
        counts[row["event_id"]][row["article__outlet_id"]] = row["n"]
    told = accounts.for_events([e.id for e in events])
    return [
        {
            "event": e,
            "accounts": told[e.id],
            "cells": [(counts[e.id].get(o.id), told[e.id].notes.get(o.id, ())) for o in outlets],
        }
        for e in events
    ]


def _timeline(story) -> list[SafeString]:
    """Days on which events happened, as the claims state them, with how many events each:
    one list item of HTML a day (a story can span hundreds of days)."""
    days = list(
        story.events.exclude(occurred_on=None)
        .values("occurred_on")
        .annotate(n=Count("id"))
        .order_by("occurred_on")
    )
    top = max((d["n"] for d in days), default=1)
    return [rows.timeline_day(d, top) for d in days]
