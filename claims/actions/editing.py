"""People's changes to the matching, as verbs: each one recorded (who, when, what) and each
made so that re-matching keeps it (pinned claims, decided links, named events)."""

import hashlib

from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from articles.models import Story
from claims.matching import explain
from claims.matching.types import free_key
from claims.models import Alias, Claim, Edit, EditAction, Event, GoneEvent, Link, LinkStatus

# Ids a statement filters by, at most: SQLite binds one parameter each.
ID_BATCH = 500


class _StoryKeys:
    """The event keys a story has, asked one at a time (a split needs one free key)."""

    def __init__(self, story):
        self.events = Event.objects.filter(story=story)

    def __contains__(self, key) -> bool:
        return self.events.filter(key=key).exists()


def _record(story, user, action, summary, **details) -> Edit:
    return Edit.objects.create(
        story=story, user=user, action=action, summary=summary, details=details
    )


class Conflict(Exception):
    """Someone changed it first. `current` is how it is now."""

    def __init__(self, current):
        super().__init__("changed by someone else since the page was loaded")
        self.current = current


class LinkGone(Exception):
    """The link was removed (a re-match replaced it) after the page showed it; nothing was
    saved. `replacement` is the link the matcher now makes between the same two claims, if
    it makes one; else `event` is the event those claims are in now, if any."""

    def __init__(self, link: Link):
        super().__init__("the link was replaced when the story was matched again")
        self.link = link
        self.replacement = Link.objects.for_claims(link.claim_a_id, link.claim_b_id).first()
        self.event = None
        if self.replacement is None:
            events = Claim.objects.filter(id__in=[link.claim_a_id, link.claim_b_id])
            events = events.exclude(event=None).order_by("id").values_list("event", flat=True)
            self.event = Event.objects.filter(pk__in=list(events)[:1]).first()


def batches(ids: list) -> list[list]:
    return [ids[i : i + ID_BATCH] for i in range(0, len(ids), ID_BATCH)]


def iso(moment) -> str | None:
    """A time as Edit.details keeps it (JSON has no dates)."""
    return moment.isoformat() if moment else None


def lock(story_id: int) -> None:
    """The first statement of every write transaction to a story's events, links and labels,
    here and in claims/actions/matching.py: they queue on the story's row, so that none of
    them waits for another in a circle (StoryQuerySet.lock)."""
    Story.objects.filter(pk=story_id).lock()


def current_link(link: Link) -> Link:
    """The link as it is now, read after `lock`; LinkGone when a re-match removed it (or
    the row no longer joins the two claims the caller read it with)."""
    fresh = Link.objects.filter(pk=link.pk).first()
    if fresh is None or (fresh.claim_a_id, fresh.claim_b_id) != (link.claim_a_id, link.claim_b_id):
        raise LinkGone(link)
    return fresh


@transaction.atomic
def rename_event(event: Event, label: str, user, version: int) -> None:
    """Rename, unless the event was renamed since the page showed it `version` (Conflict)."""
    lock(event.story_id)
    current = Event.objects.select_for_update().get(pk=event.pk)
    if current.version != version:
        raise Conflict(current)
    old = current.display_label
    event.version = current.version
    event.rename(label, user)
    _record(
        event.story,
        user,
        EditAction.RENAME,
        f"renamed “{old[:80]}” to “{label[:80]}”",
        event=event.pk,
        old=old,
        new=label,
    )


