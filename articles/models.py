import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from articles.ingest.counts import counts_in_words

UNKNOWN_OUTLET = "Unknown"
ALSO_NAMED = "Also named: "  # a line of an outlet's notes: another name imports may give it


class Ownership(models.TextChoices):
    STATE_FUNDED = "state-funded", "State-funded"
    PUBLIC_BROADCASTER = "public-broadcaster", "Public broadcaster"
    PRIVATE = "private", "Private"
    NONPROFIT = "nonprofit", "Non-profit"


class OutletQuerySet(models.QuerySet):
    def for_name(self, name: str) -> "Outlet":
        """The outlet called `name` (case-insensitive), or that is also named so (a line
        "Also named: NAME" in its notes, which merging two outlets writes), created when
        there is none."""
        name = " ".join(name.split()) or UNKNOWN_OUTLET
        outlet = self._named(name)
        if outlet:
            return outlet
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction goes on
                return self.create(name=name, slug=_unique_slug(self, name))
        except IntegrityError:
            # Another import made it (or took its slug) meanwhile: the chunks of one upload
            # import at once on several workers, each naming the same new outlet.
            return self._named(name) or self.create(name=name, slug=_unique_slug(self, name))

    def _named(self, name: str) -> "Outlet | None":
        return self.filter(name__iexact=name).first() or self._also_named(name)

    def _also_named(self, name: str) -> "Outlet | None":
        for outlet in self.filter(notes__icontains=f"{ALSO_NAMED}{name}").order_by("pk"):
            if name.casefold() in (n.casefold() for n in outlet.also_named):
                return outlet
        return None


def _unique_slug(queryset, name: str) -> str:
    base = slugify(name)[:50] or "outlet"
    slug, n = base, 2
    while queryset.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    domain = models.CharField("homepage domain", max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)
    ownership = models.CharField(
        "kind of ownership",
        max_length=30,
        choices=Ownership.choices,
        blank=True,
        help_text="Blank when unknown.",
    )
    notes = models.TextField(blank=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_unknown(self) -> bool:
        return self.name == UNKNOWN_OUTLET

    @property
    def also_named(self) -> list[str]:
        """The other names imports may give it: the lines "Also named: NAME" of its notes,
        which merging two outlets writes (articles/details.py merge_outlets)."""
        prefix = ALSO_NAMED.casefold()
        lines = (line.strip() for line in self.notes.splitlines())
        return [line[len(prefix) :] for line in lines if line.casefold().startswith(prefix)]


class StoryQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(
            article_count=Count("articles", distinct=True),
            outlet_count=Count("articles__outlet", distinct=True),
        )

    def touch(self) -> int:
        """Something these stories show changed: their cached page fragments are stale
        (articles/pagecache.py). Call it in the same transaction as the change, or after it,
        never before: a page rendered in between would be cached as the new revision."""
        return self.update(revision=F("revision") + 1)

    def lock(self) -> None:
        """Queue behind every other write to these stories' links, labels and events. Each
        such write transaction takes this first, so that all of them take their row locks
        in one order (the story, then the rest) and two of them never wait on each other in
        a circle (a deadlock on PostgreSQL). On SQLite a write transaction holds the whole
        database already; the statement is harmless there."""
        list(self.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))


class BlindReview(models.TextChoices):
    AUTO = "auto", "Blind once two or more annotators are members"
    ON = "on", "Always blind"
    OFF = "off", "Never blind"


