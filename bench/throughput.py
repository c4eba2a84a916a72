"""Articles imported per second and stories matched per minute through the task workers
(`db_worker`, 1, 2 and 4 of them), against one process doing the same work in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parallax_bench python bench/throughput.py
    python bench/throughput.py --quick          # 6 stories of 8 articles, 1 and 2 workers

The database named by DATABASE_URL is emptied first (a fresh SQLite file without it; SQLite
takes one writer at a time, so measure on PostgreSQL). The corpus (bench/_corpus.py
`scaled_corpus`): 200 stories of 25 articles, built from ECB+ and GVC documents, one JSONL file
an article.

- **one process**: for each story in turn, `import_articles DIR --story SLUG` then
  `match_claims --story SLUG` (the command line, in this process); then `match_claims` of
  every story again.
- **N workers**: N `manage.py db_worker` processes; every story's import is started as the
  import page starts it (`articles.tasks.start_import`, which matches a new story when its
  files are in), all at once; then every story's "Match again" (`claims.tasks.start_matching`),
  which also finds the story's discrepancies (the command does not).

Import: all the articles over the seconds from the first upload to the last job's end (the
first match of each story included, both sides). Re-match: stories over the minutes from the
first "Match again" to the last. The ratios are over the one process of the same round. The
machine is shared: the load average is printed at the start and the end; `--rounds 2` repeats
everything.
"""

import argparse
import io
import os
import tempfile
import time
from pathlib import Path

from _corpus import scaled_corpus
from _workers import Workers, all_done, database_name, empty, load_average, setup, wait_for


def write_corpus(corpus: dict[str, list[tuple[str, bytes]]]) -> Path:
    """The corpus as the command line reads it: a directory a story."""
    root = Path(tempfile.mkdtemp(prefix="parallax-throughput-"))
    for slug, files in corpus.items():
        (root / slug).mkdir()
        for name, data in files:
            (root / slug / name).write_bytes(data)
    return root


def one_process(corpus, root: Path) -> tuple[float, float]:
    from django.core.management import call_command

    empty("db")
    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    started = time.perf_counter()
    for slug in corpus:
        call_command("import_articles", str(root / slug), story=slug, **quiet)
        call_command("match_claims", story=slug, **quiet)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    for slug in corpus:
        call_command("match_claims", story=slug, **quiet)
    return imported, time.perf_counter() - started


def with_workers(corpus, env: dict, count: int) -> tuple[float, float]:
    from articles.models import ImportFile, Story
    from articles.tasks import start_import
    from claims.tasks import start_matching

    empty("db")
    with Workers("db", env).start(count):
        started = time.perf_counter()
        for slug, files in corpus.items():
            story = Story.objects.create(slug=slug, title=slug)
            start_import(story, None, [ImportFile(name=n, data=d) for n, d in files])
        wait_for("the imports", lambda: all_done("db"), every=0.2)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        for story in Story.objects.all():
            start_matching(story, None)
        wait_for("the re-matches", lambda: all_done("db"), every=0.2)
        return imported, time.perf_counter() - started


def check(corpus, how: str) -> None:
    """Every article in, every job done: a figure over lost work would mean nothing."""
    from articles.jobs import job_models
    from articles.models import Article, JobStatus

    expected = sum(len(files) for files in corpus.values())
    failed = sum(m.objects.filter(status=JobStatus.FAILED).count() for m in job_models())
    if Article.objects.count() != expected or failed:
        stored = Article.objects.count()
        raise SystemExit(f"{how}: {stored} of {expected} articles stored, {failed} job(s) failed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--per-story", type=int, default=25, help="articles a story")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=1, help="repeat every measurement")
    parser.add_argument("--quick", action="store_true", help="6 stories of 8, 1 and 2 workers")
    args = parser.parse_args()
    if args.quick:
        args.stories, args.per_story, args.workers = 6, 8, [1, 2]

    print(f"load average at start: {load_average()}")
    env = setup("db")
    corpus = scaled_corpus(args.stories, args.per_story)
    root = write_corpus(corpus)
    articles = sum(len(files) for files in corpus.values())
    size = sum(len(d) for files in corpus.values() for _, d in files)
    print(
        f"{database_name()}; {articles} articles ({size / 1e6:.1f} MB) over {len(corpus)} stories"
    )
    for n in range(args.rounds):
        print(f"\nround {n + 1}")
        print(f"{'':16}{'import s':>9}{'articles/s':>12}{'ratio':>7}", end="")
        print(f"{'re-match s':>12}{'stories/min':>13}{'ratio':>7}")
        base = None
        for count in [0, *args.workers]:
            if count:
                how = f"{count} db_worker" + ("s" if count > 1 else "")
                imported, matched = with_workers(corpus, env, count)
            else:
                how = "one process"
                imported, matched = one_process(corpus, root)
            check(corpus, how)
            rates = (articles / imported, len(corpus) * 60 / matched)
            base = base or rates
            print(f"{how:16}{imported:>9.1f}{rates[0]:>12.1f}{rates[0] / base[0]:>7.2f}", end="")
            print(f"{matched:>12.1f}{rates[1]:>13.1f}{rates[1] / base[1]:>7.2f}", flush=True)
    print(f"\nload average at end: {load_average()} ({len(os.sched_getaffinity(0))} cores)")


if __name__ == "__main__":
    main()
