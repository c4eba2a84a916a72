"""The migrated test database, kept between runs (SQLite only).

Making the test database runs every migration, some 2.5 s of CPU in each pytest process (each
pytest-xdist worker, each `pytest tests/one_file.py`). The first process copies the database
it migrated into .pytest_cache/parallax-migrated-KEY.sqlite3; the next ones copy it back
instead of migrating. KEY hashes what a migration can depend on: every Python file of the
project's apps and config (migrations, and the code some of them or their signals call, e.g.
claims/textsearch.py's triggers), Django's and SQLite's versions. Another key, another file:
a change to any of it migrates afresh. PostgreSQL always migrates.
"""

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".pytest_cache"
PREFIX = "parallax-migrated-"
SOURCES = ("articles", "claims", "config")

_making_test_database = False


def install():
    """Wrap Django's making of a test database and its migrate command (once a process)."""
    from django.core.management.commands import migrate
    from django.db.backends.base import creation

    if getattr(migrate.Command.handle, "parallax_cached", False):
        return
    create_test_db = creation.BaseDatabaseCreation.create_test_db
    handle = migrate.Command.handle

    def creating(self, *args, **kwargs):
        global _making_test_database
        forget_journals(self.connection)
        _forget_test_files_of_gone_processes(self.connection)
        _making_test_database = True
        try:
            return create_test_db(self, *args, **kwargs)
        finally:
            _making_test_database = False

    def migrate_or_copy(self, *args, **options):
        from django.db import connections

        connection = connections[options["database"]]
        if not (
            _making_test_database and connection.vendor == "sqlite" and not options.get("app_label")
        ):
            return handle(self, *args, **options)
        path = CACHE / f"{PREFIX}{_key()}.sqlite3"
        connection.ensure_connection()
        if _copy_from(path, connection.connection):
            return None
        result = handle(self, *args, **options)
        _keep(connection.connection, path)
        return result

    creation.BaseDatabaseCreation.create_test_db = creating
    migrate_or_copy.parallax_cached = True
    migrate.Command.handle = migrate_or_copy


def forget_journals(connection):
    """An SQLite test file's -wal and -shm, before it is made and once the session is over:
    Django removes the database file, not its journal (a thread's connection may outlive it),
    and SQLite would read an old journal into the next database of the same name."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    name = connection.creation._get_test_db_name()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


def _forget_test_files_of_gone_processes(connection):
    """SQLite test files (config/settings.py: test-PID.sqlite3...) of pytest processes no longer
    running: a run killed before its end leaves its files behind."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    folder = Path(connection.creation._get_test_db_name()).parent
    for path in folder.glob("test-*.sqlite3*"):
        pid = path.name.removeprefix("test-").split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _key() -> str:
    import django

    from config.env import code_digest

    seed = f"{django.__version__} {sqlite3.sqlite_version}"
    return code_digest(ROOT, SOURCES, (".py",), seed=seed)[:16]


def _copy_from(path: Path, target) -> bool:
    """The kept database into `target`, or False when there is none to read."""
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.OperationalError:
        return False
    try:
        source.backup(target)
    except sqlite3.DatabaseError:  # removed or cut short meanwhile: migrate instead
        return False
    finally:
        source.close()
    return True


def _keep(source, path: Path):
    """Written whole under another name, then renamed: another process reads all or nothing.
    The files of other keys go (a process still reading one has it open)."""
    CACHE.mkdir(exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    with _closing(sqlite3.connect(partial)) as target:
        source.backup(target)
        # the source's WAL mode came with the copy: a reader would leave -wal and -shm here
        target.execute("PRAGMA journal_mode=DELETE")
    os.replace(partial, path)
    for old in CACHE.glob(f"{PREFIX}*.sqlite3*"):
        if not old.name.startswith(path.name):
            old.unlink(missing_ok=True)


@contextmanager
def _closing(connection):
    try:
        yield connection
    finally:
        connection.close()
