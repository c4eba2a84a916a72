"""The answer to a change made to a link that a re-match removed since the page showed it:
what happened, and the link (or event) that replaced it. Nothing was saved."""

from django.shortcuts import render
from django_htmx.http import reswap, retarget

from claims.actions.editing import LinkGone

TEMPLATE = "claims/link_gone.html"


def link_gone(request, story, gone: LinkGone):
    """409 with the page (or, for htmx, its main part, wherever the request meant to swap)."""
    context = {"story": story, "gone": gone}
    if not request.htmx:
        return render(request, TEMPLATE, context, status=409)
    response = render(request, f"{TEMPLATE}#gone", context, status=409)
    return reswap(retarget(response, "#main"), "innerHTML")
