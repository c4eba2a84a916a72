"""Shared fixtures: the seeded story (imported and matched once a session, each pytest-xdist
worker its own), users, and a headless Chromium for browser tests.

Keeping the suite fast (`make test` on 2 cores; `pytest --durations=30` shows the slowest):
- A browser test signs in with `signed_in_page(user)`: the session cookie a test client got,
  put in the page's context, no trip through the login form (one test keeps the form:
  tests/test_csp_browser.py::test_no_page_violates_the_csp[part1of3]).
- The browser and the live server are one per worker (session fixtures); a test gets a fresh
  context (`page`), which costs milliseconds.
- A test that would wait out a timer in the page (the keyboard queues' windows, a pause)
  installs Playwright's clock before the first page (`signed_in_page(user, clock=True)`) and
  moves it on: `page.clock.run_for(ms)` while paused, `page.clock.fast_forward(ms)` otherwise.
  tests/claims/test_review_browser.py's `showing` does so for the queues.
- The migrated test database (SQLite) is kept in .pytest_cache and copied in, not migrated
  again, while no file of articles/, claims/ or config/ changed (tests/migrated.py).
- A setting read at startup is checked with `fresh_settings(NAME=value)` (config/settings.py
  run again in this process); a new Python process (a second or two) only where the process
  is the point: `manage.py` itself, a process's own stderr.
"""

import os
import runpy
import shutil
import sys
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("PARALLAX_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SEED_SLUG = "syria-ceasefire-2016"

# pytest rewrites the asserts of each test module as it imports it (some 3 s for the suite, in
# each xdist worker) and keeps the result only where Python may write bytecode: with
# PYTHONDONTWRITEBYTECODE set, every run did it all again. The tests' bytecode goes to
# .pytest_cache instead, out of the source tree.
if sys.dont_write_bytecode and not sys.pycache_prefix:
    sys.pycache_prefix = str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "pycache")
    sys.dont_write_bytecode = False


def pytest_configure(config):
    from django.conf import settings

    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    # Users are made and signed in by the hundred: a password hash costs a millisecond, not
    # PBKDF2's few hundred (no test is about the hash).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The migrated test database is kept between runs (SQLite): tests/migrated.py.
    from tests import migrated

    migrated.install()


# The order of the tests under pytest-xdist (`make test`): a worker that runs out of tests takes
# the last ones waiting on the other (--dist worksteal), so what is left at the end should be
# short, and a test of seconds must not start last. Those that took a second or more in an
# earlier run here (pytest's cache, .pytest_cache/v/parallax/durations), else those marked
# browser or slow, go first, longest first; the rest keep the order of the files. One process
# (TEST_WORKERS=0, or pytest on a file) keeps the files' order.
SLOW_SECONDS = 1.0
DURATIONS = "parallax/durations"
_took: dict[str, float] = {}


def _expected_seconds(item, durations) -> float:
    if (seconds := durations.get(item.nodeid)) is not None:
        return seconds
    if item.get_closest_marker("browser") or item.get_closest_marker("slow"):
        return SLOW_SECONDS
    return 0.0


def pytest_collection_modifyitems(config, items):
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        return
    durations = workerinput.get("parallax_durations", {})
    expected = {item.nodeid: _expected_seconds(item, durations) for item in items}
    slow = sorted(
        (item for item in items if expected[item.nodeid] >= SLOW_SECONDS),
        key=lambda item: -expected[item.nodeid],
    )
    items[:] = slow + [item for item in items if expected[item.nodeid] < SLOW_SECONDS]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist, in the controller: every worker gets the same durations (their orders of
    the tests must be the same), read once."""
    config = node.config
    if not hasattr(config, "_parallax_durations"):
        cache = getattr(config, "cache", None)
        config._parallax_durations = cache.get(DURATIONS, {}) if cache else {}
    node.workerinput["parallax_durations"] = config._parallax_durations


def pytest_runtest_logreport(report):
    _took[report.nodeid] = _took.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    """In the controller (or the one process): what each test took, for the next run's order.
    In each process, its SQLite test database's journal files (tests/migrated.py)."""
    from django.db import connections

    from tests import migrated

    for connection in connections.all(initialized_only=True):
        migrated.forget_journals(connection)
    config = session.config
    cache = getattr(config, "cache", None)
    if hasattr(config, "workerinput") or cache is None or not _took:
        return
    durations = cache.get(DURATIONS, {})
    for nodeid, seconds in _took.items():
        if seconds >= SLOW_SECONDS / 2:
            durations[nodeid] = round(seconds, 2)
        else:
            durations.pop(nodeid, None)
    cache.set(DURATIONS, durations)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages or fragments (the caches live in this process)."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()


