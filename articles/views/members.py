"""A story's members page (members see it, editors act on it), invitations by one-time link
and accepting them, and sign-up when the site allows it."""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import members
from articles.access import EDIT, MEMBER, can, get_story
from articles.forms import InviteForm, RoleForm, SignupForm
from articles.views.answers import invalid_status

log = logging.getLogger(__name__)


@login_required
@require_GET
def members_page(request, slug):
    story = get_story(request, slug, need=MEMBER)
    return _page(request, story)


@never_cache
@login_required
@require_POST
def invite(request, slug):
    """A new invitation; its link is in this answer only (the token is not kept)."""
    story = get_story(request, slug, need=EDIT)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, story, form=form, status=invalid_status(request))
    data = form.cleaned_data
    email = data["email"] if members.email_configured() else ""
    invitation, token = members.invite(story, data["role"], request.user, data["days"], email)
    link = request.build_absolute_uri(reverse("articles-invitation", args=[token]))
    mail_error = ""
    if email:
        try:
            members.mail_invitation(invitation, link)
        except (smtplib.SMTPException, OSError) as error:
            log.warning("invitation mail to %s failed: %s", email, error)
            mail_error = str(error) or error.__class__.__name__
            invitation.email = ""
            invitation.save(update_fields=["email"])
    new = {"invitation": invitation, "link": link, "mail_error": mail_error, "asked": data["email"]}
    return _page(request, story, new=new)


@login_required
@require_POST
def revoke(request, slug, pk):
    story = get_story(request, slug, need=EDIT)
    if members.revoke(story, pk):
        messages.success(request, "The invitation was revoked: its link no longer works.")
    else:
        messages.error(request, "That invitation was already used or revoked.")
    return redirect("articles-members", story.slug)


@login_required
@require_POST
def change_role(request, slug, pk):
    story = get_story(request, slug, need=EDIT)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _page(request, story, status=invalid_status(request), error="Choose a role.")
    try:
        membership = members.change_role(story, pk, form.cleaned_data["role"], request.user)
    except members.LastEditor as refused:
        return _page(request, story, status=409, error=_last_editor(refused))
    name = membership.user.get_username()
    messages.success(request, f"{name} is now an {membership.role}.")
    return redirect("articles-members", story.slug)


@login_required
@require_POST
def remove(request, slug, pk):
    story = get_story(request, slug, need=EDIT)
    try:
        membership = members.remove(story, pk, request.user)
    except members.LastEditor as refused:
        return _page(request, story, status=409, error=_last_editor(refused))
    messages.success(request, f"{membership.user.get_username()} is no longer a member.")
    if not can(request.user, story, MEMBER):  # removed themselves
        return redirect(story)
    return redirect("articles-members", story.slug)


def _last_editor(refused) -> str:
    return f"{refused} Make someone else an editor first: a story needs one."


def _page(request, story, form=None, new=None, status=200, error=""):
    context = {
        "story": story,
        "members": members.members(story),
        "can_edit": can(request.user, story, EDIT),
        "invitations": members.pending(story),
        "form": form or InviteForm(),
        "roles": RoleForm.base_fields["role"].choices,
        "new": new,
        "error": error,
        "email_configured": members.email_configured(),
    }
    template = "articles/members.html#panel" if request.htmx else "articles/members.html"
    return render(request, template, context, status=status)


# -- accepting an invitation ------------------------------------------------------------------


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """What the link opens: the story and role, and for a signed-in user a button to accept;
    for anyone else a form to make an account there (whether or not sign-up is open) or a
    way to sign in and come back."""
    try:
        found = members.find(token)
    except members.InvitationGone as gone:
        return render(request, "articles/invitation.html", {"gone": str(gone)}, status=410)
    if request.method == "POST" and request.user.is_authenticated:
        return _accept(request, token, request.user)
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        return _accept(request, token, None, form)
    context = {"invitation": found, "story": found.story, "form": form, "membership": None}
    if request.user.is_authenticated:
        context["membership"] = found.story.memberships.filter(user=request.user).first()
    if form.is_bound:  # with its errors: the page, or for htmx the form alone
        template = "articles/invitation.html" + ("#form" if request.htmx else "")
        return render(request, template, context, status=invalid_status(request))
    return render(request, "articles/invitation.html", context)


def _accept(request, token, user, form=None):
    try:
        with transaction.atomic():
            user = user or form.save()
            membership = members.accept(token, user)
    except members.InvitationGone as gone:
        return render(request, "articles/invitation.html", {"gone": str(gone)}, status=410)
    if not request.user.is_authenticated:
        login(request, user)
    story = membership.story
    messages.success(request, f"Welcome: you are an {membership.role} of “{story.title}”.")
    return redirect(story)


# -- sign-up ------------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    """Open only with PARALLAX_OPEN_SIGNUP; otherwise a page saying accounts come by
    invitation (404: there is no sign-up here)."""
    if not settings.PARALLAX_OPEN_SIGNUP:
        return render(request, "registration/signup_closed.html", status=404)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        login(request, form.save())
        return redirect(next_url or "articles-stories")
    context = {"form": form, "next": next_url}
    if form.is_bound:
        template = "registration/signup.html" + ("#form" if request.htmx else "")
        return render(request, template, context, status=invalid_status(request))
    return render(request, "registration/signup.html", context)
