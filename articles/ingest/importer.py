"""Import a batch of files into a story: each article atomically, each failure reported with
its file, line and reason, and the rest of the batch carried on.

Whatever one file holds, it ends as outcomes in the report (imported, duplicate, skipped or
failed with a reason), never as an exception that loses the outcomes of the others: an error
nobody foresaw is logged with its traceback and reported as that file's (or line's) failure.
"""

import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from articles.ingest.clean import line_key
from articles.ingest.counts import DUPLICATE, FAILED, IMPORTED, SKIPPED, counts_in_words
from articles.ingest.deadline import Deadline
from articles.ingest.draft import Draft
from articles.ingest.errors import ImportFailure, unforeseen
from articles.ingest.html import parse_html
from articles.ingest.jsonl import parse_jsonl
from articles.ingest.metadata import Metadata, detect_metadata
from articles.ingest.read import (
    decode,
    format_for,
    removal_note,
    storable,
    too_large,
    visible,
)
from articles.ingest.store import Duplicate, store, story_copy_index, take_in
from articles.ingest.text import draft_from_text
from articles.models import UNKNOWN_OUTLET, Article, ImportChunk, ImportJob, Story

# Lines in this many articles of one outlet are its template, not its reporting.
REPEAT_THRESHOLD = 2
REPEAT_HISTORY = 200


@dataclass
class Upload:
    """One input: a file's name and bytes, and what the user states about it."""

    name: str
    data: bytes
    outlet: str = ""
    byline: str = ""


@dataclass
class Outcome:
    name: str
    status: str
    reason: str = ""
    line: int | None = None
    article: Article | None = None
    existing: Article | None = None  # a duplicate's article, stored before

    def __post_init__(self):
        # Reasons quote the input; the report must print and store whatever that held.
        self.name, self.reason = visible(self.name), visible(self.reason)

    @property
    def where(self) -> str:
        return f"{self.name}:{self.line}" if self.line else self.name


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    matched: str = ""  # what matching did with what was stored, in words ("" if nothing)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> bool:
        return self.count(FAILED) > 0

    @property
    def articles(self) -> list[Article]:
        return [o.article for o in self.outcomes if o.article is not None]

    def summary(self) -> str:
        return counts_in_words((o.name, o.line, o.status) for o in self.outcomes)


def collect_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Outcome]]:
    """Files named, and files of known formats under directories named (recursively)."""
    files, skipped = [], []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if format_for(child.name):
                    files.append(child)
                else:
                    skipped.append(
                        Outcome(_path_name(child), SKIPPED, "not a .txt, .html or .jsonl file")
                    )
        elif path.is_file():
            files.append(path)
        else:
            skipped.append(Outcome(_path_name(path), FAILED, "no such file or directory"))
    return files, skipped


def read_uploads(files: Iterable[Path], outlet: str = "") -> tuple[list[Upload], list[Outcome]]:
    """The files' bytes as uploads, and a failure for each file that cannot be read."""
    uploads, unread = [], []
    max_bytes = settings.PARALLAX_IMPORT_MAX_BYTES
    for path in files:
        name = _path_name(path)
        try:
            size = path.stat().st_size
            if size > max_bytes:  # refused before it is read into memory
                unread.append(Outcome(name, FAILED, too_large(size, max_bytes)))
                continue
            uploads.append(Upload(name, path.read_bytes(), outlet))
        except OSError as exc:
            unread.append(Outcome(name, FAILED, f"cannot be read ({exc.strerror or exc})"))
    return uploads, unread


def _path_name(path: Path) -> str:
    """The path as text; bytes of a name that are not UTF-8 show as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def import_uploads(
    uploads: list[Upload],
    story: Story,
    progress: Callable[[str], None] = lambda name: None,
    report: Report | None = None,
    job: ImportJob | ImportChunk | None = None,
    find_copies: bool = True,
    match: bool = True,
) -> Report:
    """Import every upload, each within its time budget, and report each one.

    Outcomes are added to `report` (a new one if None) as they happen, so a caller that
    passes its own still knows what was stored if something outside the files fails.
    `job`: the import (or chunk of one) started in the browser that runs this (None from the
    command line); each article it stores records it, so that a job that ends early reports
    its own. `match`: hand what it stored to matching at the end (take_in); False when a
    later job matches the whole import (articles/tasks.py).
    `find_copies`: link each article to the earlier one of the story it copies
    (articles/ingest/copies.py); off only to measure what the check costs (bench/copies.py).
    """
    report = Report() if report is None else report
    texts, notes = _decode_all(uploads, report)
    metas = _metadata(uploads, texts)
    repeated = _repeated_lines(uploads, texts, metas)
    seconds = settings.PARALLAX_IMPORT_FILE_SECONDS
    copies = story_copy_index(story) if find_copies else None
    for upload in uploads:
        if upload.name in texts:
            deadline = Deadline(seconds)
            read = Read(texts[upload.name], metas.get(upload.name))
            one = _import_one(upload, read, story, repeated, deadline, job, copies)
            for outcome in one:
                if notes.get(upload.name):
                    outcome.reason = outcome.reason or notes[upload.name]
                report.outcomes.append(outcome)
        progress(upload.name)
    if match and report.articles:
        report.matched = str(take_in(story, report.articles) or "")
    return report


def _decode_all(uploads: list[Upload], report: Report) -> tuple[dict[str, str], dict[str, str]]:
    """Each upload's text, made storable, and what had to be removed from it to store it."""
    texts, notes = {}, {}
    max_bytes = settings.PARALLAX_IMPORT_MAX_BYTES
    for upload in uploads:
        try:
            fmt = format_for(upload.name)
            if not fmt:
                raise ImportFailure("unsupported file type (use .txt, .html, .htm or .jsonl)")
            text = decode(upload.data, max_bytes)
            if fmt != "jsonl":  # JSON lines are made storable field by field
                text, *removed = storable(text)
                notes[upload.name] = removal_note(*removed)
            texts[upload.name] = text
        except ImportFailure as exc:
            report.outcomes.append(Outcome(upload.name, FAILED, exc.reason))
    return texts, notes


