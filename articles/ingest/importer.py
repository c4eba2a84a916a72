"""Import a batch of files into a story: each article atomically, each failure reported with
its file, line and reason, and the rest of the batch carried on."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from articles.ingest.clean import line_key
from articles.ingest.draft import Draft
from articles.ingest.errors import ImportFailure
from articles.ingest.html import parse_html
from articles.ingest.jsonl import parse_jsonl
from articles.ingest.metadata import detect_metadata
from articles.ingest.pipeline import Duplicate, draft_from_text, store
from articles.ingest.read import decode, format_for
from articles.models import UNKNOWN_OUTLET, Article, Story
from articles.signals import articles_imported

IMPORTED, DUPLICATE, FAILED, SKIPPED = "imported", "duplicate", "failed", "skipped"
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

    @property
    def where(self) -> str:
        return f"{self.name}:{self.line}" if self.line else self.name


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> bool:
        return self.count(FAILED) > 0

    @property
    def articles(self) -> list[Article]:
        return [o.article for o in self.outcomes if o.article is not None]

    def summary(self) -> str:
        return (
            ", ".join(
                f"{self.count(s)} {s}"
                for s in (IMPORTED, DUPLICATE, FAILED, SKIPPED)
                if self.count(s)
            )
            or "nothing to import"
        )


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
                    skipped.append(Outcome(str(child), SKIPPED, "not a .txt, .html or .jsonl file"))
        elif path.is_file():
            files.append(path)
        else:
            skipped.append(Outcome(str(path), FAILED, "no such file or directory"))
    return files, skipped


def read_uploads(files: Iterable[Path], outlet: str = "") -> list[Upload]:
    return [Upload(str(path), path.read_bytes(), outlet=outlet) for path in files]


def import_uploads(
    uploads: list[Upload], story: Story, progress: Callable[[str], None] = lambda name: None
) -> Report:
    report = Report()
    texts = _decode_all(uploads, report)
    repeated = _repeated_lines(uploads, texts)
    for upload in uploads:
        if upload.name in texts:
            report.outcomes.extend(_import_one(upload, texts[upload.name], story, repeated))
        progress(upload.name)
    if report.articles:
        articles_imported.send(sender=Report, story=story, articles=report.articles)
    return report


def _decode_all(uploads: list[Upload], report: Report) -> dict[str, str]:
    texts = {}
    max_bytes = settings.PARALLAX_IMPORT_MAX_BYTES
    for upload in uploads:
        try:
            if not format_for(upload.name):
                raise ImportFailure("unsupported file type (use .txt, .html, .htm or .jsonl)")
            texts[upload.name] = decode(upload.data, max_bytes)
        except ImportFailure as exc:
            report.outcomes.append(Outcome(upload.name, FAILED, exc.reason))
    return texts


def _import_one(upload: Upload, text: str, story: Story, repeated) -> list[Outcome]:
    fmt = format_for(upload.name)
    if fmt == "jsonl":
        return [
            _store(upload, line.draft, story, line.number)
            if line.draft
            else Outcome(upload.name, FAILED, line.error.reason, line.number)
            for line in parse_jsonl(text, Path(upload.name).name)
        ] or [Outcome(upload.name, FAILED, "no JSON lines in the file")]
    try:
        if fmt == "html":
            draft = parse_html(text, Path(upload.name).name)
        else:
            outlet = upload.outlet or detect_metadata(text).outlet
            draft = draft_from_text(text, Path(upload.name).name, repeated.get(outlet, frozenset()))
    except ImportFailure as exc:
        return [Outcome(upload.name, FAILED, exc.reason, exc.line)]
    return [_store(upload, draft, story)]


def _store(upload: Upload, draft: Draft, story: Story, line: int | None = None) -> Outcome:
    draft.outlet = upload.outlet or draft.outlet or UNKNOWN_OUTLET
    draft.byline = upload.byline or draft.byline
    try:
        article = store(draft, story)
    except Duplicate as dup:
        return Outcome(upload.name, DUPLICATE, str(dup), line, None)
    except ImportFailure as exc:
        return Outcome(upload.name, FAILED, exc.reason, line)
    return Outcome(upload.name, IMPORTED, "", line, article)


def _repeated_lines(uploads: list[Upload], texts: dict[str, str]) -> dict[str, frozenset[str]]:
    """Per named outlet, the line keys found in several of its plain-text articles, counting
    this batch and what is already stored. Unknown outlets share no template, so get none."""
    batch: dict[str, list[str]] = defaultdict(list)
    for upload in uploads:
        text = texts.get(upload.name)
        if text is not None and format_for(upload.name) == "txt":
            outlet = upload.outlet or detect_metadata(text).outlet
            if outlet and outlet != UNKNOWN_OUTLET:
                batch[outlet].append(text)
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
