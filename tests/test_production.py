"""The production setup (README "Production"): one Redis cache and the sessions for every
server from CACHE_URL and PARALLAX_SESSIONS, and `/healthz` for a load balancer.

The Redis tests talk to the Redis of the machine (127.0.0.1:6379, database 15, as CI's): each
uses keys of its own and never clears the database, which other test processes share."""

import json
import os
import time
import uuid
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import CacheHandler
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import pagecache
from articles.models import ImportJob, Story
from articles.tasks import run_import
from tests.conftest import fresh_settings, make_user

REDIS = os.environ.get("PARALLAX_TEST_REDIS", "redis://127.0.0.1:6379/15")
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


def settings_with(monkeypatch, **env) -> dict:
    """config/settings.py as a process started with this environment would have it (neither
    the cache nor the sessions settings of this test process leak in)."""
    for name in ("CACHE_URL", "PARALLAX_SESSIONS", "PARALLAX_PAGE_CACHE"):
        monkeypatch.delenv(name, raising=False)
    return fresh_settings(**env)


@pytest.fixture
def redis_url():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Redis at {REDIS}")
        pytest.skip(f"no Redis at {REDIS}")
    return REDIS


# -- settings ----------------------------------------------------------------------------------


def test_without_cache_url_each_process_keeps_its_own_caches_as_before(monkeypatch):
    caches = settings_with(monkeypatch)["CACHES"]
    assert {c["BACKEND"] for c in caches.values()} == {
        "django.core.cache.backends.locmem.LocMemCache"
    }
    assert caches["pages"]["OPTIONS"]["MAX_ENTRIES"] == 300
    off = settings_with(monkeypatch, PARALLAX_PAGE_CACHE="0")["CACHES"]
    assert {c["BACKEND"] for c in off.values()} == {"django.core.cache.backends.dummy.DummyCache"}


