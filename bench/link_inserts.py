"""What storing a run's new links costs, per schema or setting of the links table: 200k
synthetic links (as many as the 100k-claim story makes), 2000 a transaction (as
matching.WRITE_BATCH_MOST), into two tables side by side in one process, batches alternating
between them so that a busy machine slows both alike. Prints per variant the CPU seconds
(SQLite: this process; PostgreSQL: the server process) and the wall seconds.

SQLite: two copies of the migrated links table (the schema of a fresh `migrate`, foreign
keys not enforced: the same for both), one changed. PostgreSQL: two copies of claims_link
(LIKE ... INCLUDING ALL: its indexes and constraints, not its foreign keys) in the database
of DATABASE_URL, dropped at the end.

    python bench/link_inserts.py --drop claims_link_claim_a_id_9a362755
    python bench/link_inserts.py --cache-kib 65536          # SQLite's page cache, 2 MB -> 64
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parallax_x \\
        python bench/link_inserts.py --drop claim_a_id,decided_by_id   # PostgreSQL: by column

    python bench/link_inserts.py --json   # writing the JSON columns' text, per link

--drop names indexes (SQLite) or the columns of single-column indexes (PostgreSQL) the second
table lacks; --old-schema builds the SQLite tables as migration claims 0018 left them.
"""

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = [
    "story_id",
    "claim_a_id",
    "claim_b_id",
    "score",
    "components",
    "shared_terms",
    "shared_aliases",
    "explanation",
    "event_id",
    "status",
    "created_at",
    "updated_at",
]
BATCH = 2000
WORDS = [
    "ministry",
    "minister",
    "rebels",
    "attack",
    "city",
    "police",
    "army",
    "killed",
    "wounded",
    "border",
    "capital",
]


def links(count: int = 200_000, claims: int = 100_000) -> list[tuple]:
    """Pairs of claims within groups of 180 (an occurrence's six articles of 30 claims), in
    the order the matcher gives them (by claim a, then b), each of one of the group's five
    events, with JSON and text of the sizes the matcher writes."""
    rng = random.Random(1)
    pairs = set()
    while len(pairs) < count:
        group = rng.randrange(claims // 180) * 180
        pairs.add(tuple(sorted(rng.sample(range(group + 1, group + 181), 2))))
    now = "2026-12-07 19:00:00"
    rows = []
    for a, b in sorted(pairs):
        score = rng.random()
        parts = ("lexical", "entities", "numbers", "dates", "places", "actors", "embedding")
        components = {k: round(rng.random(), 4) for k in parts}
        reason = "Both say " + " ".join(rng.sample(WORDS, 6)) + f"; score {score:.2f}."
        terms = json.dumps(rng.sample(WORDS, 4))
        event = a // 180 * 5 + rng.randrange(5) + 1
        rows.append(
            (1, a, b, score, json.dumps(components), terms, "[]", reason, event, "suggested")
            + (now, now)
        )
    return rows


def alternate(rows: list, insert: dict, clock) -> dict:
    """insert[variant](batch) for each batch, variants in turn (first one first on even
    batches): variant -> (clock seconds, wall seconds, longest wall of a batch)."""
    spent = {name: [0.0, 0.0, 0.0] for name in insert}
    names = list(insert)
    for n, first in enumerate(range(0, len(rows), BATCH)):
        for name in names if n % 2 == 0 else names[::-1]:
            began, wall = clock(), time.perf_counter()
            insert[name](rows[first : first + BATCH])
            took = time.perf_counter() - wall
            spent[name][0] += clock() - began
            spent[name][1] += took
            spent[name][2] = max(spent[name][2], took)
    return spent


def sqlite_schema(old: bool) -> Path:
    """A migrated SQLite database, its path (the project's migrations, up to claims 0018 for
    the old schema)."""
    path = Path(tempfile.mkdtemp(prefix="parallax_link_inserts_")) / "schema.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    target = ["claims", "0018"] if old else []
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0", *target], cwd=ROOT, env=env, check=True
    )
    return path


def run_sqlite(args, rows) -> dict:
    """The two tables' databases (180 MB with their links) are removed at the end."""
    schema = sqlite_schema(args.old_schema)
    try:
        return sqlite_variants(args, rows, schema)
    finally:
        shutil.rmtree(schema.parent, ignore_errors=True)


