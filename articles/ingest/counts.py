"""An import's counts in words, the same for the command and the browser's job page.

A report has a row an article (a JSONL file's lines each have one) and a row a file that
stored none. Counted together, a JSONL file with one good line and one bad was both imported
and failed: "2 imported, 0 duplicates, 6 failed" for 7 files. So files are counted once each,
by the best that became of them, and the lines of JSONL files apart.
"""

from collections import Counter
from collections.abc import Iterable

IMPORTED, DUPLICATE, FAILED, SKIPPED = "imported", "duplicate", "failed", "skipped"
# A file with rows of several statuses counts under the first of these it has.
BEST_FIRST = (IMPORTED, DUPLICATE, FAILED, SKIPPED)


def counts_in_words(rows: Iterable[tuple[str, int | None, str]]) -> str:
    """(file name, line or None, status) rows as "7 files: 1 imported (1 with a failed
    line), 0 duplicates, 6 failed. Lines of JSONL files: 1 imported, 0 duplicates, 1 failed."
    """
    by_file: dict[str, list[tuple[int | None, str]]] = {}
    for name, line, status in rows:
        by_file.setdefault(name, []).append((line, status))
    if not by_file:
        return "Nothing to import."
    files, partly = Counter(), Counter()
    for outcomes in by_file.values():
        statuses = {_kind(status) for _, status in outcomes}
        best = next(kind for kind in BEST_FIRST if kind in statuses)
        files[best] += 1
        partly[best] += best != FAILED and FAILED in statuses
    said = f"{counted(len(by_file), 'file')}: {_statuses(files, partly)}."
    lines = Counter(_kind(status) for outcomes in by_file.values() for n, status in outcomes if n)
    if lines:
        said += f" Lines of JSONL files: {_statuses(lines, Counter())}."
    return said


def _kind(status: str) -> str:
    return status if status in BEST_FIRST else FAILED


def _statuses(counts: Counter, partly: Counter) -> str:
    said = []
    for kind in BEST_FIRST:
        if kind == SKIPPED and not counts[kind]:
            continue  # only the command skips files (of other types, in a directory)
        n = counts[kind]
        words = counted(n, kind) if kind == DUPLICATE else f"{n} {kind}"
        if partly[kind]:
            words += f" ({partly[kind]} with a failed line)"
        said.append(words)
    return ", ".join(said)


def counted(n: int, noun: str) -> str:
    """'1 event', '2 events': what an import's and a match's summaries say."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