def test_cache_url_sends_every_cache_to_redis(monkeypatch):
    found = settings_with(monkeypatch, CACHE_URL="redis://:s3cret@cache.internal:6380/2")
    caches = found["CACHES"]
    assert set(caches) == {"default", "pages"}
    for alias, cache in caches.items():
        assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache", alias
        assert cache["LOCATION"] == "redis://:s3cret@cache.internal:6380/2"
    assert caches["default"]["TIMEOUT"] == 3600 and caches["pages"]["TIMEOUT"] == 60
    assert caches["default"]["KEY_PREFIX"] != caches["pages"]["KEY_PREFIX"]
    assert found["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_the_cache_keys_change_with_the_code_so_a_deploy_serves_no_old_fragments(
    monkeypatch, tmp_path
):
    """Two servers with the same code share fragments; after a deploy that changed a template
    or the code, none rendered by the old code is found."""
    first = settings_with(monkeypatch, CACHE_URL="redis://127.0.0.1:6379/0")["CACHES"]
    again = settings_with(monkeypatch, CACHE_URL="redis://127.0.0.1:6379/0")["CACHES"]
    assert first["default"]["VERSION"] == again["default"]["VERSION"]

    original = Path.read_bytes

    def one_template_edited(self):
        data = original(self)
        return data + b"<!-- edited -->" if self.name == "base.html" else data

    monkeypatch.setattr(Path, "read_bytes", one_template_edited)
    deployed = settings_with(monkeypatch, CACHE_URL="redis://127.0.0.1:6379/0")["CACHES"]
    assert deployed["default"]["VERSION"] != first["default"]["VERSION"]
    assert deployed["pages"]["VERSION"] != first["pages"]["VERSION"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("memcached://127.0.0.1:11211", "the scheme 'memcached' is not one of redis, rediss"),
        ("redis://", "CACHE_URL names no host"),
        ("redis://:s3cret@cache.internal:63x/0", "CACHE_URL: the port is not a number"),
        ("redis://:s3cret@cache.internal:6379/cache", "the database (after the host) is not"),
    ],
)
def test_a_bad_cache_url_stops_the_app_without_showing_the_password(monkeypatch, url, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_with(monkeypatch, CACHE_URL=url)
    assert message in str(refused.value)
    assert "s3cret" not in str(refused.value)


def test_sessions_go_to_the_database_by_default_or_to_redis(monkeypatch):
    assert settings_with(monkeypatch)["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    found = settings_with(
        monkeypatch, PARALLAX_SESSIONS="cache", CACHE_URL="redis://127.0.0.1:6379/0"
    )
    assert found["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    sessions = found["CACHES"][found["SESSION_CACHE_ALIAS"]]
    assert sessions["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    # A deploy signs nobody out: the sessions' keys do not follow the code.
    assert sessions["VERSION"] == 1


def test_sessions_in_the_cache_need_a_shared_cache_and_other_values_are_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PARALLAX_SESSIONS=cache needs CACHE_URL"):
        settings_with(monkeypatch, PARALLAX_SESSIONS="cache")
    with pytest.raises(ImproperlyConfigured, match="PARALLAX_SESSIONS='files' is not db or cache"):
        settings_with(monkeypatch, PARALLAX_SESSIONS="files")


# -- Redis, as two servers see it --------------------------------------------------------------


def test_two_servers_given_the_same_cache_url_share_the_page_cache(monkeypatch, redis_url):
    one = CacheHandler(settings_with(monkeypatch, CACHE_URL=redis_url)["CACHES"])
    two = CacheHandler(settings_with(monkeypatch, CACHE_URL=redis_url)["CACHES"])
    key = f"test:{uuid.uuid4().hex}"
    one["pages"].set(key, (b"<h1>cached</h1>", "text/html"), 30)
    one["default"].set(key, "a fragment", 30)

    assert two["pages"].get(key) == (b"<h1>cached</h1>", "text/html")
    assert two["default"].get(key) == "a fragment"
    two["default"].delete(key)
    two["pages"].delete(key)


@pytest.mark.django_db
def test_a_page_for_readers_is_kept_in_redis_where_the_other_server_finds_it(
    monkeypatch, settings, redis_url
):
    """The page a reader without an account was served is kept in Redis, served again from
    there (a change that moves no revision does not show until the minute is out), and the
    other server, given the same CACHE_URL, finds it."""
    settings.CACHES = settings_with(monkeypatch, CACHE_URL=redis_url)["CACHES"]
    story = Story.objects.create(slug=f"redis-{uuid.uuid4().hex[:8]}", title="Talks in Geneva")
    address = reverse("claims-story", args=[story.slug])
    assert "Talks in Geneva" in Client().get(address).text

    Story.objects.filter(pk=story.pk).update(title="Renamed behind the cache's back")

    html = Client().get(address).text
    assert "Talks in Geneva" in html and "Renamed" not in html
    other_server = CacheHandler(settings_with(monkeypatch, CACHE_URL=redis_url)["CACHES"])
    minute = int(time.time() // pagecache.PAGE_SECONDS)
    kept = [
        other_server["pages"].get(pagecache.key(story, "page", address, False, m))
        for m in (minute - 1, minute)
    ]
    assert any(page and b"Talks in Geneva" in page[0] for page in kept)


@pytest.mark.django_db
def test_with_sessions_in_redis_a_reader_stays_signed_in_on_the_other_server(
    monkeypatch, settings, redis_url
):
    found = settings_with(monkeypatch, CACHE_URL=redis_url, PARALLAX_SESSIONS="cache")
    settings.CACHES = found["CACHES"]
    settings.SESSION_ENGINE = found["SESSION_ENGINE"]
    settings.SESSION_CACHE_ALIAS = found["SESSION_CACHE_ALIAS"]
    from django.contrib.sessions.models import Session

    user = make_user(f"reader-{uuid.uuid4().hex[:8]}")
    client = Client()
    client.force_login(user)

    other_server = CacheHandler(found["CACHES"])["sessions"]
    key = "django.contrib.sessions.cache" + client.session.session_key
    assert other_server.get(key)["_auth_user_id"] == str(user.pk)
    assert not Session.objects.exists()
    assert client.get(reverse("password_change")).status_code == 200  # signed in
    client.logout()
    assert other_server.get(key) is None


# -- /healthz ----------------------------------------------------------------------------------


def healthz(client) -> tuple[int, dict]:
    response = client.get(reverse("articles-health"))
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_healthz_answers_200_when_database_cache_and_queue_answer(client):
    status, report = healthz(client)

    assert status == 200
    assert report["status"] == "ok"
    assert (report["database"], report["cache"], report["queue"]) == ("ok", "ok", "ok")
    assert report["workers"]["newest_heartbeat_seconds"] == "no job running"
    assert report["workers"]["running_jobs"] == 0 and report["workers"]["queued_tasks"] == 0


@pytest.mark.django_db
def test_healthz_is_never_cached_and_open_when_reading_is_closed(client, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    response = client.get(reverse("articles-health"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert client.post(reverse("articles-health")).status_code == 405


@pytest.mark.django_db
def test_healthz_gives_the_age_of_the_newest_heartbeat_and_counts_lost_jobs(client):
    story = Story.objects.create(slug="geneva", title="Geneva talks")
    beating = ImportJob.objects.create(story=story, total=1, task_id="match-1")
    beating.start("web-1 pid 10")
    lost = ImportJob.objects.create(story=story, total=1, task_id="match-2")
    lost.start("web-2 pid 20")
    ImportJob.objects.filter(pk=beating.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=4)
    )
    ImportJob.objects.filter(pk=lost.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=3600)
    )

    status, report = healthz(client)

    assert status == 200  # a lost job is the workers' trouble, not this server's
    workers = report["workers"]
    assert workers["running_jobs"] == 2 and workers["lost_jobs"] == 1
    assert 4 <= workers["newest_heartbeat_seconds"] < 3600
    assert "web-1" not in json.dumps(report)  # nothing about the hosts


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_cache_when_redis_is_gone(client, settings, monkeypatch):
    settings.CACHES = settings_with(monkeypatch, CACHE_URL=NOWHERE)["CACHES"]

    status, report = healthz(client)

    assert status == 503
    assert report["status"] == "failing"
    assert report["cache"] == "failing: ConnectionError"
    assert report["database"] == "ok" and report["queue"] == "ok"
    assert "127.0.0.1" not in json.dumps(report)


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_database_and_queue_when_the_database_is_gone(client):
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError),
        mock.patch.object(DBTaskResult.objects, "filter", side_effect=DatabaseError),
    ):
        status, report = healthz(client)

    assert status == 503
    assert report["database"] == "failing: DatabaseError"
    assert report["queue"] == "failing: DatabaseError"
    assert report["cache"] == "ok"


@pytest.mark.django_db
def test_healthz_says_how_long_the_oldest_queued_task_has_waited(client):
    """Idle workers do not beat: a queue that only grows older is what shows none is taking
    tasks."""
    story = Story.objects.create(slug="geneva", title="Geneva talks")
    job = ImportJob.objects.create(story=story, total=1)
    job.queued_as(run_import.enqueue(job.pk).id)
    DBTaskResult.objects.filter(id=job.task_id).update(
        enqueued_at=timezone.now() - timedelta(seconds=600)
    )

    status, report = healthz(client)

    assert status == 200
    assert report["workers"]["queued_tasks"] == 1
    assert report["workers"]["oldest_queued_seconds"] >= 600
    assert report["workers"]["newest_heartbeat_seconds"] == "no job running"
