"""What several claims views share: a story's link with its claims, the status of the answer
to a form that does not validate (articles/views/answers.py), and URLs built per row."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.views.answers import invalid_status as invalid_status  # used by every form view
from claims.models import Link


def story_link(story, pk) -> Link:
    """A link of this story (404 otherwise), with both claims' articles and outlets."""
    return get_object_or_404(
        Link.objects.select_related("claim_a__article__outlet", "claim_b__article__outlet"),
        story=story,
        pk=pk,
    )


def url_prefix(name: str, story) -> str:
    """The URL named `name` for this story, up to the object's id: pages that show hundreds of
    rows append each id to it, since reversing a URL per row costs more than the row."""
    url = reverse(name, args=[story.slug, 0])
    return url[: url.rindex("/0/") + 1]
