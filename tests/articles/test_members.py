"""Members in the app: a story's Members page, invitations by one-time link and accepting
them, role changes and removal, sign-up, password change and reset."""

import hashlib
import re
from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import members
from articles.models import Invitation, Membership, Role, Story
from config.env import email_from_url
from tests.conftest import PASSWORD, make_user, signed_in

pytestmark = pytest.mark.django_db
User = get_user_model()
CONSOLE = "django.core.mail.backends.console.EmailBackend"
LOGIN_REQUIRED = "django.contrib.auth.middleware.LoginRequiredMiddleware"
NEW_PASSWORD = "a-new-and-long-passphrase-7"


@pytest.fixture
def story():
    return Story.objects.create(slug="convoy", title="The aid convoy")


@pytest.fixture
def people(story):
    """An editor, an annotator and an outsider of the story."""
    return {
        "editor": make_user("edna", story, Role.EDITOR),
        "annotator": make_user("anna", story, Role.ANNOTATOR),
        "outsider": make_user("otto"),
    }


def url(name, story, *args):
    return reverse(name, args=[story.slug, *args])


def make_invitation(story, by, role=Role.ANNOTATOR, days=7) -> str:
    return members.invite(story, role, by, days)[1]


def invitation_url(token):
    return reverse("articles-invitation", args=[token])


def link_in(html: str) -> str:
    return re.search(
        r'id="invitation-link" class="invitation-link" readonly value="([^"]+)"', html
    )[1]


# -- the Members page -------------------------------------------------------------------------


def test_members_see_the_list_and_only_editors_the_forms(client, story, people):
    assert client.get(url("articles-members", story)).status_code == 302
    assert signed_in(people["outsider"]).get(url("articles-members", story)).status_code == 403

    html = signed_in(people["annotator"]).get(url("articles-members", story)).content.decode()
    assert "edna" in html and "anna" in html
    assert "Editor (imports" in html
    assert "Change role" not in html and "Make an invitation link" not in html

    html = signed_in(people["editor"]).get(url("articles-members", story)).content.decode()
    assert html.count("Change role") == 2 and html.count(">Remove<") == 2
    assert "Make an invitation link" in html
    assert html.count("<h1") == 1


