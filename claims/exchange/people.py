"""Who an export (and the agreement page) names, and whose notes it carries.

Story data is as open as reading the story, but the people who labelled it are not: members
of the story (any role), staff and superusers see usernames and notes; everyone else sees
pseudonyms (`annotator-1`, `annotator-2`, ...) and no notes. The command line (`export_story`)
is run by whoever has the server and names everyone unless asked for the public form.

A story's pseudonyms are numbered by first appearance in its JSON document (the links table:
who decided, then who adjudicated, link by link; then the annotations table), so that the
same person is the same `annotator-N` in every table and format of one export.
"""

from articles.models import Membership, Story
from claims.models import Annotation, Link

PREFIX = "annotator-"


def sees_people(user, story: Story) -> bool:
    """Whether `user` may see who labelled `story` and their notes."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(story=story, user=user).exists()


class People:
    """How one export (or page) names people: `named` by username with their notes, or by
    pseudonyms without notes."""

    def __init__(self, named: bool, order: list[int] | None = None):
        self.named = named
        self._pseudonyms: dict[int, str] = {}
        for pk in order or []:
            self._number(pk)

    @classmethod
    def everyone(cls) -> "People":
        return cls(named=True)

    @classmethod
    def anonymous(cls, story: Story) -> "People":
        return cls(named=False, order=_first_appearances(story))

    @classmethod
    def for_viewer(cls, user, story: Story) -> "People":
        return cls.everyone() if sees_people(user, story) else cls.anonymous(story)

    def _number(self, pk: int) -> str:
        if pk not in self._pseudonyms:
            self._pseudonyms[pk] = f"{PREFIX}{len(self._pseudonyms) + 1}"
        return self._pseudonyms[pk]

    def name_of(self, pk: int | None, username: str | None) -> str | None:
        """The name to show for the user `pk` (None for nobody, e.g. a deleted account)."""
        if pk is None:
            return None
        return username if self.named else self._number(pk)

    def name(self, user) -> str | None:
        return self.name_of(user.pk, user.get_username()) if user is not None else None

    def note(self, text: str | None) -> str | None:
        """The note as given, or "" where notes are withheld (None stays None: no note)."""
        if text is None or self.named:
            return text
        return ""

    @staticmethod
    def sort_key(name: str):
        """Names in order, `annotator-2` before `annotator-10`."""
        number = name[len(PREFIX) :] if name.startswith(PREFIX) else ""
        return (0, int(number), "") if number.isdigit() else (1, 0, name)


def _first_appearances(story: Story) -> list[int]:
    """User ids in the order they first appear in the story's JSON document."""
    seen: dict[int, None] = {}
    links = (
        Link.objects.filter(story=story)
        .order_by("claim_a_id", "claim_b_id")
        .values_list("decided_by_id", "adjudication__editor_id")
    )
    for decided_by, adjudicated_by in links:
        for pk in (decided_by, adjudicated_by):
            if pk is not None:
                seen.setdefault(pk, None)
    annotations = (
        Annotation.objects.filter(link__story=story)
        .order_by("link__claim_a_id", "link__claim_b_id", "annotator__username")
        .values_list("annotator_id", flat=True)
    )
    for pk in annotations:
        seen.setdefault(pk, None)
    return list(seen)
