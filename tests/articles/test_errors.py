"""The error pages (articles/views/errors.py, templates/404.html and the others): the site's
layout, what went wrong in words, a way back; never Django's bare defaults."""

import re
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from articles.views.errors import _story_of
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db
SLUG = "syria-ceasefire-2016"


def assert_in_layout(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert '<header class="site">' in html and "<footer" in html, html[:300]
    assert html.count("<h1") == 1
    assert re.search(rf"<h1>{re.escape(heading)}</h1>", html), html
    assert f'<a href="{reverse("articles-stories")}">All stories</a>' in html
    return html


def test_an_address_that_leads_nowhere(client):
    html = assert_in_layout(client.get("/no/such/page/"), 404, "There is no page at this address")
    assert "Back to the story" not in html


def test_a_missing_page_of_a_story_leads_back_to_the_story(client, seed_story):
    response = client.get(f"/stories/{SLUG}/events/999999/")
    html = assert_in_layout(response, 404, "There is no page at this address")
    assert f'<a href="{seed_story.get_absolute_url()}">Back to the story “' in html


def test_a_story_that_does_not_exist_gets_no_way_back_to_it(client, seed_story):
    html = assert_in_layout(client.get("/stories/nope/"), 404, "There is no page at this address")
    assert "Back to the story" not in html


def test_a_way_back_names_no_story_the_user_may_not_read(seed_story, outsider, settings):
    """With reading closed, a 404 under a story names it only to a signed-in user (the
    signed out are sent to sign in first anyway)."""
    settings.PARALLAX_OPEN_READING = False
    request = RequestFactory().get(f"/stories/{SLUG}/events/1/")
    request.user = AnonymousUser()
    assert _story_of(request) is None
    request.user = outsider
    assert _story_of(request) == seed_story


def test_an_outsider_is_told_why_and_led_back(seed_story, outsider):
    response = signed_in(outsider).get(reverse("articles-import", args=[SLUG]))
    html = assert_in_layout(response, 403, "You may not do this here")
    assert "You may not edit this story." in html
    assert f'<a href="{seed_story.get_absolute_url()}">Back to the story' in html
    assert outsider.username in html, "the page is rendered with the request: who is signed in"
    members = signed_in(outsider).get(reverse("articles-members", args=[SLUG]))
    html = assert_in_layout(members, 403, "You may not do this here")
    assert "You may not see the members of this story." in html


def test_a_request_django_refuses_gets_the_layout(client, seed_story):
    response = client.get("/", HTTP_HOST="evil.example")
    assert_in_layout(response, 400, "This request could not be understood")
    too_many = "&".join(f"x{i}=1" for i in range(1001))
    response = client.get(reverse("claims-search", args=[SLUG]) + "?" + too_many)
    assert_in_layout(response, 400, "This request could not be understood")


def test_a_server_error_renders_without_the_request_or_the_database(
    django_assert_num_queries,
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert_in_layout(response, 500, "Something went wrong on our side")


def test_a_view_that_fails_answers_the_500_page(seed_story, editor):
    client = signed_in(editor)
    client.raise_request_exception = False
    with mock.patch("articles.views.reading.render", side_effect=RuntimeError):
        response = client.get(reverse("articles-stories"))
    html = assert_in_layout(response, 500, "Something went wrong on our side")
    assert "RuntimeError" not in html


@pytest.mark.parametrize("cookie", [True, False])
def test_a_form_refused_for_its_csrf_token_says_what_to_do(seed_story, editor, cookie):
    client = Client(enforce_csrf_checks=True)
    client.login(username=editor.username, password=PASSWORD)
    if cookie:
        client.get(reverse("claims-story", args=[SLUG]))  # the page sets the CSRF cookie
        assert "csrftoken" in client.cookies
    response = client.post(reverse("claims-alias-add", args=[SLUG]), {"terms": "a, b"})
    html = assert_in_layout(response, 403, "Your form could not be sent")
    assert ("Allow cookies for this site" in html) == (not cookie)
    assert ("The page it came from is out of date" in html) == cookie
    assert f'<a href="{seed_story.get_absolute_url()}">Back to the story' in html
    assert editor.username in html
    assert not seed_story.aliases.filter(terms="a, b").exists()
