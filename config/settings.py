"""Parallax settings, all read from the environment (see README.md, "Settings")."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import (
    cache_from_url,
    code_digest,
    email_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PARALLAX_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; for local runs, one generated once into var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if not DEBUG and env_bool("PARALLAX_PRODUCTION", False):
        raise ImproperlyConfigured("SECRET_KEY must be set when PARALLAX_PRODUCTION is on.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "articles",  # before django_tasks_db: its db_worker command reaps jobs of dead workers
    "claims",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Reading open to everyone (the default), or closed: then every page but sign-in needs an
# account. Annotating and editing always need one, with a role in the story.
PARALLAX_OPEN_READING = env_bool("PARALLAX_OPEN_READING", True)
if not PARALLAX_OPEN_READING:
    MIDDLEWARE.append("django.contrib.auth.middleware.LoginRequiredMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.accounts",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL says otherwise. WAL lets readers go on while the
# importer writes; IMMEDIATE transactions take the write lock up front so two writers wait
# (busy timeout) instead of failing with "database is locked" halfway through an article.
SQLITE_PATH = VAR_DIR / "parallax.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Connections are kept, as for PostgreSQL: opening one and running the PRAGMAs below
    # costs about a millisecond, as much as serving a cached page (articles/pagecache.py).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests get a file too, not SQLite's shared in-memory database: there a table another
    # thread writes is "locked" at once, with no busy timeout, so a browser test's live server
    # failed now and then while its task worker wrote. One a process (pytest-xdist adds each
    # worker's suffix too), so that two runs at once never share one; tests/migrated.py
    # removes those of processes that are gone.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Scripts only from our own origin or with this response's nonce; no inline handlers.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# A form refused for its CSRF token gets the site's layout and a way back.
CSRF_FAILURE_VIEW = "articles.views.errors.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles-stories"
LOGOUT_REDIRECT_URL = "articles-stories"

# Accounts come by invitation (an editor's one-time link); this opens /accounts/signup/ to all.
PARALLAX_OPEN_SIGNUP = env_bool("PARALLAX_OPEN_SIGNUP", False)

# Mail (password reset, invitations): smtp://user:password@host:port, smtp+tls://, smtps://,
# or console:// (the default: messages are written to the server's output, nothing is sent;
# invitations are then only shown to copy).
MAILERS = {"default": email_from_url("EMAIL_URL", env_str("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "parallax@localhost")

# Background tasks (imports) are stored in the database; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# A running job beats every third of this many seconds; one silent for longer is taken for
# dead (its worker was killed) and ended as failed by the next worker, status page or action.
PARALLAX_JOB_LEASE = env_int("PARALLAX_JOB_LEASE", 30, minimum=3)
# A job whose worker was lost is queued again until it has been tried this many times (each
# worker that took it is one attempt), then ended as failed: imports and matches are safe to
# run again (a chunk finds what it stored, a match starts over).
PARALLAX_JOB_ATTEMPTS = env_int("PARALLAX_JOB_ATTEMPTS", 2, minimum=1)
# Import: a browser import is split into tasks of this many files, which several task workers
# import at once; the story is matched once, when the last has ended.
PARALLAX_IMPORT_CHUNK = env_int("PARALLAX_IMPORT_CHUNK", 20, minimum=1)

# Import: files larger than this are refused before they are read.
PARALLAX_IMPORT_MAX_BYTES = env_int("PARALLAX_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
# Import: one file may take this many seconds; past it, the file is reported as failed and the
# batch goes on (checked between the steps of its import; see articles/ingest/deadline.py).
PARALLAX_IMPORT_FILE_SECONDS = env_int("PARALLAX_IMPORT_FILE_SECONDS", 300, minimum=1)

# Rendered fragments of story pages (articles/pagecache.py): in each process's memory, or with
# CACHE_URL in Redis, one cache for every server and process. Their keys carry the story's
# revision, which every change moves: nothing stale is served. PARALLAX_PAGE_CACHE off (only to
# measure or debug rendering) keeps nothing.
CACHE_URL = env_str("CACHE_URL", "")
PARALLAX_PAGE_CACHE = env_bool("PARALLAX_PAGE_CACHE", True)

# A large match forks a child for its event labels and the aliases its articles define, on a
# free core (claims/matching/beside.py reads the variable; read here too, so that a bad value
# stops the app at start).
PARALLAX_MATCH_FORK = env_bool("PARALLAX_MATCH_FORK", True)


def _code_version() -> str:
    """A digest of the code and templates that render the cached fragments. In a cache that
    outlives the processes (Redis), a fragment rendered by the code before a deploy must not
    be served by the code after it: the digest is part of every key. Servers that run the same
    code share their fragments."""
    folders = ("articles", "claims", "templates")
    return code_digest(BASE_DIR, folders, (".py", ".html"), skip="migrations")[:12]


def _cache(location: str, max_entries: int, timeout: int) -> dict:
    if not PARALLAX_PAGE_CACHE:
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if CACHE_URL:
        return {**_SHARED_CACHE, "TIMEOUT": timeout, "KEY_PREFIX": f"parallax:{location}"}
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": location,
        "TIMEOUT": timeout,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


if CACHE_URL:
    _SHARED_CACHE = {**cache_from_url("CACHE_URL", CACHE_URL), "VERSION": _code_version()}
CACHES = {
    # fragments of pages, and what else Django caches
    "default": _cache("", 1000, 3600),
    # whole pages for readers without an account, a minute each (in memory: ~300 a process)
    "pages": _cache("pages", 300, 60),
}

# Sessions (who is signed in) in the database, or with PARALLAX_SESSIONS=cache in Redis
# (CACHE_URL), which every server reaches; in a cache they are lost when Redis restarts or
# evicts them, which signs people out.
PARALLAX_SESSIONS = env_str("PARALLAX_SESSIONS", "db").strip().lower()
SESSION_ENGINE = "django.contrib.sessions.backends.db"
if PARALLAX_SESSIONS == "cache":
    if not CACHE_URL:
        raise ImproperlyConfigured(
            "PARALLAX_SESSIONS=cache needs CACHE_URL: sessions in each process's memory "
            "would sign people out whenever another process answers."
        )
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    SESSION_CACHE_ALIAS = "sessions"
    CACHES["sessions"] = {**_SHARED_CACHE, "KEY_PREFIX": "parallax:sessions", "VERSION": 1}
elif PARALLAX_SESSIONS != "db":
    raise ImproperlyConfigured(
        f"PARALLAX_SESSIONS={os.environ['PARALLAX_SESSIONS']!r} is not db or cache."
    )

# Logs to stderr, which is gunicorn's and the task worker's log: every 500 with its traceback
# (django.request; with DEBUG off Django's default sends it to mail_admins only, so nowhere),
# and what the apps themselves warn of. At INFO or DEBUG also django.request's warnings (every
# 4xx) and the apps' notes.
_LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
PARALLAX_LOG_LEVEL = env_str("PARALLAX_LOG_LEVEL", "WARNING").strip().upper()
if PARALLAX_LOG_LEVEL not in _LOG_LEVELS:
    raise ImproperlyConfigured(
        f"PARALLAX_LOG_LEVEL={os.environ['PARALLAX_LOG_LEVEL']!r} is not a log level "
        f"(use one of {', '.join(_LOG_LEVELS)})."
    )
_REQUEST_LOG_LEVEL = "ERROR" if PARALLAX_LOG_LEVEL == "WARNING" else PARALLAX_LOG_LEVEL
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [pid %(process)d] %(message)s"}
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        }
    },
    "loggers": {
        # Not on to Django's own handlers as well: they would print it a second time with
        # DEBUG on, and mail it to ADMINS, which Parallax does not set.
        "django.request": {
            "handlers": ["stderr"],
            "level": _REQUEST_LOG_LEVEL,
            "propagate": False,
        },
        "articles": {"handlers": ["stderr"], "level": PARALLAX_LOG_LEVEL},
        "claims": {"handlers": ["stderr"], "level": PARALLAX_LOG_LEVEL},
    },
}
