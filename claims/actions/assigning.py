"""Setting up a story's review, as verbs: split its links between annotators (each
annotator's queue then holds their share), and write the guidelines shown beside the queue.

A split replaces the story's previous one whole, in one transaction, and is recorded as an
Edit; labels are never touched by it. Links a re-match adds afterwards are in nobody's share
until the next split; links it removes leave the shares with them.
"""

__all__ = ["SCOPES", "NothingToSplit", "assign", "write_guidelines"]

from django.db import transaction
from django.db.models import Exists, OuterRef

from articles.models import Story
from claims.actions.editing import _record, lock
from claims.models import (
    Adjudication,
    Annotation,
    Assignment,
    EditAction,
    Label,
    Link,
    review_distance,
)
from claims.shares import doubled_count, split

SCOPES = {
    "open": "the links nobody has labelled yet",
    "all": "every link of the story",
}


class NothingToSplit(Exception):
    """The story has no links in the scope asked for; nothing was changed."""


def links_in(story, scope: str):
    """The ids of the story's links in `scope`, in the review queue's order (least sure
    first), so that each share holds sure and unsure links alike."""
    links = Link.objects.filter(story=story)
    if scope == "open":
        labelled = Annotation.objects.filter(link=OuterRef("pk")).exclude(label=Label.UNSURE)
        decided = Adjudication.objects.filter(link=OuterRef("pk"))
        links = links.exclude(Exists(labelled)).exclude(Exists(decided))
    ordered = links.alias(distance=review_distance()).order_by("distance", "id")
    return list(ordered.values_list("id", flat=True))


@transaction.atomic
def assign(story, editor, annotators: list, overlap: float, scope: str) -> dict:
    """Split the story's links in `scope` between `annotators` (users), `overlap` of them
    (0 to 1) given to two; the previous split goes. Each annotator's share, as
    {user: number of links}. NothingToSplit when the scope holds no link."""
    lock(story.pk)
    ids = links_in(story, scope)
    if not ids:
        raise NothingToSplit(scope)
    by_id = {user.pk: user for user in annotators}
    shares = split(ids, sorted(by_id), overlap)
    Assignment.objects.filter(story=story).delete()
    Assignment.objects.bulk_create(
        [
            Assignment(story=story, link_id=link, annotator_id=user)
            for user, links in shares.items()
            for link in links
        ],
        batch_size=1000,
    )
    doubled = doubled_count(len(ids), len(by_id), overlap)
    names = [by_id[pk].get_username() for pk in shares]
    _record(
        story,
        editor,
        EditAction.ASSIGN,
        f"split {len(ids)} links ({SCOPES[scope]}) between {', '.join(names)}, "
        f"{doubled} of them to two",
        scope=scope,
        overlap=overlap,
        links=len(ids),
        doubled=doubled,
        shares={by_id[pk].get_username(): len(links) for pk, links in shares.items()},
    )
    return {by_id[pk]: len(links) for pk, links in shares.items()}


@transaction.atomic
def write_guidelines(story, text: str) -> None:
    """The story's guidelines for annotators (plain text)."""
    Story.objects.filter(pk=story.pk).update(guidelines=text)
    story.guidelines = text
