"""The discrepancy queue: possible contradictions between outlets, one at a time, confirmed or
dismissed from the keyboard like the review queue (HTMX swaps the panel; without JavaScript
the buttons post and redirect back)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles.access import ANNOTATE, get_story
from claims.actions import framing as framing_data
from claims.forms import DiscrepancyDecideForm, DiscrepancyQueueForm
from claims.models import Discrepancy, DiscrepancyStatus
from claims.views import queue as keyboard
from claims.views.common import invalid_status

TEMPLATE = "claims/discrepancies.html"
RELATED = ("event", "decided_by", "claim_a__article__outlet", "claim_b__article__outlet")
KEYS = {
    DiscrepancyStatus.CONFIRMED: ("1", "y"),
    DiscrepancyStatus.DISMISSED: ("2", "x"),
    DiscrepancyStatus.OPEN: ("3", "o"),
}
HINTS = {
    DiscrepancyStatus.CONFIRMED: "Confirm: they contradict",
    DiscrepancyStatus.DISMISSED: "Dismiss: no contradiction",
    DiscrepancyStatus.OPEN: "Open again",
}
KEYMAP = {
    "choices": [(KEYS[status], hint) for status, hint in HINTS.items()],
    "note": "A decision moves on to the next open one.",
}


@login_required
@require_GET
def queue(request, slug):
    story = get_story(request, slug, ANNOTATE)
    if not request.htmx:
        # Only the events whose claims, links or lexicons changed since their last look.
        framing_data.refresh_story(story)
    form = DiscrepancyQueueForm(request.GET)
    return _panel(request, story, form.cleaned_data.get("item") if form.is_valid() else None)


@login_required
@require_POST
def decide(request, slug, pk):
    story = get_story(request, slug, ANNOTATE)
    item = get_object_or_404(Discrepancy, story=story, pk=pk)
    form = DiscrepancyDecideForm(request.POST)
    if not form.is_valid():
        return _panel(request, story, item.pk, form=form, status=invalid_status(request))
    item.decide(form.cleaned_data["status"], request.user)
    following = _queue(story).next_open(after=item.pk)
    return keyboard.moved(
        request, _address(story, following), lambda: _panel(request, story, following)
    )


def _address(story, item_id) -> str:
    query = f"?{urlencode({'item': item_id})}" if item_id else ""
    return reverse("claims-discrepancies", args=[story.slug]) + query


def _queue(story) -> keyboard.KeyboardQueue:
    """The story's discrepancies in queue order: by event (rows of no event first), kind, id;
    open until decided."""
    rows = Discrepancy.objects.filter(story=story).alias(ev=Coalesce("event_id", 0))
    return keyboard.KeyboardQueue(rows, ("ev", "kind", "id"), open=Q(status=DiscrepancyStatus.OPEN))


def _panel(request, story, item_id, form=None, status=200):
    """The queue at `item_id` (else the next open one); with `form`, a decision on it that
    did not validate, shown with its errors."""
    rows = _queue(story)
    item = rows.fetch(item_id, *RELATED) or rows.fetch(rows.next_open(), *RELATED)
    context = {"story": story, "total": rows.total, "open_count": rows.open_count}
    context.update(item=None, form=form, keymap=KEYMAP)
    if item:
        by_id = {c.id: c for c in (item.claim_a, item.claim_b)}
        decided = f" by {item.decided_by.get_username()}" if item.decided_by else ""
        context.update(
            item=item,
            view=framing_data.row_view(item, by_id),
            facts=[item.get_kind_display(), item.get_status_display() + decided],
            choices=[(s, label, KEYS[s]) for s, label in DiscrepancyStatus.choices],
            **keyboard.steps(rows, item.pk, lambda pk: _address(story, pk)),
        )
    return keyboard.panel(request, TEMPLATE, context, status=status)