@dataclass(frozen=True)
class Read:
    """A file's text, made storable, and for plain text what it states (read once a batch)."""

    text: str
    meta: Metadata | None = None


def _import_one(
    upload: Upload,
    read: Read,
    story: Story,
    repeated,
    deadline,
    job: ImportJob | ImportChunk | None,
    copies,
) -> Iterator[Outcome]:
    """The outcomes of one file, as they happen: a JSONL file's lines are stored one by one."""
    fmt = format_for(upload.name)
    if fmt == "jsonl":
        yield from _import_lines(upload, read.text, story, deadline, job, copies)
        return
    try:
        if fmt == "html":
            draft = parse_html(read.text, Path(upload.name).name)
        else:
            meta = read.meta or detect_metadata(read.text)  # None: it failed; report why
            outlet = upload.outlet or meta.outlet
            deadline.check()
            template = repeated.get(outlet, frozenset())
            name = Path(upload.name).name
            draft = draft_from_text(read.text, name, template, deadline, meta)
        deadline.check()
    except ImportFailure as exc:
        yield Outcome(upload.name, FAILED, exc.reason, exc.line)
        return
    except Exception as exc:
        yield Outcome(upload.name, FAILED, unforeseen(exc, upload.name))
        return
    yield _store(upload, draft, story, deadline, job=job, copies=copies)


def _import_lines(
    upload: Upload, text: str, story: Story, deadline, job: ImportJob | ImportChunk | None, copies
) -> Iterator[Outcome]:
    lines = 0
    for line in parse_jsonl(text, Path(upload.name).name):
        lines += 1
        if deadline.expired():
            reason = f"this line and the rest of the file not imported: {deadline.reason}"
            yield Outcome(upload.name, FAILED, reason, line.number)
            return
        if line.draft:
            yield _store(upload, line.draft, story, deadline, line.number, job, copies)
        else:
            yield Outcome(upload.name, FAILED, line.error.reason, line.number)
    if not lines:
        yield Outcome(upload.name, FAILED, "no JSON lines in the file")


def _store(
    upload: Upload,
    draft: Draft,
    story: Story,
    deadline,
    line: int | None = None,
    job: ImportJob | ImportChunk | None = None,
    copies=None,
) -> Outcome:
    draft.outlet = upload.outlet or draft.outlet or UNKNOWN_OUTLET
    draft.byline = upload.byline or draft.byline
    try:
        article = store(draft, story, deadline, job, copies)
    except Duplicate as dup:
        return Outcome(upload.name, DUPLICATE, str(dup), line, existing=dup.existing)
    except ImportFailure as exc:
        return Outcome(upload.name, FAILED, exc.reason, line)
    except Exception as exc:
        where = f"{upload.name}:{line}" if line else upload.name
        return Outcome(upload.name, FAILED, unforeseen(exc, where), line)
    return Outcome(upload.name, IMPORTED, draft.note, line, article)


def _metadata(uploads: list[Upload], texts: dict[str, str]) -> dict[str, Metadata]:
    """What each plain-text file states (outlet, title, date, byline), read once for the
    batch. A file whose reading fails is left out; its import reports why."""
    metas = {}
    for upload in uploads:
        text = texts.get(upload.name)
        if text is not None and format_for(upload.name) == "txt":
            try:
                metas[upload.name] = detect_metadata(text)
            except Exception:
                continue
    return metas


def _repeated_lines(
    uploads: list[Upload], texts: dict[str, str], metas: dict[str, Metadata]
) -> dict[str, frozenset[str]]:
    """Per named outlet, the line keys found in several of its plain-text articles, counting
    this batch and what is already stored. Unknown outlets share no template, so get none."""
    batch: dict[str, list[str]] = defaultdict(list)
    for upload in uploads:
        if upload.name in metas:
            outlet = upload.outlet or metas[upload.name].outlet
            if outlet and outlet != UNKNOWN_OUTLET:
                batch[outlet].append(texts[upload.name])
    repeated = {}
    for outlet, outlet_texts in batch.items():
        stored = (
            Article.objects.filter(outlet__name__iexact=outlet, original_format="txt")
            .order_by("-imported_at")
            .values_list("original", flat=True)[:REPEAT_HISTORY]
        )
        counts = Counter()
        for text in {*outlet_texts, *stored}:  # the same page twice is not a template
            counts.update({line_key(line) for line in text.splitlines() if line.strip()})
        repeated[outlet] = frozenset(k for k, n in counts.items() if n >= REPEAT_THRESHOLD and k)
    return repeated
