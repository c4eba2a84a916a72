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
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from articles.models import Story


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
