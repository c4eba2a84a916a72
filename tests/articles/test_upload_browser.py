"""What only a browser shows: an import's progress bar updating itself until it is done."""

import threading
from pathlib import Path

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker

from articles.models import Role, Story
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
FILES = [SEEDS / "002_91a21abd64638276.txt", SEEDS / "003_cac267b27a17f661.txt"]
TITLES = [
    "US, Moscow set to discuss Syria pact Pentagon may not want",
    "The U.S. Military Just Froze Its Plans To Cooperate With Russia In Syria",
]


class WorkerThread(threading.Thread):
    """`manage.py db_worker` beside the live server, on its own database connection."""

    def __init__(self):
        super().__init__(daemon=True)
        self.worker = Worker(
            queue_names=["default"],
            interval=0.2,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="browser-test",
            excluded_queue_names=[],
        )

    def run(self):
        try:
            self.worker.run()
        finally:
            connections.close_all()

    def stop(self):
        self.worker.running = False
        self.join(timeout=10)


@pytest.fixture
def convoy_editor(transactional_db):
    story = Story.objects.create(slug="convoy", title="The Aleppo convoy")
    return make_user("edna", story, Role.EDITOR)


def test_upload_shows_a_progress_bar_that_updates_itself_until_done(
    convoy_editor, live_server, signed_in_page, screenshot
):
    page = signed_in_page(convoy_editor)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/stories/convoy/import/")
    page.get_by_label("Files").set_input_files([str(f) for f in FILES])
    page.get_by_role("button", name="Import").click()

    job = page.locator("#import-job")
    job.wait_for()
    assert "0 of 2 files" in job.inner_text()  # queued: no worker runs yet
    url_before = page.url
    worker = WorkerThread()
    worker.start()
    try:
        page.wait_for_selector('#import-job[data-status="done"]', timeout=30_000)
    finally:
        worker.stop()

    assert page.url == url_before  # the fragment re-rendered itself; no reload
    assert page.locator("#import-job progress").get_attribute("value") == "2"
    assert "2 of 2 files" in job.inner_text()
    assert "2 files: 2 imported, 0 duplicates, 0 failed." in job.inner_text()
    imported = page.locator("#import-job ul.imported a").all_inner_texts()
    assert sorted(imported) == sorted(TITLES)
    # what matching made of the import, and the way to its events
    assert job.locator(".import-matched").inner_text().startswith("Matching: matched ")
    assert job.get_by_role("link", name="See the story's events").is_visible()
    assert not [e for e in errors if "Content Security Policy" in e]
    screenshot("import-done")

    page.get_by_role("link", name=TITLES[0]).click()
    assert page.locator("h1").inner_text() == TITLES[0]
