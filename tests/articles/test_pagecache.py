"""Cached pages never show a story as it was before a change, and never show one reader what
was rendered for another (articles/pagecache.py)."""

import re
from io import StringIO

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from articles.models import Role, Story
from claims.models import Claim, LinkStatus, MatchJob
from tests.claims.test_views import biggest_event, signed_in, url
from tests.conftest import PASSWORD, make_user, run_worker

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, address, **headers) -> str:
    response = client.get(address, **headers)
    assert response.status_code == 200
    return response.content.decode()


def link_row(html, link) -> str:
    return re.search(rf'<tr id="link-{link.pk}".*?</tr>', html, re.S).group(0)


def own_claims(html) -> str:
    """The event page without the claims of other events that also tell of it."""
    return re.sub(r'<h3 class="also-h">.*?</ol>', "", html, flags=re.S)


def test_a_renamed_event_shows_its_new_name_on_the_overview(client, matched_story, editor):
    event = matched_story.events.for_overview().first()

    def name_in_matrix():
        html = page(client, url("claims-story", matched_story))
        return re.search(rf'<th scope="row"><a href="[^"]*/events/{event.pk}/">(.*?)</a>', html)[1]

    assert name_in_matrix() != "The convoy strike near Aleppo"
    signed_in(editor).post(
        url("claims-event-rename", matched_story, event.pk),
        {"label": "The convoy strike near Aleppo", "version": event.version},
    )
    assert name_in_matrix() == "The convoy strike near Aleppo"


def test_a_merge_shows_the_merged_claims_on_the_event_page(client, matched_story, editor):
    event = biggest_event(matched_story)
    other = matched_story.events.exclude(pk=event.pk).order_by("id").first()
    moved = other.claims.select_related("article").first()
    # The outlet's whole column, so that the moved claim is shown however many it has.
    address = url("claims-event", matched_story, event.pk) + f"?outlet={moved.article.outlet_id}"
    assert f'id="c{moved.pk}"' not in own_claims(page(client, address))
    signed_in(editor).post(url("claims-event-merge", matched_story, event.pk), {"other": other.pk})
    after = own_claims(page(client, address))
    assert f'id="c{moved.pk}"' in after and "placed by hand" in after


def test_an_editor_sees_a_merge_made_by_another_editor(matched_story, editor):
    """The editor's event page takes its columns from the cache (the forms never): another
    editor's merge must show on it at once."""
    other_editor = make_user("second-editor", matched_story, Role.EDITOR)
    event = biggest_event(matched_story)
    other = matched_story.events.exclude(pk=event.pk).order_by("id").first()
    moved = other.claims.select_related("article").first()
    address = url("claims-event", matched_story, event.pk) + f"?outlet={moved.article.outlet_id}"
    watcher = signed_in(editor)
    before = page(watcher, address)
    assert f'id="c{moved.pk}"' not in own_claims(before) and "csrfmiddlewaretoken" in before
    signed_in(other_editor).post(
        url("claims-event-merge", matched_story, event.pk), {"other": other.pk}
    )
    assert f'id="c{moved.pk}"' in own_claims(page(watcher, address))


def test_a_confirmed_link_shows_confirmed_to_readers(client, matched_story, editor):
    event = biggest_event(matched_story)
    html = page(client, url("claims-event", matched_story, event.pk))
    link_id = int(re.search(r'<tr id="link-(\d+)" class="status-suggested[ "]', html).group(1))
    link = matched_story.links.get(pk=link_id)
    signed_in(editor).post(
        url("claims-link-decide", matched_story, link.pk), {"status": LinkStatus.CONFIRMED}
    )
    row = link_row(page(client, url("claims-event", matched_story, event.pk)), link)
    # Who decided is named to members of the story only, as in the exports.
    assert 'class="status-confirmed ' in row and "(editor)" not in row
    member = signed_in(make_user("member", matched_story, "annotator"))
    row = link_row(page(member, url("claims-event", matched_story, event.pk)), link)
    assert 'class="status-confirmed ' in row and "(editor)" in row


