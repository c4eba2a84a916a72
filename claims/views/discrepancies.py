"""The discrepancy queue: possible contradictions between outlets, one at a time, confirmed or
dismissed from the keyboard like the review queue (HTMX swaps the panel; without JavaScript
the buttons post and redirect back)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
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
        framing_data.frame_story(story)  # a fresh look at every event; quick, and idempotent
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


def _ids(story) -> list[int]:
    return list(
        Discrepancy.objects.filter(story=story)
        .order_by("event_id", "kind", "id")
        .values_list("id", flat=True)
    )


def _next_open(story, after: int | None) -> int | None:
    ids = _ids(story)
    open_ids = set(Discrepancy.objects.filter(story=story).open().values_list("id", flat=True))
    start = ids.index(after) + 1 if after in ids else 0
    return next((i for i in ids[start:] + ids[:start] if i in open_ids), None)


def _panel(request, story, item_id, form=None, status=200):
    """The queue at `item_id` (else the next open one); with `form`, a decision on it that
    did not validate, shown with its errors."""
    ids = _ids(story)
    if item_id not in ids:
        item_id = _next_open(story, None)
    context = {"story": story, "total": len(ids), "item": None, "form": form}
    context["open_count"] = Discrepancy.objects.filter(story=story).open().count()
    if item_id:
        item = Discrepancy.objects.select_related(
            "event", "decided_by", "claim_a__article__outlet", "claim_b__article__outlet"
        ).get(pk=item_id)
        i = ids.index(item_id)
        by_id = {c.id: c for c in (item.claim_a, item.claim_b)}
        context.update(
            item=item,
            view=framing_data.row_view(item, by_id),
            position=i + 1,
            previous=ids[i - 1] if i else None,
            next=ids[i + 1] if i + 1 < len(ids) else None,
            choices=[(s, label, KEYS[s]) for s, label in DiscrepancyStatus.choices],
        )
    template = f"{TEMPLATE}#panel" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)
