"""Small helpers that read settings from the environment and fail loudly on bad values, and
the digest of the project's code that versions what outlives a process."""

import hashlib
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


EMAIL_SCHEMES = {
    # scheme: (backend, default port, STARTTLS, implicit TLS)
    "smtp": ("django.core.mail.backends.smtp.EmailBackend", 25, False, False),
    "smtp+tls": ("django.core.mail.backends.smtp.EmailBackend", 587, True, False),
    "smtps": ("django.core.mail.backends.smtp.EmailBackend", 465, False, True),
    "console": ("articles.mail.ConsoleBackend", None, False, False),
}


def email_from_url(name: str, url: str) -> dict:
    """A MAILERS entry (Django 6.1) from a URL: smtp://user:password@host:port (smtp+tls://
    for STARTTLS, smtps:// for TLS from the start; user and password percent-encoded), or
    console:// (each message written to standard output, nothing sent). Errors never repeat
    the URL: it may hold a password."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: the scheme {parts.scheme!r} is not one of {', '.join(EMAIL_SCHEMES)} "
            "(e.g. smtp://user:password@mail.example.org:587)."
        )
    backend, default_port, tls, ssl = EMAIL_SCHEMES[parts.scheme]
    if default_port is None:
        return {"BACKEND": backend}
    try:
        port = parts.port or default_port
    except ValueError:
        raise ImproperlyConfigured(f"{name}: the port is not a number.") from None
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name} names no host.")
    options = {
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": tls,
        "use_ssl": ssl,
        "timeout": 20,
    }
    return {"BACKEND": backend, "OPTIONS": options}


CACHE_SCHEMES = {"redis", "rediss", "unix"}


def cache_from_url(name: str, url: str) -> dict:
    """A CACHES entry for Django's Redis backend from a URL: redis://[:password@]host:port/db,
    rediss:// for TLS, or unix:///path/to/redis.sock?db=N. Every server given the same URL
    sees the same cache. Errors never repeat the URL: it may hold a password."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in CACHE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: the scheme {parts.scheme!r} is not one of {', '.join(sorted(CACHE_SCHEMES))}"
            " (e.g. redis://127.0.0.1:6379/0)."
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ImproperlyConfigured(f"{name} names no host.")
    if parts.scheme == "unix" and not parts.path:
        raise ImproperlyConfigured(f"{name} names no socket path.")
    try:
        parts.port  # noqa: B018 (urlsplit checks the port only when asked)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: the port is not a number.") from None
    if parts.scheme != "unix" and parts.path.strip("/") and not parts.path[1:].isdigit():
        raise ImproperlyConfigured(f"{name}: the database (after the host) is not a number.")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url.strip(),
        # A Redis that stops answering fails a page in seconds, not at the proxy's timeout.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }


def code_digest(
    root: Path, folders: tuple[str, ...], suffixes: tuple[str, ...], skip: str = "", seed: str = ""
) -> str:
    """sha256 (hex) of `seed` and of the files under root/folder whose names end in one of
    `suffixes` (each file's path and bytes, in a fixed order), leaving out those under a folder
    named `skip`: any change to them gives another digest."""
    digest = hashlib.sha256(seed.encode())
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in suffixes and (not skip or skip not in path.parts):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