class Story(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    blind_review = models.CharField(
        max_length=10,
        choices=BlindReview.choices,
        default=BlindReview.AUTO,
        help_text="Whether annotators see others' labels and a link's decision before they "
        "have labelled it themselves.",
    )
    guidelines = models.TextField(
        blank=True, help_text="Plain text an editor writes for annotators; shown beside the queue."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revision = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="Goes up with every change to what the story's pages show; names the cached "
        "page fragments (articles/pagecache.py).",
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "slug"]
        verbose_name_plural = "stories"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(blind_review__in=BlindReview.values),
                name="story_blind_review_valid",
            ),
        ]

    def __str__(self):
        return self.title or self.slug

    def save(self, *args, **kwargs):
        # Only StoryQuerySet.touch moves the revision: saving an instance loaded before a
        # touch must not write its older number back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "revision"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("claims-story", args=[self.slug])

    def is_blind(self) -> bool:
        """Whether the story is in blind review now: annotators see neither others' labels nor
        a link's decision until they have labelled it. "auto" turns it on once two or more
        members are annotators (editors do not count: they see everything anyway)."""
        if self.blind_review == BlindReview.AUTO:
            annotators = self.memberships.filter(role=Role.ANNOTATOR)
            return annotators.values("pk")[:2].count() >= 2
        return self.blind_review == BlindReview.ON


class Format(models.TextChoices):
    TEXT = "txt", "Plain text"
    HTML = "html", "HTML"
    JSONL = "jsonl", "JSON Lines"


def content_hash(body: str) -> str:
    """Identity of an article's text: whitespace and case do not make a new article."""
    normal = re.sub(r"\s+", " ", body).strip().casefold()
    return hashlib.sha256(normal.encode()).hexdigest()


# What an article holds besides its metadata: long, and never shown by pages that list claims.
ARTICLE_TEXTS = ("body", "original", "display_html", "removed_lines")


def side_by_side(outlets) -> list:
    """Outlets in the order pages set them side by side (an event's columns, its framing cards,
    its report): by name, as Python compares names, so the same on any database."""
    return sorted(outlets, key=lambda outlet: outlet.name)


def article_texts(via: str) -> list[str]:
    """The texts of the article reached through `via` ("article", "claim_a__article"), for
    defer(): claims loaded with their articles then leave the texts unread."""
    return [f"{via}__{name}" for name in ARTICLE_TEXTS]


class ArticleQuerySet(models.QuerySet):
    def with_claim_counts(self):
        return self.annotate(claim_count=Count("claims"))


class Article(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="articles")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=500, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=1000, help_text="File name or URL it came from.")
    body = models.TextField(help_text="The cleaned text that claims point into.")
    original = models.TextField(help_text="The input exactly as it came.")
    original_format = models.CharField(max_length=10, choices=Format.choices)
    display_html = models.TextField(
        blank=True, help_text="Sanitised HTML of the article, for HTML imports only."
    )
    removed_lines = models.JSONField(
        default=list,
        blank=True,
        help_text="Lines the cleaner removed from a plain-text import, each with its reason.",
    )
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    import_job = models.ForeignKey(
        "ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The import started in the browser that stored it (none from the command line).",
    )
    import_chunk = models.ForeignKey(
        "ImportChunk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The part of that import that stored it: found again if the part is tried again.",
    )
    copy_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        help_text="The earlier article of the story whose text this one largely repeats "
        "(found at import: articles/ingest/copies.py).",
    )
    copy_similarity = models.FloatField(
        null=True, blank=True, help_text="Share of this article's words found in its original."
    )
    origin = models.CharField(
        "stated origin",
        max_length=200,
        blank=True,
        help_text='The outlet the text says it first appeared in ("Source: CNN", "(Reuters)"); '
        "blank when it states none.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["story", "published", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "content_hash"], name="article_unique_text_per_story"
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="article_body_not_empty"),
        ]
        # The story's outlets without reading the articles' texts (story overview, exports).
        indexes = [models.Index(fields=["story", "outlet"], name="article_story_outlet")]

    def __str__(self):
        return self.title or self.source

    def get_absolute_url(self):
        return reverse("articles-detail", args=[self.story.slug, self.pk])

    @property
    def display_title(self) -> str:
        return self.title or f"Untitled ({self.source})"

    @property
    def source_is_url(self) -> bool:
        """Whether the article came from a web address (else a file name or a label)."""
        return self.source.startswith(("http://", "https://"))

    @property
    def origin_elsewhere(self) -> bool:
        """Whether the text names an origin other than the outlet it is filed under: the
        article list shows it then (the reader always shows a stated origin)."""
        return bool(self.origin) and self.origin.casefold() != self.outlet.name.casefold()


