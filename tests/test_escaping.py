"""Nothing a user sends comes back unescaped. A script in each field of each form of the site
is posted (as a page and as htmx, signed in with the rights the view needs) and put in each
GET filter; then every page is read again, where what was saved is shown. A form that does
not validate comes back on the form, in the site's layout (a fragment for htmx); a bare error
answer is text/plain.

The tables below list every URL of the site but the admin's (Django's own forms): a new POST
view or page that is not in them fails `test_every_view_is_in_the_payload_tables`."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from articles import forms as articles_forms
from articles import members
from articles.details import ArticleDetails
from articles.forms import (
    ArticleDetailsForm,
    ImportForm,
    OutletDetailsForm,
    OutletMergeForm,
    StoryForm,
)
from claims.actions import editing
from claims.actions import framing as framing_data
from claims.exchange.export import TABLES
from claims.forms import (
    AdjudicateForm,
    AgreementFilterForm,
    AliasForm,
    AssignForm,
    BlindReviewForm,
    BulkDecideForm,
    ClaimSelectForm,
    DecideForm,
    DiscrepancyDecideForm,
    DiscrepancyQueueForm,
    GuidelinesForm,
    LabelForm,
    MergeForm,
    MoveClaimsForm,
    OutletColumnForm,
    RenameForm,
    ReviewForm,
    SearchForm,
    UndoForm,
)
from claims.models import Discrepancy, Event, Link
from tests.conftest import PASSWORD, run_worker

SCRIPT = "<script>alert(1)</script>"
# An uploaded file's name loses all up to its last "/": files are named with this one.
IMG = "<img src=x onerror=alert(1)>"
PAYLOADS = (SCRIPT, IMG)
HTMX = {"HTTP_HX_REQUEST": "true"}
# What a download may be: never read as HTML (SecurityMiddleware sends nosniff).
NOT_HTML = (
    "text/plain",
    "text/csv",
    "application/json",
    "application/ld+json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

# Every view that takes a POST: the form whose every field gets the payload in turn (None: the
# view reads no field; it gets one it does not know), and fields the view reads beside it.
POSTS = {
    "claims-event-rename": RenameForm,
    "claims-event-merge": MergeForm,
    "claims-event-move": MoveClaimsForm,
    "claims-link-decide": DecideForm,
    "claims-event-decide-all": BulkDecideForm,
    "claims-claim-decide-all": BulkDecideForm,
    "claims-edit-undo": None,
    "claims-review-label": LabelForm,
    "claims-review-undo": UndoForm,
    "claims-adjudicate": AdjudicateForm,
    "claims-discrepancy-decide": DiscrepancyDecideForm,
    "claims-alias-add": AliasForm,
    "claims-guidelines": GuidelinesForm,
    "claims-assign": AssignForm,
    "claims-blind-review": BlindReviewForm,
    "claims-rematch": None,
    "articles-story-create": StoryForm,
    "articles-import": ImportForm,
    "articles-invite": articles_forms.InviteForm,
    "articles-member-role": articles_forms.RoleForm,
    "articles-member-remove": None,
    "articles-invitation-revoke": None,
    "articles-invitation": articles_forms.SignupForm,
    "articles-signup": articles_forms.SignupForm,
    "articles-article-details": ArticleDetailsForm,
    "articles-outlet": OutletDetailsForm,
    "articles-outlet-merge": OutletMergeForm,
    "login": AuthenticationForm,
    "logout": None,
    "password_change": PasswordChangeForm,
    "password_reset": PasswordResetForm,
    "password_reset_confirm": SetPasswordForm,
}
EXTRA_FIELDS = {"login": ("next",)}

# Every page (GET): the query parameters it reads, by its filter form or by name.
GETS = {
    "articles-stories": (),
    "articles-story": ("page",),
    "articles-detail": tuple(ClaimSelectForm.base_fields),
    "articles-original": (),
    "articles-story-create": (),
    "articles-import": (),
    "articles-import-status": (),
    "articles-members": (),
    "articles-invitation": (),
    "articles-signup": (),
    "articles-article-details": (),
    "articles-outlet": (),
    "articles-health": (),
    "claims-story": ("page", "outlets"),
    "claims-search": tuple(SearchForm.base_fields),
    "claims-match-status": (),
    "claims-event": tuple(OutletColumnForm.base_fields),
    "claims-event-framing": (),
    "claims-event-report": (),
    "claims-outlet": ("page",),
    "claims-discrepancies": tuple(DiscrepancyQueueForm.base_fields),
    "claims-context": (),
    "claims-matches": (),
    "claims-pair": (),
    "claims-review": tuple(ReviewForm.base_fields),
    "claims-review-context": (),
    "claims-review-setup": (),
    "claims-agreement": tuple(AgreementFilterForm.base_fields),
    "claims-export-json": (),
    "claims-export-jsonld": (),
    "claims-export-csv": (),
    "claims-export-xlsx": (),
    "login": ("next",),
    "password_change": (),
    "password_change_done": (),
    "password_reset": (),
    "password_reset_done": (),
    "password_reset_confirm": (),
    "password_reset_complete": (),
}


def site_urls() -> dict[str, URLPattern]:
    """Every named URL of the site, the admin's left out."""
    found = {}

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "admin":
                    walk(p.url_patterns)
            else:
                assert p.name, f"a URL without a name: {p.pattern}"
                found[p.name] = p

    walk(get_resolver().url_patterns)
    return found