def sqlite_variants(args, rows, schema: Path) -> dict:
    marks = ", ".join("?" * len(COLUMNS))
    sql = f'INSERT OR IGNORE INTO "claims_link" ({", ".join(COLUMNS)}) VALUES ({marks})'
    insert = {}
    for name in ("as is", "changed"):
        path = schema.with_name(f"{name.replace(' ', '_')}.sqlite3")
        path.write_bytes(schema.read_bytes())
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if name == "changed":
            for index in args.drop:
                db.execute(f'DROP INDEX "{index}"')
            if args.cache_kib:
                db.execute(f"PRAGMA cache_size = -{args.cache_kib}")

        def write(batch, db=db):
            db.execute("BEGIN IMMEDIATE")
            db.executemany(sql, batch)
            db.execute("COMMIT")

        insert[name] = write
    return alternate(rows, insert, time.process_time)


def run_postgres(args, rows) -> dict:
    import psycopg

    db = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    pid = db.execute("SELECT pg_backend_pid()").fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def server_cpu():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    tables = {"as is": "bench_links_as_is", "changed": "bench_links_changed"}
    for table in tables.values():
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TABLE {table} (LIKE claims_link INCLUDING ALL)")
    for column in args.drop:
        found = db.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [tables["changed"], f"%({column})%"],
        ).fetchall()
        for (index,) in found:
            db.execute(f'DROP INDEX "{index}"')
    values = ", ".join(COLUMNS[:-2])
    db.execute(
        f"CREATE TEMPORARY TABLE staged AS SELECT 0 AS n, {values} FROM claims_link WITH NO DATA"
    )
    with db.cursor() as cursor, cursor.copy("COPY staged FROM STDIN") as copy:
        for n, row in enumerate(rows):
            copy.write_row((n, *row[:-2]))
    db.execute("CREATE INDEX ON staged (n)")
    db.execute("ANALYZE staged")
    counter = iter(range(10**9))
    insert = {}
    for name, table in tables.items():

        def write(batch, table=table):
            first = next(counter) // 2 * BATCH
            with db.transaction():
                db.execute(
                    f"INSERT INTO {table} ({', '.join(COLUMNS)}) SELECT {values}, now(), now() "
                    "FROM staged WHERE n >= %s AND n < %s ORDER BY n ON CONFLICT DO NOTHING",
                    [first, first + len(batch)],
                )

        insert[name] = write
    try:
        return alternate(rows, insert, server_cpu)
    finally:
        for table in tables.values():
            db.execute(f"DROP TABLE IF EXISTS {table}")


def json_cost(rows) -> None:
    """CPU per link of writing its three JSON columns: json.dumps, and matching.json_text."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from claims.actions.matching import json_text

    values = [tuple(json.loads(text) for text in row[4:7]) for row in rows]
    spent = {"json.dumps": [], "json_text": []}
    for _ in range(5):
        for name, dumps in (("json.dumps", json.dumps), ("json_text", json_text())):
            began = time.process_time()
            for a, b, c in values:
                dumps(a), dumps(b), dumps(c)
            spent[name].append((time.process_time() - began) / len(values) * 1e6)
    for name, us in spent.items():
        print(f"{name:10} {sorted(us)[2]:.2f} us a link (median of 5)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--drop", type=lambda s: s.split(","), default=[])
    parser.add_argument("--cache-kib", type=int, default=0, help="SQLite: the changed cache")
    parser.add_argument("--old-schema", action="store_true", help="SQLite: as of claims 0018")
    parser.add_argument("--json", action="store_true", help="the JSON columns' text only")
    args = parser.parse_args()
    rows = links()
    if args.json:
        json_cost(rows)
        return
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    spent = (run_postgres if postgres else run_sqlite)(args, rows)
    clock = "server CPU" if postgres else "CPU"
    for name, (cpu, wall, longest) in spent.items():
        print(f"{name:8} {clock} {cpu:6.2f} s   wall {wall:6.2f} s   longest batch {longest:.3f} s")


if __name__ == "__main__":
    main()