class Role(models.TextChoices):
    ANNOTATOR = "annotator", "Annotator (labels links)"
    EDITOR = "editor", "Editor (imports, edits matching, adjudicates)"


class Membership(models.Model):
    """Who may work on a story, and as what. Superusers may do everything everywhere."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.story}"


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor revoked (they may have expired)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self):
        """Those that can still be accepted: open and not expired."""
        return self.open().filter(expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A one-time link an editor makes to bring someone into a story with a role. Only the
    token's sha256 is kept: the link itself is shown once, to the editor who made it."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True, help_text="Where the link was mailed, if it was.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="invitation_role_valid"
            ),
        ]

    def __str__(self):
        return f"Invitation to {self.story} as {self.role}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ImportStatus = JobStatus


class BackgroundJobQuerySet(models.QuerySet):
    def stale(self):
        """Running jobs whose worker has not said it is alive within the lease: it was killed,
        lost its machine, or hangs. `PARALLAX_JOB_LEASE` seconds; the worker beats at a third.
        Beats and the cutoff are the database's time: servers whose clocks differ (a worker's
        behind, a reaper's ahead) still agree on which job is lost."""
        cutoff = Now() - timedelta(seconds=settings.PARALLAX_JOB_LEASE)
        return self.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)

    def unfinished(self):
        return self.exclude(status__in=[JobStatus.DONE, JobStatus.FAILED])


