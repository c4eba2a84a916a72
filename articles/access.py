"""Who may do what to a story: every view gets its story through `get_story`, so that every
view checks rights the same way."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from articles.models import Membership, Role, Story

READ, MEMBER, ANNOTATE, EDIT = "read", "member", "annotate", "edit"
ROLES_FOR = {
    MEMBER: {Role.ANNOTATOR, Role.EDITOR},
    ANNOTATE: {Role.ANNOTATOR, Role.EDITOR},
    EDIT: {Role.EDITOR},
}


DOING = {READ: "read", MEMBER: "see the members of", ANNOTATE: "annotate", EDIT: "edit"}


def can(user, story: Story, need: str) -> bool:
    """Reading is open to all unless PARALLAX_OPEN_READING is off, then to every signed-in
    user; being a member (seeing who the others are), annotating and editing need the role in
    the story (superusers have every role)."""
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
        # The words the 403 page shows (templates/403.html).
        raise PermissionDenied(f"You may not {DOING[need]} this story.")
    return story


class Sight:
    """What one user may see in one story of other people's labels and of a link's decision
    (its status, who decided it, the adjudication). When the story is not blind
    (`Story.is_blind`), everyone sees everything as before. When it is, editors still see
    everything (they decide, in the curation step); an annotator sees a link's once they
    have labelled it; everyone else (readers who are not members, signed out or not) sees
    none: an annotator could otherwise read them signed out."""

    def __init__(self, user, story: Story):
        self.user, self.story = user, story
        self.blind = story.is_blind()
        self.everything = not self.blind or can(user, story, EDIT)

    def link(self, link, labelled: bool | None = None) -> bool:
        """May the user see others' labels and the decision on this link? `labelled`: whether
        they have labelled it, when the caller knows (else one query)."""
        if self.everything:
            return True
        return bool(self.labelled([link.pk]) if labelled is None else labelled)

    def labelled(self, link_ids) -> set[int]:
        """Of these links (ids, or a query of links), the ones the user has labelled (one
        query; none when not signed in). In blind review, those are the ones whose labels and
        decision they may see."""
        if not self.user.is_authenticated:
            return set()
        # "Skip / unsure" (claims.models.Label.UNSURE) is no label here: skipping a link must
        # not show an annotator what the others said before they judge it themselves.
        annotations = self.story.links.model._meta.get_field("annotations").related_model
        theirs = annotations.objects.filter(link=OuterRef("pk"), annotator=self.user)
        links = self.story.links.filter(pk__in=link_ids).filter(
            Exists(theirs.exclude(label="unsure"))
        )
        return set(links.values_list("pk", flat=True))

    def links(self, link_ids) -> set[int]:
        """Of these links, the ones whose labels and decision the user may see."""
        link_ids = list(link_ids)
        return set(link_ids) if self.everything else self.labelled(link_ids)


def can_edit_outlet(user, outlet) -> bool:
    """An outlet is shared by every story with an article of it: changing its details or
    merging it needs the editor's role in each of those stories (superusers may always). The
    Unknown outlet stands for 'the text names none' and is changed by no one."""
    if not user.is_authenticated or not user.is_active or outlet.is_unknown:
        return False
    if user.is_superuser:
        return True
    stories = set(Story.objects.filter(articles__outlet=outlet).values_list("pk", flat=True))
    edited = Membership.objects.filter(user=user, role=Role.EDITOR, story__in=stories)
    return bool(stories) and stories <= set(edited.values_list("story_id", flat=True))