# The seed story, imported and matched once a session. `load_seeds` takes about half a second
# and `match_claims` one or two more; some 140 tests want the story. `_seed_rows` runs both
# commands once, for real, copies the rows they wrote into tables of its own beside the test
# database's (Django's flush and the tests touch only the models' tables), and removes the
# rows again: a test that asks for no seed story still starts from an empty database. Then
# `seed_story` and `matched_story` put the rows back with INSERT ... SELECT inside the test's
# own transaction, which rolls them back as before: the same rows, ids and times the commands
# wrote (their times are the session's). The SQLite index of claims (claims/textsearch.py)
# follows by its triggers.


class SeedRows:
    """The rows `load_seeds` wrote (`seeded`), and the ones `match_claims` then wrote or
    changed (`matched`: a changed row is deleted and written anew), each a list of (table,
    its key, its columns, the table of rows to insert or None, the table of ids to delete
    first or None)."""

    PREFIX = "zz_seed_"

    def __init__(self, connection):
        self.connection = connection
        self.seeded: list[tuple] = []
        self.matched: list[tuple] = []

    def build(self):
        from django.db import transaction

        connection = self.connection
        introspection = connection.introspection
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            tables = sorted(introspection.django_table_names(only_existing=True))
            keys = {t: introspection.get_primary_key_column(cursor, t) for t in tables}
            sequences = self._sequences(cursor)
            before = {t: self._rows(cursor, t, keys[t]) for t in tables}
            call_command("load_seeds", stdout=StringIO())
            seeded = {t: self._rows(cursor, t, keys[t]) for t in tables}
            for t in tables:
                if added := self._added(t, before[t], seeded[t]):
                    copy = self._copy(cursor, "s_", t, keys[t], added)
                    self.seeded.append((t, keys[t], self._columns(cursor, t), copy, None))
            call_command("match_claims", "--story", SEED_SLUG, stdout=StringIO())
            wrote = {}
            for t in tables:
                matched = self._rows(cursor, t, keys[t])
                wrote[t] = self._added(t, before[t], matched)
                new = [k for k, row in matched.items() if seeded[t].get(k) != row]
                drop = [k for k, row in seeded[t].items() if matched.get(k) != row]
                if new or drop:
                    self.matched.append(
                        (
                            t,
                            keys[t],
                            self._columns(cursor, t),
                            self._copy(cursor, "m_", t, keys[t], new) if new else None,
                            self._ids(cursor, t, keys[t], drop) if drop else None,
                        )
                    )
            # Back to the database as migrate left it, ids to come and all.
            for t, ids in wrote.items():
                if not ids:
                    continue
                if before[t]:
                    self._delete(cursor, t, keys[t], ids)
                else:
                    cursor.execute(f"DELETE FROM {self._q(t)}")
                if sequences is not None:
                    if t in sequences:
                        cursor.execute(
                            "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [sequences[t], t]
                        )
                    else:
                        cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [t])
        return self

    def put_back(self, stage):
        """Write the rows of this stage ("seeded", then "matched") into the database."""
        from django.db import transaction

        q = self._q
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as c:
            for table, key, columns, copy, drop in getattr(self, stage):
                if drop:
                    c.execute(
                        f"DELETE FROM {q(table)} WHERE {q(key)} IN (SELECT id FROM {q(drop)})"
                    )
                if copy:
                    c.execute(f"INSERT INTO {q(table)} ({columns}) SELECT {columns} FROM {q(copy)}")

    def _q(self, name):
        return self.connection.ops.quote_name(name)

    def _sequences(self, cursor):
        """SQLite's next ids (AUTOINCREMENT), put back as they were; PostgreSQL's sequences
        move on, which no test minds (they are not rolled back either)."""
        if self.connection.vendor != "sqlite":
            return None
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return dict(cursor.fetchall())

    def _rows(self, cursor, table, key):
        cursor.execute(f"SELECT * FROM {self._q(table)}")
        at = [d[0] for d in cursor.description].index(key)
        return {row[at]: row for row in cursor.fetchall()}

    def _columns(self, cursor, table):
        cursor.execute(f"SELECT * FROM {self._q(table)} WHERE 1 = 0")
        return ", ".join(self._q(d[0]) for d in cursor.description)

    @staticmethod
    def _added(table, before, after):
        """The ids of the rows in `after` that were not in `before`. The seed commands may
        only add rows to what migrate wrote: one they changed could not be put back."""
        if any(after.get(k) != row for k, row in before.items()):
            raise RuntimeError(f"the seed story changed rows of {table} that migrate wrote")
        return [k for k in after if k not in before]

    def _copy(self, cursor, stage, table, key, ids):
        q, copy = self._q, self.PREFIX + stage + table
        cursor.execute(f"DROP TABLE IF EXISTS {q(copy)}")  # left by a run with --reuse-db
        cursor.execute(f"CREATE TABLE {q(copy)} AS SELECT * FROM {q(table)} WHERE 1 = 0")
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {q(copy)} SELECT * FROM {q(table)} WHERE {q(key)} IN ({marks})",
                chunk,
            )
        return copy

    def _ids(self, cursor, table, key, ids):
        q, copy = self._q, self.PREFIX + "d_" + table
        cursor.execute(f"DROP TABLE IF EXISTS {q(copy)}")
        cursor.execute(
            f"CREATE TABLE {q(copy)} AS SELECT {q(key)} AS id FROM {q(table)} WHERE 1 = 0"
        )
        for chunk in _chunks(ids):
            values = ", ".join(["(%s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {q(copy)} (id) VALUES {values}", chunk)
        return copy

    def _delete(self, cursor, table, key, ids):
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {self._q(table)} WHERE {self._q(key)} IN ({marks})", chunk)


def _chunks(items, size=500):
    items = list(items)
    return [items[i : i + size] for i in range(0, len(items), size)]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, then the seed rows beside it, before any test's own
    transaction: a story first asked for inside one (`request.getfixturevalue("seed_story")`)
    would have its copied rows rolled back with it, and every later test of the worker would
    miss them."""
    from django.db import connection

    with django_db_blocker.unblock():
        return SeedRows(connection).build()


@pytest.fixture(scope="session")
def _seed_rows(django_db_setup):
    return django_db_setup


@pytest.fixture
def seed_story(db, _seed_rows):
    """The seed story as `load_seeds` leaves it: imported, not matched."""
    from articles.models import Story

    _seed_rows.put_back("seeded")
    return Story.objects.get(slug=SEED_SLUG)


PASSWORD = "correct-horse-battery-staple"


def make_user(name, story=None, role=None, **extra):
    from django.contrib.auth import get_user_model

    from articles.models import Membership

    user = get_user_model().objects.create_user(name, password=PASSWORD, **extra)
    if story is not None and role:
        Membership.objects.create(story=story, user=user, role=role)
    return user


def make_article(story, outlet, sentences):
    """An article of these sentences (one space apart), one claim each, in no event yet: what a
    test needs without the importer."""
    from articles.models import Article, Outlet
    from claims.models import Claim

    body = " ".join(sentences)
    n = Article.objects.count()
    article = Article.objects.create(
        story=story,
        outlet=Outlet.objects.for_name(outlet),
        source=f"{outlet}-{n}.txt",
        body=body,
        original=body,
        original_format="txt",
        content_hash=f"h{n}",
    )
    claims, start = [], 0
    for position, text in enumerate(sentences):
        claims.append(
            Claim.objects.create(
                article=article, start=start, end=start + len(text), text=text, position=position
            )
        )
        start += len(text) + 1
    return claims


def signed_in(user):
    """A test client signed in as this user (made by make_user)."""
    from django.test import Client

    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# What a test of the settings clears: the test process's own values, not a new process's.
SETTINGS_ENV = (
    "SECRET_KEY",
    "DEBUG",
    "PARALLAX_PRODUCTION",
    "DATABASE_URL",
    "PARALLAX_LOG_LEVEL",
    "PARALLAX_OPEN_READING",
)


def fresh_settings(**env) -> dict:
    """config/settings.py run again, in this process, with this environment (SETTINGS_ENV
    cleared first): the settings a new process started so would have, as a dict, or the
    ImproperlyConfigured that would stop it. A new Python costs a second or two; what needs a
    process of its own (manage.py, a process's stderr) still gets one."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        return runpy.run_path(str(Path(__file__).resolve().parent.parent / "config/settings.py"))


def run_worker():
    """What `manage.py db_worker` does, in this process, until the queue is empty. The worker
    closes connections that are inside a transaction; here that is the test's own, so not."""
    from django_tasks_db.management.commands import db_worker

    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()


@pytest.fixture
def matched_story(seed_story, _seed_rows):
    """The seed story as `match_claims` then leaves it (the object is seed_story's)."""
    _seed_rows.put_back("matched")
    return seed_story


@pytest.fixture
def editor(seed_story):
    return make_user("editor", seed_story, "editor")


@pytest.fixture
def annotator(seed_story):
    return make_user("annotator", seed_story, "annotator")


@pytest.fixture
def outsider(db):
    """Signed in, but no role in any story."""
    return make_user("outsider")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium at {CHROMIUM} for the browser tests")
        pytest.skip(f"no Chromium at {CHROMIUM}; install Debian's chromium to run browser tests")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def signed_in_page(page, live_server):
    """`signed_in_page(user)`: the page, signed in as this user (made by make_user) by the
    session cookie of a test client; with clock=True, Playwright's clock installed first, for
    tests that move the page's time on instead of waiting (it runs at real speed until then)."""
    from django.conf import settings
    from django.test import Client

    def sign(user, clock=False):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        if clock:
            page.clock.install()
        return page

    return sign


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, target=None) -> Path:
        path = ARTIFACTS / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=False)
        return path

    return take