class BackgroundJob(models.Model):
    """Work a task worker does for a page: the page polls the row, the worker writes it, and
    while it runs beats `heartbeat_at` so that a job whose worker is gone can be told apart
    from a slow one (articles/jobs.py)."""

    WORKER_LOST = "The task worker stopped (killed or restarted) before the job ended"
    # A job whose worker was lost is tried again (articles/jobs.py): running it twice is safe.
    retry_safe = True

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True, help_text="Why the task failed, when it did.")
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last time the running worker said it was alive."
    )
    worker = models.CharField(max_length=200, blank=True, help_text="Host and process id.")

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="%(class)s_status_valid"
            ),
        ]

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def _set(self, **fields):
        # update(), not save(): the worker writes progress while pages read the row.
        type(self).objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)

    def queued_as(self, task_id):
        self._set(task_id=str(task_id))

    def start(self, worker: str = "") -> bool:
        """Running on this worker; False when the job has ended meanwhile (a worker taken for
        lost came back and ended it before this attempt began): it is not run again."""
        with transaction.atomic():
            if not self._still_unfinished():
                self.refresh_from_db()
                return False
            self._set(status=JobStatus.RUNNING, started_at=Now(), heartbeat_at=Now(), worker=worker)
        self.refresh_from_db(fields=["started_at", "heartbeat_at"])
        return True

    def beat(self) -> bool:
        """The worker is alive. A plain update of this row only: no story revision, no
        signals, so a beat never waits on the story's hot rows. Only the worker that started
        the job beats it: one taken for dead and queued again is not kept alive by a beat."""
        jobs = type(self).objects.filter(pk=self.pk, worker=self.worker)
        return bool(jobs.update(heartbeat_at=Now()))

    @transaction.atomic
    def requeue(self) -> bool:
        """Put back in the queue a job whose worker is gone, for another attempt (articles/
        jobs.py queues its task again). Conditional, as abandon is: False when the job has
        ended, started, or its worker beat again, meanwhile."""
        queued = self._still_lost().update(status=JobStatus.QUEUED, heartbeat_at=None, worker="")
        if queued:
            self.status, self.heartbeat_at, self.worker = JobStatus.QUEUED, None, ""
        return bool(queued)

    # Failing and what ended_early does (an import's report, its uploads dropped, its stored
    # articles handed to matching) commit together: a process that dies, or an error, between
    # the two would leave a failed job that no one ends again, its uploads and report missing
    # and its stored articles never matched; and a page would show the job failed without them.

    @transaction.atomic
    def fail(self, reason: str):
        """Failed; unless it has ended meanwhile (another attempt, started while its worker
        was taken for lost, ended it): that ending stands."""
        if not self._still_unfinished():
            return
        self._set(status=JobStatus.FAILED, error=reason)
        self.ended_early()

    def _still_unfinished(self) -> bool:
        """Whether it has not ended, its row locked until the transaction ends (on SQLite,
        whose transactions take the write lock up front, no other writer runs meanwhile)."""
        rows = type(self).objects.select_for_update().unfinished().filter(pk=self.pk)
        return bool(rows.values("pk"))

    @transaction.atomic
    def abandon(self, attempts: int = 1) -> bool:
        """End as failed a job whose worker is gone. Only one caller wins (the update is
        conditional): False when the job has ended, started, or its worker beat again,
        meanwhile. A running job is ended only if it is still stale by the database's clock
        (its beats are that clock's, to the millisecond on SQLite, so they are not compared
        with a value read back into Python). `attempts`: how many workers it was lost with."""
        reason = self.lost_reason()
        if attempts > 1:
            reason += f" It was tried {attempts} times, each time with a worker that was lost."
        ended = self._still_lost().update(status=JobStatus.FAILED, error=reason)
        if ended:
            self.status, self.error = JobStatus.FAILED, reason
            self.ended_early()
        return bool(ended)

    def _still_lost(self) -> models.QuerySet:
        """This job's row while it is as it was found lost: one that beat, still stale; one
        that never beat (queued, or an import whose chunks have ended and whose match was
        taken by a worker that died before starting it), still without a beat."""
        jobs = type(self).objects.filter(pk=self.pk, status=self.status)
        return jobs.stale() if self.heartbeat_at else jobs.filter(heartbeat_at=None)

    def lost_reason(self) -> str:
        return f"{self.WORKER_LOST}."

    def parts(self) -> list["BackgroundJob"]:
        """Jobs of its own that run apart from it (an import's chunks), checked with it."""
        return []

    def ended_early(self):
        """What a kind of job cleans up, or adds to its error, when it fails."""


