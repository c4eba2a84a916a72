"""Annotating links, as verbs: label a link, undo, adjudicate, and the review queue.

Labels feed the matcher through the link's status: "unrelated" rejects the link (re-matching
never brings it back), the other labels confirm it. An editor's rejection stands against an
annotator's label, and an adjudication wins over every label.

Every change is kept (AnnotationChange), undo included. Annotations and adjudications carry a
version: a change made from a page that is out of date raises Conflict instead of overwriting.
A label on a link that a re-match removed since the page showed it raises LinkGone.

Each write locks the story first (editing.lock), as re-matching does, so that a label and a
re-match never wait on each other in a circle, and a re-match never deletes a link a label
committed to meanwhile.
"""

__all__ = ["Conflict", "LinkGone", "annotate", "undo", "adjudicate", "ReviewQueue"]

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.access import EDIT, Sight, can
from articles.models import Membership, Role
from claims.actions.editing import Conflict, LinkGone, _record, current_link, lock
from claims.models import (
    Adjudication,
    Annotation,
    AnnotationChange,
    Assignment,
    ChangeKind,
    EditAction,
    Label,
    Link,
    LinkStatus,
    event_last,
    review_distance,
)
from claims.views.queue import KeyboardQueue

# Keys of the review queue, one place for the template and the help text.
LABEL_KEYS = {
    Label.AGREES: ("1", "a"),
    Label.CONTRADICTS: ("2", "c"),
    Label.PARTLY: ("3", "p"),
    Label.UNRELATED: ("4", "u"),
    Label.UNSURE: ("5", "s"),
}


def status_for(label: str) -> str:
    return LinkStatus.REJECTED if label == Label.UNRELATED else LinkStatus.CONFIRMED


def annotate(link: Link, user, label: str, note: str, version: int) -> Annotation:
    """The user's label on the link. `version` is the version of their annotation the page
    showed (0 for none); anything else means it changed since, and nothing is saved.
    LinkGone when a re-match removed the link since."""
    try:
        return _annotate(link, user, label, note, version)
    except IntegrityError:
        # Two first labels at once: the unique constraint let one through.
        raise Conflict(Annotation.objects.filter(link=link, annotator=user).first()) from None


@transaction.atomic
def _annotate(link, user, label, note, version) -> Annotation:
    lock(link.story_id)
    link = current_link(link)
    # of=self and no ordering: the default ordering would join (and lock) the link and story
    current = _mine(link, user)
    if (current.version if current else 0) != version:
        raise Conflict(current)
    if current and (current.label, current.note) == (label, note):
        return current
    before = (current.label, current.note) if current else ("", "")
    sight = Sight(user, link.story)  # blind review: what the user may see, asked once
    blind = _blind(link, user, sight)
    if current is None:
        current = Annotation.objects.create(
            link=link, annotator=user, label=label, note=note, blind=blind
        )
    else:
        if current.label != label:  # a new note alone leaves the label as blind as it was
            current.blind = blind
        current.label, current.note = label, note
        current.version += 1
        current.updated_at = timezone.now()
        current.save(update_fields=["label", "note", "version", "updated_at", "blind"])
    _log(link, user, before, (label, note))
    if not _curating(sight):
        _settle(link, user, label)
    return current


def last_change(story, user):
    """The user's changes in the story that undo may revert, latest first."""
    return AnnotationChange.objects.filter(
        link__story=story, user=user, is_undo=False, undone=False
    )


