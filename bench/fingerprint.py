"""A fingerprint of the matcher's output through the product, to show that a change of layout
or speed left it byte-for-byte the same.

In a throwaway SQLite database it loads the seed story as `make run` does, imports the five
seed files as a user would (no aliases), and imports each ECB+ dev topic as JSONL, each by the
management commands, then matches each story with `match_claims`. Per story it prints a sha256
of every event (key, name, date, claims, the claims it also tells of) and every link (its two
claims' texts, event key, status, score, components, shared terms and aliases, explanation),
and one sha256 over all. Ids and times are left out: they differ between runs.

    python bench/fingerprint.py            # all stories
    python bench/fingerprint.py --seeds    # the two seed stories only (seconds)
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# one database a run: two runs at once (from two worktrees) must not share it
DB = Path(tempfile.gettempdir()) / f"parallax-fingerprint-{os.getpid()}.sqlite3"


def setup_django():
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ["PARALLAX_VAR_DIR"] = str(Path(tempfile.gettempdir()) / "parallax-fingerprint-var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(*args):
    from django.core.management import call_command

    call_command(*args, stdout=StringIO(), stderr=StringIO())


def stories(seeds_only: bool) -> list[str]:
    """Load, import and match every story; their slugs."""
    run("load_seeds")
    slugs = ["syria-ceasefire-2016"]
    files = [str(p) for p in sorted((ROOT / "seeds").glob("0*.txt"))]
    run("import_articles", *files, "--story", "seeds-as-imported")
    slugs.append("seeds-as-imported")
    if not seeds_only:
        slugs += ecb_dev()
    for slug in slugs:
        run("match_claims", "--story", slug)
    return slugs


def ecb_dev() -> list[str]:
    from _corpus import ECB, topics_as_jsonl

    folder = Path(tempfile.mkdtemp(prefix="parallax-fingerprint-"))
    slugs = []
    for topic, (_, jsonl) in topics_as_jsonl(ECB / "dev_documents.jsonl").items():
        path = folder / f"topic-{topic}.jsonl"
        path.write_text(jsonl)
        run("import_articles", str(path), "--story", f"ecb-dev-{topic}")
        slugs.append(f"ecb-dev-{topic}")
    shutil.rmtree(folder)
    return slugs


def fingerprint(slug: str) -> tuple[str, int, int]:
    from claims.models import Claim, Event, Link

    def where(claim_id):
        return claim_keys[claim_id]

    claim_keys = {
        cid: f"{source}#{position}"
        for cid, source, position in Claim.objects.filter(article__story__slug=slug).values_list(
            "id", "article__source", "position"
        )
    }
    events = []
    for event in Event.objects.filter(story__slug=slug).prefetch_related("claims", "also_claims"):
        events.append(
            [
                event.key,
                event.auto_label,
                str(event.occurred_on),
                sorted(where(c.pk) for c in event.claims.all()),
                sorted(where(c.pk) for c in event.also_claims.all()),
            ]
        )
    links = []
    for link in Link.objects.filter(story__slug=slug).select_related("event"):
        links.append(
            [
                where(link.claim_a_id),
                where(link.claim_b_id),
                link.event.key if link.event else None,
                link.status,
                repr(link.score),
                link.components,
                link.shared_terms,
                link.shared_aliases,
                link.explanation,
            ]
        )
    text = json.dumps([sorted(events), sorted(links, key=json.dumps)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest(), len(events), len(links)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", action="store_true", help="the two seed stories only")
    args = parser.parse_args()
    try:
        setup_django()
        whole = hashlib.sha256()
        for slug in stories(args.seeds):
            digest, n_events, n_links = fingerprint(slug)
            whole.update(digest.encode())
            print(f"{slug:24} {n_events:4} events {n_links:5} links  {digest[:16]}")
        print(f"{'all':24} {whole.hexdigest()}")
    finally:  # a failed run's database too (one a run: they would pile up)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
