from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import Exact
from django.utils import timezone

from articles.models import BackgroundJob, JobStatus, Story
from claims import textsearch


class ClaimQuerySet(models.QuerySet):
    def first_containing(self, story, text: str, n: int):
        """The story's first `n` claims (by id) whose text contains `text`, case aside (as
        `icontains`): through the text index where it can serve (claims/textsearch.py), else
        by a scan, which stops at the n-th."""
        claims = self.filter(article__story=story)
        ids = textsearch.first_ids(story.pk, text, n, self.db)
        found = claims.filter(text__icontains=text) if ids is None else claims.filter(id__in=ids)
        return found.order_by("id")[:n]

    def also_telling_of(self, event):
        """The claims that also tell of `event` (see `standing_also`)."""
        return self.filter(id__in=standing_also(event=event).values("claim_id"))


class Claim(models.Model):
    """A span of an article's body: its text is always exactly body[start:end]."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    position = models.PositiveIntegerField(help_text="Order in the article, from 0.")
    speaker = models.CharField(
        max_length=200, blank=True, help_text="Who the sentence attributes it to, if anyone."
    )
    event = models.ForeignKey(
        "Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    event_pinned = models.BooleanField(
        default=False, help_text="A person put this claim in its event; re-matching keeps it there."
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="claim_start_before_end"),
            # The span and its text cannot drift apart: the text is as long as the span.
            models.CheckConstraint(
                condition=Exact(Length("text"), F("end") - F("start")),
                name="claim_text_fits_span",
            ),
            models.UniqueConstraint(fields=["article", "start"], name="claim_unique_start"),
            models.UniqueConstraint(fields=["article", "position"], name="claim_unique_position"),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        body = self.article.body
        if self.end > len(body) or body[self.start : self.end] != self.text:
            raise ValidationError("A claim's text must be exactly its article's body[start:end].")


class EventQuerySet(models.QuerySet):
    def refresh_counts(self) -> int:
        """Store each event's number of claims and of outlets that made them. One UPDATE
        counted by the database: bulk_update built a CASE per event in Python, seconds for a
        large re-match, inside its write transaction. Returns the events updated."""
        claims = Claim.objects.filter(event=OuterRef("pk")).order_by().values("event")

        def counted(expression):
            return Coalesce(Subquery(claims.annotate(n=expression).values("n")), 0)

        return self.update(
            claim_count=counted(Count("id")),
            outlet_count=counted(Count("article__outlet", distinct=True)),
        )

    def for_overview(self):
        return self.order_by(F("occurred_on").asc(nulls_last=True), "-outlet_count", "id")

    def retire(self, cause: str, held: dict[int, list[int]] | None = None) -> None:
        """Delete these events, leaving at each one's address a note of the claims it held, so
        that the address leads to wherever they are now (GoneEvent). `held`: event id -> the
        claims it held, for callers that moved them out first; by default the claims it holds.
        An event that held none held the claims the edit log says were moved out of it."""
        events = list(self.values_list("id", "story_id", "label", "auto_label"))
        if held is None:
            held = defaultdict(list)
            rows = Claim.objects.filter(event__in=self.values("id")).values_list("id", "event_id")
            for claim_id, event_id in rows:
                held[event_id].append(claim_id)
        notes = []
        for pk, story_id, label, auto_label in events:
            claims = held.get(pk) or _moved_out_of(story_id, pk)
            notes.append(
                GoneEvent(
                    story_id=story_id,
                    old_id=pk,
                    label=label or auto_label or f"Event {pk}",
                    claim_ids=sorted(claims),
                    cause=cause,
                )
            )
        GoneEvent.objects.bulk_create(notes, batch_size=2000)
        self.delete()


class Event(models.Model):
    """Claims from different articles that describe the same real-world event."""

    story = models.ForeignKey("articles.Story", on_delete=models.CASCADE, related_name="events")
    key = models.CharField(max_length=60, help_text="The matcher's stable key for this event.")
    auto_label = models.TextField(blank=True, help_text="The label the matcher gave it.")
    label = models.CharField(
        max_length=300, blank=True, help_text="A person's name for it; wins over the matcher's."
    )
    label_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    label_edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every rename, so that two renames at once conflict."
    )
    occurred_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date its claims state most often (weekdays read against the article's "
        "date); empty when they state none.",
    )
    # Kept up to date by matching and by every edit (EventQuerySet.refresh_counts), so that
    # the story overview can sort and page events without counting every claim.
    claim_count = models.PositiveIntegerField(default=0)
    outlet_count = models.PositiveIntegerField(default=0)
    # A sentence may tell of two events ("the strike on the army ended the truce"): it sits in
    # one and the matcher lists it here on the other, linked to that event's claims. Shown
    # only while one of those links stands (a person rejecting it takes the claim away).
    also_claims = models.ManyToManyField(
        "Claim",
        blank=True,
        related_name="also_in",
        help_text="Claims of other events (or of none) that also tell of this one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["story", "id"]
        constraints = [
            models.UniqueConstraint(fields=["story", "key"], name="event_unique_key_per_story"),
        ]
        indexes = [
            models.Index(
                fields=["story", "occurred_on", "-outlet_count", "id"], name="event_overview_order"
            ),
        ]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label or self.auto_label or f"Event {self.pk}"

    def rename(self, label: str, user, save: bool = True) -> None:
        self.label = label.strip()[:300]
        self.label_edited_by, self.label_edited_at = user, timezone.now()
        self.version += 1
        if save:
            self.save(
                update_fields=[
                    "label",
                    "label_edited_by",
                    "label_edited_at",
                    "version",
                    "updated_at",
                ]
            )


def standing_also(**filters) -> models.QuerySet:
    """The rows of `Event.also_claims` (event_id, claim_id) that stand: the claim sits outside
    the event (or in no event) and a link no person rejected ties it to one of the event's
    claims. Rejecting the link takes the claim away. The list gives the direction a link cannot:
    a link says both claims tell of one event, not which of the two events."""
    tied = Link.objects.live().filter(
        Q(claim_a=OuterRef("claim_id"), claim_b__event=OuterRef("event_id"))
        | Q(claim_b=OuterRef("claim_id"), claim_a__event=OuterRef("event_id"))
    )
    rows = Event.also_claims.through.objects.filter(**filters)
    return rows.exclude(claim__event=F("event_id")).filter(Exists(tied))


def _moved_out_of(story_id: int, event_id: int) -> set[int]:
    """The claims people moved out of an event (or split off it), by the edit log."""
    moves = Edit.objects.filter(
        story_id=story_id, action__in=[EditAction.MOVE, EditAction.SPLIT], details__source=event_id
    )
    return {c for details in moves.values_list("details", flat=True) for c in details["claims"]}


class GoneCause(models.TextChoices):
    MATCHING = "matching", "regrouped when the story was matched again"
    MERGE = "merge", "merged into another event by hand"
    ADMIN = "admin", "deleted in the admin"


class GoneEvent(models.Model):
    """An event that is no more (matching regrouped its claims, or a person merged it away),
    kept so that its address still leads somewhere: to the event that now holds most of its
    claims, or to a page that says where they went. It keeps the claims, not the events they
    went to, so that the address follows them through every later regrouping."""

    Cause = GoneCause

    story = models.ForeignKey("articles.Story", on_delete=models.CASCADE, related_name="+")
    old_id = models.PositiveBigIntegerField(help_text="The event's id; its row is deleted.")
    label = models.TextField(help_text="Its name when it went.")
    claim_ids = models.JSONField(default=list, help_text="The claims it held when it went.")
    cause = models.CharField(max_length=20, choices=Cause.choices)
    gone_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["old_id"], name="gone_event_unique_old_id"),
            models.CheckConstraint(
                condition=Q(cause__in=GoneCause.values), name="gone_event_cause_valid"
            ),
        ]

    def __str__(self):
        return f"Event {self.old_id} ({self.get_cause_display()})"

    def whereabouts(self) -> "Whereabouts":
        """Where its claims are now."""
        counts = Counter()
        for start in range(0, len(self.claim_ids), 2000):
            rows = Claim.objects.filter(id__in=self.claim_ids[start : start + 2000])
            counts.update(rows.values_list("event_id", flat=True))
        unplaced = counts.pop(None, 0)
        events = Event.objects.in_bulk(list(counts))
        held = sorted(
            ((events[pk], n) for pk, n in counts.items()), key=lambda en: (-en[1], en[0].pk)
        )
        return Whereabouts(held, unplaced, len(self.claim_ids) - sum(counts.values()) - unplaced)


@dataclass
class Whereabouts:
    """Where a gone event's claims are: `held`, (event, how many) most first; `unplaced`, in
    no event; `removed`, deleted with their articles."""

    held: list
    unplaced: int
    removed: int

    @property
    def successor(self) -> "Event | None":
        """The event that holds more than half of its claims that still exist, if one does."""
        if self.held and self.held[0][1] * 2 > sum(n for _, n in self.held) + self.unplaced:
            return self.held[0][0]
        return None


class LinkStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested by the matcher"
    CONFIRMED = "confirmed", "Confirmed by a person"
    REJECTED = "rejected", "Rejected by a person"


# A link's score is the matcher's probability that the claims are linked: at one half it is
# least sure, and there a person's word helps most.
LEAST_SURE = 0.5


def review_distance() -> models.Func:
    """How far a link's score is from LEAST_SURE, |score - 0.5|: the review queue's order, and
    the expression of the index that serves it (link_review_order). The 0.5 is written into the
    SQL rather than bound as a parameter: SQLite uses an index on an expression only for the
    very same expression, and `score - ?` is not `score - 0.5`."""
    return models.Func(
        F("score"),
        template=f"ABS(%(expressions)s - {LEAST_SURE!r})",
        output_field=models.FloatField(),
    )


def event_last() -> models.Func:
    """A link's event id, links of no event after every event (the largest id there can be):
    the review queue's order by event, and the expression of the index that serves it
    (link_review_by_event). The number is in the SQL, as in review_distance."""
    return models.Func(
        F("event"),
        template="COALESCE(%(expressions)s, 9223372036854775807)",
        output_field=models.BigIntegerField(),
    )


class LinkQuerySet(models.QuerySet):
    def for_claims(self, a_id: int, b_id: int):
        a_id, b_id = sorted((a_id, b_id))
        return self.filter(claim_a_id=a_id, claim_b_id=b_id)

    def decided(self):
        return self.exclude(status=LinkStatus.SUGGESTED)

    def live(self):
        """The links no person rejected: the matcher's and the confirmed ones."""
        return self.exclude(status=LinkStatus.REJECTED)


