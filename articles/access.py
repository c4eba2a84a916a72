"""Who may do what to a story: every view gets its story through `get_story`, so that every
view checks rights the same way."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from articles.models import Membership, Role, Story

READ, ANNOTATE, EDIT = "read", "annotate", "edit"
ROLES_FOR = {ANNOTATE: {Role.ANNOTATOR, Role.EDITOR}, EDIT: {Role.EDITOR}}


def can(user, story: Story, need: str) -> bool:
    """Reading is open to all unless PARALLAX_OPEN_READING is off, then to every signed-in
    user; annotating and editing need the role in the story (superusers have every role)."""
    if need == READ and settings.PARALLAX_OPEN_READING:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if need == READ:
        return True
    if user.is_superuser:
        return True
    return Membership.objects.filter(story=story, user=user, role__in=ROLES_FOR[need]).exists()


def get_story(request, slug: str, need: str = READ) -> Story:
    """The story, or 404 when there is none and 403 when the user may not do `need` to it.
    Anonymous users are sent to sign in before they get here: views that write are behind
    login_required, and with reading closed (PARALLAX_OPEN_READING off) every page is."""
    story = get_object_or_404(Story, slug=slug)
    if not can(request.user, story, need):
        raise PermissionDenied(f"You may not {need} this story.")
    return story
