"""Import time against file size for the shapes that used to be quadratic, beside a normal
article: each should grow like the file (x2 a size step), not like its square (x4).

Run from the repository root: `.venv/bin/python bench/import_shapes.py [SIZE_KB ...]` (default
16 32 64 128). Each file goes through `import_uploads`, the function the command and the
browser's import task call, into a throwaway SQLite database; the time is the best of
`--repeat` runs (default 2). Prints numbers only; timing is never asserted. Before the fix
`By Jane` + 16,000 spaces + `Doe` took 29 s and one 64 KB sentence of `he said` 5 s in
`speaker()` alone.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path("/tmp/parallax-bench-import-shapes.sqlite3")
SEED = ROOT / "seeds" / "002_91a21abd64638276.txt"


def normal(size: int) -> str:
    """The CNN seed article, its paragraphs repeated (each numbered, so none is a repeat)."""
    paragraphs = [p for p in SEED.read_text().split("\n\n") if p.strip()]
    out, n = [], 0
    while sum(map(len, out)) < size:
        out.append(f"{paragraphs[n % len(paragraphs)]} ({n})")
        n += 1
    return "\n\n".join(out)[:size]


def with_article(line: str) -> str:
    return line + "\n\n" + normal(4000)


# name, file suffix, text of about `size` characters
SHAPES = [
    ("normal article", "txt", normal),
    ("byline: By Jane + spaces + Doe", "txt", lambda n: with_article(f"By Jane{' ' * n}Doe")),
    ("outlet line: - Name + spaces", "txt", lambda n: with_article(f"- Name{' ' * n}x")),
    ("one sentence of 'he said'", "txt", lambda n: "he said " * (n // 8)),
    ("one sentence of words", "txt", lambda n: "word " * (n // 5)),
    ("one word, no spaces", "txt", lambda n: with_article("a" * n)),
    ("short lines", "txt", lambda n: "A line.\n" * (n // 8)),
    ("JSONL line of 'he said'", "jsonl", lambda n: json.dumps({"text": "he said " * (n // 8)})),
    (
        "HTML nested <div>s",
        "html",
        lambda n: "<html><body>" + "<div>" * (n // 11) + "<p>Text.</p>" + "</div>" * (n // 11),
    ),
]


def setup_django(db: Path = DB):
    """Django on a new, migrated SQLite database at `db` (bench/copies.py's too)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["PARALLAX_VAR_DIR"] = "/tmp/parallax-bench-var"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def import_time(name: str, data: bytes, repeat: int) -> tuple[float, str]:
    from articles.ingest.importer import Upload, import_uploads
    from articles.models import Story

    best, status = float("inf"), ""
    for _ in range(repeat):
        Story.objects.all().delete()
        story = Story.objects.create(slug="bench", title="Bench")
        started = time.perf_counter()
        report = import_uploads([Upload(name, data)], story)
        best = min(best, time.perf_counter() - started)
        status = report.summary()
    return best, status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[16, 32, 64, 128], help="KB")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    setup_django()
    import_time("warm-up.txt", normal(2000).encode(), 1)

    sizes = [kb * 1000 for kb in args.sizes]
    header = "".join(f"{kb:>8} KB" for kb in args.sizes)
    print(f"{'shape':34}{header}   growth/step  vs normal")
    baseline = {}
    for label, suffix, make in SHAPES:
        times, statuses = [], set()
        for size in sizes:
            seconds, status = import_time(f"shape.{suffix}", make(size).encode(), args.repeat)
            times.append(seconds)
            statuses.add(status)
        if not baseline:
            baseline = dict(zip(sizes, times, strict=True))
        steps = [b / a for a, b in zip(times, times[1:], strict=False) if a > 0]
        growth = (sum(steps) / len(steps)) if steps else 0
        ratio = times[-1] / baseline[sizes[-1]]
        cells = "".join(f"{t:>9.3f}s" for t in times)
        print(f"{label:34}{cells}   x{growth:<10.2f}  x{ratio:.2f}   ({'; '.join(statuses)})")
    print("\nWith sizes doubling, linear grows about x2 a step and quadratic x4; 'vs normal' is")
    print("the largest size's time over the normal article's.")


if __name__ == "__main__":
    main()