def address(name: str, o) -> str:
    """The URL named `name` for the objects of `o`."""
    s = o.story.slug
    args = {
        "articles-story": [s],
        "articles-detail": [s, o.article.pk],
        "articles-original": [s, o.article.pk],
        "articles-import": [s],
        "articles-import-status": [s, o.import_job.pk] if o.import_job else None,
        "articles-members": [s],
        "articles-invite": [s],
        "articles-member-role": [s, o.membership.pk],
        "articles-member-remove": [s, o.membership.pk],
        "articles-invitation-revoke": [s, o.invitation.pk],
        "articles-invitation": [o.invitation_token],
        "articles-article-details": [s, o.article.pk],
        "articles-outlet": [s, o.article.outlet.slug],
        "articles-outlet-merge": [s, o.article.outlet.slug],
        "claims-story": [s],
        "claims-search": [s],
        "claims-alias-add": [s],
        "claims-blind-review": [s],
        "claims-rematch": [s],
        "claims-match-status": [s, o.match_job.pk] if o.match_job else None,
        "claims-event": [s, o.event.pk],
        "claims-event-framing": [s, o.event.pk],
        "claims-event-report": [s, o.event.pk],
        "claims-event-rename": [s, o.event.pk],
        "claims-event-merge": [s, o.event.pk],
        "claims-event-move": [s, o.event.pk],
        "claims-outlet": [s, o.article.outlet.slug],
        "claims-discrepancies": [s],
        "claims-discrepancy-decide": [s, o.discrepancy.pk],
        "claims-context": [s, o.claim.pk],
        "claims-matches": [s, o.claim.pk],
        "claims-pair": [s, o.link.pk],
        "claims-link-decide": [s, o.link.pk],
        "claims-event-decide-all": [s, o.event.pk],
        "claims-claim-decide-all": [s, o.claim.pk],
        "claims-edit-undo": [s, o.edit.pk] if o.edit else None,
        "claims-review": [s],
        "claims-review-undo": [s],
        "claims-review-label": [s, o.link.pk],
        "claims-review-context": [s, o.link.pk],
        "claims-review-setup": [s],
        "claims-guidelines": [s],
        "claims-assign": [s],
        "claims-agreement": [s],
        "claims-adjudicate": [s, o.link.pk],
        "claims-export-json": [s],
        "claims-export-jsonld": [s],
        "claims-export-csv": [s, TABLES[0]],
        "claims-export-xlsx": [s],
        "password_reset_confirm": [o.uid, o.token],
    }.get(name, [])
    assert args is not None, f"nothing to read at {name} yet"
    return reverse(name, args=args)