def test_an_annotators_label_shows_on_the_event_page(client, matched_story, annotator):
    event = biggest_event(matched_story)
    html = page(client, url("claims-event", matched_story, event.pk))
    shown = [int(i) for i in re.findall(r'<tr id="link-(\d+)" class="status-suggested[ "]', html)]
    # A link inside the event: "unrelated" rejects it, and a rejected link to a claim that only
    # also tells of the event leaves the page with that claim.
    inside = set(
        matched_story.links.filter(claim_a__event=event, claim_b__event=event).values_list(
            "pk", flat=True
        )
    )
    link_id = next(i for i in shown if i in inside)
    signed_in(annotator).post(
        reverse("claims-review-label", args=[matched_story.slug, link_id]),
        {"label": "unrelated", "note": "", "version": 0},
    )
    link = matched_story.links.get(pk=link_id)
    row = link_row(page(client, url("claims-event", matched_story, event.pk)), link)
    assert 'class="status-rejected ' in row


def test_an_import_is_found_by_search_and_counted_on_the_overview(client, matched_story, tmp_path):
    search = url("claims-search", matched_story) + "?q=Zarqawi-Tanf"
    assert "No claim contains" in page(client, search, **HTMX)
    overview = page(client, url("claims-story", matched_story))
    total = Claim.objects.filter(article__story=matched_story).count()
    assert f"{total} claims" in overview
    (tmp_path / "new.txt").write_text(
        "Fighting near Zarqawi-Tanf resumed on Tuesday.\n\nThe convoy did not move. - Agence Test"
    )
    call_command("import_articles", str(tmp_path), "--story", matched_story.slug, stdout=StringIO())
    found = re.sub(r"</?mark[^>]*>", "", page(client, search, **HTMX))  # the words marked
    assert "Fighting near Zarqawi-Tanf resumed" in found
    total_now = Claim.objects.filter(article__story=matched_story).count()
    assert total_now > total
    assert f"{total_now} claims" in page(client, url("claims-story", matched_story))


def test_matching_a_story_shows_its_events(client, seed_story):
    assert "has not been matched" in page(client, url("claims-story", seed_story))
    call_command("match_claims", "--story", seed_story.slug, stdout=StringIO())
    html = page(client, url("claims-story", seed_story))
    assert "has not been matched" not in html
    event = seed_story.events.for_overview().first()
    assert url("claims-event", seed_story, event.pk) in html


def test_the_overview_follows_a_matching_run_asked_for_in_the_browser(client, seed_story, editor):
    overview = url("claims-story", seed_story)
    assert "Matching the story again" not in page(client, overview)
    signed_in(editor).post(reverse("claims-rematch", args=[seed_story.slug]))
    assert "Matching the story again" in page(client, overview)
    run_worker()
    html = page(client, overview)
    assert "Matching the story again" not in html and "Last matched on request" in html


def test_the_overview_shows_each_step_of_a_matching_job(client, seed_story, editor):
    overview = url("claims-story", seed_story)
    job = MatchJob.objects.create(story=seed_story, created_by=editor)
    assert "(queued)" in page(client, overview)
    job.start()
    assert "(running)" in page(client, overview)
    job.finish("matched 5 articles")
    assert "Last matched on request: matched 5 articles" in page(client, overview)


def test_an_outlet_renamed_in_the_admin_shows_everywhere(client, matched_story):
    event = biggest_event(matched_story)
    outlet = event.claims.select_related("article__outlet").first().article.outlet
    assert outlet.name in page(client, url("claims-event", matched_story, event.pk))
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    admin = Client()
    admin.login(username="root", password=PASSWORD)
    response = admin.post(
        reverse("admin:articles_outlet_change", args=[outlet.pk]),
        {
            "name": "Renamed Outlet Wire",
            "slug": outlet.slug,
            "domain": outlet.domain,
            "country": outlet.country,
            "ownership": outlet.ownership,
            "notes": outlet.notes,
        },
    )
    assert response.status_code == 302
    assert "Renamed Outlet Wire" in page(client, url("claims-event", matched_story, event.pk))