class ImportJob(BackgroundJob):
    """One import started in the browser, as its user sees it. Its files are imported in
    chunks (ImportChunk, `PARALLAX_IMPORT_CHUNK` files each), each a task of its own, so
    that several workers import one large batch at once; when every chunk has ended, the
    import's own task matches the story once. It adds up its chunks' progress and reports
    (one row per file or JSON line: name, line, status, reason). While its chunks import it
    is running with no beat of its own (each chunk beats itself), so never stale: only the
    match that ends it can be lost."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="import_jobs")
    total = models.PositiveIntegerField(default=0, help_text="Files in this import.")
    done = models.PositiveIntegerField(default=0, help_text="Files read so far.")
    report = models.JSONField(default=list, blank=True)
    matched = models.TextField(
        blank=True, help_text="What matching did with what the import stored, in words."
    )

    class Meta(BackgroundJob.Meta):
        constraints = [
            *BackgroundJob.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="importjob_done_within_total"
            ),
        ]

    def __str__(self):
        return f"Import {self.pk} into {self.story}"

    def get_absolute_url(self):
        return reverse("articles-import-status", args=[self.story.slug, self.pk])

    def article_fields(self) -> dict:
        """What an article this import stores records of it."""
        return {"import_job": self}

    def parts(self):
        return self.chunks.unfinished()

    def chunk_started(self):
        """The first chunk to start makes the import running."""
        ImportJob.objects.filter(pk=self.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=Now()
        )

    def count_done(self):
        """Its progress, the sum of its chunks' (a chunk tried again counts from naught)."""
        read = ImportChunk.objects.filter(job=OuterRef("pk")).values("job")
        read = read.annotate(n=models.Sum("done")).values("n")
        ImportJob.objects.filter(pk=self.pk).update(done=Coalesce(Subquery(read), 0))

    def chunk_ended(self) -> bool:
        """Called in the transaction that ends a chunk, after its row is written: take the
        chunk's report in and, when it was the last, say the import is ready for its match
        (True: the caller queues it, in the same transaction, with `matching_as`). The update
        of this row comes first: it queues the chunks ending at once behind one another."""
        self.count_done()
        if self.chunks.unfinished().exists():
            self._set(report=self._chunk_rows())
            return False
        return bool(
            ImportJob.objects.filter(pk=self.pk, task_id="").update(report=self._chunk_rows())
        )

    def _chunk_rows(self) -> list[dict]:
        rows = []
        for report in self.chunks.order_by("number").values_list("report", flat=True):
            rows.extend(report)
        return rows

    def finish(self, matched: str = ""):
        """Matched (`matched` says what matching did): done, or failed when a chunk failed,
        saying which and why."""
        failed = list(self.chunks.filter(status=JobStatus.FAILED).order_by("number"))
        if not failed:
            self._set(status=JobStatus.DONE, done=self.total, matched=matched)
            return
        several = self.chunks.count() > 1
        errors = [
            f"{chunk.files_named()}: {chunk.error}" if several else chunk.error for chunk in failed
        ]
        self._set(status=JobStatus.FAILED, error=" ".join(errors), matched=matched)

    def lost_reason(self) -> str:
        return (
            f"{self.WORKER_LOST}, while matching the story. Every file was read (see below) "
            "and what was stored is kept; match the story again to take it in."
        )

    def ended_early(self):
        """Its chunks' reports stand; uploads of chunks that never ran go."""
        ImportFile.objects.filter(job=self).delete()
        self._set(report=self._chunk_rows())

    def rows(self, status: str) -> list[dict]:
        return [row for row in self.report if row["status"] == status]

    @property
    def imported(self):
        return self.rows("imported")

    @property
    def duplicates(self):
        return self.rows("duplicate")

    @property
    def failures(self):
        return [row for row in self.report if row["status"] not in ("imported", "duplicate")]

    @property
    def counts(self) -> str:
        """Its files by what became of them, and its JSONL files' lines apart."""
        return counts_in_words((row["name"], row["line"], row["status"]) for row in self.report)