def objects(story, editor, **more) -> SimpleNamespace:
    """What the URLs name: the story's objects, those with a payload saved first."""
    link = (
        Link.objects.filter(story=story, annotations__note__contains="<").first()
        or Link.objects.filter(story=story).order_by("-score").first()
    )
    article = story.articles.order_by("-pk").first()  # the imported one, when there is one
    invitation, token = members.invite(story, "annotator", editor, 7)
    return SimpleNamespace(
        story=story,
        event=story.events.filter(label__contains="<").first() or story.events.first(),
        other_event=story.events.order_by("-pk").first(),
        link=link,
        claim=article.claims.first() or link.claim_a,
        article=article,
        discrepancy=Discrepancy.objects.filter(story=story).first(),
        edit=story.edits.order_by("-pk").first(),
        import_job=story.import_jobs.first(),
        match_job=story.match_jobs.first(),
        membership=story.memberships.filter(user=editor).first(),
        invitation=invitation,
        invitation_token=token,
        uid=urlsafe_base64_encode(force_bytes(editor.pk)),
        token=default_token_generator.make_token(editor),
        **more,
    )


def valid_data(name: str, o) -> dict:
    """Values that pass the view's form: each field's payload is then the only odd thing."""
    claim = o.event.claims.first()
    return {
        "claims-event-rename": {"label": "A new name", "version": o.event.version},
        "claims-event-merge": {"other": o.other_event.pk},
        "claims-event-move": {"claims": [claim.pk], "target": "new"},
        "claims-link-decide": {"status": "confirmed"},
        "claims-event-decide-all": {"status": "confirmed", "shown": shown_links(o.event)},
        "claims-claim-decide-all": {"status": "rejected", "shown": shown_links(o.claim)},
        "claims-review-label": {"label": "agrees", "note": "", "version": 0, "order": "event"},
        "claims-review-undo": {"order": "event"},
        "claims-adjudicate": {"label": "agrees", "note": "", "version": 0},
        "claims-discrepancy-decide": {"status": "confirmed"},
        "claims-alias-add": {"terms": "Daesh, ISIS"},
        "claims-guidelines": {"guidelines": "Read both claims."},
        "claims-assign": {"annotators": [o.membership.user_id], "overlap": 0, "scope": "all"},
        "claims-blind-review": {"mode": "on"},
        "articles-story-create": {"title": "A story", "slug": "", "description": ""},
        "articles-import": {
            "outlet": "",
            "text": "The convoy was hit near Aleppo on Monday, the UN said.",
            "text_title": "",
            "text_outlet": "",
        },
        "articles-article-details": {
            "outlet": o.article.outlet.name,
            "title": "A title",
            "published": "2016-09-20",
            "byline": "",
            "loaded": ArticleDetails.of(o.article).version(),
        },
        "articles-outlet": {"country": "", "ownership": "", "domain": ""},
        "articles-invite": {"role": "annotator", "email": "", "days": 7},
        "articles-member-role": {"role": "editor"},
        "articles-invitation": NEW_ACCOUNT,
        "articles-signup": NEW_ACCOUNT,
        "login": {"username": "editor", "password": PASSWORD, "next": "/"},
        "password_change": {
            "old_password": PASSWORD,
            "new_password1": "Another-passphrase-9",
            "new_password2": "Another-passphrase-9",
        },
        "password_reset": {"email": "editor@example.org"},
        "password_reset_confirm": {
            "new_password1": "Another-passphrase-9",
            "new_password2": "Another-passphrase-9",
        },
    }.get(name, {})


def shown_links(of) -> str:
    """What a page that lists the suggested links of an event or a claim sends back."""
    links = editing.event_links(of) if isinstance(of, Event) else editing.claim_links(of)
    return editing.shown(editing.suggested(links))