@transaction.atomic
def merge_events(target: Event, other: Event, user) -> int:
    """Every claim of `other` into `target`, pinned there; `other` is gone. The claims that
    also told of `other` now also tell of `target` (unless they are in it). The Edit keeps
    what an undo puts back (claims/actions/undo.py): `other` as it was, the claims that were
    not pinned, the links that told of it, and the lists of claims that also told of each."""
    lock(target.story_id)
    other = Event.objects.filter(pk=other.pk).first() or other  # its name as it is now
    moved = list(other.claims.values_list("id", flat=True))
    unpinned = list(
        Claim.objects.filter(event__in=[target.pk, other.pk], event_pinned=False).values_list(
            "id", flat=True
        )
    )
    links = list(Link.objects.filter(event=other).values_list("id", flat=True))
    other_also = set(other.also_claims.values_list("id", flat=True))
    target_also = set(target.also_claims.values_list("id", flat=True))
    Claim.objects.filter(id__in=moved).update(event=target, event_pinned=True)
    target.claims.update(event_pinned=True)
    Link.objects.filter(event=other).update(event=target)
    target.also_claims.add(*other.also_claims.exclude(event=target))
    target.also_claims.remove(*target.also_claims.filter(event=target))
    label = other.display_label
    Event.objects.filter(pk=other.pk).retire(GoneEvent.Cause.MERGE, {other.pk: moved})
    Event.objects.filter(pk=target.pk).refresh_counts()
    now_also = set(target.also_claims.values_list("id", flat=True))
    _record(
        target.story,
        user,
        EditAction.MERGE,
        f"merged “{label[:80]}” into “{target.display_label[:80]}”",
        event=target.pk,
        merged_label=label,
        claims=moved,
        other=other.pk,
        merged={
            "key": other.key,
            "label": other.label,
            "auto_label": other.auto_label,
            "label_edited_by": other.label_edited_by_id,
            "label_edited_at": iso(other.label_edited_at),
            "version": other.version,
            "occurred_on": iso(other.occurred_on),
        },
        unpinned=unpinned,
        links=links,
        other_also=sorted(other_also),
        also_added=sorted(now_also - target_also),
        also_removed=sorted(target_also - now_also),
    )
    return len(moved)


class NothingToMove(Exception):
    """None of the claims asked for is in the event any more (someone moved them meanwhile)."""


@transaction.atomic
def move_claims(event: Event, claim_ids: list[int], target: Event | None, user) -> Event:
    """Claims out of `event` into `target`, or into a new event of their own when target is
    None (a split). They are pinned where they land, and so are the claims they leave behind
    and those they join (as a merge pins both events' claims): a person said these are not
    one event and those are, and a re-match grouping them back would undo it. A split's event
    is named after its first claim's opening words until the next match names it as it names
    every event (reading the story's match index here would hold a web worker for seconds)."""
    lock(event.story_id)
    claims = event.claims.filter(id__in=claim_ids)
    ids = list(claims.values_list("id", flat=True))
    if not ids:
        raise NothingToMove
    unpinned = list(claims.filter(event_pinned=False).values_list("id", flat=True))
    around = [event.pk] if target is None else [event.pk, target.pk]
    loose = Claim.objects.filter(event_id__in=around, event_pinned=False).exclude(id__in=ids)
    left_and_joined = list(loose.values_list("id", flat=True))
    if target is None:
        first = claims.order_by("article_id", "position")[0]
        target = Event.objects.create(
            story=event.story,
            key=free_key(f"u{min(ids)}", _StoryKeys(event.story)),
            auto_label=opening_words(first.text),
        )
        action = EditAction.SPLIT
        summary = f"split {len(ids)} claim{pluralize(len(ids))} off “{event.display_label[:80]}”"
    else:
        action = EditAction.MOVE
        summary = (
            f"moved {len(ids)} claim{pluralize(len(ids))} from “{event.display_label[:60]}” "
            f"to “{target.display_label[:60]}”"
        )
    listed = list(target.also_claims.filter(id__in=ids).values_list("id", flat=True))
    Claim.objects.filter(id__in=ids).update(event=target, event_pinned=True)
    loose.update(event_pinned=True)  # (by event: a large event's ids are not bound one each)
    unpinned += left_and_joined  # an undo unpins them again
    target.also_claims.remove(*ids)  # they are its own claims now
    Event.objects.filter(pk__in=[event.pk, target.pk]).refresh_counts()
    # unpinned and also_removed: what an undo puts back (claims/actions/undo.py)
    _record(
        event.story,
        user,
        action,
        summary,
        source=event.pk,
        target=target.pk,
        claims=ids,
        unpinned=unpinned,
        also_removed=listed,
    )
    return target


