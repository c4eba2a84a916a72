"""One event as a report to send or print: every outlet's claims side by side, each with its
article's title, outlet, date and source address; the framing flags; and the links people
decided, as far as the reader may see them (blind review: articles.access.Sight)."""

from collections import defaultdict

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles.access import Sight, get_story
from articles.models import article_texts, side_by_side
from claims import accounts
from claims.actions import framing as framing_data
from claims.exchange.people import sees_people
from claims.models import Claim, Event, Link, LinkStatus
from claims.views.common import url_prefix
from claims.views.event import in_columns
from claims.views.gone import follows_gone_events
from claims.views.rows import via_note

# A report is read whole, so it shows every claim, up to a bound no real event reaches (the
# largest seed event has a few dozen); past it, the report says the exports hold the rest.
CLAIMS_SHOWN = 400
DECIDED_SHOWN = 200


@require_GET
@follows_gone_events
def event_report(request, slug, pk):
    story = get_story(request, slug)
    event = get_object_or_404(Event, story=story, pk=pk)
    told = accounts.for_event(event)
    columns, claim_ids, more = _columns(event, told, url_prefix("articles-detail", story))
    context = {
        "story": story,
        "event": event,
        "accounts": told,
        "columns": columns,
        "more_claims": more,
        "page_url": request.build_absolute_uri(reverse("claims-event", args=[slug, pk])),
        "can_review": False,  # a report has no queue links: it is read elsewhere
        **_decided(request.user, story, claim_ids),
        **framing_data.frame_event(story, event),
    }
    return render(request, "claims/event_report.html", context)


def _columns(event, told, article_prefix) -> tuple[list[dict], list[int], bool]:
    """Per outlet, its own claims of the event then those that also tell of it, in article
    order; the ids of all of them; and whether some were left out (CLAIMS_SHOWN). A claim
    whose article carries another outlet's reporting says whose (`told`, the event's
    accounts: claims/accounts.py). A claim whose quotation another outlet's claim here prints
    too says so (`same_quotation`: claims/framing/quotes.py)."""
    own = list(in_columns(event.claims)[: CLAIMS_SHOWN + 1])
    also = Claim.objects.also_telling_of(event).select_related("event")
    also = list(in_columns(also)[: CLAIMS_SHOWN + 1])
    more = len(own) > CLAIMS_SHOWN or len(also) > CLAIMS_SHOWN
    own, also = own[:CLAIMS_SHOWN], also[:CLAIMS_SHOWN]
    same = framing_data.quotation_notes(own + also)
    vias = accounts.claim_vias(told, {c.article_id for c in also})
    for claim in own + also:
        claim.same_quotation = same.get(claim.id, "")
        via = vias.get(claim.article_id)
        claim.via = via_note(via, article_prefix) if via else ""
    by_outlet = defaultdict(lambda: {"claims": [], "also": []})
    for claim in own:
        by_outlet[claim.article.outlet]["claims"].append(claim)
    for claim in also:
        by_outlet[claim.article.outlet]["also"].append(claim)
    # As on the event page: the outlets that tell of the event, then those that only mention it.
    telling = side_by_side({c.article.outlet for c in own})
    mentioning = side_by_side(o for o in by_outlet if o not in telling)
    columns = [{"outlet": o, **by_outlet[o]} for o in [*telling, *mentioning]]
    return columns, [c.id for c in own + also], more


def _decided(user, story, claim_ids) -> dict:
    """The links between the report's claims that a person confirmed or rejected, those whose
    decision the reader may see (in blind review an annotator sees the ones they labelled,
    readers who are not members none); and whether who decided is named (members and staff)."""
    sight = Sight(user, story)
    links = (
        Link.objects.filter(
            story=story,
            claim_a_id__in=claim_ids,
            claim_b_id__in=claim_ids,
            status__in=[LinkStatus.CONFIRMED, LinkStatus.REJECTED],
        )
        .select_related("claim_a__article__outlet", "claim_b__article__outlet", "decided_by")
        .select_related("adjudication")
        .defer(*article_texts("claim_a__article"), *article_texts("claim_b__article"))
        .order_by("status", "-score")
    )
    if not sight.everything:
        links = links.filter(pk__in=sight.labelled(links.values("pk")))
    return {
        "decided": list(links[:DECIDED_SHOWN]),
        "decisions_hidden": not sight.everything,
        "names": sees_people(user, story),
    }