NEW_ACCOUNT = {
    "username": "newcomer",
    "email": "",
    "password1": "Another-passphrase-9",
    "password2": "Another-passphrase-9",
}


def payload_posts(name: str, o) -> list[dict]:
    """What is posted to the view: its valid values with the payload in one field, each field
    in turn, and posts that carry the payload where only a valid value can take it."""
    form = POSTS[name]
    fields = (*(form.base_fields if form else ()), *EXTRA_FIELDS.get(name, ()))
    base = valid_data(name, o)
    posts = [{**base, field: SCRIPT} for field in fields] or [{"unknown": SCRIPT}]
    if name == "articles-import":
        # A file's name and its text; a file the importer refuses, reported by name; two
        # files of one name, which the form names in its error.
        uploads = [SimpleUploadedFile(f"{IMG}.txt", SCRIPT.encode())]
        uploads.append(SimpleUploadedFile(f"{IMG}.pdf", b"%PDF-1.4"))
        posts.append({**base, "files": uploads})
        twice = [SimpleUploadedFile(f"{IMG}.txt", b"One."), SimpleUploadedFile(f"{IMG}.txt", b"2")]
        posts.append({**base, "files": twice})
        posts.append({**base, "text_title": SCRIPT, "outlet": SCRIPT, "text": SCRIPT + " said."})
    if name == "claims-alias-add":
        posts.append({"terms": f"Daesh, {SCRIPT}"})
    return posts


def problems_with(response, what: str, htmx: bool) -> list[str]:
    """What is wrong with one answer: a payload unescaped in HTML, a 5xx, a form error that is
    neither in the site's layout nor a fragment htmx swaps in, a download read as HTML."""
    found = []
    body = response.content.decode(errors="replace")
    content_type = response.get("Content-Type", "")
    status = response.status_code
    if status >= 500:
        found.append(f"{what}: {status}")
    if content_type.startswith("text/html"):
        found += [f"{what}: {p} unescaped ({status})" for p in PAYLOADS if p in body]
        if status == 400 and (htmx or '<header class="site">' not in body):
            found.append(f"{what}: a bare 400 (htmx swaps in only a 422; a page has the layout)")
        if status == 422 and (not htmx or "<html" in body):
            found.append(f"{what}: 422 is for an htmx fragment")
    elif content_type.split(";")[0] in NOT_HTML:
        if response.get("X-Content-Type-Options") != "nosniff":
            found.append(f"{what}: {content_type} without nosniff")
    elif body:
        found.append(f"{what}: answered {content_type!r}")
    return found


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_all(story, editor) -> list[str]:
    found = []
    editor_client = signed_in(editor)
    editor_client.get(reverse("claims-discrepancies", args=[story.slug]))  # finds them
    assert Discrepancy.objects.filter(story=story).exists(), "no discrepancy to decide"
    for name in POSTS:
        for htmx in (False, True):
            o = objects(story, editor)
            for data in payload_posts(name, o):
                # Signing in and out on a client of its own; the other posts share one.
                client = editor_client if name not in ("logout", "login") else signed_in(editor)
                url = address(name, o)
                if name == "password_reset_confirm":  # the e-mailed link leads to the form
                    chain = client.get(url, follow=True).redirect_chain
                    assert chain, "the password reset link was refused"
                    url = chain[-1][0]
                headers = HTMX if htmx else {}
                response = client.post(url, data, follow=not htmx, **headers)
                fields = ", ".join(k for k, v in data.items() if SCRIPT in str(v) or k == "files")
                what = f"POST {name} [{fields}]{' htmx' if htmx else ''}"
                found += problems_with(response, what, htmx)
    return found


def get_all(story, editor) -> list[str]:
    found = []
    o = objects(story, editor)
    for who, client in (("editor", signed_in(editor)), ("reader", Client())):
        for name, fields in GETS.items():
            url = address(name, o)
            queries = [""] + [f"?{field}={SCRIPT}" for field in fields or ("unknown",)]
            for query in queries:
                for htmx in (False, True):
                    response = client.get(url + query, follow=True, **(HTMX if htmx else {}))
                    what = f"GET {name}{query} as {who}{' htmx' if htmx else ''}"
                    found += problems_with(response, what, htmx)
    return found