class Link(models.Model):
    """Two claims of different articles that the matcher (or a person) says describe the same
    event, with the score and the reasons."""

    # story keeps its own index although three below begin with it: SQLite reads a story's
    # links in id order from it (outcome_digest), with no sort; it costs an insert little,
    # every new link going at its end.
    story = models.ForeignKey("articles.Story", on_delete=models.CASCADE, related_name="links")
    # No index of its own: the unique pair begins with it. Every index is written for each
    # link a run inserts, 200k at 100k claims, at random places in this one.
    claim_a = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="links_as_a", db_index=False
    )
    claim_b = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_as_b")
    score = models.FloatField(help_text="0 to 1.")
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="links",
        help_text="The event it tells of: the event of both claims, or the one a claim of "
        "another event also tells of (set by matching).",
    )
    components = models.JSONField(default=dict, blank=True)
    shared_terms = models.JSONField(default=list, blank=True)
    shared_aliases = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=LinkStatus.choices, default=LinkStatus.SUGGESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # link_decided_by: only the links a person decided
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["story", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim_a", "claim_b"], name="link_unique_pair"),
            # One row per pair: the smaller claim id first.
            models.CheckConstraint(condition=Q(claim_a__lt=F("claim_b")), name="link_ordered_pair"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="link_score_0_1"),
            models.CheckConstraint(
                condition=Q(status__in=LinkStatus.values), name="link_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["story", "status"]),
            # The review queue, least sure first: its position, neighbours and next open link.
            models.Index(F("story"), review_distance(), F("id"), name="link_review_order"),
            models.Index(
                F("story"), event_last(), F("score").desc(), F("id"), name="link_review_by_event"
            ),
            # A user deleted sets decided_by to NULL on their links: found here. The matcher's
            # links (nearly all) have none, and are not in it.
            models.Index(
                fields=["decided_by"],
                condition=Q(decided_by__isnull=False),
                name="link_decided_by",
            ),
        ]

    def __str__(self):
        return f"{self.claim_a_id} ↔ {self.claim_b_id} ({self.score:.2f}, {self.status})"

    def decide(self, status: str, user, save: bool = True) -> None:
        """A person's verdict: confirmed links are kept by every re-match, rejected ones never
        come back."""
        self.status = status
        self.decided_by, self.decided_at = user, timezone.now()
        if save:
            self.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


class Alias(models.Model):
    """Names that mean the same thing in a story (or in every story when story is empty):
    "Daesh, ISIS, ISIL, Islamic State". Users add them; the matcher reads them."""

    story = models.ForeignKey(
        "articles.Story",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="aliases",
        help_text="Leave empty for an alias that holds in every story.",
    )
    terms = models.TextField(
        help_text="The names that mean the same, one per line or separated by commas."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["story", "id"]
        verbose_name_plural = "aliases"

    def __str__(self):
        return " = ".join(self.term_list)

    @property
    def term_list(self) -> list[str]:
        raw = self.terms.replace("\n", ",").split(",")
        return [t.strip() for t in raw if t.strip()]

    def clean(self):
        if len(self.term_list) < 2:
            raise ValidationError({"terms": "Give at least two names that mean the same."})


class MatchState(models.Model):
    """What the last matching run of a story left for the next one: the normalised, indexed
    claims (so that a new article is matched without redoing the rest) and when it ran."""

    story = models.OneToOneField(
        "articles.Story", on_delete=models.CASCADE, related_name="match_state"
    )
    claim_count = models.PositiveIntegerField(default=0)
    unmatched_count = models.PositiveIntegerField(default=0, help_text="Claims in no event.")
    event_count = models.PositiveIntegerField(default=0)
    link_count = models.PositiveIntegerField(default=0)
    matched_at = models.DateTimeField()
    stats = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.story} matched at {self.matched_at:%Y-%m-%d %H:%M}"


class MatchIndexQuerySet(models.QuerySet):
    def bytes_of(self, story) -> bytes | None:
        """The story's pickled index as its last run kept it; None when it has none (never
        matched, or its parts are gone: the next run builds it again). One statement reads
        the generation and its parts, so a run switching generations meanwhile is never seen
        half way."""
        current = self.filter(story=story)
        rows = list(
            MatchIndexPart.objects.filter(
                story=story,
                generation=models.Subquery(current.values("generation")[:1]),
            )
            .annotate(expected=models.Subquery(current.values("parts")[:1]))
            .order_by("number")
            .values_list("number", "expected", "data")
        )
        if not rows or [n for n, _, _ in rows] != list(range(rows[0][1])):
            return None
        return b"".join(bytes(data) for _, _, data in rows)


class MatchIndex(models.Model):
    """Which generation of parts holds the matcher's StoryIndex of a story (pickled and cut
    into MatchIndexPart rows). A run writes its parts each in a short transaction of its own,
    then switches the generation here in one more: no transaction holds the whole index, so
    no writer waits long behind it."""

    story = models.OneToOneField(
        "articles.Story", on_delete=models.CASCADE, related_name="match_index"
    )
    generation = models.PositiveBigIntegerField(default=0)
    parts = models.PositiveIntegerField(default=0, help_text="How many parts it has.")
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes, all parts together.")

    objects = MatchIndexQuerySet.as_manager()

    def __str__(self):
        return f"Index of {self.story}"


class MatchIndexPart(models.Model):
    """One piece of a pickled StoryIndex (see MatchIndex)."""

    story = models.ForeignKey("articles.Story", on_delete=models.CASCADE, related_name="+")
    generation = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "generation", "number"], name="matchindexpart_unique"
            ),
        ]

    def __str__(self):
        return f"Part {self.number} of index {self.generation} of {self.story}"


