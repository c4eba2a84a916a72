"""What several claims views share: a story's link with its claims, and the answer to a form
that does not validate."""

from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404

from claims.models import Link


def story_link(story, pk) -> Link:
    """A link of this story (404 otherwise), with both claims' articles and outlets."""
    return get_object_or_404(
        Link.objects.select_related("claim_a__article__outlet", "claim_b__article__outlet"),
        story=story,
        pk=pk,
    )


def invalid(form) -> HttpResponseBadRequest:
    """400 with the form's errors in words; nothing was changed."""
    return HttpResponseBadRequest("; ".join(e for errors in form.errors.values() for e in errors))
