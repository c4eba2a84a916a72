"""Editing the matching in place: each an HTMX action (a fragment back) that also works as a
plain form post (a redirect back). Only signed-in editors of the story may make them. A form
that does not validate comes back with its errors on it, in the page or fragment it was sent
from, and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from articles.access import EDIT, get_story
from claims.actions import editing, undo
from claims.forms import (
    AliasForm,
    BulkDecideForm,
    DecideForm,
    MergeForm,
    MoveClaimsForm,
    RenameForm,
)
from claims.models import Claim, Event
from claims.views.common import invalid_status, story_link
from claims.views.event import event_context
from claims.views.gone import follows_gone_events
from claims.views.overview import overview_page
from claims.views.pair import claim_matches_page, pair_page
from claims.views.replaced import link_gone, link_missing
from claims.views.rows import link_rows

EVENT_TEMPLATE = "claims/event_detail.html"


def _event_for(request, slug, pk):
    story = get_story(request, slug, EDIT)
    return story, get_object_or_404(Event, story=story, pk=pk)


def _event_response(request, story, event, fragment="event-body"):
    if request.htmx:
        return render(request, f"{EVENT_TEMPLATE}#{fragment}", event_context(request, story, event))
    return redirect("claims-event", story.slug, event.pk)


def _event_invalid(request, story, event, form, name, fragment):
    """The event page (for htmx, the fragment the form swaps) with the form, named `name` in
    the page's context, that did not validate: what was sent kept, the errors on it."""
    context = {**event_context(request, story, event), name: form}
    template = f"{EVENT_TEMPLATE}#{fragment}" if request.htmx else EVENT_TEMPLATE
    return render(request, template, context, status=invalid_status(request))


@login_required
@require_POST
@follows_gone_events
def rename_event(request, slug, pk):
    story, event = _event_for(request, slug, pk)
    form = RenameForm(request.POST)
    if not form.is_valid():
        return _event_invalid(request, story, event, form, "rename_form", "heading")
    label = form.cleaned_data["label"]
    try:
        editing.rename_event(event, label, request.user, form.cleaned_data["version"])
    except editing.Conflict as conflict:
        return _rename_conflict(request, story, conflict.current, label)
    return _event_response(request, story, event, "heading")


def _rename_conflict(request, story, current, label):
    """409: the event as it is now, what the user typed kept in the form, and why."""
    context = event_context(request, story, current)
    context["rename_form"] = RenameForm(initial={"label": label, "version": current.version})
    context["rename_conflict"] = {
        "by": current.label_edited_by,
        "name": current.display_label,
        "yours": label,
    }
    template = f"{EVENT_TEMPLATE}#heading" if request.htmx else EVENT_TEMPLATE
    return render(request, template, context, status=409)


@login_required
@require_POST
@follows_gone_events
def merge_event(request, slug, pk):
    story, event = _event_for(request, slug, pk)
    form = MergeForm(request.POST, story=story, event=event)
    if not form.is_valid():
        return _event_invalid(request, story, event, form, "merge_form", "event-body")
    moved = editing.merge_events(event, form.cleaned_data["other"], request.user)
    messages.success(request, f"Merged: {moved} claim{pluralize(moved)} moved into this event.")
    return _event_response(request, story, event)


@login_required
@require_POST
@follows_gone_events
def move_claims(request, slug, pk):
    story, event = _event_for(request, slug, pk)
    claims = event.claims.select_related("article__outlet")
    form = MoveClaimsForm(request.POST, story=story, event=event, claims=claims)
    if not form.is_valid():
        return _event_invalid(request, story, event, form, "move_form", "event-body")
    new = form.cleaned_data["target"] is None
    try:
        target = editing.move_claims(
            event, form.cleaned_data["claims"], form.cleaned_data["target"], request.user
        )
    except editing.NothingToMove:
        messages.error(
            request, "Those claims were moved out of this event meanwhile; nothing changed."
        )
        return _event_response(request, story, event)
    # A name that ends a sentence keeps its full stop out of the quotation marks' way.
    name = target.display_label[:80].rstrip(" .")
    messages.success(request, f"Moved to {'a new event, ' if new else ''}“{name}”.")
    return _event_response(request, story, event)