@pytest.fixture
def live_seed_story(transactional_db, _seed_rows):
    """The seed story, imported (not matched), committed where a live server (and so a
    browser) can see it; the flush after the test removes it."""
    from articles.models import Story

    _seed_rows.put_back("seeded")
    return Story.objects.get(slug=SEED_SLUG)


@pytest.fixture
def live_story(live_seed_story, _seed_rows):
    """The seed story, matched, committed where a live server (and so a browser) can see it."""
    from articles.models import Story

    _seed_rows.put_back("matched")
    return Story.objects.get(slug=SEED_SLUG)


def sign_in(page, live_server, user):
    """Sign in through the login form, as a person does. A test about something else uses
    `signed_in_page`, which skips the form's two page loads."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


# A story where one sentence tells of two events: three outlets report a strike and talks in
# separate sentences (two of them an aid delivery too); a fourth outlet's sentence tells of the
# strike and the talks (and one says nothing).
BRIDGED = {
    "Outlet One": [
        "Coalition jets bombed Syrian troops at Deir ez-Zor on Saturday, killing 62 soldiers.",
        "Kerry and Lavrov met in Geneva on Friday to rescue the truce talks.",
        "Aid trucks reached Aleppo through the Castello Road on Thursday.",
    ],
    "Outlet Two": [
        "Coalition jets bombed Syrian troops at Deir ez-Zor, killing 62 soldiers, a monitor said.",
        "Kerry and Lavrov met in Geneva on Friday to rescue the stalled truce talks.",
        "On Thursday aid trucks reached Aleppo through the Castello Road.",
    ],
    "Outlet Three": [
        "The coalition bombing of Syrian troops at Deir ez-Zor killed 62 soldiers.",
        "In Geneva, Kerry and Lavrov met on Friday to rescue the truce talks.",
    ],
    "Outlet Four": [
        "The weather was mild.",
        "Coalition jets bombed Syrian troops at Deir ez-Zor, killing 62 soldiers, a day after "
        "Kerry and Lavrov met in Geneva to rescue the truce talks.",
    ],
}


@pytest.fixture
def bridged_story(db):
    """BRIDGED, matched: the fourth outlet's sentence sits in one event and also tells of the
    other (Event.also_claims), linked to its claims."""
    from articles.models import Story
    from claims.actions.matching import match_story

    story = Story.objects.create(slug="bridged", title="A strike and talks")
    for outlet, sentences in BRIDGED.items():
        make_article(story, outlet, sentences)
    match_story(story)
    return story


@pytest.fixture
def bridged_editor(bridged_story):
    return make_user("bridged-editor", bridged_story, "editor")
