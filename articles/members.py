"""A story's members: invitations by one-time link, accepting one, changing a role, removing
a member. Every write here first queues on the story's row (`StoryQuerySet.lock`), so that
two of them at once (two editors demoting each other, two people accepting one link) are
decided one after the other, and moves the story's revision: a member sees pages (names,
blind review) that others do not."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from articles.models import Invitation, Membership, Role, Story

RANK = {Role.ANNOTATOR: 1, Role.EDITOR: 2}
# Backends that deliver nothing: with them an invitation is not "mailed", only shown.
UNDELIVERED = {
    "articles.mail.ConsoleBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


class InvitationGone(Exception):
    """The link was used, revoked, has expired, or never existed; `str()` says which."""


class LastEditor(Exception):
    """Removing or demoting this member would leave the story without an editor."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending(story: Story):
    """The story's invitations that can still be accepted, newest first."""
    return story.invitations.pending().select_related("created_by")


def invite(story: Story, role: str, by, days: int, email: str = "") -> tuple[Invitation, str]:
    """A new invitation and its token. Only the token's sha256 is stored: the caller shows
    the token once (as a link) and it cannot be recovered afterwards."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        story=story,
        role=role,
        token_hash=token_hash(token),
        email=email,
        created_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return invitation, token


def email_configured() -> bool:
    return settings.MAILERS["default"].get("BACKEND") not in UNDELIVERED


def mail_invitation(invitation: Invitation, link: str) -> None:
    """Send the link to the invitation's address (raises what the mail backend raises)."""
    story, by = invitation.story, invitation.created_by
    inviter = by.get_username() if by else "An editor"
    send_mail(
        f"Invitation to “{story.title}” on Parallax",
        f"{inviter} invites you to work on “{story.title}” as "
        f"{invitation.get_role_display().lower()}.\n\n"
        f"Open this link to accept (it works once, until "
        f"{invitation.expires_at:%d %b %Y %H:%M} UTC):\n{link}\n",
        None,
        [invitation.email],
    )


def revoke(story: Story, pk: int) -> bool:
    """Revoke a pending invitation of the story; False when there was none to revoke."""
    return bool(story.invitations.open().filter(pk=pk).update(revoked_at=timezone.now()))


def find(token: str) -> Invitation:
    """The invitation behind a link, if it can still be accepted."""
    invitation = (
        Invitation.objects.select_related("story", "created_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationGone("This invitation link is not valid. Check that it was copied whole.")
    if invitation.accepted_at is not None:
        raise InvitationGone("This invitation link has already been used.")
    if invitation.revoked_at is not None:
        raise InvitationGone("This invitation was revoked by an editor of the story.")
    if invitation.expires_at <= timezone.now():
        raise InvitationGone("This invitation link has expired.")
    return invitation


@transaction.atomic
def accept(token: str, user) -> Membership:
    """Make the user a member of the invitation's story with its role (a member already is
    raised to it, never lowered), and use up the invitation. Of two accepting at once, one
    wins: the invitation is taken by one conditional UPDATE, which the second finds done."""
    invitation = find(token)
    Story.objects.filter(pk=invitation.story_id).lock()
    taken = (
        Invitation.objects.pending()
        .filter(pk=invitation.pk)
        .update(accepted_by=user, accepted_at=timezone.now())
    )
    if not taken:
        find(token)  # says why
        raise InvitationGone("This invitation link has already been used.")
    membership, created = Membership.objects.get_or_create(
        story_id=invitation.story_id, user=user, defaults={"role": invitation.role}
    )
    if not created and RANK[invitation.role] > RANK[membership.role]:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    Story.objects.filter(pk=invitation.story_id).touch()
    return membership


def _leaves_no_editor(story: Story, membership: Membership, by) -> bool:
    """Only a superuser may leave a story with no editor: superusers can always manage it."""
    if by.is_superuser or membership.role != Role.EDITOR:
        return False
    return not story.memberships.filter(role=Role.EDITOR).exclude(pk=membership.pk).exists()


@transaction.atomic
def change_role(story: Story, pk: int, role: str, by) -> Membership:
    Story.objects.filter(pk=story.pk).lock()
    membership = get_object_or_404(story.memberships.select_related("user"), pk=pk)
    if role != Role.EDITOR and _leaves_no_editor(story, membership, by):
        raise LastEditor(f"{membership.user.get_username()} is the story's only editor.")
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
        Story.objects.filter(pk=story.pk).touch()
    return membership


@transaction.atomic
def remove(story: Story, pk: int, by) -> Membership:
    Story.objects.filter(pk=story.pk).lock()
    membership = get_object_or_404(story.memberships.select_related("user"), pk=pk)
    if _leaves_no_editor(story, membership, by):
        raise LastEditor(f"{membership.user.get_username()} is the story's only editor.")
    membership.delete()
    Story.objects.filter(pk=story.pk).touch()
    return membership


def members(story: Story):
    """Editors first ("editor" sorts after "annotator"), then by name."""
    return story.memberships.select_related("user").order_by("-role", "user__username")