@transaction.atomic
def undo(story, user, expected: Link | None = None) -> Link | None:
    """Revert the user's latest change in the story that is not undone yet; the link it was
    on, or None when there is nothing to undo. Undo again to go further back.

    `expected`: the link of the change the page offered to undo. LinkGone when a re-match
    removed it since; Conflict (its `current` the latest change now) when the latest change
    is on another link; in both cases nothing is undone."""
    lock(story.pk)
    if expected is not None:
        current_link(expected)
    change = last_change(story, user).select_for_update(of=("self",)).select_related("link").first()
    if change is None:
        return None
    if expected is not None and change.link_id != expected.pk:
        raise Conflict(change)
    link = change.link
    current = _mine(link, user)
    before = (current.label, current.note) if current else ("", "")
    after = (change.previous_label, change.previous_note)
    sight = Sight(user, story)
    if not change.previous_label:
        if current:
            current.delete()
    elif current is None:
        Annotation.objects.create(
            link=link,
            annotator=user,
            label=after[0],
            note=after[1],
            blind=_blind(link, user, sight),
        )
    else:
        current.label, current.note = after
        current.blind = _blind(link, user, sight)
        current.version += 1
        current.updated_at = timezone.now()
        current.save(update_fields=["label", "note", "version", "updated_at", "blind"])
    change.undone = True
    change.save(update_fields=["undone"])
    _log(link, user, before, after, is_undo=True)
    if _curating(sight):
        return link
    if after[0]:
        _settle(link, user, after[0])
    else:
        _unsettle(link, user)
    return link


def _mine(link, user) -> Annotation | None:
    """The user's annotation of the link, locked (its row only: the default ordering would
    join the link and the story and lock them too, out of the story-first order)."""
    mine = Annotation.objects.select_for_update(of=("self",)).filter(link=link, annotator=user)
    return mine.order_by().first()


def _blind(link, user, sight: Sight) -> bool:
    """Whether a label the user gives the link now is blind (what agreement is computed on):
    the story is in blind review, the user may not see others' labels (not an editor), and
    nothing of others' on this link can have swayed them. A first label is blind; a label
    given again (changed, or back after an undo) is blind only when there is still nothing
    of others' to see: by then the user could see their labels and the decision."""
    if sight.everything:
        return False
    # Having only skipped it (unsure) showed the user nothing of others' (Sight.labelled).
    given = AnnotationChange.objects.filter(link=link, user=user).exclude(label=Label.UNSURE)
    if not given.exclude(label="").exists():
        return True
    others = AnnotationChange.objects.filter(link=link).exclude(user=user)
    return not (
        others.exists()
        or Adjudication.objects.filter(link=link).exists()
        or link.decided_by_id not in (None, user.pk)
    )


def _curating(sight: Sight) -> bool:
    """An editor of a story in blind review: their label is only a label (never blind, so left
    out of agreement); they decide links in the curation step (adjudication, the event page)."""
    return sight.blind and sight.everything


def _deciding(link):
    """The link's labels its status may follow: in blind review, not editors' (_curating)."""
    labels = link.annotations.all()
    if link.story.is_blind():
        editors = Membership.objects.filter(story_id=link.story_id, role=Role.EDITOR)
        labels = labels.exclude(annotator__in=editors.values("user_id"))
        labels = labels.exclude(annotator__is_superuser=True)
    return labels


def _log(link, user, before, after, is_undo=False) -> AnnotationChange:
    if not before[0]:
        kind = ChangeKind.CREATED
    elif not after[0]:
        kind = ChangeKind.REMOVED
    else:
        kind = ChangeKind.CHANGED
    return AnnotationChange.objects.create(
        link=link,
        user=user,
        kind=kind,
        label=after[0],
        note=after[1],
        previous_label=before[0],
        previous_note=before[1],
        is_undo=is_undo,
    )


def _settle(link: Link, user, label: str) -> None:
    """The link's status after `user` labelled it. "Unsure" neither confirms nor rejects: the
    link follows the other labels, as if the user had none."""
    if label == Label.UNSURE:
        _unsettle(link, user)
        return
    adjudication = Adjudication.objects.filter(link=link).first()
    target = status_for(adjudication.label if adjudication else label)
    if link.status == target:
        return
    if (
        not adjudication
        and link.status == LinkStatus.REJECTED
        and link.decided_by_id not in (None, user.pk)
        and can(link.decided_by, link.story, EDIT)
        and not can(user, link.story, EDIT)
    ):
        return  # an editor rejected it; only an editor or an adjudication brings it back
    link.decide(target, user)


