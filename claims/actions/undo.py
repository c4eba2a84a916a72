"""Undoing an edit from the story's recent changes: a bulk decision, a merge or a move, put
back as it was before, in one transaction, recorded as an Edit (undo) and marking the edit
undone. Only the latest state is ever undone, never part of one: the undo is refused, nothing
changed, when a later edit touched the same events, claims or links, when labels or decisions
changed the links since, or when the story was matched again since a merge or a move (the
matcher may have regrouped around them)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from claims.actions.editing import _record, _StoryKeys, batches, lock
from claims.matching.types import free_key
from claims.models import (
    Adjudication,
    AnnotationChange,
    Claim,
    Edit,
    EditAction,
    Event,
    GoneEvent,
    Link,
    LinkStatus,
    MatchState,
)

UNDOABLE = {EditAction.BULK, EditAction.MERGE, EditAction.MOVE}
# What each kind of edit must have recorded for an undo (older edits recorded less).
NEEDS = {
    EditAction.BULK: ("links", "status", "at"),
    EditAction.MERGE: (
        "other",
        "merged",
        "unpinned",
        "links",
        "other_also",
        "also_added",
        "also_removed",
    ),
    EditAction.MOVE: ("source", "target", "claims", "unpinned", "also_removed"),
}
# Edits that change no event, claim or link of their own.
UNTOUCHING = {EditAction.ALIAS, EditAction.ASSIGN, EditAction.UNDO, EditAction.REMATCH}


class Refused(Exception):
    """The edit cannot be undone; the message says why. Nothing was changed."""


def touched(edit: Edit) -> tuple[set, set, set]:
    """The events, claims and links an edit changed, as its details name them."""
    d = edit.details or {}
    events = {d[k] for k in ("event", "source", "target", "other") if isinstance(d.get(k), int)}
    claims = set(d.get("claims") or [])
    if isinstance(d.get("claim"), int):
        claims.add(d["claim"])
    links = {d["link"]} if isinstance(d.get("link"), int) else set()
    if edit.action == EditAction.BULK:
        links |= {row[0] for row in d.get("links") or []}
    elif edit.action == EditAction.MERGE:
        links |= set(d.get("links") or [])
    return events, claims, links


def refusal(edit: Edit, later: list[Edit], matched_at=None) -> str | None:
    """Why `edit` cannot be undone, by the edit log alone (None: it can, unless the state
    check at the time of the undo finds otherwise). `later`: the story's edits after it;
    `matched_at`: when the story was last matched."""
    if edit.action not in UNDOABLE:
        return "Only bulk decisions, merges and moves can be undone here."
    if edit.undone_at:
        return "It was undone already."
    if any(key not in (edit.details or {}) for key in NEEDS[edit.action]):
        return "It was made before edits kept what an undo needs."
    mine = touched(edit)
    for other in later:
        if other.undone_at:
            continue  # its effect is gone
        if other.action == EditAction.REMATCH and edit.action != EditAction.BULK:
            return "The story was matched again since; its events may have been regrouped."
        if other.action in UNTOUCHING:
            continue
        theirs = touched(other)
        if any(a & b for a, b in zip(mine, theirs, strict=True)):
            return f"A later change touched the same events, claims or links: {other.summary}"
    if edit.action != EditAction.BULK and matched_at and matched_at > edit.created_at:
        return "The story was matched again since; its events may have been regrouped."
    return None


def later_edits(edit: Edit) -> list[Edit]:
    return list(Edit.objects.filter(story_id=edit.story_id, id__gt=edit.pk).order_by("id"))


def last_matched(story_id: int):
    return MatchState.objects.filter(story_id=story_id).values_list("matched_at", flat=True).first()


@transaction.atomic
def undo(story, edit_id: int, user) -> Edit:
    """Undo the story's edit `edit_id`; the Edit that records it. Refused says why not."""
    lock(story.pk)
    edit = Edit.objects.select_for_update().filter(story=story, pk=edit_id).first()
    if edit is None:
        raise Refused("There is no such change in this story.")
    reason = refusal(edit, later_edits(edit), last_matched(story.pk))
    if reason:
        raise Refused(reason)
    UNDO[edit.action](edit)
    now = timezone.now()
    Edit.objects.filter(pk=edit.pk).update(undone_at=now)
    return _record(
        story,
        user,
        EditAction.UNDO,
        f"undid: {edit.summary[:200]}",
        undid=edit.pk,
    )


