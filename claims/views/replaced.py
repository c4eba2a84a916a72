"""The answer to a change made to a link that a re-match removed since the page showed it:
what happened, and the link (or event) that replaced it. Nothing was saved."""

from django.shortcuts import render
from django_htmx.http import reswap, retarget

from claims.actions.editing import LinkGone
from claims.models import Link

TEMPLATE = "claims/link_gone.html"
MISSING_TEMPLATE = "claims/link_missing.html"


def link_gone(request, story, gone: LinkGone):
    """409 with the page (or, for htmx, its main part, wherever the request meant to swap)."""
    return _main(request, TEMPLATE, "gone", {"story": story, "gone": gone}, 409)


def link_missing(request, story, pk: int, form):
    """The answer to `form`, posted for link `pk` of the story, which does not exist (any
    more). With the pair of claims the page showed it between, as for LinkGone: 409 naming
    the link that joins them now, or where they are. Without it (a page from before forms
    carried the pair), 404 saying that the link no longer exists. Nothing was saved."""
    pair = form.pair()
    if pair is not None:
        a, b = sorted(pair)
        return link_gone(
            request, story, LinkGone(Link(pk=pk, story=story, claim_a_id=a, claim_b_id=b))
        )
    return _main(request, MISSING_TEMPLATE, "missing", {"story": story, "pk": pk}, 404)


def _main(request, template, part, context, status):
    """The page; for htmx its part `part`, swapped into the page's main element."""
    if not request.htmx:
        return render(request, template, context, status=status)
    response = render(request, f"{template}#{part}", context, status=status)
    return reswap(retarget(response, "#main"), "innerHTML")