class ImportChunk(BackgroundJob):
    """Some of an import's files (at most `PARALLAX_IMPORT_CHUNK`), imported by one task. A
    chunk is idempotent (what it stored comes back as its own on a second attempt), so one
    whose worker is lost is tried again (`PARALLAX_JOB_ATTEMPTS`); one that fails does not undo
    the others, and its report says which of its files were not imported and why."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(help_text="Its place in the import, from 1.")
    first = models.PositiveIntegerField(default=0, help_text="Files of the import before it.")
    total = models.PositiveIntegerField(default=0, help_text="Files in this chunk.")
    done = models.PositiveIntegerField(default=0, help_text="Files read so far.")
    report = models.JSONField(default=list, blank=True)

    class Meta(BackgroundJob.Meta):
        ordering = ["job", "number"]
        constraints = [
            *BackgroundJob.Meta.constraints,
            models.UniqueConstraint(fields=["job", "number"], name="importchunk_unique_number"),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")),
                name="importchunk_done_within_total",
            ),
        ]

    def __str__(self):
        return f"Chunk {self.number} of import {self.job_id}"

    def files_named(self) -> str:
        """Its files, as its user counts them: "Files 21-40 of 60"."""
        last = self.first + self.total
        which = f"File {last}" if self.total == 1 else f"Files {self.first + 1}-{last}"
        return f"{which} of {self.job.total}"

    def article_fields(self) -> dict:
        return {"import_job_id": self.job_id, "import_chunk": self}

    def start(self, worker: str = "") -> bool:
        """Each attempt reads every file of the chunk again (what it stored is found again)."""
        with transaction.atomic():
            if not super().start(worker):
                return False
            self._set(done=0)
            self.job.chunk_started()
            self.job.count_done()
        return True

    def advance(self):
        with transaction.atomic():
            self._set(done=min(self.done + 1, self.total))
            self.job.count_done()

    @transaction.atomic
    def finish(self, rows: list[dict]):
        """Done, with its report; unless another attempt ended it first (this one may have
        begun after that one dropped the files, and read none)."""
        if not self._still_unfinished():
            return
        self.files.all().delete()
        self._set(status=JobStatus.DONE, done=self.total, report=rows)
        self._ended()

    def _ended(self):
        """The import takes this chunk's report in; after its last chunk, its match is queued
        in the same transaction, so that no import is left with every chunk ended and no
        match to end it."""
        if self.job.chunk_ended():
            from articles.tasks import queue_match

            queue_match(self.job)

    def ended_early(self):
        """Say which files were read and which were not, list the articles stored meanwhile
        (kept, and matched with the rest of the import), drop the uploads, and queue the
        import's match when this was its last chunk."""
        names = list(self.files.values_list("name", flat=True))  # in the order they are read
        stored = list(self.articles.order_by("id"))
        rows = [stored_row(article) for article in stored]
        # A file's article is stored a moment before the job counts the file as read: a worker
        # killed in between leaves it stored and not counted. It was read, not failed.
        stored_names = {article.source for article in stored}
        unread = [name for name in names[self.done :] if name not in stored_names]
        read = self.done + len(names[self.done :]) - len(unread)
        for position, name in enumerate(unread):
            reason = "not read: the import stopped before this file"
            if position == 0 and self.started_at:
                reason = "the import stopped while reading this file"
            rows.append({"name": name, "line": None, "status": "failed", "reason": reason})
        kept = (
            f"it stored {len(stored)} article{'s' if len(stored) != 1 else ''}, kept "
            "(listed below) and taken into matching"
            if stored
            else "it stored no article"
        )
        error = (
            f"{self.error.rstrip('.')}. It had read {read} of {self.total} "
            f"file{'s' if self.total != 1 else ''}; {kept}. Import the rest again: what is "
            "already stored is reported as a duplicate."
        )
        self.files.all().delete()
        self._set(error=error, report=rows)
        self._ended()


def stored_row(article: Article) -> dict:
    """An import report's row for an article it stored, with the earlier article of the
    story it copies, if any (articles/ingest/copies.py)."""
    copy_of = article.copy_of if article.copy_of_id else None
    return {
        "name": article.source,
        "line": None,
        "status": "imported",
        "reason": "",
        "article_id": article.pk,
        "title": article.display_title,
        "copy_of_id": copy_of.pk if copy_of else None,
        "copy_of_title": copy_of.display_title if copy_of else "",
    }


class ImportFile(models.Model):
    """An uploaded file (or pasted text) waiting for the worker; deleted once its chunk has
    ended."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    chunk = models.ForeignKey(
        ImportChunk, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    name = models.CharField(max_length=255)
    data = models.BinaryField()
    outlet = models.CharField(max_length=200, blank=True, help_text="Stated by the user.")
    title = models.CharField(max_length=500, blank=True, help_text="Stated by the user.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "name"], name="importfile_unique_name"),
        ]

    def __str__(self):
        return self.name


class MatchLock(models.Model):
    """Who matches a story now: one match at a time, whichever worker runs it (a re-match,
    the match that ends an import, the matching of what an interrupted import stored). Held
    for `PARALLAX_JOB_LEASE` seconds at a time by the database's clock and renewed while the
    match runs, so that a lock whose worker was killed lapses by itself (articles/jobs.py)."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, primary_key=True)
    holder = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"Matching {self.story_id} ({self.holder})"
