"""What several claims views share: a story's link with its claims, the status of the answer
to a form that does not validate (articles/views/answers.py), and URLs built per row."""

from django.urls import reverse

from articles.views.answers import invalid_status as invalid_status  # used by every form view
from claims.models import Link


def story_link(story, pk) -> Link | None:
    """A link of this story, with both claims' articles and outlets; None when there is none
    (a re-match may have replaced it since the page showed it: claims/views/replaced.py)."""
    links = Link.objects.select_related("claim_a__article__outlet", "claim_b__article__outlet")
    return links.filter(story=story, pk=pk).first()


def url_prefix(name: str, story) -> str:
    """The URL named `name` for this story, up to the object's id: pages that show hundreds of
    rows append each id to it, since reversing a URL per row costs more than the row."""
    url = reverse(name, args=[story.slug, 0])
    return url[: url.rindex("/0/") + 1]