@pytest.mark.django_db
def test_every_view_is_in_the_payload_tables(editor):
    """A view that takes a POST is in POSTS (a POST to any other is refused with 405, so none
    is left out unseen); every page is in GETS with the query parameters it reads."""
    urls = site_urls()
    assert set(POSTS) <= set(urls) and set(GETS) <= set(urls)
    missing = sorted(set(urls) - set(POSTS) - set(GETS))
    assert not missing, f"in neither POSTS nor GETS: {missing}"
    client = signed_in(editor)
    for name, pattern in urls.items():
        if name in POSTS:
            continue
        dummy = {key: "nope" if key.endswith("slug") else 1 for key in pattern.pattern.converters}
        if name == "claims-export-csv":
            dummy["table"] = TABLES[0]
        response = client.post(reverse(name, kwargs=dummy), {"x": SCRIPT})
        assert response.status_code == 405, f"{name} takes a POST: add it to POSTS"


@pytest.mark.slow
@pytest.mark.django_db
def test_no_answer_echoes_a_script_unescaped(matched_story, editor):
    found = post_all(matched_story, editor)
    run_worker()  # the imports and the re-match asked for: what they saved is shown next
    assert matched_story.articles.filter(title=SCRIPT).exists(), "the import saved no payload"
    assert matched_story.events.filter(label=SCRIPT).exists(), "no event named with a payload"
    found += get_all(matched_story, editor)
    assert not found, "\n".join(found)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("claims-link-decide", {"status": SCRIPT}, 'id="link-'),
        ("claims-review-label", {"label": SCRIPT, "version": 0}, 'id="review-panel"'),
        ("claims-event-move", {"claims": [SCRIPT], "target": SCRIPT}, 'id="event-body"'),
        ("claims-event-rename", {"label": "x", "version": SCRIPT}, 'id="event-heading"'),
        ("claims-adjudicate", {"label": SCRIPT, "version": 0}, 'id="link-'),
        ("claims-alias-add", {"terms": "ISIS"}, 'id="aliases"'),
        ("claims-discrepancy-decide", {"status": SCRIPT}, 'id="review-panel"'),
    ],
)
def test_a_form_that_does_not_validate_comes_back_on_the_form(
    matched_story, editor, name, data, fragment
):
    """The defects of issue 17 (9): each of these answered its errors as a bare text/html 400,
    echoing the script; now the page (400) or, for htmx, the fragment it swaps (422)."""
    framing_data.frame_story(matched_story)
    url = address(name, objects(matched_story, editor))
    client = signed_in(editor)
    page = client.post(url, data)
    html = page.content.decode()
    assert page.status_code == 400
    assert '<header class="site">' in html and fragment in html
    assert 'class="errorlist" role="alert"' in html
    assert SCRIPT not in html
    if "status" in data or data.get("label") == SCRIPT:
        assert "&lt;script&gt;alert(1)&lt;/script&gt; is not one of the available" in html
    swap = client.post(url, data, **HTMX)
    html = swap.content.decode()
    assert swap.status_code == 422
    assert "<html" not in html and fragment in html and 'class="errorlist"' in html
    assert SCRIPT not in html


def test_htmx_swaps_in_a_422_and_no_other_4xx():
    """What test_a_form_that_does_not_validate_comes_back_on_the_form relies on."""
    import json
    import re

    from django.template.loader import get_template

    source = get_template("base.html").template.source
    config = json.loads(re.search(r"name=\"htmx-config\" content='([^']+)'", source).group(1))
    rules = config["responseHandling"]

    def first(status):
        return next(r for r in rules if re.fullmatch(r["code"], str(status)))

    assert first(422)["swap"] is True and first(422)["error"] is False
    assert first(400)["swap"] is False and first(403)["swap"] is False
