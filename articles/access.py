"""Who may do what to a story: every view gets its story through `get_story`, so that every
view checks rights the same way."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from articles.models import Membership, Role, Story

READ, ANNOTATE, EDIT = "read", "annotate", "edit"
ROLES_FOR = {ANNOTATE: {Role.ANNOTATOR, Role.EDITOR}, EDIT: {Role.EDITOR}}


def can(user, story: Story, need: str) -> bool:
    if need == READ:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(story=story, user=user, role__in=ROLES_FOR[need]).exists()


def get_story(request, slug: str, need: str = READ) -> Story:
    """The story, or 404 when there is none and 403 when the user may not do `need` to it.
    Views that write are also behind login_required, so anonymous users are sent to sign in."""
    story = get_object_or_404(Story, slug=slug)
    if not can(request.user, story, need):
        raise PermissionDenied(f"You may not {need} this story.")
    return story
