"""The discrepancy queue: possible contradictions between outlets, one at a time, confirmed or
dismissed from the keyboard like the review queue (HTMX swaps the panel; without JavaScript
the buttons post and redirect back)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url

from articles.access import ANNOTATE, get_story
from claims import framing_data
from claims.forms import DiscrepancyDecideForm, DiscrepancyQueueForm
from claims.models import Discrepancy, DiscrepancyStatus
from claims.views.common import invalid_status

TEMPLATE = "claims/discrepancies.html"
KEYS = {
    DiscrepancyStatus.CONFIRMED: ("1", "y"),
    DiscrepancyStatus.DISMISSED: ("2", "x"),
    DiscrepancyStatus.OPEN: ("3", "o"),
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
    following = _next_open(story, item.pk)
    address = _address(story, following)
    if not request.htmx:
        return redirect(address)
    return push_url(_panel(request, story, following), address)


def _address(story, item_id) -> str:
    query = f"?{urlencode({'item': item_id})}" if item_id else ""
    return reverse("claims-discrepancies", args=[story.slug]) + query


def _rows(story):
    """The story's discrepancies in queue order: by event (rows of no event first), kind, id."""
    return (
        Discrepancy.objects.filter(story=story)
        .alias(ev=Coalesce("event_id", 0))
        .order_by("ev", "kind", "id")
    )


def _after(row) -> Q:
    ev = row.event_id or 0
    return Q(ev__gt=ev) | Q(ev=ev, kind__gt=row.kind) | Q(ev=ev, kind=row.kind, id__gt=row.id)


def _before(row) -> Q:
    ev = row.event_id or 0
    return Q(ev__lt=ev) | Q(ev=ev, kind__lt=row.kind) | Q(ev=ev, kind=row.kind, id__lt=row.id)


def _next_open(story, after: int | None) -> int | None:
    """The first open row after `after` in queue order, wrapping round."""
    rows = _rows(story).open()
    row = Discrepancy.objects.filter(story=story, pk=after).first() if after else None
    following = rows.filter(_after(row)).values_list("id", flat=True).first() if row else None
    return following or rows.values_list("id", flat=True).first()


def _panel(request, story, item_id, form=None, status=200):
    """The queue at `item_id` (else the next open one); with `form`, a decision on it that
    did not validate, shown with its errors. A few queries, however long the queue: the
    position and the neighbours are counted and found by the database."""
    rows = Discrepancy.objects.select_related(
        "event", "decided_by", "claim_a__article__outlet", "claim_b__article__outlet"
    )
    item = rows.filter(story=story, pk=item_id).first() if item_id else None
    if item is None:
        following = _next_open(story, None)
        item = rows.get(pk=following) if following else None
    before = {"before": Count("id", filter=_before(item))} if item else {}
    counts = _rows(story).aggregate(
        total=Count("id"), open=Count("id", filter=Q(status=DiscrepancyStatus.OPEN)), **before
    )
    context = {"story": story, "total": counts["total"], "item": None, "form": form}
    context["open_count"] = counts["open"]
    if item:
        ordered = _rows(story).values_list("id", flat=True)
        by_id = {c.id: c for c in (item.claim_a, item.claim_b)}
        context.update(
            item=item,
            view=framing_data.row_view(item, by_id),
            position=counts["before"] + 1,
            previous=ordered.filter(_before(item)).reverse().first(),
            next=ordered.filter(_after(item)).first(),
            choices=[(s, label, KEYS[s]) for s, label in DiscrepancyStatus.choices],
        )
    template = f"{TEMPLATE}#panel" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)
