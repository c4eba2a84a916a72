"""Settings come from the environment and refuse bad values loudly."""

import logging
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import path

from config.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def check(env: dict, args=("manage.py", "check")) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "DEBUG", "PARALLAX_PRODUCTION", "DATABASE_URL", "PARALLAX_LOG_LEVEL"}
    }
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


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = check({"PARALLAX_PRODUCTION": "1", "PARALLAX_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    ok = check(
        {"PARALLAX_PRODUCTION": "1", "SECRET_KEY": "s" * 50, "PARALLAX_VAR_DIR": str(tmp_path)}
    )
    assert ok.returncode == 0, ok.stderr


def test_a_local_run_generates_its_secret_key_once(tmp_path):
    assert check({"PARALLAX_VAR_DIR": str(tmp_path)}).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert check({"PARALLAX_VAR_DIR": str(tmp_path)}).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_bad_import_limit_stops_the_app(tmp_path):
    result = check({"PARALLAX_IMPORT_MAX_BYTES": "lots", "PARALLAX_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0 and "PARALLAX_IMPORT_MAX_BYTES='lots'" in result.stderr


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


urlpatterns = [path("falls-over/", view_that_falls_over)]


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


urlpatterns = [path("falls-over/", view_that_falls_over)]
django.setup()
settings.ROOT_URLCONF = "__main__"
from django.test import Client

print(Client(raise_request_exception=False).get("/falls-over/").status_code)
logging = __import__("logging")
print(logging.getLogger("articles").getEffectiveLevel(), logging.getLogger("claims").level)
"""


def serve_a_500(tmp_path, **env) -> subprocess.CompletedProcess:
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PARALLAX_VAR_DIR": str(tmp_path), **env}
    return check(env, args=("-c", SERVE_A_500))


def test_the_log_level_is_set_by_parallax_log_level(tmp_path):
    default = serve_a_500(tmp_path)
    assert default.returncode == 0, default.stderr
    assert "Traceback (most recent call last):" in default.stderr  # the process's own stderr
    assert "RuntimeError: the view fell over" in default.stderr
    assert default.stdout.split() == ["500", str(logging.WARNING), str(logging.WARNING)]

    quiet = serve_a_500(tmp_path, PARALLAX_LOG_LEVEL="critical")
    assert quiet.stdout.split() == ["500", str(logging.CRITICAL), str(logging.CRITICAL)]
    assert "the view fell over" not in quiet.stderr

    talkative = serve_a_500(tmp_path, PARALLAX_LOG_LEVEL=" Info ")
    assert talkative.stdout.split() == ["500", str(logging.INFO), str(logging.INFO)]

    bad = check({"PARALLAX_LOG_LEVEL": "loud", "PARALLAX_VAR_DIR": str(tmp_path)})
    assert bad.returncode != 0 and "PARALLAX_LOG_LEVEL='loud' is not a log level" in bad.stderr