class EditAction(models.TextChoices):
    RENAME = "rename", "Renamed an event"
    MERGE = "merge", "Merged two events"
    SPLIT = "split", "Split claims off into a new event"
    MOVE = "move", "Moved a claim"
    CONFIRM = "confirm", "Confirmed a link"
    REJECT = "reject", "Rejected a link"
    REOPEN = "reopen", "Reopened a decided link"
    ALIAS = "alias", "Added an alias"
    REMATCH = "rematch", "Matched the story again"
    ADJUDICATE = "adjudicate", "Adjudicated a link"
    BULK = "bulk", "Decided links in bulk"
    UNDO = "undo", "Undid an edit"
    ASSIGN = "assign", "Split the links between annotators"


class Edit(models.Model):
    """A person's change to the matching, kept for the record: who, when, what."""

    Action = EditAction

    story = models.ForeignKey("articles.Story", on_delete=models.CASCADE, related_name="edits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    summary = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(
        null=True, blank=True, help_text="When a later edit undid this one."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=EditAction.values), name="edit_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.summary}"


class MatchJob(BackgroundJob):
    """A re-match asked for in the browser, run by the task worker."""

    story = models.ForeignKey("articles.Story", on_delete=models.CASCADE, related_name="match_jobs")
    summary = models.TextField(blank=True, help_text="What the run found, in words.")
    # how a summary begins when the story was not matched again (matching.Summary.unchanged)
    UNCHANGED = "nothing changed since the last full match"

    def __str__(self):
        return f"Matching {self.story} ({self.status})"

    @property
    def unchanged(self) -> bool:
        """Done without matching: nothing changed since the story's last full match."""
        return self.summary.startswith(self.UNCHANGED)

    def finish(self, summary: str):
        self._set(status=JobStatus.DONE, summary=summary)

    def lost_reason(self) -> str:
        return (
            f"{self.WORKER_LOST}. Part of this match may be written (a re-match writes in short "
            "steps), and no label or decision was lost; match it again to complete it."
        )

    def ended_early(self):
        Story.objects.filter(pk=self.story_id).touch()

    def _set(self, **fields):
        # The story overview shows the job's state from its cached copy (articles/pagecache.py).
        with transaction.atomic():
            super()._set(**fields)
            Story.objects.filter(pk=self.story_id).touch()


