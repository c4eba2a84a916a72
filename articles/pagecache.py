"""The costly parts of a story's pages (the overview's matrix, an event's columns and links, the
reader's text, search results), rendered once per revision of the story and then served from
Django's cache, with the few rows the rest of the page shows (an event's name, the latest
edits), so that a cached page costs one query: the story's.

A story's `revision` goes up (`StoryQuerySet.touch`) with every write that changes what its
pages show: an import, a matching run, each edit, label, adjudication and alias, and every
change made in the admin (see `claims/apps.py` and `articles/apps.py` for the signals, and the
importer and tasks for the direct calls). The revision is part of every key, so a change makes
the old fragments unreachable at once; they expire from the cache on their own.

Two rules keep a cached fragment safe to hand to anyone who asks for it:
- it is rendered without the request, so no CSRF token, user name or message can be in it,
  only what its context holds;
- it is only cached for readers who see no edit controls (the key says so too); editors get
  their fragments rendered afresh, with their forms and tokens.

The view reads the story (and its revision) before anything it renders: a write that commits
in between then lands under a newer revision than the one the fragment is cached as.

Readers without an account, the most numerous, get the whole page from the cache (`page`):
it is the same for all of them but for the CSP nonce, which is put back fresh into every
copy served. Only a request that carries no session and no message is served so, and only a
page that set no cookie, used no CSRF token and showed no message is kept. Its times ("5
minutes ago") are kept for a minute at most: the minute is part of the key.
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import patch_vary_headers

from articles.models import Story

PAGE_SECONDS = 60
PAGES = "pages"  # whole pages have a cache of their own: they cannot push fragments out
# Stands for the CSP nonce in a cached page; each copy served gets its own nonce in its place.
NONCE = b"\x00csp-nonce\x00"


def key(story: Story, name: str, *params) -> str:
    # created_at tells apart a story from one deleted before it that had the same id.
    identity = f"{story.pk}:{story.created_at.timestamp()}:{story.revision}:{name}:{params!r}"
    return "parallax:page:" + hashlib.sha256(identity.encode()).hexdigest()


def fragment(story: Story, name: str, params: tuple, render: Callable[[], object]):
    """What `render()` returns for this story at its revision, from the cache when it is
    there. `params` is everything else the result depends on (ids, page numbers, the viewer's
    role); `render` must not use the request."""
    k = key(story, name, *params)
    value = cache.get(k)
    if value is None:
        value = render()
        cache.set(k, value)
    return value


def page(
    request, story: Story, render: Callable[[], HttpResponse], params: tuple[str, ...] = ()
) -> HttpResponse:
    """The response `render()` gives, from the cache for readers without an account (the
    same page for all of them, fresh nonce aside); `render` itself for everyone else.
    `params` are the query parameters the page reads: an address with any other (or one twice)
    is rendered and not kept, so that made-up addresses cannot fill the cache."""
    if not _anonymous_without_messages(request) or not _only(request, params):
        return _varied(render())
    minute = int(time.time() // PAGE_SECONDS)
    k = key(story, "page", request.get_full_path(), bool(request.htmx), minute)
    pages = caches[PAGES]
    if (cached := pages.get(k)) is not None:
        content, content_type = cached
        if NONCE in content:
            content = content.replace(NONCE, str(get_nonce(request)).encode())
        return _varied(HttpResponse(content, content_type=content_type))
    response = _varied(render())
    if _same_for_every_reader(request, response):
        content = response.content
        if nonce := get_nonce(request):  # false when the page used none
            content = content.replace(str(nonce).encode(), NONCE)
        pages.set(k, (content, response["Content-Type"]), PAGE_SECONDS)
    return response


def _only(request, params: tuple[str, ...]) -> bool:
    query = request.GET
    return all(name in params and len(query.getlist(name)) == 1 for name in query)


def _varied(response: HttpResponse) -> HttpResponse:
    """One URL answers htmx with a fragment and a browser with the page, and readers without an
    account with a copy for all: caches in between must tell them apart."""
    patch_vary_headers(response, ("HX-Request", "Cookie"))
    return response


def _anonymous_without_messages(request) -> bool:
    # Without a session cookie nobody is signed in and no message waits in the session.
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
        and not request.user.is_authenticated
    )


def _same_for_every_reader(request, response) -> bool:
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # set by every get_token()
        and not (messages and (messages._queued_messages or messages.used))
    )