def opening_words(text: str) -> str:
    """A sentence's opening words, at most a headline's length, without its full stop."""
    text = " ".join(text.split()).rstrip(" .")
    if len(text) <= explain.LABEL_CHARS:
        return text
    return text[: explain.LABEL_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


DECISIONS = {
    LinkStatus.CONFIRMED: (EditAction.CONFIRM, "confirmed"),
    LinkStatus.REJECTED: (EditAction.REJECT, "rejected"),
    LinkStatus.SUGGESTED: (EditAction.REOPEN, "reopened"),
}


@transaction.atomic
def decide_link(link: Link, status: str, user) -> None:
    """LinkGone when a re-match removed the link since the page showed it."""
    lock(link.story_id)
    current_link(link)
    link.decide(status, user)
    action, verb = DECISIONS[status]
    _record(
        link.story,
        user,
        action,
        f"{verb} the link between claims {link.claim_a_id} and {link.claim_b_id}",
        link=link.pk,
        status=status,
    )


# Bulk decisions --------------------------------------------------------------------------------


def event_links(event: Event):
    """The links the event page shows (claims/views/event.py): between the event's claims, and
    between them and the claims listed as also telling of it (the page shows those while a link
    no person rejected ties them to the event, as every suggestion does). By claim ids, as the
    page reads them: through the claims' indexes, never the story's every link."""
    own = list(Claim.objects.filter(event=event).values_list("id", flat=True))
    also = list(event.also_claims.exclude(event=event).values_list("id", flat=True))
    return links_between(own, also)


def links_between(own: list[int], also: list[int]):
    """The links among the claims `own`, and between them and the claims `also`."""
    return Link.objects.filter(
        Q(claim_a_id__in=own, claim_b_id__in=own + also)
        | Q(claim_a_id__in=also, claim_b_id__in=own)
    )


def claim_links(claim: Claim):
    return Link.objects.filter(Q(claim_a=claim) | Q(claim_b=claim))


def shown(ids) -> str:
    """What a page says of a set of links, for a form to send back: how many and a digest of
    which. A bulk decision from a page that showed another set is refused (decide_all)."""
    ids = sorted(ids)
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    return f"{len(ids)}-{digest}"


def suggested(links) -> list[int]:
    return list(links.filter(status=LinkStatus.SUGGESTED).order_by().values_list("id", flat=True))


BULK_VERBS = {LinkStatus.CONFIRMED: "confirmed", LinkStatus.REJECTED: "rejected"}


@transaction.atomic
def decide_all(story, links, status: str, user, seen: str, of: dict) -> int:
    """Confirm or reject every suggestion of the matcher among `links` (a QuerySet) at once:
    the links a person decided stay as they are. `seen` is `shown()` of the suggestions the
    page listed: when they are not the same now, Conflict (with how many there are now) and
    nothing changes. One Edit (bulk) records it with each link's state before, for undo;
    `of` says what the links are of ({"event": id, "about": text} or {"claim": ...}).
    Returns how many links changed."""
    lock(story.pk)
    rows = list(
        links.filter(status=LinkStatus.SUGGESTED)
        .order_by("id")
        .values_list("id", "decided_by_id", "decided_at")
    )
    if shown(row[0] for row in rows) != seen:
        raise Conflict(len(rows))
    if not rows:
        return 0
    now = timezone.now()
    for batch in batches([row[0] for row in rows]):
        Link.objects.filter(id__in=batch).update(
            status=status, decided_by=user, decided_at=now, updated_at=now
        )
    about = of.pop("about")
    _record(
        story,
        user,
        EditAction.BULK,
        f"{BULK_VERBS[status]} {len(rows)} suggested link{pluralize(len(rows))} of {about[:120]}",
        status=status,
        at=iso(now),
        links=[[pk, by, iso(at)] for pk, by, at in rows],
        **of,
    )
    return len(rows)


@transaction.atomic
def add_alias(story, terms: list[str], user) -> Alias:
    lock(story.pk)
    alias = Alias.objects.create(story=story, terms=", ".join(terms), created_by=user)
    _record(
        story,
        user,
        EditAction.ALIAS,
        f"said that {' = '.join(terms)[:200]}",
        alias=alias.pk,
        terms=terms,
    )
    return alias
