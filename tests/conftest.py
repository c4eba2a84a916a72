"""Shared fixtures: the seeded story, users, and a headless Chromium for browser tests."""

import os
import shutil
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("PARALLAX_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SEED_SLUG = "syria-ceasefire-2016"


def pytest_configure(config):
    from django.conf import settings

    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages or fragments (the caches live in this process)."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture
def seed_story(db):
    call_command("load_seeds", stdout=StringIO())
    from articles.models import Story

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
def matched_story(seed_story):
    call_command("match_claims", "--story", seed_story.slug, stdout=StringIO())
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
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, target=None) -> Path:
        path = ARTIFACTS / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=False)
        return path

    return take


@pytest.fixture
def live_story(transactional_db):
    """The seed story, matched, committed where a live server (and so a browser) can see it."""
    call_command("load_seeds", verbosity=0, stdout=StringIO())
    call_command("match_claims", "--story", SEED_SLUG, stdout=StringIO())
    from articles.models import Story

    return Story.objects.get(slug=SEED_SLUG)


def sign_in(page, live_server, user):
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
    from claims.store import match_story

    story = Story.objects.create(slug="bridged", title="A strike and talks")
    for outlet, sentences in BRIDGED.items():
        make_article(story, outlet, sentences)
    match_story(story)
    return story


@pytest.fixture
def bridged_editor(bridged_story):
    return make_user("bridged-editor", bridged_story, "editor")
