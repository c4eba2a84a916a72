"""Settings come from the environment and refuse bad values loudly.

Most tests run config/settings.py again in this process (`fresh_settings`); three start a
process of their own, for what only one shows: manage.py refusing to start, manage.py check
passing, and a process's own stderr as its log."""

import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import path

from config.env import env_bool, env_int, env_list
from config.urls import urlpatterns as site_urls
from tests.conftest import SETTINGS_ENV, fresh_settings

ROOT = Path(__file__).resolve().parent.parent


def check(env: dict, args=("manage.py", "check")) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_booleans_and_numbers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG", False)
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_NUM", "5MB")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_NUM", 1, minimum=1)
    monkeypatch.setenv("X_LIST", " a.example, ,b.example ")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    """In processes of their own: manage.py itself stops on a bad setting, and starts (its
    system checks pass) on good ones; the other tests of bad values read the settings here."""
    result = check({"PARALLAX_PRODUCTION": "1", "PARALLAX_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()
    ok = check(
        {"PARALLAX_PRODUCTION": "1", "SECRET_KEY": "s" * 50, "PARALLAX_VAR_DIR": str(tmp_path)}
    )
    assert ok.returncode == 0, ok.stderr


def test_a_local_run_generates_its_secret_key_once(tmp_path):
    first = fresh_settings(PARALLAX_VAR_DIR=str(tmp_path))["SECRET_KEY"]
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50 and first == key
    assert fresh_settings(PARALLAX_VAR_DIR=str(tmp_path))["SECRET_KEY"] == key
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_bad_import_limit_stops_the_app(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="PARALLAX_IMPORT_MAX_BYTES='lots'"):
        fresh_settings(PARALLAX_IMPORT_MAX_BYTES="lots", PARALLAX_VAR_DIR=str(tmp_path))


def test_import_chunks_and_job_attempts_come_from_the_environment(tmp_path):
    var = str(tmp_path)
    default = fresh_settings(PARALLAX_VAR_DIR=var)
    assert (default["PARALLAX_IMPORT_CHUNK"], default["PARALLAX_JOB_ATTEMPTS"]) == (20, 2)
    set_ = fresh_settings(
        PARALLAX_IMPORT_CHUNK="5", PARALLAX_JOB_ATTEMPTS="3", PARALLAX_VAR_DIR=var
    )
    assert (set_["PARALLAX_IMPORT_CHUNK"], set_["PARALLAX_JOB_ATTEMPTS"]) == (5, 3)
    for name, value in (("PARALLAX_IMPORT_CHUNK", "0"), ("PARALLAX_JOB_ATTEMPTS", "twice")):
        with pytest.raises(ImproperlyConfigured, match=name):
            fresh_settings(**{name: value, "PARALLAX_VAR_DIR": var})


def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def view_that_falls_over(request):
    raise RuntimeError("the view fell over")


# The site's own addresses too: the 500 page links back to them.
urlpatterns = [path("falls-over/", view_that_falls_over), *site_urls]


@pytest.mark.urls(__name__)
def test_a_500_with_debug_off_is_logged_with_its_traceback_to_stderr(settings):
    """Django's default logs a 500 with DEBUG off to mail_admins only: under gunicorn, nowhere."""
    settings.DEBUG = False
    handler = logging.getHandlerByName("stderr")
    assert handler in logging.getLogger("django.request").handlers
    assert settings.LOGGING["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    old = handler.setStream(StringIO())
    try:
        response = Client(raise_request_exception=False).get("/falls-over/")
        logged = handler.stream.getvalue()
    finally:
        handler.setStream(old)
    assert response.status_code == 500
    assert "ERROR django.request" in logged and "Internal Server Error: /falls-over/" in logged
    assert "Traceback (most recent call last):" in logged
    assert "RuntimeError: the view fell over" in logged


# What gunicorn runs, in a process of its own: its stderr is the log.
SERVE_A_500 = """
import django
from django.conf import settings
from django.urls import path


def view_that_falls_over(request):
    raise RuntimeError("the view fell over")


django.setup()
from config.urls import urlpatterns as site_urls

urlpatterns = [path("falls-over/", view_that_falls_over), *site_urls]
settings.ROOT_URLCONF = "__main__"
# The 500 page names its stylesheet: static files as found, with no collectstatic run first.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.test import Client

print(Client(raise_request_exception=False).get("/falls-over/").status_code)
logging = __import__("logging")
print(logging.getLogger("articles").getEffectiveLevel(), logging.getLogger("claims").level)
"""


def serve_a_500(tmp_path, **env) -> subprocess.CompletedProcess:
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PARALLAX_VAR_DIR": str(tmp_path), **env}
    return check(env, args=("-c", SERVE_A_500))


@contextmanager
def logging_as(config):
    """Logging configured as a process with this LOGGING is (Django's own step at startup),
    its stderr handler writing to the buffer yielded; this process's own configuration after."""
    from django.conf import settings
    from django.utils.log import configure_logging

    own_stream = logging.getHandlerByName("stderr").stream
    try:
        configure_logging(settings.LOGGING_CONFIG, config)
        stream = StringIO()
        logging.getHandlerByName("stderr").setStream(stream)
        yield stream
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        logging.getHandlerByName("stderr").setStream(own_stream)


@pytest.mark.slow
@pytest.mark.urls(__name__)
def test_the_log_level_is_set_by_parallax_log_level(tmp_path, settings):
    default = serve_a_500(tmp_path)
    assert default.returncode == 0, default.stderr
    assert "Traceback (most recent call last):" in default.stderr  # the process's own stderr
    assert "RuntimeError: the view fell over" in default.stderr
    assert default.stdout.split() == ["500", str(logging.WARNING), str(logging.WARNING)]

    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    for value, level, logs_the_500 in (
        ("critical", logging.CRITICAL, False),
        (" Info ", logging.INFO, True),
    ):
        config = fresh_settings(PARALLAX_LOG_LEVEL=value, PARALLAX_VAR_DIR=str(tmp_path))
        with logging_as(config["LOGGING"]) as stderr:
            assert client.get("/falls-over/").status_code == 500
            levels = [logging.getLogger(n).getEffectiveLevel() for n in ("articles", "claims")]
        assert levels == [level, level], value
        assert ("RuntimeError: the view fell over" in stderr.getvalue()) is logs_the_500, value

    with pytest.raises(ImproperlyConfigured, match="PARALLAX_LOG_LEVEL='loud' is not a log level"):
        fresh_settings(PARALLAX_LOG_LEVEL="loud", PARALLAX_VAR_DIR=str(tmp_path))