def test_the_members_page_query_count_does_not_grow(story, people):
    client = signed_in(people["editor"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("articles-members", story)).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        make_user(f"member{n}", story, Role.ANNOTATOR)
        make_invitation(story, people["editor"])
    assert count() == few


def test_the_story_tabs_offer_members_to_signed_in_users(client, story, people):
    assert "/members/" not in client.get(url("articles-story", story)).content.decode()
    html = signed_in(people["annotator"]).get(url("articles-story", story)).content.decode()
    assert url("articles-members", story) in html


# -- inviting ---------------------------------------------------------------------------------


def test_an_editor_makes_a_link_shown_once_whose_token_is_stored_only_hashed(story, people):
    client = signed_in(people["editor"])
    response = client.post(url("articles-invite", story), {"role": "editor", "days": "3"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    link = link_in(response.content.decode())
    assert link.startswith("http://testserver/invite/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert invitation.role == "editor" and invitation.created_by == people["editor"]
    assert timedelta(days=3) - (invitation.expires_at - timezone.now()) < timedelta(minutes=1)
    assert token not in str(list(Invitation.objects.values()))
    # Listed as pending, with no link: the link is never shown again.
    html = client.get(url("articles-members", story)).content.decode()
    assert f'id="invitation-{invitation.pk}"' in html
    assert token not in html


def test_the_default_expiry_is_seven_days(story, people):
    html = signed_in(people["editor"]).get(url("articles-members", story)).content.decode()
    assert 'name="days" value="7"' in html


def test_inviting_needs_an_editor(client, story, people):
    data = {"role": "editor", "days": "7"}
    assert client.post(url("articles-invite", story), data).status_code == 302
    for who in ("outsider", "annotator"):
        assert signed_in(people[who]).post(url("articles-invite", story), data).status_code == 403
    assert not Invitation.objects.exists()


def test_a_bad_invitation_form_is_refused_with_its_errors(story, people):
    response = signed_in(people["editor"]).post(
        url("articles-invite", story), {"role": "owner", "days": "0", "email": "not-an-address"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html and "greater than or equal to 1" in html
    assert "Enter a valid email address" in html
    assert not Invitation.objects.exists()


def test_a_bad_invitation_form_sent_by_htmx_comes_back_as_the_panel(story, people):
    response = signed_in(people["editor"]).post(
        url("articles-invite", story), {"role": "editor", "days": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="members-panel"' in html and "<html" not in html
    assert "greater than or equal to 1" in html


def test_with_email_configured_the_link_is_also_mailed(story, people):
    # pytest-django's test settings use the locmem backend: a real delivery as far as we know.
    response = signed_in(people["editor"]).post(
        url("articles-invite", story), {"role": "annotator", "days": "7", "email": "z@ex.org"}
    )
    link = link_in(response.content.decode())
    assert "Also mailed to z@ex.org" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["z@ex.org"]
    assert link in message.body and "The aid convoy" in message.subject
    assert Invitation.objects.get().email == "z@ex.org"


@override_settings(MAILERS={"default": {"BACKEND": CONSOLE}})
def test_without_email_the_link_is_only_shown(story, people):
    client = signed_in(people["editor"])
    assert (
        "This server sends no email" in client.get(url("articles-members", story)).content.decode()
    )
    response = client.post(
        url("articles-invite", story), {"role": "annotator", "days": "7", "email": "z@ex.org"}
    )
    html = response.content.decode()
    assert link_in(html)
    assert "Not mailed to z@ex.org" in html
    assert not mail.outbox
    assert Invitation.objects.get().email == ""


def test_a_failed_mail_still_shows_the_link(story, people):
    with mock.patch("articles.members.send_mail", side_effect=SMTPException("relay refused")):
        response = signed_in(people["editor"]).post(
            url("articles-invite", story), {"role": "annotator", "days": "7", "email": "z@ex.org"}
        )
    html = response.content.decode()
    assert response.status_code == 200 and link_in(html)
    assert "could not be mailed to z@ex.org (relay refused)" in html
    assert Invitation.objects.get().email == ""


def test_revoking_needs_an_editor_and_kills_the_link(client, story, people):
    token = make_invitation(story, people["editor"])
    invitation = Invitation.objects.get()
    revoke = url("articles-invitation-revoke", story, invitation.pk)
    assert client.post(revoke).status_code == 302
    for who in ("outsider", "annotator"):
        assert signed_in(people[who]).post(revoke).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None

    response = signed_in(people["editor"]).post(revoke, follow=True)
    assert "its link no longer works" in response.content.decode()
    assert f'id="invitation-{invitation.pk}"' not in response.content.decode()
    response = signed_in(people["outsider"]).get(invitation_url(token))
    assert response.status_code == 410
    assert "revoked" in response.content.decode()


def test_an_invitation_of_another_story_cannot_be_revoked_from_this_one(story, people):
    other = Story.objects.create(slug="other", title="Other")
    members.invite(other, Role.ANNOTATOR, None, 7)
    pk = Invitation.objects.get().pk
    response = signed_in(people["editor"]).post(
        url("articles-invitation-revoke", story, pk), follow=True
    )
    assert "already used or revoked" in response.content.decode()
    assert Invitation.objects.get().revoked_at is None


# -- accepting --------------------------------------------------------------------------------


def test_the_link_shows_the_story_and_role(client, story, people):
    token = make_invitation(story, people["editor"], Role.EDITOR)
    html = client.get(invitation_url(token)).content.decode()
    assert "The aid convoy" in html and "Editor (imports" in html
    assert "edna invites you" in html
    assert f"/accounts/login/?next=/invite/{token}/" in html
    assert html.count("<h1") == 1


def test_a_signed_in_user_accepts_once(story, people):
    token = make_invitation(story, people["editor"])
    outsider = signed_in(people["outsider"])
    response = outsider.post(invitation_url(token))
    assert response.status_code == 302 and response.url == story.get_absolute_url()
    assert Membership.objects.get(story=story, user=people["outsider"]).role == "annotator"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == people["outsider"] and invitation.accepted_at
    # Now a member: the Members page opens.
    assert outsider.get(url("articles-members", story)).status_code == 200

    again = make_user("ivy")
    response = signed_in(again).post(invitation_url(token))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not Membership.objects.filter(user=again).exists()


def test_accepting_raises_a_role_and_never_lowers_it(story, people):
    signed_in(people["annotator"]).post(invitation_url(make_invitation(story, None, Role.EDITOR)))
    assert Membership.objects.get(user=people["annotator"]).role == "editor"

    client = signed_in(people["editor"])
    token = make_invitation(story, None, Role.ANNOTATOR)
    assert "accepting keeps that role" in client.get(invitation_url(token)).content.decode()
    client.post(invitation_url(token))
    assert Membership.objects.get(user=people["editor"]).role == "editor"
    assert Membership.objects.filter(story=story).count() == 2


def test_expired_and_unknown_links_get_a_clear_page(client, story, people):
    token = make_invitation(story, people["editor"])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(invitation_url(token))
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert signed_in(people["outsider"]).post(invitation_url(token)).status_code == 410
    response = client.get(invitation_url("not-a-token"))
    assert response.status_code == 410 and "not valid" in response.content.decode()
    assert not Membership.objects.filter(user=people["outsider"]).exists()


def test_a_visitor_makes_an_account_on_the_invitation_even_with_sign_up_closed(client, story):
    assert not settings.PARALLAX_OPEN_SIGNUP
    token = make_invitation(story, None, Role.EDITOR)
    data = {"username": "nadia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post(invitation_url(token), data)
    assert response.status_code == 302
    nadia = User.objects.get(username="nadia")
    assert Membership.objects.get(user=nadia).role == "editor"
    assert Invitation.objects.get().accepted_by == nadia
    # Signed in as the new account.
    html = client.get(response.url).content.decode()
    assert "nadia" in html and "you are an editor" in html


def test_a_weak_password_makes_no_account_and_keeps_the_link(client, story):
    token = make_invitation(story, None)
    data = {"username": "nadia", "password1": "123", "password2": "123"}
    response = client.post(invitation_url(token), data)
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="nadia").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_account_is_not_made_when_the_link_went_meanwhile(client, story):
    token = make_invitation(story, None)
    Invitation.objects.update(revoked_at=timezone.now())
    data = {"username": "nadia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(invitation_url(token), data).status_code == 410
    assert not User.objects.filter(username="nadia").exists()


def test_signing_in_comes_back_to_the_invitation(client, story, people):
    token = make_invitation(story, None)
    response = client.post(
        reverse("login"),
        {"username": "otto", "password": PASSWORD, "next": invitation_url(token)},
    )
    assert response.url == invitation_url(token)
    html = client.get(response.url).content.decode()
    assert "Accept as otto" in html
    # Someone else signs out and comes back to the link.
    response = client.post(reverse("logout"), {"next": invitation_url(token)})
    assert response.url == invitation_url(token)
    assert "Make the account and accept" in client.get(response.url).content.decode()


def test_accepting_is_refused_when_another_took_the_link_between_read_and_write(story, people):
    """The guarded UPDATE is what makes a link single-use: here a second accept commits
    between this one reading the invitation and taking it."""
    token = make_invitation(story, None)
    rival, raced = make_user("rival"), []

    def rival_first(execute, sql, params, many, context):
        if sql.startswith('UPDATE "articles_invitation"') and not raced:
            raced.append(sql)
            Invitation.objects.update(accepted_by=rival, accepted_at=timezone.now())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(rival_first), pytest.raises(members.InvitationGone):
        members.accept(token, people["outsider"])
    assert raced
    assert not Membership.objects.filter(user=people["outsider"]).exists()
    # (the rival's write was inside this transaction here, so it is rolled back with it)
    assert Invitation.objects.get().accepted_by is None


def test_the_invitation_page_opens_with_reading_closed(client, story, people):
    token = make_invitation(story, None)
    with override_settings(
        PARALLAX_OPEN_READING=False, MIDDLEWARE=[*settings.MIDDLEWARE, LOGIN_REQUIRED]
    ):
        assert client.get(invitation_url(token)).status_code == 200
        assert client.get(reverse("articles-signup")).status_code == 404  # the "closed" page
        assert client.get(reverse("password_reset")).status_code == 200
        assert client.get(url("articles-members", story)).status_code == 302


# -- changing roles and removing members --------------------------------------------------------


def test_changing_a_role_needs_an_editor(client, story, people):
    pk = Membership.objects.get(user=people["annotator"]).pk
    change = url("articles-member-role", story, pk)
    assert client.post(change, {"role": "editor"}).status_code == 302
    for who in ("outsider", "annotator"):
        assert signed_in(people[who]).post(change, {"role": "editor"}).status_code == 403
    assert Membership.objects.get(pk=pk).role == "annotator"

    response = signed_in(people["editor"]).post(change, {"role": "editor"}, follow=True)
    assert "anna is now an editor" in response.content.decode()
    assert Membership.objects.get(pk=pk).role == "editor"


def test_removing_needs_an_editor(client, story, people):
    pk = Membership.objects.get(user=people["annotator"]).pk
    remove = url("articles-member-remove", story, pk)
    assert client.post(remove).status_code == 302
    for who in ("outsider", "annotator"):
        assert signed_in(people[who]).post(remove).status_code == 403
    assert Membership.objects.filter(pk=pk).exists()

    response = signed_in(people["editor"]).post(remove, follow=True)
    assert "anna is no longer a member" in response.content.decode()
    assert not Membership.objects.filter(pk=pk).exists()
    assert signed_in(people["annotator"]).get(url("articles-members", story)).status_code == 403


def test_the_last_editor_cannot_be_demoted_or_removed(story, people):
    pk = Membership.objects.get(user=people["editor"]).pk
    client = signed_in(people["editor"])
    response = client.post(url("articles-member-role", story, pk), {"role": "annotator"})
    assert response.status_code == 409
    assert "edna is the story&#x27;s only editor" in response.content.decode()
    assert client.post(url("articles-member-remove", story, pk)).status_code == 409
    assert Membership.objects.get(pk=pk).role == "editor"

    # With a second editor, either may step down, and then leaves the Members page.
    make_user("eve", story, Role.EDITOR)
    response = client.post(url("articles-member-remove", story, pk))
    assert response.url == story.get_absolute_url()
    assert not Membership.objects.filter(pk=pk).exists()


def test_a_superuser_may_leave_a_story_without_editors(story, people):
    admin = make_user("root", is_superuser=True, is_staff=True)
    pk = Membership.objects.get(user=people["editor"]).pk
    client = signed_in(admin)
    assert client.get(url("articles-members", story)).status_code == 200
    assert client.post(url("articles-member-remove", story, pk)).status_code == 302
    assert not Membership.objects.filter(story=story, role="editor").exists()
    assert client.get(url("articles-members", story)).status_code == 200


def test_a_member_of_another_story_is_404(story, people):
    other = Story.objects.create(slug="other", title="Other")
    stranger = make_user("sam", other, Role.EDITOR)
    pk = Membership.objects.get(user=stranger).pk
    client = signed_in(people["editor"])
    assert client.post(url("articles-member-remove", story, pk)).status_code == 404
    assert client.post(url("articles-member-role", story, pk), {"role": "x"}).status_code in (
        400,
        404,
    )
    assert Membership.objects.filter(pk=pk).exists()


def test_membership_changes_move_the_story_revision(story, people):
    before = Story.objects.get().revision
    pk = Membership.objects.get(user=people["annotator"]).pk
    signed_in(people["editor"]).post(url("articles-member-role", story, pk), {"role": "editor"})
    assert Story.objects.get().revision > before


def test_every_members_write_checks_csrf(story, people):
    token = make_invitation(story, None)
    pk = Membership.objects.get(user=people["annotator"]).pk
    invitation_pk = Invitation.objects.get().pk
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["editor"])
    posts = [
        (url("articles-invite", story), {"role": "editor", "days": "7"}),
        (url("articles-member-role", story, pk), {"role": "editor"}),
        (url("articles-member-remove", story, pk), {}),
        (url("articles-invitation-revoke", story, invitation_pk), {}),
        (invitation_url(token), {}),
        (reverse("password_change"), {}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 403, address
    anonymous = Client(enforce_csrf_checks=True)
    signup = {"username": "nadia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert anonymous.post(invitation_url(token), signup).status_code == 403
    with override_settings(PARALLAX_OPEN_SIGNUP=True):
        assert anonymous.post(reverse("articles-signup"), signup).status_code == 403
    people["outsider"].email = "otto@ex.org"
    people["outsider"].save()
    assert anonymous.post(reverse("password_reset"), {"email": "otto@ex.org"}).status_code == 403
    assert not mail.outbox
    assert Invitation.objects.count() == 1 and Invitation.objects.get().accepted_at is None
    assert Membership.objects.get(pk=pk).role == "annotator"
    assert not User.objects.filter(username="nadia").exists()


# -- sign-up, password change and reset ----------------------------------------------------------


def test_sign_up_is_closed_by_default(client):
    response = client.get(reverse("articles-signup"))
    assert response.status_code == 404
    assert "Accounts are by invitation" in response.content.decode()
    data = {"username": "nadia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(reverse("articles-signup"), data).status_code == 404
    assert not User.objects.filter(username="nadia").exists()
    assert "Sign up" not in client.get(reverse("login")).content.decode()


@override_settings(PARALLAX_OPEN_SIGNUP=True)
def test_open_sign_up_makes_an_account_with_the_validators(client):
    assert "Sign up" in client.get(reverse("login")).content.decode()
    weak = {"username": "nadia", "password1": "password", "password2": "password"}
    response = client.post(reverse("articles-signup"), weak)
    assert response.status_code == 400 and "too common" in response.content.decode()
    data = {"username": "nadia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data["next"] = "https://evil.example/"
    response = client.post(reverse("articles-signup"), data)
    assert response.url == reverse("articles-stories")
    assert "nadia" in client.get(response.url).content.decode()
    # A new account reads; it has no role anywhere.
    assert not Membership.objects.exists()


def test_a_user_changes_their_password(client, people):
    assert client.get(reverse("password_change")).status_code == 302
    user = people["outsider"]
    client = signed_in(user)
    assert "Password" in client.get(reverse("articles-stories")).content.decode()
    page = client.get(reverse("password_change")).content.decode()
    assert page.count("<h1") == 1 and "admin" not in page.lower().split("<main")[1]
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200 and "incorrect" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Password changed" in response.content.decode()
    assert Client().login(username=user.username, password=NEW_PASSWORD)


def test_password_reset_by_mail(client, people):
    user = people["outsider"]
    user.email = "otto@ex.org"
    user.save()
    assert "Forgot your password?" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "otto@ex.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    (message,) = mail.outbox
    assert message.subject == "Reset your Parallax password"
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body)[1]
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Password set" in response.content.decode()
    assert Client().login(username="otto", password=NEW_PASSWORD)
    # The link works once.
    assert "no longer works" in client.get(link, follow=True).content.decode()


HOST = "parallax.newsroom.example.org"


def test_a_reset_link_on_the_console_can_be_copied_as_it_is(client, people, capsys):
    """With the default console:// the reset link is printed whole on one line. Django's own
    console backend wrote the message as sent: quoted-printable as soon as a line passed 78
    characters, so the link came out cut by an '=' line break, and copied it did not work."""
    user = people["outsider"]
    user.email = "otto@ex.org"
    user.save()
    mailer = email_from_url("EMAIL_URL", "console://")
    with override_settings(MAILERS={"default": mailer}, ALLOWED_HOSTS=[HOST]):
        client.post(reverse("password_reset"), {"email": "otto@ex.org"}, HTTP_HOST=HOST)
        printed = capsys.readouterr().out
        assert not members.email_configured()  # nothing delivered: invitations only shown
    assert "Subject: Reset your Parallax password" in printed and "To: otto@ex.org" in printed
    link = re.search(rf"http://{HOST}(/accounts/reset/\S+)", printed)[1]
    assert link.endswith("/") and "=" not in link
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()


def test_email_url_is_read_into_a_mailer():
    assert email_from_url("EMAIL_URL", "console://") == {"BACKEND": "articles.mail.ConsoleBackend"}
    smtp = email_from_url("EMAIL_URL", "smtp://me%40ex.org:p%2Fss@mail.ex.org:2525")
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    options = smtp["OPTIONS"]
    assert (options["host"], options["port"]) == ("mail.ex.org", 2525)
    assert (options["username"], options["password"]) == ("me@ex.org", "p/ss")
    assert not options["use_tls"] and not options["use_ssl"]
    tls = email_from_url("EMAIL_URL", "smtp+tls://mail.ex.org")["OPTIONS"]
    assert tls["port"] == 587 and tls["use_tls"]
    assert email_from_url("EMAIL_URL", "smtps://mail.ex.org")["OPTIONS"]["use_ssl"]
    with pytest.raises(ImproperlyConfigured, match="scheme 'imap'") as error:
        email_from_url("EMAIL_URL", "imap://u:secret@mail.ex.org")
    assert "secret" not in str(error.value)


def test_the_console_backend_is_the_default():
    src = (settings.BASE_DIR / "config" / "settings.py").read_text()
    assert 'env_str("EMAIL_URL", "console://")' in src


# -- the admin ------------------------------------------------------------------------------------


def test_the_admin_lists_invitations_and_cannot_add_them(story):
    make_invitation(story, None)
    admin = make_user("root", is_superuser=True, is_staff=True)
    client = signed_in(admin)
    html = client.get(reverse("admin:articles_invitation_changelist")).content.decode()
    assert "The aid convoy" in html and "pending" in html
    assert client.get(reverse("admin:articles_invitation_add")).status_code == 403


# -- two people accepting one link at once (PostgreSQL: a second connection that waits) --------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs connections that wait")
def test_of_two_accepting_one_link_at_once_one_wins():
    import threading

    story = Story.objects.create(slug="race", title="Race")
    token = make_invitation(story, None, Role.EDITOR)
    first, second = make_user("first"), make_user("second")
    taken, go, results = threading.Event(), threading.Event(), {}

    def hold_after_taking(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('UPDATE "articles_invitation"') and not taken.is_set():
            taken.set()
            go.wait(20)  # still inside the transaction: nothing committed yet
        return result

    def run(user, wrapper=None):
        try:
            if wrapper:
                with connection.execute_wrapper(wrapper):
                    results[user.username] = members.accept(token, user)
            else:
                results[user.username] = members.accept(token, user)
        except members.InvitationGone as gone:
            results[user.username] = gone
        finally:
            connection.close()

    a = threading.Thread(target=run, args=(first, hold_after_taking))
    a.start()
    assert taken.wait(20)
    # The second reads the invitation as still open (the first has not committed) and then
    # queues behind the first.
    b = threading.Thread(target=run, args=(second,))
    b.start()
    with connection.cursor() as cursor:
        for _ in range(2000):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail("the second accept never waited for the first")
    go.set()
    a.join(20)
    b.join(20)
    assert isinstance(results["first"], Membership)
    assert isinstance(results["second"], members.InvitationGone)
    assert "already been used" in str(results["second"])
    assert list(Membership.objects.values_list("user__username", "role")) == [("first", "editor")]
    assert Invitation.objects.get().accepted_by == first


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs connections that wait")
def test_two_editors_demoting_each_other_at_once_leave_one_editor():
    import threading

    story = Story.objects.create(slug="race", title="Race")
    ada, bea = make_user("ada", story, Role.EDITOR), make_user("bea", story, Role.EDITOR)
    ada_pk, bea_pk = (Membership.objects.get(user=u).pk for u in (ada, bea))
    counted, go, results = threading.Event(), threading.Event(), {}

    def hold_after_counting(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "articles_membership" in sql and "LIMIT 1" in sql and not counted.is_set():
            counted.set()  # ada found another editor (bea) and is about to demote her
            go.wait(20)
        return result

    def run(name, pk, by, wrapper=None):
        try:
            if wrapper:
                with connection.execute_wrapper(wrapper):
                    results[name] = members.change_role(story, pk, Role.ANNOTATOR, by)
            else:
                results[name] = members.change_role(story, pk, Role.ANNOTATOR, by)
        except members.LastEditor as refused:
            results[name] = refused
        finally:
            connection.close()

    a = threading.Thread(target=run, args=("ada", bea_pk, ada, hold_after_counting))
    a.start()
    assert counted.wait(20)
    b = threading.Thread(target=run, args=("bea", ada_pk, bea))
    b.start()
    with connection.cursor() as cursor:
        for _ in range(2000):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail("the second demotion never waited for the first")
    go.set()
    a.join(20)
    b.join(20)
    assert isinstance(results["ada"], Membership)
    assert isinstance(results["bea"], members.LastEditor)
    assert list(
        story.memberships.filter(role=Role.EDITOR).values_list("user__username", flat=True)
    ) == ["ada"]