class Label(models.TextChoices):
    """What an annotator says about a link: how the two claims relate."""

    AGREES = "agrees", "Agrees"
    CONTRADICTS = "contradicts", "Contradicts"
    PARTLY = "partly", "Partly (one adds or omits detail)"
    UNRELATED = "unrelated", "Unrelated (a bad match)"
    UNSURE = "unsure", "Skip / unsure"


class FinalLabel(models.TextChoices):
    """An editor's final label for a link (an adjudication): a judgement, so never unsure."""

    AGREES = Label.AGREES.value, Label.AGREES.label
    CONTRADICTS = Label.CONTRADICTS.value, Label.CONTRADICTS.label
    PARTLY = Label.PARTLY.value, Label.PARTLY.label
    UNRELATED = Label.UNRELATED.value, Label.UNRELATED.label


class Annotation(models.Model):
    """One annotator's label on one link. `version` goes up with every change, so that a
    change made from a stale page is refused instead of overwriting a newer one."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="annotations")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    label = models.CharField(max_length=12, choices=Label.choices)
    note = models.TextField(blank=True, help_text="Plain text.")
    version = models.PositiveIntegerField(default=1)
    blind = models.BooleanField(
        default=False,
        help_text="Given while the annotator could not see others' labels or the link's "
        "decision: what agreement is computed on.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["link", "annotator"]
        constraints = [
            models.UniqueConstraint(fields=["link", "annotator"], name="annotation_one_per_user"),
            models.CheckConstraint(
                condition=Q(label__in=Label.values), name="annotation_label_valid"
            ),
        ]

    def __str__(self):
        return f"{self.annotator}: {self.label} on link {self.link_id}"


class Assignment(models.Model):
    """A link given to an annotator to label: an editor splits a story's links between its
    annotators, some given to two for agreement. An annotator's queue holds their share."""

    story = models.ForeignKey("articles.Story", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "annotator"], name="assignment_one_per_user"),
        ]
        indexes = [models.Index(fields=["story", "annotator", "link"])]

    def __str__(self):
        return f"link {self.link_id} to {self.annotator}"


