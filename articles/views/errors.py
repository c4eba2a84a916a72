"""The error pages (config/urls.py's handlers, settings.CSRF_FAILURE_VIEW): the site's layout,
what went wrong in words, and a way back. A 500 is Django's own view with templates/500.html,
rendered without the request or the database."""

import re

from django.db import DatabaseError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render

from articles.access import READ, can
from articles.models import Story

STORY_PATH = re.compile(r"^/stories/(?P<slug>[-\w]+)/")


def not_found(request, exception=None):
    return _error(request, "404.html", 404)


def forbidden(request, exception=None):
    # The message is ours (articles/access.py), never what the request sent.
    return _error(request, "403.html", 403, exception=str(exception or ""))


def bad_request(request, exception=None):
    # The request may be one Django refuses (a host not allowed): nothing read from it.
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    return _error(request, "403_csrf.html", 403, no_cookie=reason == REASON_NO_CSRF_COOKIE)


def _error(request, template, status, **context):
    context["way_back_story"] = _story_of(request)
    return render(request, template, context, status=status)


def _story_of(request) -> Story | None:
    """The story whose address the request was under, when the user may read it."""
    found = STORY_PATH.match(request.path_info)
    if not found:
        return None
    try:
        story = Story.objects.filter(slug=found["slug"]).first()
    except DatabaseError:  # the page says what it can without it
        return None
    return story if story and can(request.user, story, READ) else None