def test_events_deleted_in_bulk_in_the_admin_leave_the_overview(client, matched_story):
    from claims.models import Event

    events = list(Event.objects.filter(story=matched_story).order_by("pk")[:2])
    overview = url("claims-story", matched_story)
    before = page(client, overview)
    assert all(f"/events/{event.pk}/" in before for event in events)
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    admin = Client()
    admin.login(username="root", password=PASSWORD)
    response = admin.post(
        reverse("admin:claims_event_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [e.pk for e in events],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Event.objects.filter(pk__in=[e.pk for e in events]).exists()
    after = page(client, overview)
    assert not any(f"/events/{event.pk}/" in after for event in events)


def test_editors_and_readers_each_get_their_own_markup(client, matched_story, editor):
    event = biggest_event(matched_story)
    address = url("claims-event", matched_story, event.pk)
    editor_client = signed_in(editor)
    for _ in range(2):  # the second time from the cache, if it were cached
        anonymous = page(client, address)
        editors = page(editor_client, address)
        assert "csrfmiddlewaretoken" not in anonymous
        assert "claims-link-decide" not in anonymous and "/decide/" not in anonymous
        assert "/decide/" in editors and "Edit this event" in editors
        # Every form an editor gets carries the token of the editor's own page.
        token = re.search(r'"X-CSRFToken": "([^"]+)"', editors).group(1)
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', editors))
        assert tokens == {token}


def test_an_older_copy_of_a_story_saved_again_does_not_move_its_revision_back(matched_story):
    stale = Story.objects.get(pk=matched_story.pk)
    Story.objects.filter(pk=matched_story.pk).touch()
    revision = Story.objects.get(pk=matched_story.pk).revision
    stale.title = "A new title"
    stale.save()
    fresh = Story.objects.get(pk=matched_story.pk)
    assert fresh.revision == revision and fresh.title == "A new title"


def test_readers_without_an_account_share_the_page_but_not_its_nonce(client, matched_story):
    address = url("claims-event", matched_story, biggest_event(matched_story).pk)
    nonces = set()
    for n in range(3):
        response = client.get(address)
        html = response.content.decode()
        header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert set(re.findall(r'nonce="([^"]+)"', html)) == {header}
        assert "\x00" not in html
        # Nothing that posts, so no CSRF token and no cookie for a reader without an account.
        assert "X-CSRFToken" not in html and "csrfmiddlewaretoken" not in html
        assert not response.cookies
        assert (response.context is None) == (n > 0)  # rendered once, then from the cache
        nonces.add(header)
    assert len(nonces) == 3


def test_signed_in_users_and_readers_with_a_message_get_their_own_page(client, matched_story):
    address = url("claims-story", matched_story)
    anonymous = page(client, address)
    assert "Sign in" in anonymous and "Sign out" not in anonymous
    reader = get_user_model().objects.create_user("reader", password=PASSWORD)
    theirs = page(signed_in(reader), address)
    assert "reader" in theirs and "Sign out" in theirs and '"X-CSRFToken"' in theirs

    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(messages.INFO, "Your import was queued.")
    response = HttpResponse()
    storage.update(response)
    with_message = Client()
    with_message.cookies[CookieStorage.cookie_name] = response.cookies[
        CookieStorage.cookie_name
    ].value
    assert "Your import was queued." in page(with_message, address)
    assert "Your import was queued." not in page(Client(), address)


def test_each_page_keeps_its_own_sign_in_link(client, matched_story):
    for address in (url("claims-story", matched_story), url("claims-search", matched_story)):
        for _ in range(2):
            html = page(client, address + "?q=convoy")
            assert f'?next={address}%3Fq%3Dconvoy"' in html


def test_fragment_and_page_of_one_address_are_told_apart_by_caches(client, matched_story):
    """Search answers htmx with a fragment and a browser with the whole page at one URL: a
    browser or proxy cache must not hand one for the other."""
    address = url("claims-search", matched_story) + "?q=convoy"
    whole = client.get(address)
    fragment = client.get(address, headers={"HX-Request": "true"})
    assert b"<html" in whole.content and b"<html" not in fragment.content
    for response in (whole, fragment, client.get(address)):  # the last one from the cache
        assert "HX-Request" in response["Vary"]


def test_made_up_addresses_do_not_fill_the_page_cache(client, matched_story):
    from django.core.cache import caches

    pages = caches["pages"]
    address = url("claims-story", matched_story)
    client.get(address)
    kept = len(pages._cache)
    for n in range(20):
        assert client.get(f"{address}?junk={n}").status_code == 200
        assert client.get(f"{address}?page=1&page={n}").status_code == 200
    assert len(pages._cache) == kept  # rendered, shown, not kept
    assert client.get(address + "?page=2").status_code == 200
    assert len(pages._cache) == kept + 1  # a parameter the page reads: kept