def _unsettle(link: Link, user) -> None:
    """The user's label is gone (or unsure): the link follows the latest remaining label that
    is not unsure, or goes back to suggested when the user's label was what decided it."""
    latest = _deciding(link).exclude(label=Label.UNSURE).order_by("-updated_at", "-id").first()
    if latest or Adjudication.objects.filter(link=link).exists():
        _settle(link, latest.annotator if latest else user, latest.label if latest else "")
    elif link.decided_by_id == user.pk:
        link.decide(LinkStatus.SUGGESTED, user)


def adjudicate(link: Link, editor, label: str, note: str, version: int) -> Adjudication:
    """An editor's final label for a link, which exports use and the link's status follows.
    `version` as for annotate."""
    try:
        return _adjudicate(link, editor, label, note, version)
    except IntegrityError:
        raise Conflict(Adjudication.objects.filter(link=link).first()) from None


@transaction.atomic
def _adjudicate(link, editor, label, note, version) -> Adjudication:
    lock(link.story_id)
    link = current_link(link)
    current = Adjudication.objects.select_for_update(of=("self",)).filter(link=link).first()
    if (current.version if current else 0) != version:
        raise Conflict(current)
    if current is None:
        current = Adjudication.objects.create(link=link, editor=editor, label=label, note=note)
    else:
        current.editor, current.label, current.note = editor, label, note
        current.version += 1
        current.at = timezone.now()
        current.save()
    if link.status != status_for(label):
        link.decide(status_for(label), editor)
    _record(
        link.story,
        editor,
        EditAction.ADJUDICATE,
        f"adjudicated the link between claims {link.claim_a_id} and {link.claim_b_id}: {label}",
        link=link.pk,
        label=label,
    )
    return current


# The review queue ------------------------------------------------------------------------------

ORDERS = {"uncertain": "least certain first", "event": "by event", "skipped": "skipped by me"}


class ReviewQueue(KeyboardQueue):
    """A user's way through a story's links: every link in review order, open until the user
    labels it. Least sure first, or by event (links of no event last), the surer first within
    an event: the indexes link_review_order and link_review_by_event serve these orders.

    A link the user marked unsure is not open: it does not hold up the queue. "Skipped by me"
    holds only those, least sure first, open until the user gives one a label. When an editor
    gave the user a share of the story's links (Assignment), the queue holds only that share."""

    def __init__(self, story, user, order: str = "uncertain"):
        links = Link.objects.filter(story=story)
        mine = Annotation.objects.filter(link__story=story, annotator=user)
        share = Assignment.objects.filter(story=story, annotator=user)
        self.shared = share.exists()
        if self.shared:
            links = links.filter(Exists(share.filter(link=OuterRef("pk"))))
            mine = mine.filter(link__assignments__annotator=user)
        labelled = Annotation.objects.filter(link=OuterRef("pk"), annotator=user)
        open = ~Exists(labelled)
        if order == "skipped":  # only the links marked unsure, open until labelled
            open = Exists(labelled.filter(label=Label.UNSURE))
            links, mine = links.filter(open), mine.filter(label=Label.UNSURE)
        if order == "event":
            links, keys = links.alias(event_key=event_last()), ("event_key", "-score", "id")
        else:
            links, keys = links.alias(distance=review_distance()), ("distance", "id")
        super().__init__(links, keys, open=open)
        self.order, self.labels = order, mine

    @classmethod
    def of(cls, story, user, order: str = "uncertain") -> "ReviewQueue":
        return cls(story, user, order)

    def counts(self) -> dict:
        # Counted apart: a count of the links and one of the user's labels are each a scan of
        # an index, where counting the open links asks for a label link by link.
        total = self.rows.count()
        if self.order == "skipped":
            return {"total": total, "open": total, "skipped": total}
        skipped = self.labels.filter(label=Label.UNSURE).count()
        return {"total": total, "open": total - self.labels.count(), "skipped": skipped}

    @property
    def left_count(self) -> int:
        return self.open_count

    @property
    def skipped_count(self) -> int:
        """The links in the queue the user marked unsure."""
        return self._count()["skipped"]

    @property
    def done_count(self) -> int:
        """The links in the queue the user labelled (unsure not counted)."""
        return self.total - self.open_count - (0 if self.order == "skipped" else self.skipped_count)