class ChangeKind(models.TextChoices):
    CREATED = "created", "labelled"
    CHANGED = "changed", "changed the label"
    REMOVED = "removed", "removed the label"


class AnnotationChange(models.Model):
    """The history of annotations: every change, undo included, with the state before and
    after. Kept by link and user so that it outlives an annotation that an undo removed."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="annotation_changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotation_changes"
    )
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    label = models.CharField(
        max_length=12, choices=Label.choices, blank=True, help_text="After the change."
    )
    note = models.TextField(blank=True, help_text="After the change.")
    previous_label = models.CharField(max_length=12, blank=True)
    previous_note = models.TextField(blank=True)
    is_undo = models.BooleanField(default=False, help_text="This change undid an earlier one.")
    undone = models.BooleanField(default=False, help_text="A later undo reverted this change.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values), name="annotationchange_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(label__in=[*Label.values, ""]), name="annotationchange_label_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self):
        return f"{self.user} {self.get_kind_display()} on link {self.link_id}"


class Adjudication(models.Model):
    """An editor's final word on a link where annotators disagree: the label exports use."""

    link = models.OneToOneField(Link, on_delete=models.CASCADE, related_name="adjudication")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=12, choices=FinalLabel.choices)
    note = models.TextField(blank=True, help_text="Plain text.")
    version = models.PositiveIntegerField(default=1)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(label__in=FinalLabel.values), name="adjudication_label_valid"
            ),
        ]

    def __str__(self):
        return f"{self.label} on link {self.link_id} (by {self.editor})"