@login_required
@require_POST
def decide_link(request, slug, pk):
    story = get_story(request, slug, EDIT)
    link = story_link(story, pk)
    form = DecideForm(request.POST, link=link)
    if link is None:  # a re-match removed it since the page showed it
        return link_missing(request, story, pk, form)
    if not form.is_valid():
        if request.htmx:  # the link's row, with the errors under its buttons
            row = link_rows(story, [link], get_token(request), invalid=form)[0]
            return HttpResponse(row, status=invalid_status(request))
        return pair_page(request, story, link.pk, invalid=form)
    try:
        editing.decide_link(link, form.cleaned_data["status"], request.user)
    except editing.LinkGone as gone:
        return link_gone(request, story, gone)
    if request.htmx:
        return HttpResponse(link_rows(story, [link], get_token(request))[0])
    return redirect("claims-pair", story.slug, link.pk)


def _stale_links(request, shown: str, now: int) -> None:
    then = int(shown.split("-")[0])
    messages.error(
        request,
        f"Nothing was changed: the suggested links changed since the page was loaded "
        f"(it listed {then}, there are {now} now). Check them and decide again.",
    )


def _decided_all(request, status: str, n: int) -> None:
    verb = editing.BULK_VERBS[status].capitalize()
    messages.success(request, f"{verb} {n} suggested link{pluralize(n)}.")


@login_required
@require_POST
@follows_gone_events
def decide_event_links(request, slug, pk):
    """Confirm or reject every link of the event the matcher suggested (one edit)."""
    story, event = _event_for(request, slug, pk)
    form = BulkDecideForm(request.POST)
    if not form.is_valid():
        return _event_invalid(request, story, event, form, "bulk_form", "event-body")
    status, seen = form.cleaned_data["status"], form.cleaned_data["shown"]
    about = {"event": event.pk, "about": f"“{event.display_label[:100]}”"}
    try:
        n = editing.decide_all(story, editing.event_links(event), status, request.user, seen, about)
    except editing.Conflict as conflict:
        _stale_links(request, seen, conflict.current)
        template = f"{EVENT_TEMPLATE}#event-body" if request.htmx else EVENT_TEMPLATE
        return render(request, template, event_context(request, story, event), status=409)
    _decided_all(request, status, n)
    return _event_response(request, story, event)


@login_required
@require_POST
def decide_claim_links(request, slug, pk):
    """Confirm or reject every link of the claim the matcher suggested (one edit)."""
    story = get_story(request, slug, EDIT)
    claim = get_object_or_404(Claim, article__story=story, pk=pk)
    form = BulkDecideForm(request.POST)
    if not form.is_valid():
        return claim_matches_page(request, story, pk, invalid_status(request), invalid=form)
    status, seen = form.cleaned_data["status"], form.cleaned_data["shown"]
    about = {"claim": claim.pk, "about": f"the claim “{claim.text[:80]}”"}
    try:
        n = editing.decide_all(story, editing.claim_links(claim), status, request.user, seen, about)
    except editing.Conflict as conflict:
        _stale_links(request, seen, conflict.current)
        return claim_matches_page(request, story, pk, status=409)
    _decided_all(request, status, n)
    if request.htmx:
        return claim_matches_page(request, story, pk)
    return redirect("claims-matches", story.slug, claim.pk)


@login_required
@require_POST
def undo_edit(request, slug, pk):
    """Undo a bulk decision, a merge or a move from the story's recent changes."""
    story = get_story(request, slug, EDIT)
    try:
        done = undo.undo(story, pk, request.user)
    except undo.Refused as refused:
        messages.error(request, f"Not undone, nothing was changed: {refused}")
        response = overview_page(request, story)
        response.status_code = 409
        return response
    messages.success(request, f"Undone: {done.summary.removeprefix('undid: ')}")
    return redirect("claims-story", story.slug)


@login_required
@require_POST
def add_alias(request, slug):
    story = get_story(request, slug, EDIT)
    form = AliasForm(request.POST)
    if not form.is_valid():
        return overview_page(request, story, alias_form=form)
    editing.add_alias(story, form.cleaned_data["terms"], request.user)
    if request.htmx:
        story.refresh_from_db(fields=["revision"])  # the write moved it: no cached copy
        return overview_page(request, story, alias_saved=True)
    messages.success(request, "Alias saved. It takes effect when the story is matched again.")
    return redirect("claims-story", story.slug)