def _undo_bulk(edit: Edit) -> None:
    d = edit.details
    at = _when(d["at"])
    rows = d["links"]
    for batch in batches(rows):
        ids = [row[0] for row in batch]
        same = Link.objects.filter(id__in=ids, status=d["status"], decided_at=at).count()
        if same != len(ids):
            raise Refused(
                "Some of these links were decided, labelled or removed since: they are no "
                "longer as this change left them."
            )
        if (
            AnnotationChange.objects.filter(link__in=ids, at__gte=edit.created_at).exists()
            or Adjudication.objects.filter(link__in=ids, at__gte=edit.created_at).exists()
        ):
            raise Refused(
                "Some of these links were labelled since (a label stays on record, undone or "
                "not): putting them back would go against it."
            )
    people = _existing_users({row[1] for row in rows})
    before = {}
    for pk, by, when in rows:
        before.setdefault((by if by in people else None, when), []).append(pk)
    now = timezone.now()
    for (by, when), ids in before.items():
        for batch in batches(ids):
            Link.objects.filter(id__in=batch).update(
                status=LinkStatus.SUGGESTED, decided_by=by, decided_at=_when(when), updated_at=now
            )


def _all_in(claim_ids: list[int], event_id: int) -> bool:
    return all(
        Claim.objects.filter(id__in=batch, event_id=event_id).count() == len(batch)
        for batch in batches(claim_ids)
    )


def _undo_merge(edit: Edit) -> None:
    d, story_id = edit.details, edit.story_id
    target = Event.objects.filter(story_id=story_id, pk=d["event"]).first()
    if target is None:
        raise Refused("The event it merged into is gone.")
    if Event.objects.filter(pk=d["other"]).exists() or not _all_in(d["claims"], target.pk):
        raise Refused("Its claims have been moved since; undo those changes first.")
    old = d["merged"]
    key = old["key"]
    if Event.objects.filter(story_id=story_id, key=key).exists():
        key = free_key(key, _StoryKeys(target.story))
    other = Event.objects.create(
        pk=d["other"],
        story_id=story_id,
        key=key,
        label=old["label"],
        auto_label=old["auto_label"],
        label_edited_by_id=next(iter(_existing_users({old["label_edited_by"]})), None),
        label_edited_at=_when(old["label_edited_at"]),
        version=old["version"],
        occurred_on=_day(old["occurred_on"]),
    )
    for batch in batches(d["claims"]):
        Claim.objects.filter(id__in=batch).update(event=other, event_pinned=True)
    for batch in batches(d["unpinned"]):
        Claim.objects.filter(id__in=batch).update(event_pinned=False)
    for batch in batches(d["links"]):
        Link.objects.filter(id__in=batch, event=target).update(event=other)
    other.also_claims.add(*d["other_also"])
    target.also_claims.remove(*d["also_added"])
    target.also_claims.add(*d["also_removed"])
    GoneEvent.objects.filter(story_id=story_id, old_id=other.pk).delete()
    Event.objects.filter(pk__in=[target.pk, other.pk]).refresh_counts()


def _undo_move(edit: Edit) -> None:
    d, story_id = edit.details, edit.story_id
    events = Event.objects.filter(story_id=story_id, pk__in=[d["source"], d["target"]])
    if events.count() != 2:
        raise Refused("An event it moved claims between is gone.")
    if not _all_in(d["claims"], d["target"]):
        raise Refused("Its claims have been moved since; undo those changes first.")
    for batch in batches(d["claims"]):
        Claim.objects.filter(id__in=batch).update(event_id=d["source"], event_pinned=True)
    for batch in batches(d["unpinned"]):
        Claim.objects.filter(id__in=batch).update(event_pinned=False)
    Event.objects.get(pk=d["target"]).also_claims.add(*d["also_removed"])
    events.refresh_counts()


def _existing_users(ids: set) -> set:
    """Those of these user ids that still have an account (a deleted one decided as nobody)."""
    ids = {pk for pk in ids if pk is not None}
    return set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True))


def _when(text):
    return datetime.datetime.fromisoformat(text) if text else None


def _day(text):
    return datetime.date.fromisoformat(text) if text else None


UNDO = {EditAction.BULK: _undo_bulk, EditAction.MERGE: _undo_merge, EditAction.MOVE: _undo_move}