# Framing ---------------------------------------------------------------------------------------


class LexiconKind(models.TextChoices):
    NAMING = "naming", "Names that mean the same (comma-separated)"
    HEDGE = "hedge", "Hedge (“reportedly”)"
    SPEECH_VERB = "speech_verb", "Verb of attribution (“charged”)"
    PARTICIPLE = "participle", "Irregular past participle (“struck”)"
    NOT_PASSIVE = "not_passive", "A state after “was”, not a passive (“interested”)"
    INSTRUMENT = "instrument", "A means, not an actor (“airstrike”)"
    ACTION = "action", "Verb of action whose subject is its agent (“shelled”)"
    ACCIDENT = "accident", "Says an act was not meant (“erroneously”)"
    DELIBERATE = "deliberate", "Says an act was meant (“deliberately”)"
    FACT = "fact", "A fact and a word stating it (“the apology: expressed regret”)"
    UNIT = "unit", "A thing counted and a word for it (“trucks: lorries”)"


class LexiconEntry(models.Model):
    """A word or phrase a user adds to the framing lexicons (claims/framing/lexicons/), for one
    story or, with story empty, for every story."""

    story = models.ForeignKey(
        "articles.Story",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lexicon_entries",
        help_text="Leave empty for an entry that holds in every story.",
    )
    kind = models.CharField(max_length=20, choices=LexiconKind.choices)
    term = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "term"]
        verbose_name_plural = "lexicon entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LexiconKind.values), name="lexiconentry_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(term=""), name="lexiconentry_term_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.term}"

    def clean(self):
        if self.kind in (LexiconKind.FACT, LexiconKind.UNIT) and ":" not in self.term:
            raise ValidationError({"term": "Write the name, a colon, then the word."})
        if (
            self.kind == LexiconKind.NAMING
            and len([t for t in self.term.split(",") if t.strip()]) < 2
        ):
            raise ValidationError({"term": "Give at least two names, separated by commas."})


class DiscrepancyKind(models.TextChoices):
    NUMBER = "number", "Numbers"
    PLACE = "place", "Places"
    DATE = "date", "Dates"
    AGENT = "agent", "Agents"
    INTENT = "intent", "Intent"
    CAUSE = "cause", "Causes"


class DiscrepancyStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed: they contradict"
    DISMISSED = "dismissed", "Dismissed: no contradiction"


class DiscrepancyQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DiscrepancyStatus.OPEN)


class Discrepancy(models.Model):
    """Two claims of different outlets on one event that may contradict each other, as the
    framing rules found it; a person confirms or dismisses it. Found again on every run (same
    pair, kind and key), it keeps its decision."""

    story = models.ForeignKey(
        "articles.Story", on_delete=models.CASCADE, related_name="discrepancies"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="discrepancies"
    )
    claim_a = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    claim_b = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DiscrepancyKind.choices)
    key = models.CharField(max_length=200, help_text="What is compared: “trucks”, “aleppo”.")
    detail = models.TextField()
    spans = models.JSONField(
        default=list, help_text="[{claim, start, end, text}]: the words that raised it."
    )
    status = models.CharField(
        max_length=10, choices=DiscrepancyStatus.choices, default=DiscrepancyStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DiscrepancyQuerySet.as_manager()

    class Meta:
        ordering = ["story", "event", "id"]
        verbose_name_plural = "discrepancies"
        constraints = [
            models.UniqueConstraint(
                fields=["claim_a", "claim_b", "kind", "key"], name="discrepancy_unique"
            ),
            models.CheckConstraint(
                condition=Q(claim_a__lt=F("claim_b")), name="discrepancy_ordered_pair"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DiscrepancyKind.values), name="discrepancy_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DiscrepancyStatus.values), name="discrepancy_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["story", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.detail[:80]} ({self.status})"

    def decide(self, status: str, user) -> None:
        self.status = status
        self.decided_by, self.decided_at = user, timezone.now()
        if status == DiscrepancyStatus.OPEN:
            self.decided_by = self.decided_at = None
        self.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


class EventFraming(models.Model):
    """What an event's discrepancies were last found from (its claims, its links no person
    rejected, the lexicons, the rules), as a key: the discrepancy queue finds them again only
    for the events whose key has changed, instead of for the whole story on every visit."""

    event = models.OneToOneField(
        Event, primary_key=True, on_delete=models.CASCADE, related_name="framing"
    )
    key = models.CharField(max_length=64)
    framed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.event_id}: {self.key}"
